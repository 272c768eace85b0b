//! The email outbox: one row per message per recipient, from the transaction that queued it to
//! its final status. The background worker (`email::worker`) is the only one that moves a row
//! on; the console reads it as the Notifications page.

use super::{Db, Result, StorageError};
use rusqlite::{OptionalExtension, params};
use safeguard_rules::api::{DeliveryStatus, OutboxMessage};

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub import_id: Option<&'a str>,
    pub app_name: Option<&'a str>,
    pub category: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

const COLUMNS: &str = "seq, id, import_id, app_name, category, recipient, subject, body, status, \
     attempts, next_attempt_at, last_error, created_at, sent_at";

fn message(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, OutboxMessage, String)> {
    let status: String = r.get(8)?;
    Ok((
        r.get(0)?,
        OutboxMessage {
            id: r.get(1)?,
            import_id: r.get(2)?,
            app_name: r.get(3)?,
            category: r.get(4)?,
            recipient: r.get(5)?,
            subject: r.get(6)?,
            body: r.get(7)?,
            // Replaced below; the CHECK constraint keeps the text one of the known statuses.
            status: DeliveryStatus::Pending,
            attempts: r.get(9)?,
            next_attempt_at: r.get(10)?,
            last_error: r.get(11)?,
            created_at: r.get(12)?,
            sent_at: r.get(13)?,
        },
        status,
    ))
}

fn with_status(row: (i64, OutboxMessage, String)) -> Result<(i64, OutboxMessage)> {
    let (seq, mut message, status) = row;
    message.status = DeliveryStatus::parse(&status)
        .ok_or_else(|| StorageError::Corrupt(format!("unknown email status {status:?}")))?;
    Ok((seq, message))
}

impl Db<'_> {
    /// Queues a message, due at once.
    pub fn queue_message(&self, new: &NewMessage<'_>, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO email_outbox (id, import_id, app_name, category, recipient, subject,
                     body, status, attempts, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8)",
            )?
            .execute(params![
                new.id,
                new.import_id,
                new.app_name,
                new.category,
                new.recipient,
                new.subject,
                new.body,
                at
            ])?;
        Ok(())
    }

    /// Pending messages whose next attempt is due at `now`, oldest first.
    pub fn due_messages(&self, now: &str, limit: u32) -> Result<Vec<OutboxMessage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM email_outbox
             WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY seq LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![now, limit], message)?;
        rows.map(|r| with_status(r?).map(|(_, m)| m)).collect()
    }

    /// When the earliest pending message is due, if any is.
    pub fn next_due_at(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT MIN(next_attempt_at) FROM email_outbox WHERE status = 'pending'",
                [],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Records that an attempt starts now: the count goes up and the next one is scheduled
    /// before anything is sent, so a process that dies mid-attempt retries later, not at once
    /// and not forever.
    pub fn begin_attempt(&self, id: &str, attempts: u32, next_attempt_at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE email_outbox SET attempts = ?2, next_attempt_at = ?3
                 WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![id, attempts, next_attempt_at])?;
        Ok(())
    }

    /// An attempt that failed for now: the message stays pending, with the error.
    pub fn defer_message(&self, id: &str, error: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE email_outbox SET last_error = ?2 WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![id, error])?;
        Ok(())
    }

    /// Ends a message with its final status. `sent_at` is set for `sent` and `outbox`.
    pub fn finish_message(
        &self,
        id: &str,
        status: DeliveryStatus,
        error: Option<&str>,
        at: &str,
    ) -> Result<()> {
        let delivered = matches!(status, DeliveryStatus::Sent | DeliveryStatus::Outbox);
        self.conn
            .prepare_cached(
                "UPDATE email_outbox SET status = ?2, last_error = COALESCE(?3, last_error),
                     sent_at = ?4, next_attempt_at = NULL
                 WHERE id = ?1",
            )?
            .execute(params![id, status.as_str(), error, delivered.then_some(at)])?;
        Ok(())
    }

    pub fn outbox_message(&self, id: &str) -> Result<Option<OutboxMessage>> {
        let sql = format!("SELECT {COLUMNS} FROM email_outbox WHERE id = ?1");
        let row = self.conn.query_row(&sql, [id], message).optional()?;
        row.map(|r| with_status(r).map(|(_, m)| m)).transpose()
    }

    /// Messages newest first, `limit` of them after the cursor `after` (a message's `seq`).
    pub fn outbox(&self, limit: u32, after: Option<i64>) -> Result<Vec<(i64, OutboxMessage)>> {
        let sql =
            format!("SELECT {COLUMNS} FROM email_outbox WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![after.unwrap_or(i64::MAX), limit], message)?;
        rows.map(|r| with_status(r?)).collect()
    }
}
