//! Apps and their populations.

use super::{Db, Result, flag};
use crate::actor::Actor;
use rusqlite::{OptionalExtension, Row, params};
use safeguard_rules::AppId;
use safeguard_rules::api::AppView;
use safeguard_rules::org::{App, AppPopulation};

const APP_COLUMNS: &str = "a.id, a.name, a.profile_source, a.deactivate_on_remove,
    (SELECT COUNT(*) FROM assignments s WHERE s.app_id = a.id)";

fn app_view(row: &Row<'_>) -> rusqlite::Result<AppView> {
    Ok(AppView {
        id: AppId(row.get(0)?),
        name: row.get(1)?,
        profile_source: row.get(2)?,
        deactivate_on_remove: row.get(3)?,
        population: row.get(4)?,
    })
}

impl Db<'_> {
    pub fn insert_app(&self, app: &App, actor: &Actor, at: &str) -> Result<()> {
        self.org_changed();
        self.conn.execute(
            "INSERT INTO apps (id, name, profile_source, deactivate_on_remove, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                app.id.as_str(),
                app.name,
                flag(app.profile_source),
                flag(app.deactivate_on_remove),
                at,
                actor.id
            ],
        )?;
        Ok(())
    }

    pub fn app(&self, id: &str) -> Result<Option<App>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, profile_source, deactivate_on_remove FROM apps WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(App {
                    id: AppId(r.get(0)?),
                    name: r.get(1)?,
                    profile_source: r.get(2)?,
                    deactivate_on_remove: r.get(3)?,
                })
            })
            .optional()?)
    }

    pub fn app_view(&self, id: &str) -> Result<Option<AppView>> {
        let sql = format!("SELECT {APP_COLUMNS} FROM apps a WHERE a.id = ?1");
        Ok(self.conn.query_row(&sql, [id], app_view).optional()?)
    }

    /// Apps newest first, `limit` of them after the cursor `after` (an app's `seq`).
    pub fn app_views(&self, limit: u32, after: Option<i64>) -> Result<Vec<(i64, AppView)>> {
        let sql = format!(
            "SELECT a.seq, {APP_COLUMNS} FROM apps a WHERE a.seq < ?1 ORDER BY a.seq DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![after.unwrap_or(i64::MAX), limit], |r| {
            let seq: i64 = r.get(0)?;
            Ok((
                seq,
                AppView {
                    id: AppId(r.get(1)?),
                    name: r.get(2)?,
                    profile_source: r.get(3)?,
                    deactivate_on_remove: r.get(4)?,
                    population: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn app_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM apps", [], |r| r.get(0))?)
    }

    /// Every app's population: the denominators of the safeguards. Apps without users are listed
    /// with a population of zero.
    pub fn populations(&self) -> Result<Vec<AppPopulation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.name, COUNT(s.seq) FROM apps a
             LEFT JOIN assignments s ON s.app_id = a.id
             GROUP BY a.id, a.name, a.seq ORDER BY a.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AppPopulation {
                app_id: AppId(r.get(0)?),
                app_name: r.get(1)?,
                population: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
