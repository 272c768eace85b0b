//! One import: its counts, and for a paused import the roadblock panel: the cause in a sentence,
//! every exceeded limit with bars, the named affected users, and Resume / Cancel.

use crate::api::{self, ApiError};
use crate::components::limit_bar::LimitBar;
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::components::status_badge::StatusBadge;
use crate::format;
use crate::loading::Loading;
use crate::roadblock_watch::RoadblockWatch;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use safeguard_rules::api::{
    ChangeRow, ImportStatus, ImportTrigger, ImportView, ImportWarnings, Resolution, SourceKind,
};
use safeguard_rules::evaluator::{LimitCheck, Scope};
use safeguard_rules::plan::{Cause, ChangeKind};

const CHANGES_PAGE: u32 = 100;

/// "App-level safeguard: 312 of 1,204 Workday users (25.9 %) would be unassigned; the limit at
/// 20 % is 240".
pub fn cause_sentence(check: &LimitCheck) -> String {
    let share = format::share(check.unassignments, check.population);
    // "at 20 %", "at a count of 50", "at 20 % or 50, whichever is smaller".
    let rule = match (check.percent, check.count) {
        (Some(p), None) => format!("{p} %"),
        _ => check.rule_text(),
    };
    match check.scope {
        Scope::App => format!(
            "App-level safeguard: {} of {} {} users ({share}) would be unassigned; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            check.app_name.as_deref().unwrap_or("app"),
            format::count(check.limit)
        ),
        Scope::Org => format!(
            "Org-level safeguard: {} of the org's {} app assignments ({share}) would be unassigned; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            format::count(check.limit)
        ),
        Scope::Deactivations => format!(
            "Deactivation budget: {} of the org's {} active users ({share}) would be deactivated; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            format::count(check.limit)
        ),
    }
}

/// What a confirmation says will happen, exactly.
pub fn consequence(import: &ImportView, action: Resolution, queued: u64) -> String {
    let then = match queued {
        0 => "No queued import is waiting.".to_owned(),
        1 => "Then 1 queued import will run.".to_owned(),
        n => format!("Then {n} queued imports will run, oldest first."),
    };
    match action {
        Resolution::Resume => format!(
            "{} users will be unassigned and {} deactivated, as planned. {then}",
            format::count(import.counts.unassigned),
            format::count(import.counts.deactivated)
        ),
        Resolution::Cancel => format!(
            "The {} import ends as cancelled; nothing of it is applied. {then}",
            import.app_name
        ),
    }
}

/// Who started an import, as "Started by: ..." ends.
pub fn trigger_words(trigger: ImportTrigger) -> &'static str {
    match trigger {
        ImportTrigger::Manual => "an administrator",
        ImportTrigger::Schedule => "schedule",
        ImportTrigger::Api => "the API",
    }
}

/// Where an import's users came from.
pub fn source_words(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Upload => "upload",
        SourceKind::Ldap => "LDAP directory",
        SourceKind::Scim => "SCIM service",
        SourceKind::CsvFile => "CSV file on the server",
    }
}

/// A change of a plan, in words. An `update` naming an app changed that app's app user (its
/// external ID or app profile); one without changed the user's profile.
pub fn change_words(row: &ChangeRow) -> &'static str {
    match row.kind {
        ChangeKind::Create => "Created",
        ChangeKind::Update if row.app_id.is_some() || row.app_name.is_some() => "App user updated",
        ChangeKind::Update => "Profile updated",
        ChangeKind::Assign => "Assigned",
        ChangeKind::Unassign => "Unassigned",
        ChangeKind::Deactivate => "Deactivated",
        ChangeKind::Reactivate => "Reactivated",
        ChangeKind::Skip => "Skipped: user deactivated",
    }
}

/// Why a change is in the plan, in words.
pub fn cause_words(cause: Cause) -> &'static str {
    match cause {
        Cause::RemovedFromSource => "removed from the source",
        Cause::Deactivated => "user deactivated by this import",
        Cause::GroupRule => "group rule (not counted by the safeguards)",
        Cause::UserDeactivated => "user is deactivated; this app does not reactivate",
    }
}

/// The kind filter of the change list: every kind, in administrators' words.
const KIND_FILTER: [(&str, &str); 8] = [
    ("", "All changes"),
    ("unassign", "Unassignments"),
    ("deactivate", "Deactivations"),
    ("reactivate", "Reactivated"),
    ("skip", "Skipped: user deactivated"),
    ("create", "Created"),
    ("update", "Updated (profiles and app users)"),
    ("assign", "Assignments"),
];

/// What a source listed but could not be imported: how many, and the first ones with why.
#[component]
pub fn SourceWarnings(warnings: ImportWarnings) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        let listed = warnings.first.len() as u64;
        view! {
            <div class="source-warnings" data-testid="source-warnings">
                <p class="warn">{match warnings.count {
                    1 => "1 entry of the source was left out:".to_owned(),
                    n if listed < n => format!("{} entries of the source were left out; the first {}:", format::count(n), format::count(listed)),
                    n => format!("{} entries of the source were left out:", format::count(n)),
                }}</p>
                <ul class="plain">{warnings.first.into_iter().map(|w| view! {
                    <li><code>{w.entry}</code>": "{w.reason}</li>
                }).collect_view()}</ul>
            </div>
        }
    })
}

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
        {(import.status == ImportStatus::Paused).then(|| view! { <RoadblockPanel import=import.clone() notice reload /> })}
        {has_plan.then(|| view! { <AffectedUsers import_id=import.id.clone() first_kind /> })}
    }
}

