//! An app's page: the Provisioning tab with the app's own safeguard and the "To Okta" section
//! with the import safeguards (the same settings as the Safeguards page), and the Import tab:
//! upload a CSV, see its dry run, start it.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::pages::app_safeguard::LoadedAppSafeguard;
use crate::pages::import_detail::{cause_sentence, cause_words, change_words};
use crate::pages::safeguards::LoadedSafeguardEditor;
use crate::roadblock_watch::RoadblockWatch;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use safeguard_rules::api::{AppView, ChangeRow, ImportView};
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Provisioning,
    Import,
    Source,
}

#[component]
pub fn AppDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let app = LocalResource::new(move || {
        let id = id();
        async move { api::app(&id).await }
    });
    let tab = RwSignal::new(Tab::Provisioning);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match app.await {
                    Err(error) => view! { <h1>"Application"</h1><ProblemView error /> }.into_any(),
                    Ok(app) => {
                        let app_id = app.id.to_string();
                        let name = app.name.clone();
                        let current = RwSignal::new(app);
                        view! {
                        <h1>{name}</h1>
                        <p class="muted" data-testid="app-summary">{move || current.with(summary)}</p>
                        <div class="tabs" role="tablist">
                            <button role="tab" aria-selected=move || (tab.get() == Tab::Provisioning).to_string() on:click=move |_| tab.set(Tab::Provisioning)>"Provisioning"</button>
                            <button role="tab" data-testid="import-tab" aria-selected=move || (tab.get() == Tab::Import).to_string() on:click=move |_| tab.set(Tab::Import)>"Import"</button>
                            <button role="tab" data-testid="source-tab" aria-selected=move || (tab.get() == Tab::Source).to_string() on:click=move |_| tab.set(Tab::Source)>"Import settings"</button>
                        </div>
                        {move || match tab.get() {
                            Tab::Provisioning => view! {
                                {crate::pages::app_directory::directory_section(current)}
                                <LoadedAppSafeguard app=current.get_untracked() />
                                <ToOkta />
                            }.into_any(),
                            Tab::Import => import_tab(app_id.clone()),
                            Tab::Source => crate::pages::app_source::source_tab(app_id.clone()),
                        }}
                    }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// "1,204 app users · profile source, priority 1 · matched by login".
fn summary(app: &AppView) -> String {
    let mut words = format!("{} app users", format::count(app.population));
    if app.profile_source {
        match app.profile_source_priority {
            Some(p) => words.push_str(&format!(" · profile source, priority {p}")),
            None => words.push_str(" · profile source"),
        }
        if app.deactivate_on_remove {
            words.push_str(" · deactivates users removed from the source");
        }
    }
    words.push_str(" · matched by ");
    words.push_str(crate::pages::app_directory::match_words(&app.match_by));
    words
}

#[component]
fn ToOkta() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"To Okta: Import Safeguard"</h2>
            <p class="note">"These are the org's safeguards: the app-level value set here applies to all apps but those with their own value (this app's is in its Safeguard card above)."</p>
            <LoadedSafeguardEditor />
        </section>
    }
}

/// The Import tab. With the `split` feature (see `lazy_page!` in app.rs) its code is a
/// WebAssembly module of its own, fetched the first time the tab opens.
#[cfg(feature = "split")]
fn import_tab(app_id: String) -> AnyView {
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move { import_tab_view(app_id).await })}
        </Suspense>
    }
    .into_any()
}

#[cfg(not(feature = "split"))]
fn import_tab(app_id: String) -> AnyView {
    import_tab_view(app_id)
}

#[cfg_attr(feature = "split", leptos::lazy)]
fn import_tab_view(app_id: String) -> AnyView {
    view! { <ImportTab app_id /> }.into_any()
}

async fn read_file(input: web_sys::HtmlInputElement) -> Result<String, ApiError> {
    let file = input
        .files()
        .and_then(|files| files.get(0))
        .ok_or_else(|| ApiError::Decode("choose a CSV file first".to_owned()))?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| ApiError::Decode("the file could not be read".to_owned()))?;
    text.as_string()
        .ok_or_else(|| ApiError::Decode("the file is not text".to_owned()))
}

