//! The delivery worker: a background task that sends what the outbox holds and records how each
//! message ended.
//!
//! Each round it claims the due messages in one short transaction on the store's writer, which
//! also settles those that need no network: an address on the bounce list is dropped, and
//! without an SMTP server a message is kept in the outbox for the console. For the others the
//! attempt is counted and the next one scheduled *before* sending, so a process that dies
//! mid-send retries later instead of never or in a loop. Then it sends them one by one, holding
//! no lock, and records each outcome in a transaction of its own with its System Log event.
//!
//! It sleeps until the next message is due, at most [`POLL`], and wakes early when a roadblock
//! queues email. A message whose send succeeded but whose record failed is sent again later:
//! delivery is at least once.

use super::smtp::{self, Sent};
use crate::events::{self, Delivery};
use crate::pipeline::Pipeline;
use crate::state::{AppState, Config};
use crate::storage::StorageError;
use safeguard_rules::api::email::fold_address;
use safeguard_rules::api::{DeliveryStatus, OutboxMessage};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The longest the worker sleeps with nothing due: a safety net for wake-ups it was not sent
/// (a message queued by another process on the same database).
pub const POLL: Duration = Duration::from_secs(30);

/// Messages claimed per transaction, so a long outbox never holds the writer for long.
const BATCH: u32 = 20;

