//! Stored plans: one row per change, in plan order, so the plan can be listed, downloaded and,
//! for a paused import, applied later exactly as it was planned.

use super::{Db, Result, StorageError};
use rusqlite::{Row, params};
use safeguard_rules::api::ChangeRow;
use safeguard_rules::plan::{Cause, Change, ChangeKind};
use safeguard_rules::{AppId, GroupRuleId, UserId};

/// A change of a stored plan. Every one names its user by id: the ids of users the plan creates
/// are given when the plan is stored.
pub type StoredChange = Change;

/// Which changes a list shows.
#[derive(Clone, Debug, Default)]
pub struct ChangeFilter {
    pub kind: Option<ChangeKind>,
    pub app_id: Option<String>,
}

fn cause_of(text: Option<String>) -> Option<Cause> {
    text.as_deref().and_then(Cause::parse)
}

fn kind_of(index: usize, text: &str) -> rusqlite::Result<ChangeKind> {
    ChangeKind::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("unknown change kind {text:?}").into(),
        )
    })
}

fn read_change(r: &Row<'_>) -> rusqlite::Result<Change> {
    let profile: Option<String> = r.get(6)?;
    Ok(Change {
        kind: kind_of(0, &r.get::<_, String>(0)?)?,
        user_id: Some(UserId(r.get(1)?)),
        login: r.get(2)?,
        app_id: r.get::<_, Option<String>>(3)?.map(AppId),
        app_name: r.get(4)?,
        cause: cause_of(r.get(5)?),
        profile: profile
            .map(|p| serde_json::from_str(&p))
            .transpose()
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    6,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
        group_rule_id: r.get::<_, Option<String>>(7)?.map(GroupRuleId),
        external_id: r.get(8)?,
    })
}

impl Db<'_> {
    /// Stores a plan whose changes all name their user by id.
    pub fn store_plan(&self, import_seq: i64, changes: &[StoredChange]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO plan_changes (import_seq, n, kind, user_id, login, app_id, app_name,
                 cause, profile, rule_id, external_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for (n, change) in changes.iter().enumerate() {
            let user_id = change.user_id.as_ref().ok_or_else(|| {
                StorageError::Corrupt(format!("change {n} of a plan names no user id"))
            })?;
            let profile = change
                .profile
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            stmt.execute(params![
                import_seq,
                n as i64,
                change.kind.as_str(),
                user_id.as_str(),
                change.login,
                change.app_id.as_ref().map(AppId::as_str),
                change.app_name,
                change.cause.map(Cause::as_str),
                profile,
                change.group_rule_id.as_ref().map(GroupRuleId::as_str),
                change.external_id,
            ])?;
        }
        Ok(())
    }

    /// The whole stored plan of an import, in plan order.
    pub fn plan(&self, import_seq: i64) -> Result<Vec<StoredChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, user_id, login, app_id, app_name, cause, profile, rule_id, external_id
             FROM plan_changes WHERE import_seq = ?1 ORDER BY n",
        )?;
        let rows = stmt.query_map([import_seq], read_change)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks the changes a partial resume leaves out (`skipped[n]` for change `n`).
    pub fn mark_skipped(&self, import_seq: i64, skipped: &[bool]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "UPDATE plan_changes SET skipped = 1 WHERE import_seq = ?1 AND n = ?2",
        )?;
        for (n, _) in skipped.iter().enumerate().filter(|(_, s)| **s) {
            stmt.execute(params![import_seq, n as i64])?;
        }
        Ok(())
    }

    /// Changes of a stored plan in plan order, `limit` of them after the cursor `after` (a
    /// change's position `n`); `limit: None` lists all (the CSV download).
    pub fn plan_rows(
        &self,
        import_seq: i64,
        filter: &ChangeFilter,
        limit: Option<u32>,
        after: Option<i64>,
    ) -> Result<Vec<(i64, ChangeRow)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT n, kind, user_id, login, app_id, app_name, cause, skipped FROM plan_changes
             WHERE import_seq = ?1 AND n > ?2 AND (?3 IS NULL OR kind = ?3)
                 AND (?4 IS NULL OR app_id = ?4)
             ORDER BY n LIMIT ?5",
        )?;
        let rows = stmt.query_map(
            params![
                import_seq,
                after.unwrap_or(-1),
                filter.kind.map(ChangeKind::as_str),
                filter.app_id,
                limit.map_or(-1, i64::from),
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ChangeRow {
                        kind: kind_of(1, &r.get::<_, String>(1)?)?,
                        user_id: UserId(r.get(2)?),
                        login: r.get(3)?,
                        app_id: r.get::<_, Option<String>>(4)?.map(AppId),
                        app_name: r.get(5)?,
                        cause: cause_of(r.get(6)?),
                        skipped: r.get(7)?,
                    },
                ))
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
