//! API tokens: what scripts and other systems call the API with instead of a password. Listed
//! without the token itself (the server keeps only its hash); a new token is shown once, right
//! after it is created, with how to send it. Revoking asks first: whatever uses the token stops
//! working at once.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::admins::MAX_TOKEN_NAME_CHARS;
use safeguard_rules::api::{ApiTokenView, CreatedApiToken, NewApiToken};

/// The header a token travels in.
pub fn authorization_header(token: &str) -> String {
    format!("Authorization: SSWS {token}")
}

#[component]
pub fn ApiTokens() -> impl IntoView {
    let tokens = LocalResource::new(api::api_tokens);
    let created = RwSignal::new(None::<CreatedApiToken>);
    view! {
        <h1>"API tokens"</h1>
        <p class="lead">
            "Scripts and other systems call the API with a token instead of signing in. "
            "A token acts with the role of the administrator who created it, until it is revoked."
        </p>
        <CreateToken created reload=move || tokens.refetch() />
        {move || created.get().map(|token| view! { <NewToken token created /> })}
        <h2>"Tokens"</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) => view! { <TokenTable tokens=list created reload=move || tokens.refetch() /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CreateToken(
    created: RwSignal<Option<CreatedApiToken>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let can = can_change();
    let name = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |token: &NewApiToken| {
        let token = token.clone();
        async move { api::create_api_token(&token).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(token)) => {
            name.set(String::new());
            created.set(Some(token));
            reload();
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
        let token = NewApiToken {
            name: name.get_untracked().trim().to_owned(),
        };
        // The rules crate's check, the same the server runs.
        let error = token.validate().into_iter().next().map(|e| e.message);
        let valid = error.is_none();
        local_error.set(error);
        if valid {
            create.dispatch(token);
        }
    };
    let name_error = move || {
        local_error
            .get()
            .or_else(|| failure.with(|f| f.as_ref().and_then(|e| e.field_error("name"))))
    };
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    view! {
        <section class="card" data-testid="create-token">
            <h2>"Create a token"</h2>
            <form class="stacked" on:submit=on_submit novalidate>
                <fieldset disabled=move || !can.get() aria-describedby="tokens-read-only">
                    <label for="new-token-name">"Name"</label>
                    <input id="new-token-name" maxlength=MAX_TOKEN_NAME_CHARS.to_string() autocomplete="off"
                        aria-describedby="new-token-name-hint new-token-name-error"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="note" id="new-token-name-hint">"Name it for what will use it (\"Nightly HR import\"), so it can be revoked knowingly later."</p>
                    <p class="field-error" id="new-token-name-error" aria-live="polite">{name_error}</p>
                    <div class="actions">
                        <button type="submit" class="primary" data-testid="create-token-submit"
                            title=move || (!can.get()).then_some(reasons::API_TOKENS)
                            disabled=move || !can.get() || create.pending().get()>
                            "Create token"
                        </button>
                    </div>
                </fieldset>
            </form>
            <ReadOnlyNote id="tokens-read-only" reason=reasons::API_TOKENS />
            {general}
        </section>
    }
}

/// The token just created: the only time anyone sees it.
#[component]
fn NewToken(token: CreatedApiToken, created: RwSignal<Option<CreatedApiToken>>) -> impl IntoView {
    let origin = leptos::prelude::location().origin().unwrap_or_default();
    let example = format!(
        "curl -H \"{}\" {origin}/api/v1/imports",
        authorization_header(&token.token)
    );
    // One click in the field selects all of the token, ready to copy.
    let select_all = move |ev: leptos::ev::FocusEvent| {
        event_target::<web_sys::HtmlInputElement>(&ev).select();
    };
    view! {
        <section class="card new-token" data-testid="new-token" aria-labelledby="new-token-title">
            <h2 id="new-token-title">{format!("Token \u{201c}{}\u{201d} created", token.name)}</h2>
            <label for="new-token-value">"Token"</label>
            <input
                id="new-token-value"
                class="mono"
                readonly
                prop:value=token.token.clone()
                on:focus=select_all
            />
            <p class="warn" role="status" data-testid="new-token-warning"><strong>"Copy this token now: it will not be shown again."</strong></p>
            <p>"Send it in the " <code>"Authorization"</code> " header of every request:"</p>
            <pre class="mono usage">{authorization_header("<token>")}</pre>
            <p class="note">"For example:"</p>
            <pre class="mono usage">{example}</pre>
            <button data-testid="new-token-done" on:click=move |_| created.set(None)>"I have copied it"</button>
        </section>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<ApiTokenView>,
    created: RwSignal<Option<CreatedApiToken>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="muted" data-testid="tokens-empty">"No token yet."</p> }
            .into_any();
    }
    let can = can_change();
    // The token whose revocation waits for a yes.
    let confirming = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let revoke = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::revoke_api_token(&id).await.map(|()| id) }
    });
    Effect::new(move |_| {
        if let Some(result) = revoke.value().get() {
            confirming.set(None);
            match result {
                Ok(id) => {
                    // A token revoked right after it was shown need not stay on screen.
                    if created.with_untracked(|c| c.as_ref().is_some_and(|c| c.id == id)) {
                        created.set(None);
                    }
                }
                Err(e) => failure.set(Some(e)),
            }
            reload();
        }
    });
    view! {
        {move || failure.get().map(|error| view! { <div data-testid="revoke-failure"><ProblemView error /></div> })}
        <ReadOnlyNote id="revoke-read-only" reason=reasons::API_TOKENS />
        <table class="tokens" data-testid="tokens-table">
            <thead><tr><th>"Name"</th><th>"Created by"</th><th>"Created"</th><th>"Last used"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {tokens.into_iter().map(|t| {
                    let id = StoredValue::new(t.id.clone());
                    let asking = move || confirming.with(|c| c.as_deref() == Some(id.get_value().as_str()));
                    let name = t.name.clone();
                    view! {
                        <tr data-testid="token-row">
                            <td>{t.name}</td>
                            <td>{t.created_by}</td>
                            <td>{format::timestamp(&t.created_at)}</td>
                            <td>{t.last_used_at.as_deref().map_or_else(|| "Never".to_owned(), format::timestamp)}</td>
                            <td class="row-actions">
                                <button class="danger" data-testid="revoke"
                                    title=move || (!can.get()).then_some(reasons::API_TOKENS)
                                    aria-describedby=move || (!can.get()).then_some("revoke-read-only")
                                    disabled=move || !can.get() || asking()
                                    on:click=move |_| { failure.set(None); confirming.set(Some(id.get_value())); }>
                                    "Revoke"
                                </button>
                            </td>
                        </tr>
                        {move || asking().then(|| view! {
                            <tr class="confirm-row">
                                <td colspan="5">
                                    <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="revoke-text" data-testid="revoke-confirm">
                                        <p id="revoke-text">{format!("Revoke \u{201c}{name}\u{201d}? Whatever uses it is refused from now on; this cannot be undone.")}</p>
                                        <button class="danger" data-testid="revoke-yes" disabled=move || revoke.pending().get()
                                            on:click=move |_| { revoke.dispatch(id.get_value()); }>"Yes, revoke it"</button>
                                        <button on:click=move |_| confirming.set(None)>"Go back"</button>
                                    </div>
                                </td>
                            </tr>
                        })}
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_travels_in_the_ssws_scheme() {
        assert_eq!(authorization_header("abc"), "Authorization: SSWS abc");
    }
}
