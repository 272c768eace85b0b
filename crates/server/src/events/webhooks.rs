//! System Log events of webhooks: their changes, each delivery's outcome, and a hook turned off
//! after its deliveries failed for a day.

use super::{event, success, target};
use crate::actor::Actor;
use safeguard_rules::api::webhooks::{DELIVERY_EVENT_TYPE, TEST_EVENT_TYPE};
use safeguard_rules::api::{LogEvent, LogOutcome, LogTarget, WebhookAttempt, WebhookView};
use serde_json::json;

fn hook_target(hook: &WebhookView) -> LogTarget {
    target(&hook.id, "Webhook", &hook.name)
}

fn hook_data(hook: &WebhookView) -> serde_json::Value {
    json!({
        "webhookId": hook.id,
        "url": hook.url,
        "format": hook.format.as_str(),
        "eventTypes": hook.event_types,
        "enabled": hook.enabled,
    })
}

pub fn created(actor: &Actor, hook: &WebhookView, at: &str) -> LogEvent {
    event(
        "system.webhook.create",
        "INFO",
        format!("Webhook \"{}\" created, sending to {}", hook.name, hook.url),
        actor,
        vec![hook_target(hook)],
        success(),
        hook_data(hook),
        at,
    )
}

/// A change by an administrator; `old` and `new` as the API shows them.
pub fn updated(actor: &Actor, old: &WebhookView, new: &WebhookView, at: &str) -> LogEvent {
    let message = match (old.enabled, new.enabled) {
        (true, false) => format!("Webhook \"{}\" turned off", new.name),
        (false, true) => format!("Webhook \"{}\" turned on", new.name),
        _ => format!("Webhook \"{}\" changed", new.name),
    };
    event(
        "system.webhook.update",
        "INFO",
        message,
        actor,
        vec![hook_target(new)],
        success(),
        json!({"old": hook_data(old), "new": hook_data(new)}),
        at,
    )
}

pub fn deleted(actor: &Actor, hook: &WebhookView, at: &str) -> LogEvent {
    event(
        "system.webhook.delete",
        "INFO",
        format!("Webhook \"{}\" deleted", hook.name),
        actor,
        vec![hook_target(hook)],
        success(),
        hook_data(hook),
        at,
    )
}

pub fn secret_rotated(actor: &Actor, hook: &WebhookView, until: &str, at: &str) -> LogEvent {
    event(
        "system.webhook.secret.rotate",
        "INFO",
        format!(
            "Webhook \"{}\" has a new signing secret; the previous one also signs until {until}",
            hook.name
        ),
        actor,
        vec![hook_target(hook)],
        success(),
        json!({"webhookId": hook.id, "previousSecretExpiresAt": until}),
        at,
    )
}

/// A hook turned off by the server: every attempt of a delivery failed, for about a day.
pub fn disabled(hook: &WebhookView, reason: &str, cancelled: usize, at: &str) -> LogEvent {
    event(
        "system.webhook.disable",
        "WARN",
        format!("Webhook \"{}\" turned off: {reason}", hook.name),
        &Actor::system(),
        vec![hook_target(hook)],
        LogOutcome {
            result: "FAILURE".to_owned(),
            reason: Some(reason.to_owned()),
        },
        json!({"webhookId": hook.id, "url": hook.url, "cancelledDeliveries": cancelled}),
        at,
    )
}

/// How a delivery ended: delivered, or failed after its last attempt.
pub struct Outcome<'a> {
    pub hook: &'a WebhookView,
    pub delivery_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub attempts: u32,
    pub last: &'a WebhookAttempt,
}

pub fn delivery(outcome: &Outcome<'_>, at: &str) -> LogEvent {
    let hook = outcome.hook;
    let last = outcome.last;
    let (severity, result, message) = match &last.error {
        None => (
            "INFO",
            success(),
            format!(
                "Event {} delivered to webhook \"{}\" ({} in {} ms)",
                outcome.event_type,
                hook.name,
                last.response_code.unwrap_or_default(),
                last.duration_ms
            ),
        ),
        Some(error) => (
            "WARN",
            LogOutcome {
                result: "FAILURE".to_owned(),
                reason: Some(error.clone()),
            },
            format!(
                "Event {} not delivered to webhook \"{}\" after {} attempts: {error}",
                outcome.event_type, hook.name, outcome.attempts
            ),
        ),
    };
    event(
        DELIVERY_EVENT_TYPE,
        severity,
        message,
        &Actor::system(),
        vec![hook_target(hook)],
        result,
        json!({
            "webhookId": hook.id,
            "deliveryId": outcome.delivery_id,
            "eventId": outcome.event_id,
            "eventType": outcome.event_type,
            "attempts": outcome.attempts,
            "responseCode": last.response_code,
            "durationMs": last.duration_ms,
        }),
        at,
    )
}

/// The event `POST /webhooks/{id}/test` sends. It is built like every other event, so a
/// receiver parses it the same way, but it is not written to the System Log.
pub fn test(actor: &Actor, hook: &WebhookView, at: &str) -> LogEvent {
    event(
        TEST_EVENT_TYPE,
        "INFO",
        format!(
            "Test from Safeguard: webhook \"{}\" reaches this receiver",
            hook.name
        ),
        actor,
        vec![hook_target(hook)],
        success(),
        json!({"webhookId": hook.id}),
        at,
    )
}
