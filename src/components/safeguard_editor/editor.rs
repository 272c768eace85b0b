//! The editor: every field, Save with its answers, and the live preview of what the proposed
//! settings would decide.

use super::budget_input::BudgetInput;
use super::fields::{Fields, parse_count, parse_optional_percent};
use super::level_input::LevelInput;
use super::limits_table::LimitsTable;
use super::override_list::OverrideList;
use super::preview_rows::{prepare, preview_prepared};
use super::save_outcome::{Refusal, refusal};
use super::scope_choice::ScopeChoice;
use super::what_changed::what_changed;
use crate::api::{self, ApiError};
use crate::components::limit_chart::{LimitChart, bars_for};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{AppView, ImportStatus, ImportView, SafeguardsView};
use safeguard_rules::org::AppPopulation;
use safeguard_rules::settings::{Settings, parse_percent};

fn populations(apps: &[AppView]) -> Vec<AppPopulation> {
    apps.iter()
        .map(|a| AppPopulation {
            app_id: a.id.clone(),
            app_name: a.name.clone(),
            population: a.population,
        })
        .collect()
}

/// The org's active users, as the latest import that counted them saw them: the deactivation
/// budget's population. The console has no other source; `None` before any such import.
fn active_users(imports: &[ImportView]) -> Option<u64> {
    imports
        .iter()
        .filter(|i| i.impact.active_users > 0)
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
        .map(|i| i.impact.active_users)
}

