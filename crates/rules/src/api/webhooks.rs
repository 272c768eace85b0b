//! `/api/v1/webhooks`: System Log events sent to a URL as they happen, signed the way the
//! Standard Webhooks specification says, or posted as a chat message.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The System Log event types a hook may subscribe to.
///
/// `system.webhook.delivery` is not among them: it records a delivery, and a hook told of its
/// own deliveries would be told of that telling, without end.
pub const WEBHOOK_EVENT_TYPES: &[&str] = &[
    "system.import.roadblock",
    "system.import.roadblock.resume",
    "system.import.roadblock.cancel",
    "system.import.start",
    "system.import.complete",
    "system.import.safeguard.update",
    "application.user_membership.remove",
    "user.lifecycle.deactivate",
    "user.lifecycle.reactivate",
    "system.app.update",
    "system.app.source.update",
    "system.import.schedule.skip",
    "system.email.delivery",
    "system.email.bounce.remove",
    "system.webhook.create",
    "system.webhook.update",
    "system.webhook.delete",
    "system.webhook.secret.rotate",
    "system.webhook.disable",
    "user.session.start",
    "user.session.end",
    "user.authentication.auth_failed",
    "user.account.lock",
    "user.account.privilege.grant",
    "system.api_token.create",
    "system.api_token.revoke",
];

/// The event `POST /api/v1/webhooks/{id}/test` sends. It is not written to the System Log.
pub const TEST_EVENT_TYPE: &str = "webhook.test";

/// The System Log event of each delivery's outcome.
pub const DELIVERY_EVENT_TYPE: &str = "system.webhook.delivery";

/// The prefix of a signing secret; the rest is the key in standard base64.
pub const SECRET_PREFIX: &str = "whsec_";

/// The longest hook name.
pub const MAX_WEBHOOK_NAME_CHARS: usize = 128;
/// The longest URL: what browsers and proxies reliably carry.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2048;
/// The most event types one hook subscribes to: every one there is.
pub const MAX_WEBHOOK_EVENT_TYPES: usize = WEBHOOK_EVENT_TYPES.len();

/// What the body of a delivery is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The event exactly as `GET /api/v1/logs` shows it, signed (Standard Webhooks).
    #[default]
    Standard,
    /// `{"text": ...}` for a chat tool's incoming-webhook URL (Slack, Mattermost, Rocket.Chat;
    /// Microsoft Teams workflows take it too).
    Slack,
}

impl WebhookFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Standard => "standard",
            WebhookFormat::Slack => "slack",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "standard" => Some(WebhookFormat::Standard),
            "slack" => Some(WebhookFormat::Slack),
            _ => None,
        }
    }
}

/// `POST /api/v1/webhooks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    pub name: String,
    /// Where events are posted: `http://` or `https://`, without a user name or password.
    pub url: String,
    /// System Log event types ([`WEBHOOK_EVENT_TYPES`]); at least one.
    pub event_types: Vec<String>,
    #[serde(default)]
    pub format: WebhookFormat,
    /// Whether deliveries start at once (the default).
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// `PATCH /api/v1/webhooks/{id}`: the fields given change, the others stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<WebhookFormat>,
    /// `true` turns a hook back on (also one the server turned off after a day of failures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A hook as the API shows it; never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub format: WebhookFormat,
    pub enabled: bool,
    /// Why the server turned the hook off, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed, while they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<String>,
    /// Until when the secret before the last rotation still signs deliveries too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

/// The answer to a create: the hook and its signing secret, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_` and the key in base64.
    pub secret: String,
}

/// The answer to `POST /api/v1/webhooks/{id}/rotate-secret`: the new secret, shown this once.
/// Until `previousSecretExpiresAt` each delivery carries a signature with either secret, so a
/// receiver can switch without missing one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RotatedSecret {
    pub id: String,
    pub secret: String,
    pub previous_secret_expires_at: String,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, for about a day.
    Failed,
    /// The hook was turned off or deleted before it could be delivered.
    Cancelled,
}

