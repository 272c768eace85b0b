//! One import: its counts, the limits its impact meets on a chart, and for a paused import the
//! roadblock panel: the cause in a sentence, the review of who a resume leaves out with its
//! numbers, and Resume / Cancel. Then the plan's changes, by user.

mod change_list;
mod import_limits;
mod leave_out;
mod resume_plan;
mod roadblock_panel;
mod source_warnings;
mod words;

pub use source_warnings::SourceWarnings;
pub use words::{cause_sentence, cause_words, change_words, source_words, trigger_words};

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::status_badge::StatusBadge;
use crate::format;
use crate::loading::Loading;
use change_list::AffectedUsers;
use import_limits::ImportLimits;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use roadblock_panel::RoadblockPanel;
use safeguard_rules::api::{ImportStatus, ImportView, Resolution};

/// How many changes a page of the change list shows, and how many users a page of the review.
const CHANGES_PAGE: u32 = 100;

#[component]
pub fn ImportDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let import = LocalResource::new(move || {
        let id = id();
        async move { api::import(&id).await }
    });
    // Outlives the roadblock panel: after a conflict the page refreshes, the import is no longer
    // paused and the panel goes, but the administrator must still read why their click did nothing.
    let notice = RwSignal::new(None::<ApiError>);
    view! {
        {move || notice.get().map(|error| view! {
            <div data-testid="resolve-conflict">
                <p class="problem" role="alert">"Someone else resolved this import first; nothing was done twice. The page now shows where it is."</p>
                <ProblemView error />
            </div>
        })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match import.await {
                    Ok(view) => view! { <ImportPanel import=view notice reload=move || import.refetch() /> }.into_any(),
                    Err(error) => view! { <h1>"Import"</h1><ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportPanel(
    import: ImportView,
    notice: RwSignal<Option<ApiError>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let c = import.counts;
    let counts = [
        ("Scanned", c.scanned),
        ("Created", c.created),
        ("Updated", c.updated),
        ("Unchanged", c.unchanged),
        ("Assigned", c.assigned),
        ("Unassigned", c.unassigned),
        ("Deactivated", c.deactivated),
        ("Reactivated", c.reactivated),
    ];
    let paused = import.status == ImportStatus::Paused;
    // A queued import has no plan yet; a failed one never had one.
    let has_plan = !matches!(import.status, ImportStatus::Queued | ImportStatus::Failed);
    // Who loses access is what a review is about; otherwise every change.
    let first_kind = if c.unassigned > 0 {
        "unassign"
    } else if c.deactivated > 0 {
        "deactivate"
    } else {
        ""
    };
    view! {
        <h1>{format!("{} import", import.app_name)} " " <StatusBadge status=import.status /></h1>
        <p class="muted">{format!("Created {}", format::timestamp(&import.created_at))}
            {import.finished_at.clone().map(|f| format!(" · finished {}", format::timestamp(&f)))}</p>
        <p class="muted" data-testid="import-origin">{format!("Started by: {} · Source: {}", trigger_words(import.trigger), source_words(import.source))}</p>
        {import.error.clone().map(|e| view! { <p class="problem" role="alert" data-testid="import-error">{e}</p> })}
        <SourceWarnings warnings=import.warnings.clone() />
        {import.resolved_by.clone().map(|r| view! {
            <p class="resolved" data-testid="resolved-by">{format!("{} by {} at {}",
                if r.action == Resolution::Resume { "Resumed" } else { "Cancelled" }, r.by, format::timestamp(&r.at))}</p>
        })}
        <dl class="counts" data-testid="import-counts">
            {counts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{format::count(v)}</dd></div> }).collect_view()}
        </dl>
        // A paused import's panel draws the chart beside its cause; any other import draws it here.
        {if paused {
            view! { <RoadblockPanel import=import.clone() notice reload /> }.into_any()
        } else {
            view! { <ImportLimits impact=import.impact.clone() /> }.into_any()
        }}
        {has_plan.then(|| view! { <AffectedUsers import_id=import.id.clone() first_kind /> })}
    }
}
