//! Webhooks: System Log events posted to a URL as they happen, signed (Standard Webhooks) or as
//! a chat message. Created with the events it wants, its signing secret shown once; each hook can
//! be turned off and on, sent a test, given a new secret, deleted, and its deliveries read.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::pages::webhook_deliveries::DeliveryLog;
use crate::pages::webhook_secret::{NewSecret, ShownSecret};
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::webhooks::{
    MAX_WEBHOOK_NAME_CHARS, MAX_WEBHOOK_URL_CHARS, WEBHOOK_EVENT_TYPES,
};
use safeguard_rules::api::{
    NewWebhook, WebhookDelivery, WebhookDeliveryStatus, WebhookFormat, WebhookPatch, WebhookView,
};
use std::collections::BTreeSet;

/// What a new hook is ticked for: the roadblock and how it ends, what most administrators want
/// told in a chat channel.
const DEFAULT_EVENT_TYPES: [&str; 3] = [
    "system.import.roadblock",
    "system.import.roadblock.resume",
    "system.import.roadblock.cancel",
];

#[component]
pub fn Webhooks() -> impl IntoView {
    let hooks = LocalResource::new(api::webhooks);
    let secret = RwSignal::new(None::<ShownSecret>);
    // The hook whose delivery log is open, with its name.
    let log = RwSignal::new(None::<(String, String)>);
    let reload = move || hooks.refetch();
    view! {
        <h1>"Webhooks"</h1>
        <p class="lead">
            "Each System Log event a webhook subscribes to is posted to its URL as it happens: "
            "signed JSON a receiver can verify, or a message for a chat channel's incoming webhook. "
            "A delivery that fails is retried for about a day, then the webhook is turned off and the administrators are emailed."
        </p>
        <CreateWebhook secret reload />
        {move || secret.get().map(|shown| view! { <NewSecret shown secret /> })}
        <h2>"Webhooks"</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match hooks.await {
                    Ok(list) => view! { <WebhookTable hooks=list secret log reload /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
        {move || log.get().map(|(id, name)| view! { <DeliveryLog id name log /> })}
    }
}

#[component]
fn CreateWebhook(
    secret: RwSignal<Option<ShownSecret>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let can = can_change();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let chat = RwSignal::new(false);
    let types = RwSignal::new(default_types());
    let local_errors = RwSignal::new(Vec::new());
    let failure = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |hook: &NewWebhook| {
        let hook = hook.clone();
        async move { api::create_webhook(&hook).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => {
            name.set(String::new());
            url.set(String::new());
            chat.set(false);
            types.set(default_types());
            secret.set(Some(ShownSecret::created(&created)));
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
        let hook = NewWebhook {
            name: name.get_untracked().trim().to_owned(),
            url: url.get_untracked().trim().to_owned(),
            // In the order the list shows them, not the order they were ticked.
            event_types: WEBHOOK_EVENT_TYPES
                .iter()
                .filter(|t| types.with_untracked(|ticked| ticked.contains(**t)))
                .map(|t| (*t).to_owned())
                .collect(),
            format: if chat.get_untracked() {
                WebhookFormat::Slack
            } else {
                WebhookFormat::Standard
            },
            enabled: true,
        };
        // The rules crate's checks, the same the server runs.
        let errors = hook.validate();
        let valid = errors.is_empty();
        local_errors.set(errors);
        if valid {
            create.dispatch(hook);
        }
    };
    let error_of = move |field: &'static str| {
        move || {
            local_errors
                .with(|errors| {
                    errors
                        .iter()
                        .find(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                        .map(|e| e.message.clone())
                })
                .or_else(|| failure.with(|f| f.as_ref().and_then(|e| e.field_error(field))))
        }
    };
    let general = move || {
        failure
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|error| view! { <ProblemView error /> })
    };
    view! {
        <section class="card" data-testid="create-webhook">
            <h2>"Add a webhook"</h2>
            <form class="stacked wide" on:submit=on_submit novalidate>
                <fieldset disabled=move || !can.get() aria-describedby="webhooks-read-only">
                    <label for="new-webhook-name">"Name"</label>
                    <input id="new-webhook-name" maxlength=MAX_WEBHOOK_NAME_CHARS.to_string() autocomplete="off"
                        aria-describedby="new-webhook-name-error"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="field-error" id="new-webhook-name-error" aria-live="polite">{error_of("name")}</p>

                    <label for="new-webhook-url">"URL"</label>
                    <input id="new-webhook-url" type="url" inputmode="url" maxlength=MAX_WEBHOOK_URL_CHARS.to_string()
                        autocomplete="off" placeholder="https://"
                        aria-describedby="new-webhook-url-hint new-webhook-url-error"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                    <p class="note" id="new-webhook-url-hint">"Where each event is posted. Redirects are not followed."</p>
                    <p class="field-error" id="new-webhook-url-error" aria-live="polite">{error_of("url")}</p>

                    <label for="new-webhook-format">"Format"</label>
                    <select id="new-webhook-format" aria-describedby="new-webhook-format-hint"
                        on:change=move |ev| chat.set(event_target_value(&ev) == "slack")
                        prop:value=move || if chat.get() { "slack" } else { "standard" }>
                        <option value="standard">"Signed JSON (Standard Webhooks)"</option>
                        <option value="slack">"Chat message (Slack, Mattermost, Microsoft Teams)"</option>
                    </select>
                    <p class="note" id="new-webhook-format-hint">{move || if chat.get() {
                        "A {\"text\": ...} message for a channel's incoming-webhook URL, with a link to the console."
                    } else {
                        "The event as the System Log shows it, signed with the webhook's secret."
                    }}</p>

                    <fieldset class="event-types" aria-describedby="new-webhook-types-error">
                        <legend>"Events"</legend>
                        {WEBHOOK_EVENT_TYPES.iter().map(|event_type| {
                            let event_type = *event_type;
                            let id = format!("event-type-{}", event_type.replace('.', "-"));
                            let label_for = id.clone();
                            view! {
                                <label class="check" for=label_for>
                                    <input type="checkbox" id=id data-event-type=event_type
                                        prop:checked=move || types.with(|t| t.contains(event_type))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            types.update(|t| { if on { t.insert(event_type.to_owned()); } else { t.remove(event_type); } });
                                        } />
                                    <code>{event_type}</code>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <p class="field-error" id="new-webhook-types-error" aria-live="polite">{error_of("eventTypes")}</p>

                    <div class="actions">
                        <button type="submit" class="primary" data-testid="create-webhook-submit"
                            title=move || (!can.get()).then_some(reasons::WEBHOOKS)
                            disabled=move || !can.get() || create.pending().get()>
                            "Add webhook"
                        </button>
                    </div>
                </fieldset>
            </form>
            <ReadOnlyNote id="webhooks-read-only" reason=reasons::WEBHOOKS />
            {general}
        </section>
    }
}

fn default_types() -> BTreeSet<String> {
    DEFAULT_EVENT_TYPES
        .iter()
        .map(|t| (*t).to_owned())
        .collect()
}

/// A row's action waiting for a yes.
#[derive(Clone, PartialEq)]
enum Asking {
    Rotate(String),
    Delete(String),
}

#[component]
fn WebhookTable(
    hooks: Vec<WebhookView>,
    secret: RwSignal<Option<ShownSecret>>,
    log: RwSignal<Option<(String, String)>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    if hooks.is_empty() {
        return view! { <p class="muted" data-testid="webhooks-empty">"No webhook yet."</p> }
            .into_any();
    }
    let can = can_change();
    let asking = RwSignal::new(None::<Asking>);
    let failure = RwSignal::new(None::<ApiError>);
    // The last test sent, by hook id.
    let tested = RwSignal::new(None::<(String, WebhookDelivery)>);
    let switch = Action::new_local(move |(id, enabled): &(String, bool)| {
        let (id, patch) = (
            id.clone(),
            WebhookPatch {
                enabled: Some(*enabled),
                ..WebhookPatch::default()
            },
        );
        async move { api::update_webhook(&id, &patch).await.map(drop) }
    });
    let test = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::test_webhook(&id).await.map(|d| (id, d)) }
    });
    let rotate = Action::new_local(move |(id, name): &(String, String)| {
        let (id, name) = (id.clone(), name.clone());
        async move { api::rotate_webhook_secret(&id).await.map(|r| (name, r)) }
    });
    let remove = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::delete_webhook(&id).await.map(|()| id) }
    });
    Effect::new(move |_| {
        if let Some(result) = switch.value().get() {
            if let Err(e) = result {
                failure.set(Some(e));
            }
            reload();
        }
    });
    Effect::new(move |_| match test.value().get() {
        Some(Ok(result)) => tested.set(Some(result)),
        Some(Err(e)) => failure.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(result) = rotate.value().get() {
            asking.set(None);
            match result {
                Ok((name, rotated)) => secret.set(Some(ShownSecret::rotated(&name, &rotated))),
                Err(e) => failure.set(Some(e)),
            }
            reload();
        }
    });
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            asking.set(None);
            match result {
                Ok(id) => {
                    if log.with_untracked(|l| l.as_ref().is_some_and(|(open, _)| *open == id)) {
                        log.set(None);
                    }
                }
                Err(e) => failure.set(Some(e)),
            }
            reload();
        }
    });
    let busy = move || {
        switch.pending().get()
            || test.pending().get()
            || rotate.pending().get()
            || remove.pending().get()
    };
    view! {
        {move || failure.get().map(|error| view! { <div data-testid="webhook-failure"><ProblemView error /></div> })}
        <ReadOnlyNote id="webhook-actions-read-only" reason=reasons::WEBHOOKS />
        <table class="webhooks" data-testid="webhooks-table">
            <thead><tr><th>"Name"</th><th>"URL"</th><th>"Events"</th><th>"State"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {hooks.into_iter().map(|hook| {
                    let id = StoredValue::new(hook.id.clone());
                    let name = StoredValue::new(hook.name.clone());
                    let enabled = hook.enabled;
                    let asked = move |what: fn(String) -> Asking| {
                        asking.with(|a| a.as_ref() == Some(&what(id.get_value())))
                    };
                    let disabled = move || !can.get() || busy();
                    let why = move || (!can.get()).then_some(reasons::WEBHOOKS);
                    let described = move || (!can.get()).then_some("webhook-actions-read-only");
                    let test_result = move || tested.with(|t| t.as_ref()
                        .filter(|(hook, _)| *hook == id.get_value())
                        .map(|(_, delivery)| test_outcome(delivery)));
                    view! {
                        <tr data-testid="webhook-row">
                            <td>{hook.name.clone()}<br /><span class="muted">{format_label(hook.format)}</span></td>
                            <td class="mono">{hook.url.clone()}</td>
                            <td>{event_summary(&hook.event_types)}</td>
                            <td data-testid="webhook-state">{state(&hook)}</td>
                            <td class="row-actions">
                                <button data-testid="webhook-switch" title=why aria-describedby=described disabled=disabled
                                    on:click=move |_| { failure.set(None); switch.dispatch((id.get_value(), !enabled)); }>
                                    {if enabled { "Turn off" } else { "Turn on" }}
                                </button>
                                <button data-testid="webhook-test" title=why aria-describedby=described disabled=disabled
                                    on:click=move |_| { failure.set(None); tested.set(None); test.dispatch(id.get_value()); }>
                                    "Send test"
                                </button>
                                <button data-testid="webhook-rotate" title=why aria-describedby=described
                                    disabled=move || disabled() || asked(Asking::Rotate)
                                    on:click=move |_| { failure.set(None); asking.set(Some(Asking::Rotate(id.get_value()))); }>
                                    "New secret"
                                </button>
                                <button class="danger" data-testid="webhook-delete" title=why aria-describedby=described
                                    disabled=move || disabled() || asked(Asking::Delete)
                                    on:click=move |_| { failure.set(None); asking.set(Some(Asking::Delete(id.get_value()))); }>
                                    "Delete"
                                </button>
                                <button data-testid="webhook-deliveries"
                                    on:click=move |_| log.set(Some((id.get_value(), name.get_value())))>
                                    "Deliveries"
                                </button>
                            </td>
                        </tr>
                        {move || test_result().map(|(ok, text)| view! {
                            <tr class="confirm-row"><td colspan="5">
                                <p class=if ok { "ok" } else { "warn" } role="status" data-testid="webhook-test-result">{text}</p>
                            </td></tr>
                        })}
                        {move || asked(Asking::Rotate).then(|| view! {
                            <tr class="confirm-row"><td colspan="5">
                                <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="rotate-text" data-testid="rotate-confirm">
                                    <p id="rotate-text">{format!("Give \u{201c}{}\u{201d} a new signing secret? For the next day each delivery is signed with the old and the new one, so its receiver can switch without missing any.", name.get_value())}</p>
                                    <button class="primary" data-testid="rotate-yes" disabled=busy
                                        on:click=move |_| { rotate.dispatch((id.get_value(), name.get_value())); }>"Yes, make a new secret"</button>
                                    <button on:click=move |_| asking.set(None)>"Go back"</button>
                                </div>
                            </td></tr>
                        })}
                        {move || asked(Asking::Delete).then(|| view! {
                            <tr class="confirm-row"><td colspan="5">
                                <div class="confirm" role="dialog" aria-modal="false" aria-labelledby="delete-text" data-testid="delete-confirm">
                                    <p id="delete-text">{format!("Delete \u{201c}{}\u{201d}? Deliveries not yet made are dropped and its delivery log goes with it; this cannot be undone.", name.get_value())}</p>
                                    <button class="danger" data-testid="delete-yes" disabled=busy
                                        on:click=move |_| { remove.dispatch(id.get_value()); }>"Yes, delete it"</button>
                                    <button on:click=move |_| asking.set(None)>"Go back"</button>
                                </div>
                            </td></tr>
                        })}
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn format_label(format: WebhookFormat) -> &'static str {
    match format {
        WebhookFormat::Standard => "Signed JSON",
        WebhookFormat::Slack => "Chat message",
    }
}

/// The events a hook gets, short: all of them, or the first two and how many more.
fn event_summary(types: &[String]) -> String {
    if types.len() == WEBHOOK_EVENT_TYPES.len() {
        return "Every event".to_owned();
    }
    match types {
        [one] => one.clone(),
        [a, b] => format!("{a}, {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        [] => "None".to_owned(),
    }
}

/// On, off, or failing, in words an administrator acts on.
fn state(hook: &WebhookView) -> String {
    match (hook.enabled, &hook.disabled_reason, &hook.failing_since) {
        (false, Some(reason), _) => format!("Turned off: {reason}"),
        (false, None, _) => "Off".to_owned(),
        (true, _, Some(since)) => format!("On, failing since {}", format::timestamp(since)),
        (true, _, None) => "On".to_owned(),
    }
}

/// How a test went: delivered or not, with the receiver's answer or what went wrong.
fn test_outcome(delivery: &WebhookDelivery) -> (bool, String) {
    let attempt = delivery.attempts.last();
    let took = attempt.map_or(String::new(), |a| format!(" in {} ms", a.duration_ms));
    match (delivery.status, attempt) {
        (WebhookDeliveryStatus::Delivered, _) => (
            true,
            format!(
                "Test delivered: the receiver answered {}{took}.",
                delivery
                    .response_code
                    .map_or("2xx".to_owned(), |c| c.to_string())
            ),
        ),
        (_, Some(attempt)) => (
            false,
            format!(
                "Test not delivered: {}{took}.",
                attempt.error.clone().unwrap_or_else(|| attempt
                    .response_code
                    .map_or("no answer".to_owned(), |c| format!("HTTP {c}")))
            ),
        ),
        (_, None) => (false, "Test not delivered.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_events_is_summed_up() {
        let types: Vec<String> = WEBHOOK_EVENT_TYPES[..4]
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        assert_eq!(
            event_summary(&types),
            "system.import.roadblock, system.import.roadblock.resume and 2 more"
        );
        let all: Vec<String> = WEBHOOK_EVENT_TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        assert_eq!(event_summary(&all), "Every event");
    }
}