#[component]
pub fn SafeguardEditor(
    saved: SafeguardsView,
    apps: Vec<AppView>,
    /// The paused, queued and recent imports the preview runs over.
    imports: Vec<ImportView>,
) -> impl IntoView {
    let saved = RwSignal::new(saved);
    let fields = Fields::new(&saved.get_untracked().settings());
    let proposed = Memo::new(move |_| saved.with(|s| fields.settings(s)));
    let dirty = Memo::new(move |_| proposed.get().is_some_and(|p| p != saved.get().settings()));

    // A save the server refused field by field (422), with what was sent: its errors show
    // beside their fields until the administrator changes something.
    let rejected: RwSignal<Option<(ApiError, Settings)>> = RwSignal::new(None);
    let server_error = move |field: &'static str| {
        rejected.with(|r| {
            r.as_ref()
                .filter(|(_, sent)| proposed.with(|p| p.as_ref() == Some(sent)))
                .and_then(|(e, _)| e.field_error(field))
        })
    };
    let error =
        move |local: Option<String>, field: &'static str| local.or_else(|| server_error(field));
    let app_percent_error = Signal::derive(move || {
        error(
            parse_percent(&fields.app.percent.get()).err(),
            "appLevel.percent",
        )
    });
    let app_count_error =
        Signal::derive(move || error(parse_count(&fields.app.count.get()).err(), "appLevel.count"));
    let org_percent_error = Signal::derive(move || {
        error(
            parse_percent(&fields.org.percent.get()).err(),
            "orgLevel.percent",
        )
    });
    let org_count_error =
        Signal::derive(move || error(parse_count(&fields.org.count.get()).err(), "orgLevel.count"));
    let budget_percent_error = Signal::derive(move || {
        error(
            parse_optional_percent(&fields.budget.percent.get()).err(),
            "deactivations.percent",
        )
    });
    let budget_count_error = Signal::derive(move || {
        error(
            parse_count(&fields.budget.count.get()).err(),
            "deactivations.count",
        )
    });
    let budget_missing = Signal::derive(move || fields.budget.missing_limit().map(str::to_owned));
    let scope_error = Signal::derive(move || server_error("roadblockScope"));

    let populations = StoredValue::new(populations(&apps));
    let org_population: u64 = apps.iter().map(|a| a.population).sum();
    let active_users = active_users(&imports);
    // Read once: every keystroke then compares without looking an app up per import.
    let prepared = StoredValue::new(prepare(&imports));
    let imports = StoredValue::new(imports);
    let preview = Memo::new(move |_| {
        let proposed = proposed.get()?;
        let saved = saved.get().settings();
        Some(imports.with_value(|imports| {
            prepared.with_value(|prepared| preview_prepared(&saved, &proposed, imports, prepared))
        }))
    });
    let paused =
        imports.with_value(|i| i.iter().find(|i| i.status == ImportStatus::Paused).cloned());

    let outcome: RwSignal<Option<Result<String, ApiError>>> = RwSignal::new(None);
    // After a conflict: the settings as the other change left them.
    let theirs: RwSignal<Option<SafeguardsView>> = RwSignal::new(None);
    let sent: StoredValue<Option<Settings>> = StoredValue::new(None);
    let save = Action::new_local(move |view: &SafeguardsView| {
        let view = view.clone();
        async move { api::save_safeguards(&view).await }
    });
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(view) => {
                    saved.set(view.clone());
                    fields.set(&view.settings());
                    rejected.set(None);
                    outcome.set(Some(Ok(format!("Saved (version {}).", view.version))));
                }
                Err(e) => {
                    match refusal(&e) {
                        Refusal::VersionConflict => {
                            // Fetch what the other change saved, so the conflict can say what it was.
                            leptos::task::spawn_local(async move {
                                theirs.set(api::safeguards().await.ok());
                            });
                        }
                        Refusal::Invalid => {
                            if let Some(settings) = sent.get_value() {
                                rejected.set(Some((e.clone(), settings)));
                            }
                        }
                        Refusal::State | Refusal::Other => {}
                    }
                    outcome.set(Some(Err(e)));
                }
            }
        }
    });
    let reload = Action::new_local(move |_: &()| async move { api::safeguards().await });
    Effect::new(move |_| {
        if let Some(result) = reload.value().get() {
            match result {
                Ok(view) => {
                    saved.set(view.clone());
                    fields.set(&view.settings());
                    outcome.set(Some(Ok(format!(
                        "Reloaded the current settings (version {}).",
                        view.version
                    ))));
                }
                Err(e) => outcome.set(Some(Err(e))),
            }
        }
    });
    // A read-only administrator still edits and previews ("what if?"); only Save is theirs not.
    let can = can_change();
    let on_save = move |_| {
        if !can.get_untracked() {
            return;
        }
        if let Some(p) = proposed.get() {
            outcome.set(None);
            let current = saved.get();
            sent.set_value(Some(p.clone()));
            save.dispatch(SafeguardsView {
                app_level: p.app_level,
                org_level: p.org_level,
                deactivations: p.deactivations,
                roadblock_scope: p.roadblock_scope,
                app_overrides: current.app_overrides,
                version: current.version,
            });
        }
    };
    let overrides = Signal::derive(move || saved.with(|s| s.app_overrides.clone()));
    let saved_scope = Signal::derive(move || saved.with(|s| s.roadblock_scope));
    let saved_settings = Signal::derive(move || saved.get().settings());
    let proposed_settings = Signal::derive(move || proposed.get());

    view! {
        <section class="editor" data-testid="safeguard-editor">
            <div class="levels">
                <LevelInput percent_id="app-percent" count_id="app-count" label="App-level safeguard" of_what="each app's users"
                    fields=fields.app percent_error=app_percent_error count_error=app_count_error>
                    <OverrideList overrides />
                </LevelInput>
                <LevelInput percent_id="org-percent" count_id="org-count" label="Org-level safeguard" of_what="the org's app assignments"
                    fields=fields.org percent_error=org_percent_error count_error=org_count_error />
                <BudgetInput fields=fields.budget percent_error=budget_percent_error count_error=budget_count_error missing_limit=budget_missing />
            </div>
            <p class="note" data-testid="levels-note">
                "The app-level value is one value for every app without its own: changing it here changes it for all apps without their own value. "
                "Where a level has a percent and a count, the smaller of the two limits holds; "
                "a percent applies from 100 users, a count at any population. Leave a count blank for none."
            </p>
            <ScopeChoice scope=fields.scope saved=saved_scope error=scope_error />
            <div class="actions">
                <button
                    class="primary"
                    data-testid="save"
                    disabled=move || !can.get() || proposed.get().is_none() || !dirty.get() || save.pending().get()
                    title=move || (!can.get()).then_some(reasons::SAVE_SAFEGUARDS)
                    aria-describedby=move || (!can.get()).then_some("save-read-only")
                    on:click=on_save
                >
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <button
                    data-testid="set-default"
                    title="The rule book's defaults. Apps with their own value keep it: it is removed on the app's page."
                    on:click=move |_| fields.set(&Settings::default())
                >
                    "Set to defaults: 20 % without counts, budget off, every import waits"
                </button>
                <button on:click=move |_| fields.set(&saved.get().settings()) disabled=move || !dirty.get()>"Discard changes"</button>
            </div>
            <ReadOnlyNote id="save-read-only" reason=reasons::SAVE_SAFEGUARDS />
            {move || outcome.get().map(|o| match o {
                Ok(message) => view! { <p class="saved" role="status" data-testid="save-outcome">{message}</p> }.into_any(),
                Err(e) => match refusal(&e) {
                    Refusal::VersionConflict => view! {
                        <div class="problem" role="alert" data-testid="save-conflict">
                            <strong>"Someone else changed the safeguards first."</strong>
                            <p>{e.to_string()}</p>
                            <ul>{move || theirs.get().map(|t| what_changed(&saved.get(), &t).into_iter().map(|c| view! { <li>{c}</li> }).collect_view())}</ul>
                            <button on:click=move |_| { reload.dispatch(()); }>"Reload their values"</button>
                        </div>
                    }.into_any(),
                    Refusal::State => view! {
                        <div class="problem" role="alert" data-testid="save-refused">
                            <strong>"The server refused this change; nothing was saved."</strong>
                            <p>{e.detail()}</p>
                        </div>
                    }.into_any(),
                    Refusal::Invalid => view! {
                        <div class="problem" role="alert" data-testid="save-invalid">
                            <strong>{e.detail()}</strong>
                            <p>"Each value the server refused is marked beside its field."</p>
                        </div>
                    }.into_any(),
                    Refusal::Other => view! { <ProblemView error=e /> }.into_any(),
                },
            })}

            <h2>"Preview"</h2>
            <div class="preview" data-testid="preview" aria-live="polite">
                {move || match preview.get() {
                    None => view! { <p class="muted">"Fix the highlighted value to see the preview."</p> }.into_any(),
                    Some(p) if p.differences.is_empty() => view! {
                        <p data-testid="preview-summary">"No paused, queued or recent import would be decided differently."</p>
                    }.into_any(),
                    Some(p) => view! {
                        <ul class="differences" data-testid="preview-summary">
                            {p.differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>

            <h3>"Limits"</h3>
            <LimitsTable saved=saved_settings proposed=proposed_settings populations org_population active_users />

            {paused.map(|import| {
                let impact = StoredValue::new(import.impact.clone());
                let caption = format!("The paused {} import against the proposed limits", import.app_name);
                view! {
                    <div class="paused-chart">
                        {move || {
                            let settings = proposed.get().unwrap_or_else(|| saved.get().settings());
                            let (bars, left_out) = impact.with_value(|impact| bars_for(&settings, impact));
                            view! { <LimitChart bars left_out caption=caption.clone() testid="paused-chart" /> }
                        }}
                    </div>
                }
            })}

            <h3>"Imports"</h3>
            <table class="preview-rows">
                <thead><tr><th>"Import"</th><th>"Status"</th><th>"Saved settings"</th><th>"Proposed settings"</th></tr></thead>
                <tbody>
                    {move || preview.get().map(|p| p.rows.into_iter().map(|row| view! {
                        <tr class:changed=row.changed data-testid="preview-row">
                            <td><a href=format!("/imports/{}", row.import_id)>{row.app_name}</a></td>
                            <td>{row.status.as_str()}</td>
                            <td>{row.saved}</td>
                            <td>{row.proposed}</td>
                        </tr>
                    }).collect_view())}
                </tbody>
            </table>
        </section>
    }
}
