//! Webhooks, the event types each subscribes to, and their deliveries with every attempt.
//!
//! A delivery is queued by [`Db::append_event`] in the transaction that writes its event; the
//! webhook worker (`webhooks::worker`) is the only one that moves it on.

use super::{Db, Result, StorageError, flag};
use rusqlite::{OptionalExtension, params};
use safeguard_rules::api::{
    LogEvent, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookFormat, WebhookView,
};

/// A hook as the worker needs it: with its secrets.
#[derive(Clone, Debug)]
pub struct StoredWebhook {
    pub view: WebhookView,
    pub secret: String,
    pub previous_secret: Option<String>,
}

/// A hook to store.
#[derive(Clone, Debug)]
pub struct NewWebhookRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub format: WebhookFormat,
    pub event_types: &'a [String],
    pub enabled: bool,
    pub secret: &'a str,
    pub created_by: &'a str,
}

/// What a patch sets; `None` keeps the stored value.
#[derive(Clone, Debug, Default)]
pub struct WebhookChange<'a> {
    pub name: Option<&'a str>,
    pub url: Option<&'a str>,
    pub format: Option<WebhookFormat>,
    pub event_types: Option<&'a [String]>,
    pub enabled: Option<bool>,
}

/// A delivery whose attempt is due, with its hook.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub seq: i64,
    pub hook: StoredWebhook,
    pub event_uuid: String,
    pub event_type: String,
    /// The event's JSON, as the System Log stores it.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

const HOOK_COLUMNS: &str = "id, name, url, format, event_types, enabled, disabled_reason, \
     failing_since, previous_secret_expires_at, created_at, created_by, updated_at, secret, \
     previous_secret";

fn hook(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredWebhook, String, String)> {
    Ok((
        StoredWebhook {
            view: WebhookView {
                id: r.get(0)?,
                name: r.get(1)?,
                url: r.get(2)?,
                // Both replaced below, from the two texts this answers beside the hook.
                format: WebhookFormat::Standard,
                event_types: Vec::new(),
                enabled: r.get(5)?,
                disabled_reason: r.get(6)?,
                failing_since: r.get(7)?,
                previous_secret_expires_at: r.get(8)?,
                created_at: r.get(9)?,
                created_by: r.get(10)?,
                updated_at: r.get(11)?,
            },
            secret: r.get(12)?,
            previous_secret: r.get(13)?,
        },
        r.get(3)?,
        r.get(4)?,
    ))
}

fn decoded(row: (StoredWebhook, String, String)) -> Result<StoredWebhook> {
    let (mut hook, format, event_types) = row;
    hook.view.format = WebhookFormat::parse(&format)
        .ok_or_else(|| StorageError::Corrupt(format!("unknown webhook format {format:?}")))?;
    hook.view.event_types = serde_json::from_str(&event_types)?;
    Ok(hook)
}

const DELIVERY_COLUMNS: &str = "seq, hook_id, event_uuid, event_type, status, response_code, \
     next_attempt_at, created_at, finished_at";

fn delivery(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, WebhookDelivery, String)> {
    let seq: i64 = r.get(0)?;
    Ok((
        seq,
        WebhookDelivery {
            id: delivery_id(seq),
            webhook_id: r.get(1)?,
            event_id: r.get(2)?,
            event_type: r.get(3)?,
            // Replaced below; the CHECK constraint keeps the text one of the known statuses.
            status: WebhookDeliveryStatus::Pending,
            response_code: r.get(5)?,
            next_attempt_at: r.get(6)?,
            created_at: r.get(7)?,
            finished_at: r.get(8)?,
            attempts: Vec::new(),
        },
        r.get(4)?,
    ))
}

/// A delivery's public id: its sequence number, which is also its cursor.
pub fn delivery_id(seq: i64) -> String {
    format!("whd_{seq}")
}

