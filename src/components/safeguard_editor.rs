//! The safeguard settings editor with its live preview.
//!
//! As the administrator types, the rules crate recomputes, in the browser and without a request,
//! what the proposed settings would decide: each app's limit, the org's limit, and for the paused,
//! queued and recent imports whether each passes or pauses, beside what the saved settings decide.
//! It is the same code the server runs when it checks an import.

use crate::api::{self, ApiError};
use crate::components::limit_bar::LimitBar;
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{AppView, ImportStatus, ImportView, SafeguardsView};
use safeguard_rules::evaluator::Exceeded;
use safeguard_rules::org::AppPopulation;
use safeguard_rules::preview::{app_limits, compare, limit_for};
use safeguard_rules::settings::{DEFAULT_PERCENT, Safeguard, Settings, parse_percent};

/// What one import would do under the saved and the proposed settings, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewRow {
    pub import_id: String,
    pub app_name: String,
    pub status: ImportStatus,
    pub saved: String,
    pub proposed: String,
    pub changed: bool,
}

/// The preview of a proposal: rows for the imports an administrator cares about now, and
/// sentences that call out what would be different.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// The paused and queued imports, and past imports whose verdict would change.
    pub rows: Vec<PreviewRow>,
    pub differences: Vec<String>,
}

fn verdict(decision: Option<Exceeded<'_>>) -> String {
    match decision {
        None => "passes".to_owned(),
        Some(e) => match e.app {
            Some(app) => format!(
                "pauses: app level, {} {} of {} (limit {})",
                app.app_name,
                format::count(e.unassignments),
                format::count(e.population),
                format::count(e.limit)
            ),
            None => format!(
                "pauses: org level, {} of {} (limit {})",
                format::count(e.unassignments),
                format::count(e.population),
                format::count(e.limit)
            ),
        },
    }
}

/// How many rows the preview table shows at most.
pub const MAX_ROWS: usize = 100;

/// Compares `saved` and `proposed` over `imports` (paused, queued and past ones).
pub fn preview(saved: &Settings, proposed: &Settings, imports: &[ImportView]) -> Preview {
    let comparison = compare(
        saved,
        proposed,
        imports.iter().map(|i| (&i.app_id, &i.impact)),
    );
    let mut rows = Vec::new();
    let mut differences = Vec::new();
    let (mut past_now_pause, mut past_now_pass) = (0, 0);
    for (import, outcome) in imports.iter().zip(&comparison.outcomes) {
        let changed = outcome.changed();
        match import.status {
            ImportStatus::Paused | ImportStatus::Queued if changed => {
                let what = if import.status == ImportStatus::Paused {
                    "paused"
                } else {
                    "queued"
                };
                let now = if outcome.proposed.is_some() {
                    "pause"
                } else {
                    "pass"
                };
                differences.push(format!(
                    "The {what} {} import would {now}.",
                    import.app_name
                ));
            }
            ImportStatus::Paused | ImportStatus::Queued => {}
            _ if changed && outcome.proposed.is_some() => past_now_pause += 1,
            _ if changed => past_now_pass += 1,
            _ => {}
        }
        // The table shows what an administrator acts on: the paused and queued imports, and
        // the past ones whose verdict would change (the first few; the sentences count them all).
        let current = matches!(import.status, ImportStatus::Paused | ImportStatus::Queued);
        if !current && (!changed || rows.len() >= MAX_ROWS) {
            continue;
        }
        rows.push(PreviewRow {
            import_id: import.id.clone(),
            app_name: import.app_name.clone(),
            status: import.status,
            saved: verdict(outcome.saved),
            proposed: verdict(outcome.proposed),
            changed,
        });
    }
    let plural = |n: usize| if n == 1 { "import" } else { "imports" };
    if past_now_pause > 0 {
        differences.push(format!(
            "{past_now_pause} past {} that completed would have paused.",
            plural(past_now_pause)
        ));
    }
    if past_now_pass > 0 {
        differences.push(format!(
            "{past_now_pass} past {} that paused would have passed.",
            plural(past_now_pass)
        ));
    }
    Preview { rows, differences }
}

fn populations(apps: &[AppView]) -> Vec<AppPopulation> {
    apps.iter()
        .map(|a| AppPopulation {
            app_id: a.id.clone(),
            app_name: a.name.clone(),
            population: a.population,
        })
        .collect()
}

