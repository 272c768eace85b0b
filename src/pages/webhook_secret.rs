//! A webhook's signing secret, the one time anyone sees it: right after the hook is created or
//! its secret replaced. With a Copy button and what a receiver does with it.

use leptos::prelude::*;
use safeguard_rules::api::{CreatedWebhook, RotatedSecret};
use wasm_bindgen_futures::JsFuture;

/// The secret on screen and the words around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownSecret {
    pub title: String,
    pub secret: String,
    /// Until when the secret replaced still signs, after a rotation.
    pub previous_until: Option<String>,
}

impl ShownSecret {
    pub fn created(created: &CreatedWebhook) -> Self {
        Self {
            title: format!("Webhook \u{201c}{}\u{201d} added", created.webhook.name),
            secret: created.secret.clone(),
            previous_until: None,
        }
    }

    pub fn rotated(name: &str, rotated: &RotatedSecret) -> Self {
        Self {
            title: format!("New secret for \u{201c}{name}\u{201d}"),
            secret: rotated.secret.clone(),
            previous_until: Some(rotated.previous_secret_expires_at.clone()),
        }
    }
}

#[component]
pub fn NewSecret(shown: ShownSecret, secret: RwSignal<Option<ShownSecret>>) -> impl IntoView {
    // Whether the last Copy worked; `None` before the first.
    let copied = RwSignal::new(None::<bool>);
    let value = StoredValue::new(shown.secret.clone());
    let copy = move |_| {
        let text = value.get_value();
        leptos::task::spawn_local(async move {
            let clipboard = window().navigator().clipboard();
            let done = JsFuture::from(clipboard.write_text(&text)).await.is_ok();
            copied.set(Some(done));
        });
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        event_target::<web_sys::HtmlInputElement>(&ev).select();
    };
    view! {
        <section class="card new-token" data-testid="new-secret" aria-labelledby="new-secret-title">
            <h2 id="new-secret-title">{shown.title}</h2>
            <label for="new-secret-value">"Signing secret"</label>
            <div class="row">
                <input id="new-secret-value" class="mono" readonly prop:value=shown.secret on:focus=select_all />
                <button type="button" data-testid="copy-secret" on:click=copy>"Copy"</button>
            </div>
            <p role="status" data-testid="copy-result">{move || match copied.get() {
                Some(true) => "Copied.",
                Some(false) => "The browser did not allow copying: select the secret and copy it.",
                None => "",
            }}</p>
            <p class="warn" data-testid="new-secret-warning"><strong>"Copy this secret now: it will not be shown again."</strong></p>
            {shown.previous_until.map(|until| view! {
                <p>{format!("The old secret also signs every delivery until {} UTC, so the receiver can switch to this one without missing any.", crate::format::timestamp(&until))}</p>
            })}
            <p>
                "A receiver checks the " <code>"webhook-signature"</code> " header: the HMAC-SHA256, keyed with the base64 after "
                <code>"whsec_"</code> ", of " <code>"webhook-id.webhook-timestamp.body"</code>
                ". Any Standard Webhooks library does it in one call."
            </p>
            <button data-testid="new-secret-done" on:click=move |_| secret.set(None)>"I have copied it"</button>
        </section>
    }
}
