//! An app's directory settings, on its Provisioning tab, as administrators know them from Okta's
//! "Profile & Lifecycle Sourcing" and "Import Matching Rules": whether the app is a profile
//! source and its rank among them, what an entry of its imports is matched to a user by, and
//! whether a profile source reactivates deactivated users it lists again (`sources.md`).
//!
//! With the `split` feature the section is a WebAssembly module of its own (see `import_tab`
//! in app_detail.rs), fetched the first time an app's page opens.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
#[cfg(feature = "split")]
use crate::loading::Loading;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{AppPatch, AppView, MatchField};
use safeguard_rules::validation::FieldError;

/// The section's view. With the `split` feature it is fetched the first time it shows.
#[cfg(feature = "split")]
pub fn directory_section(app: RwSignal<AppView>) -> AnyView {
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move { directory_section_view(app).await })}
        </Suspense>
    }
    .into_any()
}

#[cfg(not(feature = "split"))]
pub fn directory_section(app: RwSignal<AppView>) -> AnyView {
    directory_section_view(app)
}

#[cfg_attr(feature = "split", leptos::lazy)]
fn directory_section_view(app: RwSignal<AppView>) -> AnyView {
    view! { <DirectorySettings app /> }.into_any()
}

/// A profile source's rank, in words: what it owns.
pub fn priority_words(priority: u32) -> String {
    match priority {
        1 => "1 — owns the profile of every user it lists".to_owned(),
        n => format!(
            "{n} — owns the profile of the users it lists that no profile source ranked above it lists"
        ),
    }
}

/// What entries are matched by, in words.
pub fn match_words(match_by: &[MatchField]) -> &'static str {
    if match_by.contains(&MatchField::Email) {
        "login, then email"
    } else {
        "login"
    }
}

/// The first error about `field` (or one of its items, `matchBy[1]`).
fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| {
            e.field == field
                || e.field
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('['))
        })
        .map(|e| e.message.clone())
}

/// The patch the form holds, checked as the server checks it (a taken rank aside, which only
/// the server knows).
fn patch_of(
    app: &AppView,
    priority: &str,
    by_email: bool,
    reactivate: bool,
) -> Result<AppPatch, Vec<FieldError>> {
    let mut patch = AppPatch {
        match_by: Some(if by_email {
            vec![MatchField::Login, MatchField::Email]
        } else {
            vec![MatchField::Login]
        }),
        ..AppPatch::default()
    };
    if app.profile_source {
        match priority.trim().parse::<u32>() {
            Ok(n) => patch.profile_source_priority = Some(n),
            Err(_) => {
                return Err(vec![FieldError::new(
                    "profileSourcePriority",
                    "must be a whole number, 1 or more (1 is the highest rank)",
                )]);
            }
        }
        patch.reactivate_on_return = Some(reactivate);
    }
    patch.apply_to(&app.app()).map(|_| patch)
}