impl WebhookDeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookDeliveryStatus::Pending => "pending",
            WebhookDeliveryStatus::Delivered => "delivered",
            WebhookDeliveryStatus::Failed => "failed",
            WebhookDeliveryStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(WebhookDeliveryStatus::Pending),
            "delivered" => Some(WebhookDeliveryStatus::Delivered),
            "failed" => Some(WebhookDeliveryStatus::Failed),
            "cancelled" => Some(WebhookDeliveryStatus::Cancelled),
            _ => None,
        }
    }
}

/// One try at a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookAttempt {
    pub at: String,
    /// The receiver's HTTP status; none when there was no answer (refused, timed out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<u16>,
    pub duration_ms: u64,
    /// What went wrong, in words; none for a 2xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One event sent (or to be sent) to one hook, with every attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: String,
    pub webhook_id: String,
    /// The event's `uuid`, which is also the `webhook-id` header: the same on every retry, so
    /// a receiver can drop a repeat.
    pub event_id: String,
    pub event_type: String,
    pub status: WebhookDeliveryStatus,
    /// The last attempt's HTTP status, if it got one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<u16>,
    /// When the next attempt is due, while the delivery is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub attempts: Vec<WebhookAttempt>,
}

impl NewWebhook {
    /// Every invalid field, or none.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, &mut errors);
        check_url(&self.url, &mut errors);
        check_event_types(&self.event_types, &mut errors);
        errors
    }
}

impl WebhookPatch {
    /// Every invalid field, or none. A patch that changes nothing is valid (and changes nothing).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(name) = &self.name {
            check_name(name, &mut errors);
        }
        if let Some(url) = &self.url {
            check_url(url, &mut errors);
        }
        if let Some(types) = &self.event_types {
            check_event_types(types, &mut errors);
        }
        errors
    }
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) {
    if name.chars().count() > MAX_WEBHOOK_NAME_CHARS {
        errors.push(FieldError::new(
            "name",
            format!("must be at most {MAX_WEBHOOK_NAME_CHARS} characters"),
        ));
    } else if name.trim().is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    }
}

fn check_url(url: &str, errors: &mut Vec<FieldError>) {
    if let Err(message) = check_webhook_url(url) {
        errors.push(FieldError::new("url", message));
    }
}

/// A hook's URL: `http://` or `https://`, a host, no user name or password (they would be shown
/// to every administrator; the signature is what proves a delivery), no spaces.
pub fn check_webhook_url(url: &str) -> Result<(), String> {
    if url.chars().count() > MAX_WEBHOOK_URL_CHARS {
        return Err(format!(
            "must be at most {MAX_WEBHOOK_URL_CHARS} characters"
        ));
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Err(format!(
            "must start with http:// or https:// (got \"{}\")",
            shorten(url)
        ));
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".to_owned());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "must not hold a user name or password: the receiver checks the signature instead"
                .to_owned(),
        );
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return Err("must name a host".to_owned());
    }
    Ok(())
}