/// How often and how patiently a message is retried when the SMTP server cannot take it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; each later wait doubles it.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts before a message is dropped.
    pub max_attempts: u32,
    /// The most one attempt (connect, commands, message) may take.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 1 s, 2 s, 4 s, ... up to 5 minutes between attempts, 20 attempts: a mail server down for
    /// about an hour still gets the message; after that the administrators have other worries,
    /// and the Notifications page still shows it.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            max_attempts: 20,
            timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempt` (1 for the first) failed.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.first_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }
}

/// The running worker. It stops when the last clone is dropped (the router holds one, so it
/// lives as long as the server).
#[derive(Clone)]
pub struct Running {
    /// Held for its `Drop`, which stops the task.
    _task: Arc<AbortOnDrop>,
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the worker for this state's pipeline and configuration. Without a Tokio runtime (a
/// router built outside one) nothing is started and queued email waits for the next start.
pub fn start(state: &AppState) -> Option<Running> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: notification email is not delivered by this router");
        return None;
    };
    let wake = state
        .pipeline
        .notifier()
        .map_or_else(|| Arc::new(Notify::new()), |n| n.wake_handle());
    let task = runtime.spawn(run(state.pipeline.clone(), state.config.clone(), wake));
    Some(Running {
        _task: Arc::new(AbortOnDrop(task)),
    })
}

#[derive(Debug, thiserror::Error)]
enum WorkerError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("a database task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

async fn run(pipeline: Arc<Pipeline>, config: Arc<Config>, wake: Arc<Notify>) {
    loop {
        let next_due = match round(&pipeline, &config).await {
            Ok(next_due) => next_due,
            Err(error) => {
                tracing::error!(%error, "delivering notification email failed; retrying later");
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

/// What a claim found.
struct Claimed {
    /// Messages to send now, their attempt already counted.
    sends: Vec<OutboxMessage>,
    /// Messages settled without sending (bounce list, outbox).
    settled: usize,
    /// How long until the next pending message is due, if one is.
    next_due: Option<Duration>,
}

/// Delivers everything due; answers how long until the next pending message is due.
async fn round(
    pipeline: &Arc<Pipeline>,
    config: &Arc<Config>,
) -> Result<Option<Duration>, WorkerError> {
    loop {
        let claimed = {
            let (pipeline, config) = (pipeline.clone(), config.clone());
            tokio::task::spawn_blocking(move || claim(&pipeline, &config)).await??
        };
        let Some(server) = config
            .smtp_url
            .as_ref()
            .filter(|_| !claimed.sends.is_empty())
        else {
            if claimed.settled == 0 {
                return Ok(claimed.next_due);
            }
            continue;
        };
        // Addresses refused in this round: later messages to them are dropped, as the bounce
        // list would have done had they been claimed after it.
        let mut bounced = HashSet::new();
        for message in claimed.sends {
            let folded = fold_address(&message.recipient);
            let outcome = if bounced.contains(&folded) {
                Outcome::OnBounceList
            } else {
                let retry = &config.email_retry;
                let sent = smtp::send(
                    server,
                    &config.mail_from,
                    &message.recipient,
                    &message.subject,
                    &message.body,
                    retry.timeout,
                )
                .await;
                if matches!(sent, Sent::Bounced(_)) {
                    bounced.insert(folded);
                }
                Outcome::Sent(sent)
            };
            let pipeline = pipeline.clone();
            let max_attempts = config.email_retry.max_attempts;
            tokio::task::spawn_blocking(move || record(&pipeline, &message, outcome, max_attempts))
                .await??;
        }
    }
}

/// Claims the due messages; settles those that need no network.
fn claim(pipeline: &Pipeline, config: &Config) -> Result<Claimed, StorageError> {
    let clock = pipeline.clock();
    let now = clock.now();
    let at = clock.stamp();
    pipeline.store().writer().transaction(|db| {
        let mut sends = Vec::new();
        let mut settled = 0;
        for mut message in db.due_messages(&at, BATCH)? {
            let delivery = if db.is_bounced(&message.recipient)? {
                db.finish_message(
                    &message.id,
                    DeliveryStatus::Dropped,
                    Some("the address is on the bounce list"),
                    &at,
                )?;
                Delivery::OnBounceList
            } else if config.smtp_url.is_none() {
                db.finish_message(&message.id, DeliveryStatus::Outbox, None, &at)?;
                Delivery::Outbox
            } else {
                message.attempts += 1;
                let next = now + config.email_retry.delay_after(message.attempts);
                db.begin_attempt(&message.id, message.attempts, &crate::clock::stamp(next))?;
                sends.push(message);
                continue;
            };
            db.append_event(&events::email_delivery(&message, delivery, &at))?;
            log(&message, delivery);
            settled += 1;
        }
        let next_due = db
            .next_due_at()?
            .and_then(|due| OffsetDateTime::parse(&due, &Rfc3339).ok())
            .map(|due| Duration::try_from(due - now).unwrap_or(Duration::ZERO));
        Ok(Claimed {
            sends,
            settled,
            next_due,
        })
    })
}

/// How an attempt ended, as the worker knows it.
enum Outcome {
    Sent(Sent),
    /// The address bounced earlier in the same round.
    OnBounceList,
}

/// Records an attempt's outcome and, when it ends the message, its System Log event.
fn record(
    pipeline: &Pipeline,
    message: &OutboxMessage,
    outcome: Outcome,
    max_attempts: u32,
) -> Result<(), StorageError> {
    let at = pipeline.clock().stamp();
    pipeline.store().writer().transaction(|db| {
        let delivery = match &outcome {
            Outcome::OnBounceList => {
                db.finish_message(
                    &message.id,
                    DeliveryStatus::Dropped,
                    Some("the address is on the bounce list"),
                    &at,
                )?;
                Delivery::OnBounceList
            }
            Outcome::Sent(Sent::Delivered(reply)) => {
                db.finish_message(&message.id, DeliveryStatus::Sent, None, &at)?;
                Delivery::Sent(reply)
            }
            Outcome::Sent(Sent::Bounced(reply)) => {
                db.finish_message(&message.id, DeliveryStatus::Failed, Some(reply), &at)?;
                db.add_bounce(&message.recipient, reply, &at)?;
                Delivery::Bounced(reply)
            }
            Outcome::Sent(Sent::Undeliverable(why)) => {
                db.finish_message(&message.id, DeliveryStatus::Dropped, Some(why), &at)?;
                Delivery::Undeliverable(why)
            }
            Outcome::Sent(Sent::Deferred(error)) if message.attempts >= max_attempts => {
                db.finish_message(&message.id, DeliveryStatus::Dropped, Some(error), &at)?;
                Delivery::RetriesExhausted(error)
            }
            Outcome::Sent(Sent::Deferred(error)) => {
                // Not an outcome yet: the attempt is on the message, the event waits for the end.
                db.defer_message(&message.id, error)?;
                tracing::warn!(
                    message = %message.id,
                    recipient = %message.recipient,
                    attempt = message.attempts,
                    %error,
                    "notification email deferred"
                );
                return Ok(());
            }
        };
        db.append_event(&events::email_delivery(message, delivery, &at))?;
        log(message, delivery);
        Ok(())
    })
}

fn log(message: &OutboxMessage, delivery: Delivery<'_>) {
    match delivery {
        Delivery::Sent(_) | Delivery::Outbox => tracing::info!(
            message = %message.id,
            recipient = %message.recipient,
            ?delivery,
            "notification email delivered"
        ),
        _ => tracing::warn!(
            message = %message.id,
            recipient = %message.recipient,
            ?delivery,
            "notification email not delivered"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            ..RetryPolicy::default()
        };
        let waits: Vec<u64> = (1..=8).map(|a| policy.delay_after(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(policy.delay_after(1000), Duration::from_secs(60));
    }
}