/// What another administrator's save changed, level by level, in words.
pub fn what_changed(before: &SafeguardsView, after: &SafeguardsView) -> Vec<String> {
    let describe = |s: &Safeguard| {
        if s.enabled {
            format!("{} %", s.percent)
        } else {
            format!("off ({} %)", s.percent)
        }
    };
    let mut changes = Vec::new();
    for (name, old, new) in [
        ("App level", &before.app_level, &after.app_level),
        ("Org level", &before.org_level, &after.org_level),
    ] {
        if old != new {
            changes.push(format!(
                "{name}: {} -> {} (now saved)",
                describe(old),
                describe(new)
            ));
        }
    }
    if changes.is_empty() {
        changes.push(format!(
            "The values are the same; the version is now {}.",
            after.version
        ));
    }
    changes
}

fn limit_text(limit: Option<u64>) -> String {
    limit.map_or_else(|| "not checked".to_owned(), format::count)
}

/// One safeguard's controls: the enable toggle and the percent, validated as typed.
#[component]
fn LevelInput(
    id: &'static str,
    label: &'static str,
    /// What the percent is a share of.
    of_what: &'static str,
    enabled: RwSignal<bool>,
    text: RwSignal<String>,
    error: Memo<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <fieldset class="level">
            <legend>{label}</legend>
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid=format!("{id}-enabled")
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                " Enabled"
            </label>
            <label for=id>{format!("Percent of {of_what}")}</label>
            <input
                id=id
                data-testid=id
                inputmode="numeric"
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <span class="unit">"%"</span>
            <p class="field-error" id=error_id data-testid=format!("{id}-error") aria-live="polite">
                {move || error.get()}
            </p>
        </fieldset>
    }
}

