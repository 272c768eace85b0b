//! The sign-in page, `/signin?next=<path>`: email and password, then back to the page the
//! administrator came from (a path on this site only, see [`safe_next`]). Shown without the
//! console's navigation: nothing behind it can be reached before signing in.

use crate::api;
use crate::sign_in_redirect::safe_next;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use safeguard_rules::api::SignIn as Credentials;

#[component]
pub fn SignIn() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Action::new_local(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move { api::sign_in(&credentials).await }
    });
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(_)) => {
            let next = safe_next(query.get_untracked().get("next").as_deref());
            // Replaced, so Back does not return to a sign-in form that is no longer needed.
            navigate(
                &next,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
        // Typed again after a failure, never kept: the field should not hold a wrong password.
        Some(Err(_)) => password.set(String::new()),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        // The form submits on Enter in either field; the request goes through the API client.
        ev.prevent_default();
        if sign_in.pending().get_untracked() {
            return;
        }
        sign_in.dispatch(Credentials {
            username: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };
    view! {
        <main class="sign-in-page">
            <form class="card sign-in" data-testid="signin-form" on:submit=on_submit>
                <p class="sign-in-brand">"Safeguard"</p>
                <h1>"Sign in"</h1>
                <label for="signin-email">"Email"</label>
                <input
                    id="signin-email"
                    name="username"
                    type="email"
                    autocomplete="username"
                    required
                    autofocus
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <label for="signin-password">"Password"</label>
                <input
                    id="signin-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <div aria-live="assertive">
                    {move || match sign_in.value().get() {
                        // The server's own words: a wrong email or password, or for how long
                        // sign-in is locked after too many failures.
                        Some(Err(error)) => Some(view! {
                            <p class="problem" role="alert" id="signin-error" data-testid="signin-error">{error.detail()}</p>
                        }),
                        _ => None,
                    }}
                </div>
                <button type="submit" class="primary" id="signin-submit" data-testid="signin-submit" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
