//! The delivery worker: a background task that sends what the webhook deliveries hold and
//! records every attempt.
//!
//! Each round it claims the due deliveries in one short transaction, counting the attempt and
//! scheduling the next one *before* sending, so a process that dies mid-attempt tries again
//! later instead of never or in a loop. It sends them all at once (one slow receiver does not
//! hold up the others), holding no lock, and records each attempt in a transaction of its own;
//! a delivery's end (delivered, or failed after its last attempt) is a `system.webhook.delivery`
//! event, and a failed one turns its hook off and emails the administrators.
//!
//! It sleeps until the next delivery is due, at most [`POLL`], and wakes when a commit queues
//! one. Delivery is at least once: a receiver drops repeats by the `webhook-id` header.

use super::send;
use crate::clock::Clock;
use crate::config::{Config, WebhookPolicy};
use crate::email::Notifier;
use crate::email::worker::Running;
use crate::events;
use crate::storage::webhooks_delivery_id as delivery_id;
use crate::storage::{DueDelivery, StorageError, Store};
use safeguard_rules::api::{WebhookAttempt, WebhookDeliveryStatus};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::task::JoinSet;

/// The longest the worker sleeps with nothing due: a safety net for a delivery queued by
/// another process on the same database.
pub const POLL: Duration = Duration::from_secs(30);

/// Deliveries claimed per transaction.
const BATCH: u32 = 50;

/// Where the worker finds the deliveries, the time it records attempts at, and who emails the
/// administrators when it turns a hook off.
#[derive(Clone)]
pub struct Deliveries {
    pub store: Arc<Store>,
    pub clock: Clock,
    pub notifier: Option<Notifier>,
}

/// Starts the worker; without a Tokio runtime nothing is started, and queued deliveries wait
/// for the next start.
pub fn start(deliveries: Deliveries, config: Arc<Config>) -> Option<Running> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: webhooks are not delivered by this router");
        return None;
    };
    let client = match send::client(config.webhooks.timeout) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client: webhooks are not delivered");
            return None;
        }
    };
    let task = runtime.spawn(run(Arc::new(deliveries), config, client));
    Some(Running::from_task(task))
}

