//! Webhooks: System Log events sent to the URLs administrators register, as they happen.
//!
//! A delivery is queued by the System Log itself (`storage::Db::append_event`), in the
//! transaction that writes the event, for every enabled hook subscribed to its type: a crash
//! loses none, and a change that rolls back sends nothing. The [`worker`] sends them, retrying
//! for about a day ([`crate::config::WebhookPolicy`]); a hook whose delivery fails that long is
//! turned off and the administrators are emailed.
//!
//! - [`signature`]: Standard Webhooks signing; [`send`]: one HTTP attempt;
//!   [`slack`]: the chat format's text.

pub mod send;
pub mod signature;
pub mod slack;
pub mod worker;

use crate::storage::StoredWebhook;
use safeguard_rules::api::{LogEvent, WebhookFormat};
use signature::BadSecret;

/// One attempt's request for `hook`: the event formatted as the hook asks, and for the
/// `standard` format signed with every secret in force at `timestamp` (Unix seconds).
///
/// `event_json` is the event as the System Log stores it, which is what a `standard` hook
/// receives byte for byte.
pub fn request<'a>(
    hook: &'a StoredWebhook,
    event_id: &str,
    event_json: &str,
    public_url: &str,
    timestamp: i64,
) -> Result<send::Request<'a>, RequestError> {
    let body = match hook.view.format {
        WebhookFormat::Standard => event_json.to_owned(),
        WebhookFormat::Slack => {
            let event: LogEvent = serde_json::from_str(event_json)?;
            slack::body(&event, public_url)
        }
    };
    let mut secrets = vec![hook.secret.as_str()];
    secrets.extend(hook.previous_secret.as_deref());
    let signature = signature::header(&secrets, event_id, timestamp, &body)?;
    Ok(send::Request {
        url: &hook.view.url,
        headers: vec![
            ("webhook-id", event_id.to_owned()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ],
        body,
    })
}

/// A stored delivery that cannot be sent as it is.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("the stored event could not be read: {0}")]
    Event(#[from] serde_json::Error),
    #[error(transparent)]
    Secret(#[from] BadSecret),
}