impl Db<'_> {
    pub fn insert_webhook(&self, new: &NewWebhookRow<'_>, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO webhooks (id, name, url, format, event_types, enabled, secret,
                     created_at, created_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8)",
            )?
            .execute(params![
                new.id,
                new.name,
                new.url,
                new.format.as_str(),
                serde_json::to_string(new.event_types)?,
                flag(new.enabled),
                new.secret,
                at,
                new.created_by,
            ])?;
        self.subscribe(new.id, new.event_types)
    }

    fn subscribe(&self, hook_id: &str, event_types: &[String]) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM webhook_subscriptions WHERE hook_id = ?1")?
            .execute([hook_id])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO webhook_subscriptions (event_type, hook_id) VALUES (?1, ?2)",
        )?;
        for event_type in event_types {
            insert.execute(params![event_type, hook_id])?;
        }
        Ok(())
    }

    /// Every hook, newest first.
    pub fn webhooks(&self) -> Result<Vec<WebhookView>> {
        let sql = format!("SELECT {HOOK_COLUMNS} FROM webhooks ORDER BY seq DESC");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], hook)?;
        rows.map(|r| decoded(r?).map(|h| h.view)).collect()
    }

    pub fn webhook(&self, id: &str) -> Result<Option<StoredWebhook>> {
        let sql = format!("SELECT {HOOK_COLUMNS} FROM webhooks WHERE id = ?1");
        let row = self.conn.query_row(&sql, [id], hook).optional()?;
        row.map(decoded).transpose()
    }

    /// Applies a change; answers whether the hook exists. Turning a hook on clears why it was
    /// turned off and since when it failed; turning it off cancels what it had pending.
    pub fn update_webhook(&self, id: &str, change: &WebhookChange<'_>, at: &str) -> Result<bool> {
        let event_types = change.event_types.map(serde_json::to_string).transpose()?;
        let updated = self
            .conn
            .prepare_cached(
                "UPDATE webhooks SET
                     name = COALESCE(?2, name),
                     url = COALESCE(?3, url),
                     format = COALESCE(?4, format),
                     event_types = COALESCE(?5, event_types),
                     enabled = COALESCE(?6, enabled),
                     disabled_reason = CASE WHEN ?6 = 1 THEN NULL ELSE disabled_reason END,
                     failing_since = CASE WHEN ?6 = 1 THEN NULL ELSE failing_since END,
                     updated_at = ?7
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                change.name,
                change.url,
                change.format.map(WebhookFormat::as_str),
                event_types,
                change.enabled.map(flag),
                at
            ])?;
        if updated == 0 {
            return Ok(false);
        }
        if let Some(types) = change.event_types {
            self.subscribe(id, types)?;
        }
        if change.enabled == Some(false) {
            self.cancel_deliveries(id, at)?;
        }
        Ok(true)
    }

    /// Deletes a hook with its subscriptions and deliveries; answers its name, if it existed.
    pub fn delete_webhook(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM webhooks WHERE id = ?1 RETURNING name")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Makes `secret` the hook's secret; the one it replaces still signs until `expires_at`.
    pub fn rotate_webhook_secret(
        &self,
        id: &str,
        secret: &str,
        expires_at: &str,
        at: &str,
    ) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE webhooks SET previous_secret = secret, secret = ?2,
                     previous_secret_expires_at = ?3, updated_at = ?4
                 WHERE id = ?1",
            )?
            .execute(params![id, secret, expires_at, at])?
            > 0)
    }

    /// Forgets previous secrets whose time is over.
    pub fn expire_previous_secrets(&self, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhooks SET previous_secret = NULL, previous_secret_expires_at = NULL
                 WHERE previous_secret_expires_at <= ?1",
            )?
            .execute([now])?;
        Ok(())
    }

    /// Queues `event` for every enabled hook subscribed to its type, due at once.
    pub(super) fn queue_deliveries(&self, event: &LogEvent, body: &str) -> Result<()> {
        let queued = self
            .conn
            .prepare_cached(
                "INSERT INTO webhook_deliveries (hook_id, event_uuid, event_type, body, status,
                     attempts, next_attempt_at, created_at)
                 SELECT s.hook_id, ?1, ?2, ?3, 'pending', 0, ?4, ?4
                 FROM webhook_subscriptions s JOIN webhooks w ON w.id = s.hook_id
                 WHERE s.event_type = ?2 AND w.enabled = 1",
            )?
            .execute(params![event.uuid, event.event_type, body, event.published])?;
        if queued > 0
            && let Some(flag) = self.queued_deliveries
        {
            flag.set(true);
        }
        Ok(())
    }

    /// Records a test delivery, sent already, with its one attempt.
    pub fn record_test_delivery(
        &self,
        hook_id: &str,
        event: &LogEvent,
        attempt: &WebhookAttempt,
    ) -> Result<WebhookDelivery> {
        let status = if attempt.error.is_none() {
            WebhookDeliveryStatus::Delivered
        } else {
            WebhookDeliveryStatus::Failed
        };
        let seq: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO webhook_deliveries (hook_id, event_uuid, event_type, body, status,
                     attempts, response_code, created_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?7) RETURNING seq",
            )?
            .query_row(
                params![
                    hook_id,
                    event.uuid,
                    event.event_type,
                    serde_json::to_string(event)?,
                    status.as_str(),
                    attempt.response_code,
                    attempt.at
                ],
                |r| r.get(0),
            )?;
        self.record_attempt(seq, 1, attempt)?;
        self.delivery(seq)?
            .ok_or_else(|| StorageError::Corrupt("a delivery just stored is gone".to_owned()))
    }

    /// Pending deliveries due at `now`, oldest first, with their hooks.
    pub fn due_deliveries(&self, now: &str, limit: u32) -> Result<Vec<DueDelivery>> {
        let sql = "SELECT d.seq, d.event_uuid, d.event_type, d.body, d.attempts, d.hook_id
             FROM webhook_deliveries d
             WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
             ORDER BY d.next_attempt_at, d.seq LIMIT ?2";
        let rows: Vec<(i64, String, String, String, u32, String)> = {
            let mut stmt = self.conn.prepare_cached(sql)?;
            stmt.query_map(params![now, limit], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut due = Vec::with_capacity(rows.len());
        for (seq, event_uuid, event_type, body, attempts, hook_id) in rows {
            // The foreign key deletes a hook's deliveries with it.
            let hook = self.webhook(&hook_id)?.ok_or_else(|| {
                StorageError::Corrupt(format!("delivery {seq} has no hook {hook_id}"))
            })?;
            due.push(DueDelivery {
                seq,
                hook,
                event_uuid,
                event_type,
                body,
                attempts,
            });
        }
        Ok(due)
    }

    /// When the earliest pending delivery is due, if any is.
    pub fn next_delivery_due_at(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
                [],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Counts an attempt that starts now and schedules the next one before anything is sent,
    /// so a process that dies mid-attempt tries again later, once.
    pub fn begin_delivery_attempt(
        &self,
        seq: i64,
        attempts: u32,
        next_attempt_at: &str,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET attempts = ?2, next_attempt_at = ?3
                 WHERE seq = ?1 AND status = 'pending'",
            )?
            .execute(params![seq, attempts, next_attempt_at])?;
        Ok(())
    }

    pub fn record_attempt(&self, seq: i64, n: u32, attempt: &WebhookAttempt) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO webhook_attempts
                     (delivery_seq, n, at, response_code, duration_ms, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                seq,
                n,
                attempt.at,
                attempt.response_code,
                attempt.duration_ms,
                attempt.error
            ])?;
        self.conn
            .prepare_cached("UPDATE webhook_deliveries SET response_code = ?2 WHERE seq = ?1")?
            .execute(params![seq, attempt.response_code])?;
        Ok(())
    }

    /// Ends a delivery with its final status.
    pub fn finish_delivery(&self, seq: i64, status: WebhookDeliveryStatus, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET status = ?2, finished_at = ?3,
                     next_attempt_at = NULL
                 WHERE seq = ?1",
            )?
            .execute(params![seq, status.as_str(), at])?;
        Ok(())
    }

    /// A hook's pending deliveries end as cancelled (it was turned off); answers how many.
    pub fn cancel_deliveries(&self, hook_id: &str, at: &str) -> Result<usize> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET status = 'cancelled', finished_at = ?2,
                     next_attempt_at = NULL
                 WHERE hook_id = ?1 AND status = 'pending'",
            )?
            .execute(params![hook_id, at])?)
    }

    /// Records how the hook's last attempt went: a success clears `failing_since`, a failure
    /// sets it unless it is set already.
    pub fn note_hook_health(&self, hook_id: &str, succeeded: bool, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhooks SET failing_since =
                     CASE WHEN ?2 = 1 THEN NULL ELSE COALESCE(failing_since, ?3) END
                 WHERE id = ?1",
            )?
            .execute(params![hook_id, flag(succeeded), at])?;
        Ok(())
    }

    /// Turns a hook off for `reason` and cancels what it had pending; answers how many were
    /// cancelled, or `None` when the hook was off already.
    pub fn disable_webhook(&self, hook_id: &str, reason: &str, at: &str) -> Result<Option<usize>> {
        let turned_off = self
            .conn
            .prepare_cached(
                "UPDATE webhooks SET enabled = 0, disabled_reason = ?2, updated_at = ?3
                 WHERE id = ?1 AND enabled = 1",
            )?
            .execute(params![hook_id, reason, at])?
            > 0;
        if !turned_off {
            return Ok(None);
        }
        Ok(Some(self.cancel_deliveries(hook_id, at)?))
    }

    pub fn delivery(&self, seq: i64) -> Result<Option<WebhookDelivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE seq = ?1");
        let row = self.conn.query_row(&sql, [seq], delivery).optional()?;
        row.map(|r| self.with_attempts(r).map(|(_, d)| d))
            .transpose()
    }

    /// A hook's deliveries newest first, `limit` of them after the cursor `after` (a `seq`).
    pub fn deliveries(
        &self,
        hook_id: &str,
        limit: u32,
        after: Option<i64>,
    ) -> Result<Vec<(i64, WebhookDelivery)>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE hook_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3"
        );
        let rows: Vec<_> = {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(params![hook_id, after.unwrap_or(i64::MAX), limit], delivery)?
                .collect::<rusqlite::Result<_>>()?
        };
        rows.into_iter().map(|r| self.with_attempts(r)).collect()
    }

    fn with_attempts(&self, row: (i64, WebhookDelivery, String)) -> Result<(i64, WebhookDelivery)> {
        let (seq, mut delivery, status) = row;
        delivery.status = WebhookDeliveryStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("unknown delivery status {status:?}")))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, response_code, duration_ms, error FROM webhook_attempts
             WHERE delivery_seq = ?1 ORDER BY n",
        )?;
        delivery.attempts = stmt
            .query_map([seq], |r| {
                Ok(WebhookAttempt {
                    at: r.get(0)?,
                    response_code: r.get(1)?,
                    duration_ms: r.get(2)?,
                    error: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((seq, delivery))
    }
}
