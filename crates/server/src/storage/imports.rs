//! Imports: their status, counts, impact, roadblock and resolution, and the snapshots of queued
//! imports waiting to be planned.

use super::{Db, Result, StorageError};
use crate::actor::Actor;
use rusqlite::{OptionalExtension, Row, params};
use safeguard_rules::AppId;
use safeguard_rules::api::{
    ImportStatus, ImportTrigger, ImportView, ImportWarnings, Resolution, ResolvedBy, SourceKind,
};
use safeguard_rules::evaluator::Roadblock;
use safeguard_rules::plan::{Counts, Impact};
use safeguard_rules::settings::RoadblockScope;
use safeguard_rules::snapshot::SnapshotUser;

/// An import as stored. Change it in memory, then [`Db::save_import`].
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub seq: i64,
    pub id: String,
    pub app_id: AppId,
    pub app_name: String,
    pub status: ImportStatus,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub counts: Counts,
    pub impact: Impact,
    pub roadblock: Option<Roadblock>,
    pub resolution: Option<(Resolution, Actor, String)>,
    pub error: Option<String>,
    /// Who started the import.
    pub actor: Actor,
    pub trigger: ImportTrigger,
    pub source: SourceKind,
    pub warnings: ImportWarnings,
}

impl ImportRow {
    pub fn view(&self) -> ImportView {
        ImportView {
            id: self.id.clone(),
            app_id: self.app_id.clone(),
            app_name: self.app_name.clone(),
            status: self.status,
            created_at: self.created_at.clone(),
            started_at: self.started_at.clone(),
            finished_at: self.finished_at.clone(),
            counts: self.counts,
            impact: self.impact.clone(),
            roadblock: self.roadblock.clone(),
            resolved_by: self.resolution.as_ref().map(|(action, by, at)| ResolvedBy {
                action: *action,
                by: by.display_name.clone(),
                at: at.clone(),
            }),
            error: self.error.clone(),
            trigger: self.trigger,
            source: self.source,
            warnings: self.warnings.clone(),
            affected: None,
        }
    }
}

/// A new import, before it has a `seq`.
pub struct NewImport<'a> {
    pub id: &'a str,
    pub app_id: &'a AppId,
    pub status: ImportStatus,
    pub created_at: &'a str,
    pub counts: Counts,
    pub actor: &'a Actor,
    pub origin: &'a ImportOrigin,
}

/// Where an import's snapshot came from and what started it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOrigin {
    pub trigger: ImportTrigger,
    pub source: SourceKind,
    pub warnings: ImportWarnings,
}

/// Which imports a list shows.
#[derive(Clone, Debug, Default)]
pub struct ImportFilter {
    pub status: Option<ImportStatus>,
    pub app_id: Option<String>,
}

const COLUMNS: &str = "i.seq, i.id, i.app_id, a.name, i.status, i.created_at, i.started_at,
    i.finished_at, i.counts, i.impact, i.roadblock, i.resolved_action, i.resolved_by,
    i.resolved_at, i.error, i.actor, i.trigger, i.source, i.warnings";

fn json<T: serde::de::DeserializeOwned>(index: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<ImportRow> {
    let status: String = r.get(4)?;
    let status = ImportStatus::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("unknown import status {status:?}").into(),
        )
    })?;
    let roadblock: Option<String> = r.get(10)?;
    let action: Option<String> = r.get(11)?;
    let resolved_by: Option<String> = r.get(12)?;
    let resolved_at: Option<String> = r.get(13)?;
    let resolution = match (action.as_deref(), resolved_by, resolved_at) {
        (Some(action), Some(by), Some(at)) => Some((
            if action == "resume" {
                Resolution::Resume
            } else {
                Resolution::Cancel
            },
            json::<Actor>(12, &by)?,
            at,
        )),
        _ => None,
    };
    Ok(ImportRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        app_id: AppId(r.get(2)?),
        app_name: r.get(3)?,
        status,
        created_at: r.get(5)?,
        started_at: r.get(6)?,
        finished_at: r.get(7)?,
        counts: json(8, &r.get::<_, String>(8)?)?,
        impact: json(9, &r.get::<_, String>(9)?)?,
        roadblock: roadblock.map(|t| json(10, &t)).transpose()?,
        resolution,
        error: r.get(14)?,
        actor: json(15, &r.get::<_, String>(15)?)?,
        trigger: ImportTrigger::parse(&r.get::<_, String>(16)?).unwrap_or_default(),
        source: SourceKind::parse(&r.get::<_, String>(17)?).unwrap_or_default(),
        warnings: r
            .get::<_, Option<String>>(18)?
            .map(|t| json(18, &t))
            .transpose()?
            .unwrap_or_default(),
    })
}

