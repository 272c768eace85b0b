//! An app's own app-level safeguard, on its Provisioning tab: the org-wide value beside this
//! app's, the app's limit under each, the form that gives the app its own value (`PUT
//! /api/v1/apps/{appId}/safeguard`) or takes it back to the org-wide one (`DELETE`), and a
//! preview over the app's recent imports of what the typed value would decide differently.

mod draft;

pub use draft::{Draft, differences, limit_words, rule_words};

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{AppOverrideView, AppView, ImportView, SafeguardsView};
use safeguard_rules::settings::Limit;
use safeguard_rules::validation::FieldError;

/// How many of the app's completed imports the preview looks back over.
const RECENT_IMPORTS: u32 = 100;

/// The settings and this app's paused, queued and recent imports, fetched together.
pub async fn card_data(app_id: String) -> Result<(SafeguardsView, Vec<ImportView>), ApiError> {
    let saved = api::safeguards().await?;
    let app = Some(app_id.as_str());
    let mut imports = api::imports(Some("paused"), app, 10, None).await?.items;
    imports.extend(api::imports(Some("queued"), app, 100, None).await?.items);
    imports.extend(
        api::imports(Some("completed"), app, RECENT_IMPORTS, None)
            .await?
            .items,
    );
    Ok((saved, imports))
}