/// The directory settings of `app`; saving updates `app` to what the server answered.
#[component]
pub fn DirectorySettings(app: RwSignal<AppView>) -> impl IntoView {
    let can = can_change();
    let shown = app.get_untracked();
    let priority = RwSignal::new(
        shown
            .profile_source_priority
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let by_email = RwSignal::new(shown.match_by.contains(&MatchField::Email));
    let reactivate = RwSignal::new(shown.reactivate_on_return);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |patch: &AppPatch| {
        let patch = patch.clone();
        let id = app.get_untracked().id.to_string();
        async move { api::update_app(&id, &patch).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(view)) => {
            priority.set(
                view.profile_source_priority
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            );
            by_email.set(view.match_by.contains(&MatchField::Email));
            reactivate.set(view.reactivate_on_return);
            errors.set(Vec::new());
            app.set(view);
            saved.set(true);
        }
        Some(Err(e)) => {
            errors.set(e.field_errors().to_vec());
            failure.set(Some(e));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can.get_untracked() || save.pending().get_untracked() {
            return;
        }
        saved.set(false);
        failure.set(None);
        let checked = app.with_untracked(|app| {
            patch_of(
                app,
                &priority.get_untracked(),
                by_email.get_untracked(),
                reactivate.get_untracked(),
            )
        });
        match checked {
            Ok(patch) => {
                errors.set(Vec::new());
                save.dispatch(patch);
            }
            Err(found) => errors.set(found),
        }
    };
    let edited = move || saved.set(false);
    let error = move |field: &'static str| move || errors.with(|e| error_of(e, field));
    let profile_source = move || app.with(|a| a.profile_source);
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    let priority_hint = move || {
        priority
            .with(|p| p.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .map(priority_words)
    };
    view! {
        <section class="card" data-testid="directory-settings">
            <h2>"Profile & Lifecycle Sourcing"</h2>
            <p class="muted">"Who owns the profile of this app's users, and how its imports find the org's users."</p>
            <form class="stacked directory-form" on:submit=on_submit on:input=move |_| edited() on:change=move |_| edited() novalidate>
                <fieldset disabled=move || !can.get() aria-describedby="directory-read-only">
                    <p class="setting" data-testid="directory-profile-source">
                        <strong>"Profile source: "</strong>
                        {move || if profile_source() { "yes" } else { "no" }}
                    </p>
                    {move || if profile_source() {
                        view! {
                            <label for="directory-priority">"Profile source priority"</label>
                            <input id="directory-priority" data-testid="directory-priority" type="number" min="1" inputmode="numeric" class="short"
                                aria-describedby="directory-priority-hint directory-priority-error"
                                prop:value=move || priority.get() on:input=move |ev| priority.set(event_target_value(&ev)) />
                            <p class="note" id="directory-priority-hint" data-testid="directory-priority-words">
                                {priority_hint}
                                <br />
                                "1 is the highest. The highest-ranked profile source that lists a user owns their profile: only its imports change it. Each profile source has a rank of its own."
                            </p>
                            <p class="field-error" id="directory-priority-error" data-testid="directory-priority-error" aria-live="polite">{error("profileSourcePriority")}</p>
                        }.into_any()
                    } else {
                        view! {
                            <p class="note">"Its imports change only this app's own app users (their external ID and app profile) and assignments, never a user's profile."</p>
                        }.into_any()
                    }}

                    <fieldset class="choices" aria-describedby="directory-match-hint directory-match-error">
                        <legend>"Match imported entries to users by"</legend>
                        <label class="check">
                            <input type="radio" name="directory-match" value="login" data-testid="directory-match-login"
                                prop:checked=move || !by_email.get() on:change=move |_| by_email.set(false) />
                            "Login"
                        </label>
                        <label class="check">
                            <input type="radio" name="directory-match" value="email" data-testid="directory-match-email"
                                prop:checked=move || by_email.get() on:change=move |_| by_email.set(true) />
                            "Login and email"
                        </label>
                    </fieldset>
                    <p class="note" id="directory-match-hint">"An entry is matched first to the user this app already knows by its external ID, then by login (ignoring case); with email, then to the one user with that email. An email two users share matches no one: the entry is left out and listed in the import's warnings."</p>
                    <p class="field-error" id="directory-match-error" data-testid="directory-match-error" aria-live="polite">{error("matchBy")}</p>

                    {move || profile_source().then(|| view! {
                        <label class="check" for="directory-reactivate">
                            <input type="checkbox" id="directory-reactivate" data-testid="directory-reactivate"
                                aria-describedby="directory-reactivate-hint directory-reactivate-error"
                                prop:checked=move || reactivate.get() on:change=move |ev| reactivate.set(event_target_checked(&ev)) />
                            "Reactivate returning users"
                        </label>
                        <p class="note" id="directory-reactivate-hint">"A deactivated user this source lists again is reactivated and assigned. Off, they stay deactivated and the import lists them as skipped. Reactivations never count against the safeguards."</p>
                        <p class="field-error" id="directory-reactivate-error" aria-live="polite">{error("reactivateOnReturn")}</p>
                    })}

                    <div class="actions">
                        <button type="submit" class="primary" data-testid="save-directory"
                            title=move || (!can.get()).then_some(reasons::DIRECTORY)
                            disabled=move || !can.get() || save.pending().get()>"Save"</button>
                        {move || saved.get().then(|| view! { <span class="ok" data-testid="directory-saved" role="status">"Saved."</span> })}
                        {move || (!errors.with(Vec::is_empty)).then(|| view! {
                            <span class="field-error" data-testid="directory-not-saved">"Not saved: correct the fields marked."</span>
                        })}
                    </div>
                </fieldset>
            </form>
            <ReadOnlyNote id="directory-read-only" reason=reasons::DIRECTORY />
            {general}
        </section>
    }
}
