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
use crate::clock::Clock;
use crate::config::Config;
use crate::events::{self, Delivery};
use crate::storage::{StorageError, Store};
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

/// The running worker. It stops when the last clone is dropped (the router holds one, so it
/// lives as long as the server).
#[derive(Clone)]
pub struct Running {
    /// Held for its `Drop`, which stops the task.
    _task: Arc<AbortOnDrop>,
}

impl Running {
    /// Holds a background task that stops when the last clone is dropped.
    pub fn from_task(task: JoinHandle<()>) -> Self {
        Self {
            _task: Arc::new(AbortOnDrop(task)),
        }
    }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Where the worker finds the outbox, and the time it records outcomes at.
#[derive(Clone)]
pub struct Outbox {
    pub store: Arc<Store>,
    pub clock: Clock,
}

impl Outbox {
    fn store(&self) -> &Store {
        &self.store
    }

    fn clock(&self) -> &Clock {
        &self.clock
    }
}

/// Starts the worker on this outbox with this configuration; it sleeps until `wake` is notified
/// (the pipeline's notifier does when a roadblock queues email) or a message is due. Without a
/// Tokio runtime (a router built outside one) nothing is started and queued email waits for the
/// next start.
pub fn start(outbox: Outbox, config: Arc<Config>, wake: Arc<Notify>) -> Option<Running> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: notification email is not delivered by this router");
        return None;
    };
    let task = runtime.spawn(run(Arc::new(outbox), config, wake));
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

async fn run(outbox: Arc<Outbox>, config: Arc<Config>, wake: Arc<Notify>) {
    loop {
        let next_due = match round(&outbox, &config).await {
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
    outbox: &Arc<Outbox>,
    config: &Arc<Config>,
) -> Result<Option<Duration>, WorkerError> {
    loop {
        let claimed = {
            let (outbox, config) = (outbox.clone(), config.clone());
            tokio::task::spawn_blocking(move || claim(&outbox, &config)).await??
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
                let server = smtp::Server {
                    url: server,
                    ca: config.smtp_ca.as_ref(),
                };
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
            let outbox = outbox.clone();
            let max_attempts = config.email_retry.max_attempts;
            tokio::task::spawn_blocking(move || record(&outbox, &message, outcome, max_attempts))
                .await??;
        }
    }
}

/// Claims the due messages; settles those that need no network.
fn claim(outbox: &Outbox, config: &Config) -> Result<Claimed, StorageError> {
    let clock = outbox.clock();
    let now = clock.now();
    let at = clock.stamp();
    outbox.store().writer().transaction(|db| {
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
    outbox: &Outbox,
    message: &OutboxMessage,
    outcome: Outcome,
    max_attempts: u32,
) -> Result<(), StorageError> {
    let at = outbox.clock().stamp();
    outbox.store().writer().transaction(|db| {
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