/// The card with what it needs, loaded.
#[component]
pub fn LoadedAppSafeguard(app: AppView) -> impl IntoView {
    let app = StoredValue::new(app);
    let data = LocalResource::new(move || card_data(app.with_value(|a| a.id.to_string())));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((saved, imports)) => view! { <AppSafeguard app=app.get_value() saved imports /> }.into_any(),
                    Err(error) => view! {
                        <section class="card"><h2>"Safeguard"</h2><ProblemView error /></section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `saved` with this app's override set to `own` (or removed): what the server now holds.
fn saved_with(
    saved: &SafeguardsView,
    app: &AppView,
    own: Option<AppOverrideView>,
) -> SafeguardsView {
    let mut next = saved.clone();
    next.app_overrides.retain(|o| o.app_id != app.id);
    next.app_overrides.extend(own);
    next
}

fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// The card: `saved` the org's settings as read (with every app's override), `imports` this
/// app's paused, queued and recent ones for the preview.
#[component]
pub fn AppSafeguard(
    app: AppView,
    saved: SafeguardsView,
    imports: Vec<ImportView>,
) -> impl IntoView {
    let can = can_change();
    let population = app.population;
    let app = StoredValue::new(app);
    let imports = StoredValue::new(imports);
    let saved = RwSignal::new(saved);
    let own = Memo::new(move |_| {
        saved.with(|s| {
            app.with_value(|a| s.app_overrides.iter().find(|o| o.app_id == a.id).cloned())
        })
    });
    let org_wide = Memo::new(move |_| saved.with(|s| s.app_level.limit()));
    let start = own
        .get_untracked()
        .map_or_else(|| org_wide.get_untracked(), |o| o.limit());
    let start = Draft::of(start);
    let editing = RwSignal::new(own.get_untracked().is_some());
    let enabled = RwSignal::new(start.enabled);
    let percent = RwSignal::new(start.percent);
    let count = RwSignal::new(start.count);
    let fill = move |limit: Limit| {
        let d = Draft::of(limit);
        enabled.set(d.enabled);
        percent.set(d.percent);
        count.set(d.count);
    };
    let checked = Memo::new(move |_| {
        Draft {
            enabled: enabled.get(),
            percent: percent.get(),
            count: count.get(),
        }
        .limit()
    });
    let server_errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);

    let save = Action::new_local(move |limit: &Limit| {
        let limit = *limit;
        let id = app.with_value(|a| a.id.to_string());
        async move { api::save_app_safeguard(&id, &limit).await }
    });
    let remove = Action::new_local(move |_: &()| {
        let id = app.with_value(|a| a.id.to_string());
        async move { api::remove_app_safeguard(&id).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(view)) => {
            fill(view.limit());
            status.set(Some(format!(
                "Saved: this app now uses its own value, {}.",
                rule_words(view.limit())
            )));
            saved.update(|s| *s = app.with_value(|a| saved_with(s, a, Some(view))));
            server_errors.set(Vec::new());
        }
        Some(Err(e)) => {
            server_errors.set(e.field_errors().to_vec());
            failure.set(Some(e));
        }
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            confirming.set(false);
            saved.update(|s| *s = app.with_value(|a| saved_with(s, a, None)));
            fill(org_wide.get_untracked());
            editing.set(false);
            status.set(Some(format!(
                "Removed: this app uses the org-wide value again; its limit is {}.",
                limit_words(org_wide.get_untracked(), population)
            )));
        }
        Some(Err(e)) => {
            confirming.set(false);
            failure.set(Some(e));
        }
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can.get_untracked() || save.pending().get_untracked() {
            return;
        }
        if let Ok(limit) = checked.get_untracked() {
            status.set(None);
            failure.set(None);
            save.dispatch(limit);
        }
    };
    // Typing again puts the server's last verdict out of date.
    let edited = move || {
        status.set(None);
        server_errors.set(Vec::new());
        failure.set(None);
    };
    let error = move |field: &'static str| {
        move || {
            checked
                .with(|c| c.as_ref().err().and_then(|e| error_of(e, field)))
                .or_else(|| server_errors.with(|e| error_of(e, field)))
        }
    };
    let typed_limit = move || match checked.get() {
        Ok(limit) => limit_words(limit, population),
        Err(_) => "none yet: correct the fields marked".to_owned(),
    };
    let typed_differences = move || {
        checked.get().ok().map(|limit| {
            let found = saved.with(|s| {
                app.with_value(|a| imports.with_value(|i| differences(s, &a.id, Some(limit), i)))
            });
            difference_list(found, "app-safeguard-preview", imports.with_value(Vec::len))
        })
    };
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    let uses = move || match own.get() {
        None => "the org-wide value".to_owned(),
        Some(o) => format!("its own value, {}", rule_words(o.limit())),
    };

    view! {
        <section class="card app-safeguard" data-testid="app-safeguard">
            <h2>"Safeguard"</h2>
            <p class="muted">"The app-level safeguard pauses an import that would unassign more of this app's users than its limit. This app can use the org-wide value or one of its own."</p>
            <p class="setting" data-testid="app-safeguard-org-wide">
                <strong>"Org-wide app-level value: "</strong>{move || rule_words(org_wide.get())}
            </p>
            <p class="setting" data-testid="app-safeguard-uses">
                <strong>"This app uses: "</strong>{uses}
            </p>
            {move || (!editing.get()).then(|| view! {
                <div class="actions">
                    <button class="primary" data-testid="app-safeguard-own" disabled=move || !can.get()
                        title=move || (!can.get()).then_some(reasons::SAVE_SAFEGUARDS)
                        aria-describedby=move || (!can.get()).then_some("app-safeguard-read-only")
                        on:click=move |_| { edited(); editing.set(true); }>"Use its own value"</button>
                </div>
            })}
            <div class="app-safeguard-body">
                {move || editing.get().then(|| view! {
                    <form class="stacked app-safeguard-form" on:submit=on_submit on:input=move |_| edited() on:change=move |_| edited() novalidate>
                        <fieldset disabled=move || !can.get() aria-describedby="app-safeguard-read-only">
                            <legend>"This app's own value"</legend>
                            <label class="check" for="app-safeguard-enabled">
                                <input type="checkbox" id="app-safeguard-enabled" data-testid="app-safeguard-enabled"
                                    prop:checked=move || enabled.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                                "Check this app's imports"
                            </label>
                            <p class="field-error" data-testid="app-safeguard-enabled-error" aria-live="polite">{error("enabled")}</p>
                            <label for="app-safeguard-percent">"Percent of its app users (optional)"</label>
                            <input id="app-safeguard-percent" data-testid="app-safeguard-percent" class="short" inputmode="numeric"
                                aria-describedby="app-safeguard-percent-error app-safeguard-neither-error"
                                prop:value=move || percent.get() on:input=move |ev| percent.set(event_target_value(&ev)) />
                            <p class="field-error" id="app-safeguard-percent-error" data-testid="app-safeguard-percent-error" aria-live="polite">{error("percent")}</p>
                            <label for="app-safeguard-count">"Count of unassignments (optional)"</label>
                            <input id="app-safeguard-count" data-testid="app-safeguard-count" class="short" inputmode="numeric"
                                aria-describedby="app-safeguard-count-error app-safeguard-neither-error"
                                prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev)) />
                            <p class="field-error" id="app-safeguard-count-error" data-testid="app-safeguard-count-error" aria-live="polite">{error("count")}</p>
                            <p class="field-error" id="app-safeguard-neither-error" data-testid="app-safeguard-neither-error" aria-live="polite">{error(draft::NEITHER)}</p>
                            <p class="note">"With both, the smaller limit holds. A percent applies only from 100 app users; a count at any size."</p>
                            <div class="actions">
                                <button type="submit" class="primary" data-testid="app-safeguard-save"
                                    title=move || (!can.get()).then_some(reasons::SAVE_SAFEGUARDS)
                                    disabled=move || !can.get() || save.pending().get() || checked.with(Result::is_err)>"Save"</button>
                                {move || own.with(Option::is_none).then(|| view! {
                                    <button type="button" data-testid="app-safeguard-discard"
                                        on:click=move |_| { fill(org_wide.get_untracked()); editing.set(false); edited(); }>"Keep the org-wide value"</button>
                                })}
                            </div>
                        </fieldset>
                    </form>
                })}
                <div class="app-safeguard-limits" data-testid="app-safeguard-limits">
                    <h3>{format!("Its limit, for its {} app users", format::count(population))}</h3>
                    <p data-testid="app-safeguard-limit-org-wide">
                        <strong>"Under the org-wide value: "</strong>{move || limit_words(org_wide.get(), population)}
                    </p>
                    {move || own.get().filter(|_| !editing.get()).map(|o| view! {
                        <p data-testid="app-safeguard-limit-own"><strong>"Under its own value: "</strong>{limit_words(o.limit(), population)}</p>
                    })}
                    {move || editing.get().then(|| view! {
                        <p data-testid="app-safeguard-limit-typed"><strong>"Under the value typed: "</strong>{typed_limit}</p>
                    })}
                </div>
            </div>
            {move || editing.get().then(typed_differences)}
            {move || own.with(Option::is_some).then(|| view! {
                <div class="actions">
                    <button data-testid="app-safeguard-org" disabled=move || !can.get() || remove.pending().get()
                        title=move || (!can.get()).then_some(reasons::SAVE_SAFEGUARDS)
                        aria-describedby=move || (!can.get()).then_some("app-safeguard-read-only")
                        on:click=move |_| { edited(); confirming.set(true); }>"Use the org-wide value"</button>
                </div>
            })}
            {move || (confirming.get() && can.get()).then(|| {
                let becomes = limit_words(org_wide.get_untracked(), population);
                let found = saved.with_untracked(|s| {
                    app.with_value(|a| imports.with_value(|i| differences(s, &a.id, None, i)))
                });
                view! {
                    <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="app-safeguard-confirm-text" data-testid="app-safeguard-confirm">
                        <p id="app-safeguard-confirm-text">{format!(
                            "Remove this app's own value? It uses the org-wide value ({}) again: its limit becomes {becomes}.",
                            rule_words(org_wide.get_untracked())
                        )}</p>
                        {difference_list(found, "app-safeguard-confirm-preview", imports.with_value(Vec::len))}
                        <button class="primary" data-testid="app-safeguard-confirm-yes" disabled=move || remove.pending().get()
                            on:click=move |_| { failure.set(None); remove.dispatch(()); }>"Yes, use the org-wide value"</button>
                        <button on:click=move |_| confirming.set(false)>"Go back"</button>
                    </div>
                }
            })}
            {move || status.get().map(|s| view! { <p class="ok" role="status" data-testid="app-safeguard-status">{s}</p> })}
            <ReadOnlyNote id="app-safeguard-read-only" reason=reasons::SAVE_SAFEGUARDS />
            {general}
        </section>
    }
}

/// The preview's sentences, or that nothing changes over the `looked_at` imports.
fn difference_list(found: Vec<String>, testid: &'static str, looked_at: usize) -> AnyView {
    if found.is_empty() {
        let words = match looked_at {
            0 => "This app has no recent import to preview.".to_owned(),
            n => format!(
                "Over this app's {} recent, paused and queued imports, none would be decided differently.",
                format::count(n as u64)
            ),
        };
        return view! { <p class="muted" data-testid=testid>{words}</p> }.into_any();
    }
    view! {
        <ul class="differences" data-testid=testid>
            {found.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}