impl Db<'_> {
    pub fn insert_import(&self, new: &NewImport<'_>) -> Result<ImportRow> {
        self.conn.execute(
            "INSERT INTO imports (id, app_id, status, created_at, counts, impact, actor, trigger,
                 source, warnings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                new.id,
                new.app_id.as_str(),
                new.status.as_str(),
                new.created_at,
                serde_json::to_string(&new.counts)?,
                serde_json::to_string(&Impact::default())?,
                serde_json::to_string(new.actor)?,
                new.origin.trigger.as_str(),
                new.origin.source.as_str(),
                (!new.origin.warnings.is_empty())
                    .then(|| serde_json::to_string(&new.origin.warnings))
                    .transpose()?,
            ],
        )?;
        self.import(new.id)?
            .ok_or_else(|| StorageError::Corrupt("an inserted import is missing".to_owned()))
    }

    /// Writes every changeable field of an import.
    pub fn save_import(&self, row: &ImportRow) -> Result<()> {
        let (action, by, at) = match &row.resolution {
            Some((action, by, at)) => (
                Some(match action {
                    Resolution::Resume => "resume",
                    Resolution::Cancel => "cancel",
                }),
                Some(serde_json::to_string(by)?),
                Some(at.as_str()),
            ),
            None => (None, None, None),
        };
        let roadblock = row
            .roadblock
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        let warnings = (!row.warnings.is_empty())
            .then(|| serde_json::to_string(&row.warnings))
            .transpose()?;
        self.conn.execute(
            "UPDATE imports SET status = ?2, started_at = ?3, finished_at = ?4, counts = ?5,
                 impact = ?6, roadblock = ?7, resolved_action = ?8, resolved_by = ?9,
                 resolved_at = ?10, error = ?11, warnings = ?12
             WHERE id = ?1",
            params![
                row.id,
                row.status.as_str(),
                row.started_at,
                row.finished_at,
                serde_json::to_string(&row.counts)?,
                serde_json::to_string(&row.impact)?,
                roadblock,
                action,
                by,
                at,
                row.error,
                warnings,
            ],
        )?;
        Ok(())
    }

    pub fn import(&self, id: &str) -> Result<Option<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id WHERE i.id = ?1"
        );
        Ok(self.conn.query_row(&sql, [id], read_row).optional()?)
    }

    /// Imports newest first, `limit` of them after the cursor `after` (an import's `seq`).
    pub fn imports(
        &self,
        filter: &ImportFilter,
        limit: u32,
        after: Option<i64>,
    ) -> Result<Vec<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.seq < ?1 AND (?2 IS NULL OR i.status = ?2) AND (?3 IS NULL OR i.app_id = ?3)
             ORDER BY i.seq DESC LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                after.unwrap_or(i64::MAX),
                filter.status.map(ImportStatus::as_str),
                filter.app_id,
                limit
            ],
            read_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn first_with_status(&self, status: ImportStatus) -> Result<Option<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.status = ?1 ORDER BY i.seq LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, [status.as_str()], read_row)
            .optional()?)
    }

    /// The paused import: while there is one, the org is under a roadblock.
    pub fn paused_import(&self) -> Result<Option<ImportRow>> {
        self.first_with_status(ImportStatus::Paused)
    }

    /// The queued import that runs next: the oldest.
    pub fn oldest_queued(&self) -> Result<Option<ImportRow>> {
        self.first_with_status(ImportStatus::Queued)
    }

    /// Every paused import, oldest first: one at most under scope `org`, one per app at most
    /// under scope `app`.
    pub fn paused_imports(&self) -> Result<Vec<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.status = 'paused' ORDER BY i.seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The paused import that holds back a new import of `app_id`: any, under scope `org`; the
    /// app's own, under scope `app`.
    pub fn holding_back(&self, app_id: &str, scope: RoadblockScope) -> Result<Option<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.status = 'paused' AND (?1 = 'org' OR i.app_id = ?2) ORDER BY i.seq LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, params![scope.as_str(), app_id], read_row)
            .optional()?)
    }

    /// How many queued imports a new import of `app_id` would wait behind: all of them under
    /// scope `org`, the app's own under scope `app` (none may overtake them).
    pub fn queued_ahead(&self, app_id: &str, scope: RoadblockScope) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM imports WHERE status = 'queued' AND (?1 = 'org' OR app_id = ?2)",
            params![scope.as_str(), app_id],
            |r| r.get(0),
        )?)
    }

    /// The queued import to run next: the oldest, when nothing is paused (scope `org`); the
    /// oldest of an app with no paused import (scope `app`).
    pub fn next_to_run(&self, scope: RoadblockScope) -> Result<Option<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.status = 'queued' AND NOT EXISTS (
                 SELECT 1 FROM imports p
                 WHERE p.status = 'paused' AND (?1 = 'org' OR p.app_id = i.app_id))
             ORDER BY i.seq LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, [scope.as_str()], read_row)
            .optional()?)
    }

    pub fn count_with_status(&self, status: ImportStatus) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM imports WHERE status = ?1",
            [status.as_str()],
            |r| r.get(0),
        )?)
    }

    /// Imports a stopped process left `running`.
    pub fn running_imports(&self) -> Result<Vec<ImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM imports i JOIN apps a ON a.id = i.app_id
             WHERE i.status = 'running' ORDER BY i.seq"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps the snapshot of a queued import until it is planned.
    pub fn store_snapshot(&self, import_id: &str, users: &[SnapshotUser]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO import_snapshots (import_id, users) VALUES (?1, ?2)",
            params![import_id, serde_json::to_string(users)?],
        )?;
        Ok(())
    }

    /// Reads and forgets the snapshot of a queued import that is being planned.
    pub fn take_snapshot(&self, import_id: &str) -> Result<Option<Vec<SnapshotUser>>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT users FROM import_snapshots WHERE import_id = ?1",
                [import_id],
                |r| r.get(0),
            )
            .optional()?;
        self.conn.execute(
            "DELETE FROM import_snapshots WHERE import_id = ?1",
            [import_id],
        )?;
        Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
    }
}