#[component]
pub fn SafeguardEditor(
    saved: SafeguardsView,
    apps: Vec<AppView>,
    /// The paused, queued and recent imports the preview runs over.
    imports: Vec<ImportView>,
) -> impl IntoView {
    let saved = RwSignal::new(saved);
    let initial = saved.get_untracked();
    let app_enabled = RwSignal::new(initial.app_level.enabled);
    let app_text = RwSignal::new(initial.app_level.percent.to_string());
    let org_enabled = RwSignal::new(initial.org_level.enabled);
    let org_text = RwSignal::new(initial.org_level.percent.to_string());
    let reset_to = move |view: SafeguardsView| {
        app_enabled.set(view.app_level.enabled);
        app_text.set(view.app_level.percent.to_string());
        org_enabled.set(view.org_level.enabled);
        org_text.set(view.org_level.percent.to_string());
    };

    let app_error = Memo::new(move |_| parse_percent(&app_text.get()).err());
    let org_error = Memo::new(move |_| parse_percent(&org_text.get()).err());
    let proposed = Memo::new(move |_| {
        let app = parse_percent(&app_text.get()).ok()?;
        let org = parse_percent(&org_text.get()).ok()?;
        // The percents edited here; counts, the budget, the scope and the overrides as saved.
        let base = saved.get().settings();
        Some(Settings {
            app_level: Safeguard::new(app_enabled.get(), app)?.with_count(base.app_level.count),
            org_level: Safeguard::new(org_enabled.get(), org)?.with_count(base.org_level.count),
            ..base
        })
    });
    let dirty = Memo::new(move |_| proposed.get().is_some_and(|p| p != saved.get().settings()));

    let populations = StoredValue::new(populations(&apps));
    let org_population: u64 = apps.iter().map(|a| a.population).sum();
    let imports = StoredValue::new(imports);
    let preview = Memo::new(move |_| {
        let proposed = proposed.get()?;
        let saved = saved.get().settings();
        Some(imports.with_value(|imports| preview(&saved, &proposed, imports)))
    });
    let paused =
        imports.with_value(|i| i.iter().find(|i| i.status == ImportStatus::Paused).cloned());

    let outcome: RwSignal<Option<Result<String, ApiError>>> = RwSignal::new(None);
    // After a conflict: the settings as the other change left them.
    let theirs: RwSignal<Option<SafeguardsView>> = RwSignal::new(None);
    let save = Action::new_local(move |view: &SafeguardsView| {
        let view = view.clone();
        async move { api::save_safeguards(&view).await }
    });
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(view) => {
                    saved.set(view.clone());
                    reset_to(view.clone());
                    outcome.set(Some(Ok(format!("Saved (version {}).", view.version))));
                }
                Err(e) => {
                    if e.is_conflict() {
                        // Fetch what the other change saved, so the conflict can say what it was.
                        leptos::task::spawn_local(async move {
                            theirs.set(api::safeguards().await.ok());
                        });
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
                    reset_to(view.clone());
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

    view! {
        <section class="editor" data-testid="safeguard-editor">
            <div class="levels">
                <LevelInput id="app-percent" label="App-level safeguard" of_what="each app's users" enabled=app_enabled text=app_text error=app_error />
                <LevelInput id="org-percent" label="Org-level safeguard" of_what="the org's app assignments" enabled=org_enabled text=org_text error=org_error />
            </div>
            <p class="note">
                "The app-level value is one value for every app: changing it here changes it for all apps. "
                "A safeguard applies only to populations of at least 100 app users."
            </p>
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
                    on:click=move |_| reset_to(SafeguardsView {
                        app_level: Safeguard::default(),
                        org_level: Safeguard::default(),
                        ..saved.get()
                    })
                >
                    {format!("Set to default ({DEFAULT_PERCENT} %)")}
                </button>
                <button on:click=move |_| reset_to(saved.get()) disabled=move || !dirty.get()>"Discard changes"</button>
            </div>
            <ReadOnlyNote id="save-read-only" reason=reasons::SAVE_SAFEGUARDS />
            {move || outcome.get().map(|o| match o {
                Ok(message) => view! { <p class="saved" role="status" data-testid="save-outcome">{message}</p> }.into_any(),
                Err(e) if e.is_conflict() => view! {
                    <div class="problem" role="alert" data-testid="save-conflict">
                        <strong>"Someone else changed the safeguards first."</strong>
                        <p>{e.to_string()}</p>
                        <ul>{move || theirs.get().map(|t| what_changed(&saved.get(), &t).into_iter().map(|c| view! { <li>{c}</li> }).collect_view())}</ul>
                        <button on:click=move |_| { reload.dispatch(()); }>"Reload their values"</button>
                    </div>
                }.into_any(),
                Err(e) => view! { <ProblemView error=e /> }.into_any(),
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
            <table class="limits" data-testid="preview-limits">
                <thead><tr><th>"App"</th><th>"Population"</th><th>"Limit saved"</th><th>"Limit proposed"</th></tr></thead>
                <tbody>
                    {move || {
                        let saved = saved.get().settings();
                        let proposed = proposed.get().unwrap_or_else(|| saved.clone());
                        populations.with_value(|pops| {
                            app_limits(&saved, &proposed, pops)
                                .into_iter()
                                .map(|l| {
                                    let changed = l.saved != l.proposed;
                                    view! {
                                        <tr class:changed=changed class:below-minimum=l.below_minimum>
                                            <td>{l.app.app_name.clone()}</td>
                                            <td>{format::count(l.app.population)}
                                                {l.below_minimum.then_some(" (below 100: not checked)")}</td>
                                            <td>{limit_text(l.saved)}</td>
                                            <td>{limit_text(l.proposed)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                    <tr class="org-row">
                        <td>"Whole org"</td>
                        <td>{format::count(org_population)}</td>
                        <td data-testid="org-limit-saved">{move || limit_text(limit_for(saved.get().settings().org_level.limit(), org_population))}</td>
                        <td data-testid="org-limit-proposed">{move || limit_text(proposed.get().and_then(|p| limit_for(p.org_level.limit(), org_population)))}</td>
                    </tr>
                </tbody>
            </table>

            {paused.map(|import| {
                let impact = StoredValue::new(import.impact.clone());
                view! {
                    <h3>{format!("The paused {} import against the proposed limits", import.app_name)}</h3>
                    <table class="bars">
                        <tbody>
                            {move || {
                                let settings = proposed.get().unwrap_or(saved.get().settings());
                                impact.with_value(|impact| impact.apps.iter().map(|a| {
                                    let limit = limit_for(settings.app_limit(&a.app_id), a.population);
                                    view! {
                                        <tr>
                                            <td>{a.app_name.clone()}</td>
                                            <td><LimitBar population=a.population unassignments=a.unassignments limit=limit /></td>
                                            <td>{format!("{} of {} ({})", format::count(a.unassignments), format::count(a.population), format::share(a.unassignments, a.population))}</td>
                                        </tr>
                                    }
                                }).collect_view())
                            }}
                        </tbody>
                    </table>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn view(app: (bool, u8), org: (bool, u8), version: u64) -> SafeguardsView {
        SafeguardsView {
            app_level: Safeguard::new(app.0, app.1).unwrap(),
            org_level: Safeguard::new(org.0, org.1).unwrap(),
            deactivations: Default::default(),
            roadblock_scope: Default::default(),
            app_overrides: Vec::new(),
            version,
        }
    }

    #[test]
    fn a_conflict_says_what_the_other_change_saved() {
        let mine = view((true, 20), (true, 20), 3);
        let theirs = view((true, 15), (false, 20), 4);
        assert_eq!(
            what_changed(&mine, &theirs),
            [
                "App level: 20 % -> 15 % (now saved)",
                "Org level: 20 % -> off (20 %) (now saved)"
            ]
        );
        assert_eq!(
            what_changed(&mine, &view((true, 20), (true, 20), 4)),
            ["The values are the same; the version is now 4."]
        );
    }
}
