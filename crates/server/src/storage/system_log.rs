//! System Log events, stored as their JSON with the columns a query narrows by.

use super::{Db, Result};
use rusqlite::params;
use safeguard_rules::api::LogEvent;

/// Which events a page of the log reads, before the filter language is applied. Times are in
/// the stored form (see `clock::stamp`).
#[derive(Clone, Debug, Default)]
pub struct EventQuery {
    pub since: Option<String>,
    pub until: Option<String>,
    /// Only events older than this cursor (an event's `seq`).
    pub before_seq: Option<i64>,
    pub batch: u32,
}

impl Db<'_> {
    pub fn append_event(&self, event: &LogEvent) -> Result<()> {
        let body = serde_json::to_string(event)?;
        self.conn
            .prepare_cached(
                "INSERT INTO log_events (uuid, published, event_type, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![event.uuid, event.published, event.event_type, body])?;
        // In the same transaction, so an event is sent to every hook that wants it or, if the
        // change rolls back, to none.
        self.queue_deliveries(event, &body)?;
        Ok(())
    }

    /// A batch of events, newest first, each with its `seq` (the cursor) and its JSON.
    pub fn events(&self, query: &EventQuery) -> Result<Vec<(i64, serde_json::Value)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, body FROM log_events
             WHERE seq < ?1 AND (?2 IS NULL OR published >= ?2) AND (?3 IS NULL OR published < ?3)
             ORDER BY seq DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![
                query.before_seq.unwrap_or(i64::MAX),
                query.since,
                query.until,
                query.batch
            ],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut events = Vec::new();
        for row in rows {
            let (seq, body) = row?;
            events.push((seq, serde_json::from_str(&body)?));
        }
        Ok(events)
    }

    pub fn count_events(&self, event_type: &str) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM log_events WHERE event_type = ?1",
            [event_type],
            |r| r.get(0),
        )?)
    }
}