#[component]
fn RoadblockPanel(
    import: ImportView,
    notice: RwSignal<Option<ApiError>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let watch = RoadblockWatch::expect();
    let can = can_change();
    let roadblock = import.roadblock.clone();
    let import_id = StoredValue::new(import.id.clone());
    let import = StoredValue::new(import);
    let confirming = RwSignal::new(None::<Resolution>);
    let failure = RwSignal::new(None::<ApiError>);
    let resolve = Action::new_local(move |action: &Resolution| {
        let action = *action;
        let id = import_id.get_value();
        async move {
            match action {
                Resolution::Resume => api::resume(&id).await,
                Resolution::Cancel => api::cancel(&id).await,
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
                    <h3>"Every exceeded limit"</h3>
                    <table class="bars" data-testid="exceeded">
                        <tbody>
                            {r.exceeded.into_iter().map(|e| view! {
                                <tr>
                                    <td>{match e.scope { Scope::App => format!("App level: {}", e.app_name.clone().unwrap_or_default()), Scope::Deactivations => "Deactivation budget".to_owned(), Scope::Org => "Org level".to_owned() }}</td>
                                    <td><LimitBar population=e.population unassignments=e.unassignments limit=Some(e.limit) /></td>
                                    <td>{format!("{} of {} ({}); limit {} at {}", format::count(e.unassignments), format::count(e.population), format::share(e.unassignments, e.population), format::count(e.limit), e.rule_text())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                <p><a href="/safeguards" data-testid="increase-limit">"Increase the app assignment removal limit"</a></p>
    {move || failure.get().map(|e| view! { <div data-testid="resolve-failure"><ProblemView error=e /></div> })}
                <div class="actions">
                    <button class="primary" data-testid="resume"
                        disabled=move || !can.get()
                        title=move || (!can.get()).then_some(reasons::RESUME)
                        aria-describedby=move || (!can.get()).then_some("resolve-read-only")
                        on:click=move |_| confirming.set(Some(Resolution::Resume))>"Resume All Imports"</button>
                    <button class="danger" data-testid="cancel"
                        disabled=move || !can.get()
                        title=move || (!can.get()).then_some(reasons::RESUME)
                        aria-describedby=move || (!can.get()).then_some("resolve-read-only")
                        on:click=move |_| confirming.set(Some(Resolution::Cancel))>"Cancel the Affected Import and Resume Other Imports"</button>
                </div>
                <ReadOnlyNote id="resolve-read-only" reason=reasons::RESUME />
                {move || confirming.get().filter(|_| can.get()).map(|action| {
                    let text = import.with_value(|i| consequence(i, action, queued()));
                    let label = match action { Resolution::Resume => "Yes, resume all imports", Resolution::Cancel => "Yes, cancel this import" };
                    view! {
                        <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="confirm-text" data-testid="confirm">
                            <p id="confirm-text">{text}</p>
                            <button class="primary" data-testid="confirm-yes" disabled=move || resolve.pending().get()
                                on:click=move |_| { failure.set(None); resolve.dispatch(action); }>{label}</button>
                            <button on:click=move |_| confirming.set(None)>"Go back"</button>
                        </div>
                    }
                })}
            </section>
        }
}

/// The plan's changes, by user, filtered by kind (first the users it unassigns, when it
/// unassigns any), searchable and paginated.
#[component]
fn AffectedUsers(import_id: String, first_kind: &'static str) -> impl IntoView {
    let id = StoredValue::new(import_id);
    let kind = RwSignal::new(first_kind.to_owned());
    let search = RwSignal::new(String::new());
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let changes = LocalResource::new(move || {
        let kind = kind.get();
        let after = cursors.get().last().cloned().flatten();
        let id = id.get_value();
        async move {
            let kind = Some(kind.as_str()).filter(|k| !k.is_empty());
            api::changes(&id, kind, CHANGES_PAGE, after.as_deref()).await
        }
    });
    view! {
        <section class="affected" data-testid="affected-users">
            <h2>"Changes by user"</h2>
            <div class="row">
                <label>"Show "
                    <select data-testid="change-kind-filter" on:change=move |ev| { cursors.set(vec![None]); kind.set(event_target_value(&ev)); }>
                        {KIND_FILTER.iter().map(|(value, words)| {
                            let value = *value;
                            view! { <option value=value selected=move || kind.get() == value>{*words}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Search this page "<input data-testid="affected-search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) /></label>
                <a class="button" href=move || api::changes_csv_url(&id.get_value(), Some(kind.get().as_str()).filter(|k| !k.is_empty())) download="changes.csv">"Download CSV"</a>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match changes.await {
                        Ok(page) => {
                            let next = page.next.clone();
                            let rows = StoredValue::new(page.items);
                            view! {
                                <table class="affected" data-testid="affected-table">
                                    <thead><tr><th>"User"</th><th>"Change"</th><th>"App"</th><th>"Cause"</th></tr></thead>
                                    <tbody>
                                        {move || {
                                            let needle = search.get().to_lowercase();
                                            rows.with_value(|rows| rows.iter()
                                                .filter(|r| needle.is_empty() || r.login.to_lowercase().contains(&needle))
                                                .map(|r| view! {
                                                    <tr data-testid="affected-row">
                                                        <td>{r.login.clone()}</td>
                                                        <td data-kind=r.kind.as_str()>{change_words(r)}</td>
                                                        <td>{r.app_name.clone().unwrap_or_default()}</td>
                                                        <td>{r.cause.map(cause_words).unwrap_or_default()}</td>
                                                    </tr>
                                                }).collect_view())
                                        }}
                                    </tbody>
                                </table>
                                {rows.with_value(Vec::is_empty).then(|| view! { <p class="muted">"No change of this kind."</p> })}
                                <div class="pager">
                                    <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Previous"</button>
                                    <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Next"</button>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ProblemView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
