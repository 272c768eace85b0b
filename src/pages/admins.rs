//! Administrators: who can sign in to the console and with which role, and for super
//! administrators a form to add one. The server checks the fields again and answers 422 with
//! each invalid one; those messages show under their fields.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::session::{Session, can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::admins::MIN_PASSWORD_CHARS;
use safeguard_rules::api::{AdminView, NewAdmin, Role};
use safeguard_rules::validation::FieldError;

#[component]
pub fn Admins() -> impl IntoView {
    let admins = LocalResource::new(api::admins);
    view! {
        <h1>"Administrators"</h1>
        <p class="lead">
            "Everyone who can sign in to this console. Super administrators change safeguards, resolve roadblocks, "
            "start imports and manage API tokens and administrators; read-only administrators see everything and change nothing."
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match admins.await {
                    Ok(list) => view! { <AdminTable admins=list /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
        <AddAdmin added=move || admins.refetch() />
    }
}

#[component]
fn AdminTable(admins: Vec<AdminView>) -> impl IntoView {
    // The signed-in administrator's own row says so: the list is also where they check their role.
    let me = use_context::<Session>()
        .and_then(|s| s.me())
        .map(|me| me.id);
    view! {
        <table class="admins" data-testid="admins-table">
            <thead><tr><th>"Email"</th><th>"Role"</th><th>"Created"</th></tr></thead>
            <tbody>
                {admins.into_iter().map(|a| {
                    let you = me.as_deref() == Some(a.id.as_str());
                    view! {
                        <tr data-testid="admin-row">
                            <td>{a.email}{you.then_some(" (you)")}</td>
                            <td>{a.role.label()}</td>
                            <td>{format::timestamp(&a.created_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A field's message: the browser's own check first, then the server's.
fn message_for(local: &[FieldError], server: Option<&ApiError>, field: &str) -> Option<String> {
    local
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
        .or_else(|| server.and_then(|e| e.field_error(field)))
}

#[component]
fn AddAdmin(added: impl Fn() + Copy + 'static) -> impl IntoView {
    let can = can_change();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // The least power by default: a super administrator is chosen on purpose.
    let role = RwSignal::new(Role::ReadOnlyAdmin);
    let local_errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<AdminView>);
    let create = Action::new_local(move |admin: &NewAdmin| {
        let admin = admin.clone();
        async move { api::create_admin(&admin).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(admin)) => {
            email.set(String::new());
            password.set(String::new());
            done.set(Some(admin));
            added();
        }
        Some(Err(e)) => failure.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can.get_untracked() || create.pending().get_untracked() {
            return;
        }
        failure.set(None);
        done.set(None);
        let admin = NewAdmin {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            role: role.get_untracked(),
        };
        // The rules crate's checks, the same the server runs: no request for what it would refuse.
        let errors = admin.validate();
        let valid = errors.is_empty();
        local_errors.set(errors);
        if valid {
            create.dispatch(admin);
        }
    };
    let error_of = move |field: &'static str| {
        move || failure.with(|f| local_errors.with(|l| message_for(l, f.as_ref(), field)))
    };
    // A problem that is about no field (a 403, a network failure) shows on its own.
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    view! {
        <section class="card" data-testid="add-admin">
            <h2>"Add an administrator"</h2>
            <form class="stacked" on:submit=on_submit novalidate>
                <fieldset disabled=move || !can.get() aria-describedby="add-admin-read-only">
                    <label for="new-admin-email">"Email"</label>
                    <input id="new-admin-email" type="email" autocomplete="off" aria-describedby="new-admin-email-error"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p class="field-error" id="new-admin-email-error" aria-live="polite">{error_of("email")}</p>
                    <label for="new-admin-password">"Password"</label>
                    <input id="new-admin-password" type="password" autocomplete="new-password" aria-describedby="new-admin-password-hint new-admin-password-error"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                    <p class="note" id="new-admin-password-hint">{format!("At least {MIN_PASSWORD_CHARS} characters. Give it to them by a separate channel.")}</p>
                    <p class="field-error" id="new-admin-password-error" aria-live="polite">{error_of("password")}</p>
                    <label for="new-admin-role">"Role"</label>
                    <select id="new-admin-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::ReadOnlyAdmin))>
                        {[Role::ReadOnlyAdmin, Role::SuperAdmin].into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{error_of("role")}</p>
                    <div class="actions">
                        <button type="submit" class="primary" data-testid="add-admin-submit"
                            title=move || (!can.get()).then_some(reasons::ADD_ADMIN)
                            disabled=move || !can.get() || create.pending().get()>
                            "Add administrator"
                        </button>
                    </div>
                </fieldset>
            </form>
            <ReadOnlyNote id="add-admin-read-only" reason=reasons::ADD_ADMIN />
            {general}
            {move || done.get().map(|a| view! {
                <p class="saved" role="status" data-testid="admin-added">{format!("Added {} as {}.", a.email, a.role.label().to_lowercase())}</p>
            })}
        </section>
    }
}