/// The first characters of a long value, for an error message.
fn shorten(value: &str) -> String {
    const SHOWN: usize = 40;
    if value.chars().count() <= SHOWN {
        value.to_owned()
    } else {
        let head: String = value.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

fn check_event_types(types: &[String], errors: &mut Vec<FieldError>) {
    if types.is_empty() {
        errors.push(FieldError::new(
            "eventTypes",
            "must name at least one event type",
        ));
        return;
    }
    if types.len() > MAX_WEBHOOK_EVENT_TYPES {
        errors.push(FieldError::new(
            "eventTypes",
            format!("must name at most {MAX_WEBHOOK_EVENT_TYPES} event types"),
        ));
        return;
    }
    for (i, event_type) in types.iter().enumerate() {
        if !WEBHOOK_EVENT_TYPES.contains(&event_type.as_str()) {
            let why = if event_type == DELIVERY_EVENT_TYPE {
                format!(
                    "\"{DELIVERY_EVENT_TYPE}\" cannot be subscribed to: each delivery would make another"
                )
            } else {
                format!(
                    "\"{}\" is not an event type a hook can receive; known types: {}",
                    shorten(event_type),
                    WEBHOOK_EVENT_TYPES.join(", ")
                )
            };
            errors.push(FieldError::new(format!("eventTypes[{i}]"), why));
        }
    }
}

/// The event types without repeats, in the order first given.
pub fn distinct_event_types(types: &[String]) -> Vec<String> {
    let mut seen = Vec::with_capacity(types.len());
    for event_type in types {
        if !seen.contains(event_type) {
            seen.push(event_type.clone());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(url: &str, types: &[&str]) -> NewWebhook {
        NewWebhook {
            name: "Ops".to_owned(),
            url: url.to_owned(),
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
            format: WebhookFormat::Standard,
            enabled: true,
        }
    }

    #[test]
    fn a_hook_to_an_https_url_for_the_roadblock_is_valid() {
        let ok = hook(
            "https://hooks.example.com/services/T0/B0/x",
            &["system.import.roadblock"],
        );
        assert!(ok.validate().is_empty());
        assert!(
            hook("http://127.0.0.1:9000/hook", &["system.import.roadblock"])
                .validate()
                .is_empty()
        );
        assert!(
            hook("HTTPS://[::1]:9000/", &["user.session.start"])
                .validate()
                .is_empty()
        );
    }

    #[test]
    fn urls_that_are_not_http_are_refused_with_the_reason() {
        for (url, words) in [
            ("ftp://example.com/x", "must start with http:// or https://"),
            ("javascript:alert(1)", "must start with http:// or https://"),
            ("https://", "must name a host"),
            ("https://:443/x", "must name a host"),
            ("https://user:pw@example.com/", "user name or password"),
            ("https://example.com/a b", "spaces"),
        ] {
            let errors = hook(url, &["system.import.roadblock"]).validate();
            assert_eq!(errors.len(), 1, "{url}: {errors:?}");
            assert_eq!(errors[0].field, "url");
            assert!(errors[0].message.contains(words), "{url}: {errors:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_WEBHOOK_URL_CHARS));
        assert!(
            hook(&long, &["system.import.roadblock"]).validate()[0]
                .message
                .contains("at most 2048")
        );
    }

    #[test]
    fn unknown_event_types_are_named_by_their_place() {
        let errors = hook(
            "https://example.com",
            &["system.import.roadblock", "system.import.explode"],
        )
        .validate();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "eventTypes[1]");
        assert!(errors[0].message.contains("\"system.import.explode\""));
        let delivery = hook("https://example.com", &[DELIVERY_EVENT_TYPE]).validate();
        assert!(delivery[0].message.contains("cannot be subscribed"));
        let none = hook("https://example.com", &[]).validate();
        assert_eq!(none[0].field, "eventTypes");
    }

    #[test]
    fn a_blank_name_is_refused() {
        let mut blank = hook("https://example.com", &["system.import.roadblock"]);
        blank.name = " \t".to_owned();
        assert_eq!(blank.validate()[0].field, "name");
    }

    #[test]
    fn a_patch_checks_only_what_it_changes() {
        assert!(WebhookPatch::default().validate().is_empty());
        let patch = WebhookPatch {
            url: Some("gopher://x".to_owned()),
            ..WebhookPatch::default()
        };
        assert_eq!(patch.validate()[0].field, "url");
    }

    #[test]
    fn a_new_hook_is_standard_and_enabled_unless_told() {
        let parsed: NewWebhook = serde_json::from_str(
            r#"{"name":"n","url":"https://e.com","eventTypes":["system.import.roadblock"]}"#,
        )
        .unwrap();
        assert_eq!(parsed.format, WebhookFormat::Standard);
        assert!(parsed.enabled);
        assert!(
            serde_json::from_str::<NewWebhook>(
                r#"{"name":"n","url":"https://e.com","eventTypes":[],"format":"teams"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn repeated_event_types_are_kept_once() {
        let types = ["a", "b", "a"].map(str::to_owned);
        assert_eq!(distinct_event_types(&types), ["a", "b"]);
    }
}
