//! The bounce list: addresses an SMTP server refused permanently. Addresses are compared folded
//! ([`fold_address`]) and shown as they were first written.

use super::{Db, Result};
use rusqlite::{OptionalExtension, params};
use safeguard_rules::api::Bounce;
use safeguard_rules::api::email::fold_address;

impl Db<'_> {
    /// Puts an address on the list. One already there keeps its first entry.
    pub fn add_bounce(&self, address: &str, reason: &str, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO email_bounces (address, address_folded, added_at, reason)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (address_folded) DO NOTHING",
            )?
            .execute(params![address.trim(), fold_address(address), at, reason])?;
        Ok(())
    }

    pub fn is_bounced(&self, address: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM email_bounces WHERE address_folded = ?1")?
            .query_row([fold_address(address)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Takes an address off the list; answers the entry removed, or `None` when it was not on it.
    pub fn remove_bounce(&self, address: &str) -> Result<Option<Bounce>> {
        Ok(self
            .conn
            .prepare_cached(
                "DELETE FROM email_bounces WHERE address_folded = ?1
                 RETURNING address, added_at, reason",
            )?
            .query_row([fold_address(address)], bounce)
            .optional()?)
    }

    /// The list newest first, `limit` entries after the cursor `after` (an entry's `seq`).
    pub fn bounces(&self, limit: u32, after: Option<i64>) -> Result<Vec<(i64, Bounce)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, address, added_at, reason FROM email_bounces
             WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after.unwrap_or(i64::MAX), limit], |r| {
            Ok((
                r.get(0)?,
                Bounce {
                    email_address: r.get(1)?,
                    added_at: r.get(2)?,
                    reason: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn bounce(r: &rusqlite::Row<'_>) -> rusqlite::Result<Bounce> {
    Ok(Bounce {
        email_address: r.get(0)?,
        added_at: r.get(1)?,
        reason: r.get(2)?,
    })
}