#[component]
fn ImportTab(app_id: String) -> impl IntoView {
    let app_id = StoredValue::new(app_id);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let csv = RwSignal::new(None::<String>);
    let dry_run = Action::new_local(move |_: &()| {
        let input = file_input.get_untracked();
        async move {
            let input = input.ok_or_else(|| ApiError::Decode("no file input".to_owned()))?;
            let text = read_file(input.unchecked_into()).await?;
            csv.set(Some(text.clone()));
            api::import_csv(&app_id.get_value(), text, true).await
        }
    });
    let navigate = use_navigate();
    let watch = RoadblockWatch::expect();
    let start = Action::new_local(move |text: &String| {
        let text = text.clone();
        async move { api::import_csv(&app_id.get_value(), text, false).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(import)) = start.value().get() {
            watch.refresh();
            navigate(&format!("/imports/{}", import.id), Default::default());
        }
    });
    view! {
        <section class="card">
            <h2>"Import users from a CSV file"</h2>
            <p class="muted">"The header names at least externalId and login; firstName, lastName and email are read as such, every other column becomes an attribute. A dry run changes nothing."</p>
            <div class="row">
                <input type="file" accept=".csv,text/csv" node_ref=file_input data-testid="csv-file" />
                <button class="primary" data-testid="dry-run" on:click=move |_| { dry_run.dispatch(()); }>"Dry run"</button>
            </div>
            {move || dry_run.pending().get().then(|| view! { <p class="loading">"Planning…"</p> })}
            {move || dry_run.value().get().map(|result| match result {
                Err(error) => view! { <ProblemView error /> }.into_any(),
                Ok(plan) => view! { <DryRun plan csv start /> }.into_any(),
            })}
            {move || match start.value().get() { Some(Err(error)) => Some(view! { <ProblemView error /> }), _ => None }}
        </section>
    }
}

#[component]
fn DryRun(
    plan: ImportView,
    csv: RwSignal<Option<String>>,
    start: Action<String, Result<ImportView, ApiError>>,
) -> impl IntoView {
    // A dry run changes nothing, so anyone may run one; starting the import is a change.
    let can = can_change();
    let c = plan.counts;
    let verdict = match &plan.roadblock {
        None => {
            "Passes the safeguards: it would run now (or queue, if a roadblock stands).".to_owned()
        }
        Some(r) => format!("Would be paused. {}.", cause_sentence(&r.cause)),
    };
    view! {
        <div class="dry-run" data-testid="dry-run-result">
            <p class=if plan.roadblock.is_some() { "warn" } else { "ok" }>{verdict}</p>
            <p>{format!("{} scanned · {} created · {} updated · {} assigned · {} unassigned · {} deactivated",
                format::count(c.scanned), format::count(c.created), format::count(c.updated), format::count(c.assigned),
                format::count(c.unassigned), format::count(c.deactivated))}
                {(c.reactivated > 0).then(|| format!(" · {} reactivated", format::count(c.reactivated)))}</p>
            <ul class="plain">{plan.impact.apps.iter().map(|a| view! {
                <li>{format!("{}: {} of {} ({})", a.app_name, format::count(a.unassignments), format::count(a.population), format::share(a.unassignments, a.population))}</li>
            }).collect_view()}</ul>
            <AffectedPreview rows=plan.affected.clone().unwrap_or_default() total=c.unassigned + c.deactivated />
            <button class="primary" data-testid="start-import" disabled=move || !can.get() || start.pending().get()
                title=move || (!can.get()).then_some(reasons::START_IMPORT)
                aria-describedby=move || (!can.get()).then_some("start-read-only")
                on:click=move |_| { if let Some(text) = csv.get().filter(|_| can.get_untracked()) { start.dispatch(text); } }>"Start the import"</button>
            <ReadOnlyNote id="start-read-only" reason=reasons::START_IMPORT />
        </div>
    }
}

/// The users a dry run would unassign or deactivate, by name.
#[component]
fn AffectedPreview(rows: Vec<ChangeRow>, total: u64) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="ok">"No user would be unassigned or deactivated."</p> }
            .into_any();
    }
    let shown = rows.len();
    view! {
        <h3>{if (shown as u64) < total {
            format!("Who would lose access (the first {} of {} changes)", format::count(shown as u64), format::count(total))
        } else {
            "Who would lose access".to_owned()
        }}</h3>
        <div class="table-wrap">
            <table class="dry-run-affected" data-testid="dry-run-affected">
                <thead><tr><th>"User"</th><th>"Change"</th><th>"App"</th><th>"Cause"</th></tr></thead>
                <tbody>{rows.into_iter().map(|r| {
                    let change = change_words(&r);
                    view! {
                    <tr>
                        <td>{r.login}</td>
                        <td>{change}</td>
                        <td>{r.app_name.unwrap_or_default()}</td>
                        <td>{r.cause.map(cause_words).unwrap_or_default()}</td>
                    </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
