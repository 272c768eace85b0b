//! Each app's source (`app_sources`): its settings without the secret, the secret sealed, and
//! when its schedule next starts an import.

use super::{Db, Result};
use rusqlite::{OptionalExtension, params};
use safeguard_rules::AppId;
use safeguard_rules::api::{ImportStatus, ImportTrigger, SourceSettings};

/// An app's source as stored.
#[derive(Clone, Debug)]
pub struct StoredSource {
    /// The settings without their secret; `passwordSet` / `bearerTokenSet` say whether one is
    /// stored.
    pub settings: SourceSettings,
    /// The secret, sealed (`secrets.rs`).
    pub sealed_secret: Option<Vec<u8>>,
    pub next_run_at: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

/// What [`Db::save_app_source`] writes.
pub struct NewSource<'a> {
    pub settings: &'a SourceSettings,
    pub sealed_secret: Option<&'a [u8]>,
    pub next_run_at: Option<&'a str>,
    pub at: &'a str,
    pub by: &'a str,
}

impl Db<'_> {
    /// The app's source; `None` for an app that takes uploads and was never set otherwise.
    pub fn app_source(&self, app_id: &str) -> Result<Option<StoredSource>> {
        let row = self
            .conn
            .query_row(
                "SELECT settings, secret, next_run_at, updated_at, updated_by
                 FROM app_sources WHERE app_id = ?1",
                [app_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((settings, sealed_secret, next_run_at, updated_at, updated_by)) = row else {
            return Ok(None);
        };
        let mut settings: SourceSettings = serde_json::from_str(&settings)?;
        settings.set_secret(None, sealed_secret.is_some());
        Ok(Some(StoredSource {
            settings,
            sealed_secret,
            next_run_at,
            updated_at,
            updated_by,
        }))
    }

    /// Replaces the app's source. `settings` must hold no secret: it is `sealed_secret`.
    pub fn save_app_source(&self, app_id: &AppId, new: &NewSource<'_>) -> Result<()> {
        let settings = new.settings.redacted();
        self.conn.execute(
            "INSERT INTO app_sources (app_id, kind, settings, secret, every_minutes, next_run_at,
                 updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (app_id) DO UPDATE SET kind = ?2, settings = ?3, secret = ?4,
                 every_minutes = ?5, next_run_at = ?6, updated_at = ?7, updated_by = ?8",
            params![
                app_id.as_str(),
                settings.kind().as_str(),
                serde_json::to_string(&settings)?,
                new.sealed_secret,
                settings.schedule().map(|s| s.every_minutes),
                new.next_run_at,
                new.at,
                new.by,
            ],
        )?;
        Ok(())
    }

    /// Apps whose schedule is due at `now` (RFC 3339, compared as text: every stamp is UTC with
    /// the same precision), the longest overdue first.
    pub fn due_sources(&self, now: &str) -> Result<Vec<AppId>> {
        let mut statement = self.conn.prepare(
            "SELECT app_id FROM app_sources
             WHERE every_minutes IS NOT NULL AND next_run_at IS NOT NULL AND next_run_at <= ?1
             ORDER BY next_run_at",
        )?;
        let rows = statement.query_map([now], |r| Ok(AppId(r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The earliest time any schedule is due, to sleep until then.
    pub fn next_due(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT MIN(next_run_at) FROM app_sources WHERE every_minutes IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn set_next_run(&self, app_id: &AppId, next_run_at: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE app_sources SET next_run_at = ?2 WHERE app_id = ?1",
            params![app_id.as_str(), next_run_at],
        )?;
        Ok(())
    }

    /// The app's scheduled import waiting in the roadblock's queue, if one does.
    pub fn queued_scheduled_import(&self, app_id: &AppId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM imports WHERE app_id = ?1 AND status = ?2 AND trigger = ?3
                 ORDER BY seq LIMIT 1",
                params![
                    app_id.as_str(),
                    ImportStatus::Queued.as_str(),
                    ImportTrigger::Schedule.as_str()
                ],
                |r| r.get(0),
            )
            .optional()?)
    }
}
