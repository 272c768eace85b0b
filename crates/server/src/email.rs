//! Roadblock email: "High number of app unassignments" to every super-administrator and every
//! `--notify` address.
//!
//! - Queued: [`Notifier::queue_roadblock`] writes one outbox row per recipient in the transaction
//!   that pauses the import, so a message is lost neither by a crash nor by a restart, and an
//!   import never waits for a mail server.
//! - Delivered: [`worker`] runs in the background, sends what is due over SMTP ([`smtp`]) with
//!   retries and exponential backoff, and records each outcome in the outbox and the System Log
//!   (`system.email.delivery`). Without `--smtp-url` the outbox *is* the delivery: the message is
//!   marked `outbox`, read on the console's Notifications page, and logged as a SUCCESS with
//!   `debugData.transport` `outbox`.
//! - Logged: one `system.email.delivery` event per message when its outcome is known: SUCCESS,
//!   or FAILURE with reason `bounce` or `dropped`; `debugData.attempt` says which attempt it was.
//!   An attempt that will be retried (server unreachable, a 4xx) is not an event, since it has no
//!   outcome yet: it shows in the outbox (`attempts`, `lastError`) and the server's own log.
//! - Bounced: an address the server refuses permanently goes on the bounce list and is dropped
//!   from every later message until an administrator removes it
//!   (`/api/v1/org/email/bounces`).
//!
//! [`message`] builds the text; [`recipients`] says who gets it.

pub mod message;
pub mod recipients;
pub mod smtp;
pub mod worker;

pub use crate::config::{RetryPolicy, SmtpUrl};

use crate::config::Config;
use crate::ids::new_id;
use crate::storage::{Db, ImportRow, NewMessage, StorageError};
use safeguard_rules::api::WebhookView;
use safeguard_rules::api::email::{
    CATEGORY_APP_LEVEL_ROADBLOCK, CATEGORY_DEACTIVATION_ROADBLOCK, CATEGORY_ORG_LEVEL_ROADBLOCK,
    CATEGORY_WEBHOOK_DISABLED,
};
use safeguard_rules::evaluator::{Roadblock, Scope};
use std::sync::Arc;
use tokio::sync::Notify;

/// What the pipeline needs to queue roadblock email: who to tell besides the
/// super-administrators, how to link to the console, and how to wake the worker.
#[derive(Clone, Debug)]
pub struct Notifier {
    notify: Vec<String>,
    public_url: String,
    wake: Arc<Notify>,
}

impl Notifier {
    pub fn new(config: &Config) -> Self {
        Self {
            notify: config.notify.clone(),
            public_url: config.public_url.clone(),
            wake: Arc::new(Notify::new()),
        }
    }

    /// What the worker waits on between rounds.
    pub fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Queues the roadblock email of a paused import, one message per recipient, inside the
    /// caller's transaction. Answers how many were queued.
    ///
    /// The worker is woken at once; it takes the store's writer to claim messages, which it can
    /// only have once this transaction has committed (or rolled back), so it never looks too
    /// early and the wake-up is never lost.
    pub fn queue_roadblock(
        &self,
        db: &Db<'_>,
        import: &ImportRow,
        roadblock: &Roadblock,
        at: &str,
    ) -> Result<usize, StorageError> {
        let recipients = recipients::for_roadblock(db, &self.notify)?;
        let email = message::roadblock(
            &import.app_name,
            &import.id,
            roadblock,
            &import.impact,
            &self.public_url,
        );
        let category = category(roadblock.cause.scope);
        for recipient in &recipients {
            db.queue_message(
                &NewMessage {
                    id: &new_id("eml"),
                    import_id: Some(&import.id),
                    app_name: Some(&import.app_name),
                    category,
                    recipient,
                    subject: &email.subject,
                    body: &email.body,
                },
                at,
            )?;
        }
        if !recipients.is_empty() {
            self.wake.notify_one();
        }
        Ok(recipients.len())
    }

    /// Queues the email that tells the roadblock's recipients (the webhooks they rely on carry
    /// roadblocks) that the server turned a hook off, inside the caller's transaction.
    pub fn queue_webhook_disabled(
        &self,
        db: &Db<'_>,
        hook: &WebhookView,
        reason: &str,
        at: &str,
    ) -> Result<usize, StorageError> {
        let recipients = recipients::for_roadblock(db, &self.notify)?;
        let email = message::webhook_disabled(&hook.name, &hook.url, reason, &self.public_url);
        for recipient in &recipients {
            db.queue_message(
                &NewMessage {
                    id: &new_id("eml"),
                    import_id: None,
                    app_name: None,
                    category: CATEGORY_WEBHOOK_DISABLED,
                    recipient,
                    subject: &email.subject,
                    body: &email.body,
                },
                at,
            )?;
        }
        if !recipients.is_empty() {
            self.wake.notify_one();
        }
        Ok(recipients.len())
    }

    /// The console's address, for links.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }
}

/// `debugContext.debugData.category` of the email a roadblock of this scope sends.
pub fn category(scope: Scope) -> &'static str {
    match scope {
        Scope::App => CATEGORY_APP_LEVEL_ROADBLOCK,
        Scope::Org => CATEGORY_ORG_LEVEL_ROADBLOCK,
        Scope::Deactivations => CATEGORY_DEACTIVATION_ROADBLOCK,
    }
}