#[derive(Debug, thiserror::Error)]
enum WorkerError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("a background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

async fn run(deliveries: Arc<Deliveries>, config: Arc<Config>, client: reqwest::Client) {
    let wake = deliveries.store.deliveries_queued();
    loop {
        let next_due = match round(&deliveries, &config, &client).await {
            Ok(next_due) => next_due,
            Err(error) => {
                tracing::error!(%error, "delivering webhooks failed; retrying later");
                None
            }
        };
        let pause = next_due.map_or(POLL, |due| due.min(POLL));
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Sends everything due; answers how long until the next pending delivery is due.
async fn round(
    deliveries: &Arc<Deliveries>,
    config: &Arc<Config>,
    client: &reqwest::Client,
) -> Result<Option<Duration>, WorkerError> {
    loop {
        let (claimed, next_due) = {
            let (deliveries, config) = (deliveries.clone(), config.clone());
            tokio::task::spawn_blocking(move || claim(&deliveries, &config.webhooks)).await??
        };
        if claimed.is_empty() {
            return Ok(next_due);
        }
        let mut sending = JoinSet::new();
        for due in claimed {
            let (client, config, clock) =
                (client.clone(), config.clone(), deliveries.clock.clone());
            sending.spawn(async move {
                let attempt = attempt(&client, &config, &clock, &due).await;
                (due, attempt)
            });
        }
        while let Some(sent) = sending.join_next().await {
            let (due, attempt) = sent?;
            let (deliveries, config) = (deliveries.clone(), config.clone());
            tokio::task::spawn_blocking(move || {
                record(&deliveries, &config.webhooks, &due, &attempt)
            })
            .await??;
        }
    }
}

/// Claims the due deliveries, each attempt counted and the next one scheduled.
fn claim(
    deliveries: &Deliveries,
    policy: &WebhookPolicy,
) -> Result<(Vec<DueDelivery>, Option<Duration>), StorageError> {
    let now = deliveries.clock.now();
    let at = deliveries.clock.stamp();
    deliveries.store.writer().transaction(|db| {
        db.expire_previous_secrets(&at)?;
        let mut claimed = db.due_deliveries(&at, BATCH)?;
        for due in &mut claimed {
            due.attempts += 1;
            // After the last attempt there is no next one; the wait is only there in case this
            // process dies before the attempt is recorded.
            let wait = policy
                .delay_after(due.attempts)
                .unwrap_or(policy.timeout * 2);
            db.begin_delivery_attempt(due.seq, due.attempts, &crate::clock::stamp(now + wait))?;
        }
        let next_due = db
            .next_delivery_due_at()?
            .and_then(|due| OffsetDateTime::parse(&due, &Rfc3339).ok())
            .map(|due| Duration::try_from(due - now).unwrap_or(Duration::ZERO));
        Ok((claimed, next_due))
    })
}

/// One attempt at a claimed delivery.
async fn attempt(
    client: &reqwest::Client,
    config: &Config,
    clock: &Clock,
    due: &DueDelivery,
) -> WebhookAttempt {
    // The signature's time is the wall clock's: receivers compare it with theirs.
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    match super::request(
        &due.hook,
        &due.event_uuid,
        &due.body,
        &config.public_url,
        timestamp,
    ) {
        Ok(request) => {
            send::post(
                client,
                request,
                config.webhooks.max_answer_bytes,
                clock.stamp(),
            )
            .await
        }
        Err(error) => WebhookAttempt {
            at: clock.stamp(),
            response_code: None,
            duration_ms: 0,
            error: Some(error.to_string()),
        },
    }
}

/// Records an attempt; at a delivery's end, its event, and for a failed one the hook turned off.
fn record(
    deliveries: &Deliveries,
    policy: &WebhookPolicy,
    due: &DueDelivery,
    attempt: &WebhookAttempt,
) -> Result<(), StorageError> {
    let at = deliveries.clock.stamp();
    let hook = &due.hook.view;
    deliveries.store.writer().transaction(|db| {
        // Deleted with its hook while it was being sent.
        if db.delivery(due.seq)?.is_none() {
            return Ok(());
        }
        db.record_attempt(due.seq, due.attempts, attempt)?;
        let succeeded = attempt.error.is_none();
        db.note_hook_health(&hook.id, succeeded, &attempt.at)?;
        let last = due.attempts >= policy.max_attempts();
        if !succeeded && !last {
            tracing::warn!(
                webhook = %hook.id,
                delivery = due.seq,
                attempt = due.attempts,
                error = attempt.error.as_deref().unwrap_or_default(),
                "webhook delivery failed; retrying later"
            );
            return Ok(());
        }
        let status = if succeeded {
            WebhookDeliveryStatus::Delivered
        } else {
            WebhookDeliveryStatus::Failed
        };
        db.finish_delivery(due.seq, status, &at)?;
        let id = delivery_id(due.seq);
        db.append_event(&events::webhooks::delivery(
            &events::webhooks::Outcome {
                hook,
                delivery_id: &id,
                event_id: &due.event_uuid,
                event_type: &due.event_type,
                attempts: due.attempts,
                last: attempt,
            },
            &at,
        ))?;
        if succeeded {
            tracing::info!(webhook = %hook.id, delivery = due.seq, "webhook delivered");
            return Ok(());
        }
        let reason = format!(
            "every attempt to deliver {} failed for {}, the last with: {}",
            due.event_type,
            span(policy.retry_span()),
            attempt.error.as_deref().unwrap_or_default()
        );
        if let Some(cancelled) = db.disable_webhook(&hook.id, &reason, &at)? {
            tracing::warn!(webhook = %hook.id, %reason, "webhook turned off");
            db.append_event(&events::webhooks::disabled(hook, &reason, cancelled, &at))?;
            if let Some(notifier) = &deliveries.notifier {
                notifier.queue_webhook_disabled(db, hook, &reason, &at)?;
            }
        }
        Ok(())
    })
}

/// `23 h 35 min`, `12 s`: a span as the email and the log say it.
fn span(span: Duration) -> String {
    let seconds = span.as_secs();
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{rest} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::span;
    use std::time::Duration;

    #[test]
    fn spans_read_in_the_largest_units() {
        assert_eq!(span(Duration::from_secs(12)), "12 s");
        assert_eq!(span(Duration::from_secs(300)), "5 min");
        assert_eq!(span(Duration::from_secs(7200)), "2 h");
        assert_eq!(span(Duration::from_secs(84_905)), "23 h 35 min");
    }
}
