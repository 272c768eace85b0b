//! A paused import's roadblock panel: the cause in a sentence, every limit on a chart, the review
//! of who the resume leaves out with its numbers, and Resume / Cancel with a confirmation that
//! repeats them.

use super::import_limits::ImportLimits;
use super::leave_out::{LeaveOut, LeaveOutReview, ResumeNumbers, read_plan};
use super::resume_plan::{REVIEW_MAX_CHANGES, ReviewPlan};
use super::words::{cause_sentence, consequence, queued_words};
use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::roadblock_watch::RoadblockWatch;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{ImportView, Resolution, ResumeRequest};
use std::sync::Arc;

/// What a click on "Yes" does: resume (the whole plan, or part of it), or cancel.
#[derive(Clone, Debug, PartialEq)]
enum Resolve {
    Resume(Option<ResumeRequest>),
    Cancel,
}

#[component]
pub fn RoadblockPanel(
    import: ImportView,
    notice: RwSignal<Option<ApiError>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let watch = RoadblockWatch::expect();
    let can = can_change();
    let roadblock = import.roadblock.clone();
    let impact = import.impact.clone();
    let c = import.counts;
    let planned = c.created + c.updated + c.assigned + c.unassigned + c.deactivated + c.reactivated;
    let import_id = StoredValue::new(import.id.clone());
    let import = StoredValue::new(import);
    let confirming = RwSignal::new(None::<Resolution>);
    let failure = RwSignal::new(None::<ApiError>);
    let choice = LeaveOut::new();

    // `None` while the plan is read; a plan too large to read is never asked for.
    let plan = RwSignal::new(None::<Result<Arc<ReviewPlan>, ApiError>>);
    if planned <= REVIEW_MAX_CHANGES {
        let id = import_id.get_value();
        leptos::task::spawn_local(async move {
            // The panel may be gone by the time the plan arrives (a resume elsewhere, say).
            let _ = plan.try_set(Some(read_plan(id).await.map(Arc::new)));
        });
    }
    let summary = Memo::new(move |_| {
        plan.with(|p| match p {
            Some(Ok(p)) => Some(
                choice
                    .excluded
                    .with(|e| p.summary(e, choice.skip_deactivations.get())),
            ),
            _ => None,
        })
    });
    let partial = move || summary.get().and_then(Result::ok).filter(|s| !s.is_whole());
    let button = move || {
        summary
            .get()
            .and_then(Result::ok)
            .map_or_else(|| "Resume All Imports".to_owned(), |s| s.button())
    };

    let resolve = Action::new_local(move |what: &Resolve| {
        let what = what.clone();
        let id = import_id.get_value();
        async move {
            match what {
                Resolve::Resume(None) => api::resume(&id).await,
                Resolve::Resume(Some(part)) => api::resume_part(&id, &part).await,
                Resolve::Cancel => api::cancel(&id).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = resolve.value().get() {
            confirming.set(None);
            watch.refresh();
            match result {
                Ok(_) => reload(),
                Err(e) if e.is_conflict() => {
                    notice.set(Some(e));
                    reload();
                }
                // A 422 (a user the plan does not change) resumed nothing: its message shows,
                // and the ticks stay as they were.
                Err(e) => failure.set(Some(e)),
            }
        }
    });
    let queued = move || watch.active().and_then(|s| s.queued).unwrap_or(0);
    view! {
        <section class="roadblock-panel" data-testid="roadblock-panel">
            <h2>"Paused by an import safeguard"</h2>
            {roadblock.map(|r| view! {
                <p class="cause" data-testid="roadblock-cause">{cause_sentence(&r.cause)}"."</p>
                <p class="muted" data-testid="exceeded">{format!("Limits exceeded: {}.", format::count(r.exceeded.len() as u64))}</p>
            })}
            <ImportLimits impact />
            <p><a href="/safeguards" data-testid="increase-limit">"Increase the app assignment removal limit"</a></p>
            {move || match plan.get() {
                None if planned > REVIEW_MAX_CHANGES => view! {
                    <p class="muted" data-testid="leave-out-too-large">{format!("This plan has {} changes, more than the {} the console reviews user by user: only a resume of the whole plan is offered here.", format::count(planned), format::count(REVIEW_MAX_CHANGES))}</p>
                }.into_any(),
                None => view! { <Loading /> }.into_any(),
                Some(Ok(p)) => view! { <LeaveOutReview plan=p choice /> }.into_any(),
                Some(Err(error)) => view! { <ProblemView error /> }.into_any(),
            }}
            <ResumeNumbers summary />
            {move || failure.get().map(|e| view! { <div data-testid="resolve-failure"><ProblemView error=e /></div> })}
            <div class="actions">
                <button class="primary" data-testid="resume"
                    disabled=move || !can.get()
                    title=move || (!can.get()).then_some(reasons::RESUME)
                    aria-describedby=move || (!can.get()).then_some("resolve-read-only")
                    on:click=move |_| confirming.set(Some(Resolution::Resume))>{button}</button>
                <button class="danger" data-testid="cancel"
                    disabled=move || !can.get()
                    title=move || (!can.get()).then_some(reasons::RESUME)
                    aria-describedby=move || (!can.get()).then_some("resolve-read-only")
                    on:click=move |_| confirming.set(Some(Resolution::Cancel))>"Cancel the Affected Import and Resume Other Imports"</button>
            </div>
            <ReadOnlyNote id="resolve-read-only" reason=reasons::RESUME />
            {move || confirming.get().filter(|_| can.get()).map(|action| {
                let (text, label) = match (action, partial()) {
                    (Resolution::Resume, Some(s)) => (
                        format!("{}. {}", s.sentence(), queued_words(queued())),
                        format!("Yes, {}", s.button().to_lowercase()),
                    ),
                    (Resolution::Resume, None) => (import.with_value(|i| consequence(i, action, queued())), "Yes, resume all imports".to_owned()),
                    (Resolution::Cancel, _) => (import.with_value(|i| consequence(i, action, queued())), "Yes, cancel this import".to_owned()),
                };
                view! {
                    <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="confirm-text" data-testid="confirm">
                        <p id="confirm-text">{text}</p>
                        <button class="primary" data-testid="confirm-yes" disabled=move || resolve.pending().get()
                            on:click=move |_| {
                                failure.set(None);
                                let what = match action {
                                    Resolution::Resume => Resolve::Resume(choice.request()),
                                    Resolution::Cancel => Resolve::Cancel,
                                };
                                resolve.dispatch(what);
                            }>{label}</button>
                        <button on:click=move |_| confirming.set(None)>"Go back"</button>
                    </div>
                }
            })}
        </section>
    }
}
