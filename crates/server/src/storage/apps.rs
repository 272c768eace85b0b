//! Apps and their populations.

use super::{Db, Result, flag};
use crate::actor::Actor;
use rusqlite::{OptionalExtension, Row, params};
use safeguard_rules::AppId;
use safeguard_rules::api::AppView;
use safeguard_rules::api::apps::match_by;
use safeguard_rules::org::{App, AppPopulation};

const APP_COLUMNS: &str = "a.id, a.name, a.profile_source, a.deactivate_on_remove,
    a.profile_source_priority, a.match_by_email, a.reactivate_on_return,
    (SELECT COUNT(*) FROM assignments s WHERE s.app_id = a.id)";

/// The columns of [`APP_COLUMNS`] but the population, as the planner reads an app.
const SETTINGS_COLUMNS: &str = "a.id, a.name, a.profile_source, a.deactivate_on_remove,
    a.profile_source_priority, a.match_by_email, a.reactivate_on_return";

fn read_app(row: &Row<'_>, from: usize) -> rusqlite::Result<App> {
    Ok(App {
        id: AppId(row.get(from)?),
        name: row.get(from + 1)?,
        profile_source: row.get(from + 2)?,
        deactivate_on_remove: row.get(from + 3)?,
        profile_source_priority: row.get(from + 4)?,
        match_by_email: row.get(from + 5)?,
        reactivate_on_return: row.get(from + 6)?,
    })
}

fn read_app_view(row: &Row<'_>, from: usize) -> rusqlite::Result<AppView> {
    let app = read_app(row, from)?;
    Ok(AppView {
        match_by: match_by(app.match_by_email),
        id: app.id,
        name: app.name,
        profile_source: app.profile_source,
        deactivate_on_remove: app.deactivate_on_remove,
        profile_source_priority: app.profile_source_priority,
        reactivate_on_return: app.reactivate_on_return,
        population: row.get(from + 7)?,
    })
}

impl Db<'_> {
    pub fn insert_app(&self, app: &App, actor: &Actor, at: &str) -> Result<()> {
        self.org_changed();
        self.conn.execute(
            "INSERT INTO apps (id, name, profile_source, deactivate_on_remove,
                 profile_source_priority, match_by_email, reactivate_on_return, created_at,
                 created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                app.id.as_str(),
                app.name,
                flag(app.profile_source),
                flag(app.deactivate_on_remove),
                app.profile_source_priority,
                flag(app.match_by_email),
                flag(app.reactivate_on_return),
                at,
                actor.id
            ],
        )?;
        Ok(())
    }

    /// Stores an app's directory settings: its rank, what it matches by, whether it
    /// reactivates.
    pub fn update_app_directory(&self, app: &App) -> Result<()> {
        self.org_changed();
        self.conn.execute(
            "UPDATE apps SET profile_source_priority = ?2, match_by_email = ?3,
                 reactivate_on_return = ?4
             WHERE id = ?1",
            params![
                app.id.as_str(),
                app.profile_source_priority,
                flag(app.match_by_email),
                flag(app.reactivate_on_return)
            ],
        )?;
        Ok(())
    }

    /// The profile source other than `except` that holds `priority`, if any.
    pub fn app_with_priority(&self, priority: u32, except: Option<&str>) -> Result<Option<App>> {
        let sql = format!(
            "SELECT {SETTINGS_COLUMNS} FROM apps a
             WHERE a.profile_source_priority = ?1 AND a.id IS NOT ?2"
        );
        Ok(self
            .conn
            .query_row(&sql, params![priority, except], |r| read_app(r, 0))
            .optional()?)
    }

    /// The rank a new profile source takes when none is given: after every other.
    pub fn next_profile_priority(&self) -> Result<u32> {
        let highest: Option<u32> =
            self.conn
                .query_row("SELECT MAX(profile_source_priority) FROM apps", [], |r| {
                    r.get(0)
                })?;
        Ok(highest.map_or(1, |p| p.saturating_add(1)))
    }

    pub fn app(&self, id: &str) -> Result<Option<App>> {
        let sql = format!("SELECT {SETTINGS_COLUMNS} FROM apps a WHERE a.id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| read_app(r, 0))
            .optional()?)
    }

    /// Every app, in the order they were added.
    pub fn apps(&self) -> Result<Vec<App>> {
        let sql = format!("SELECT {SETTINGS_COLUMNS} FROM apps a ORDER BY a.seq");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| read_app(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn app_view(&self, id: &str) -> Result<Option<AppView>> {
        let sql = format!("SELECT {APP_COLUMNS} FROM apps a WHERE a.id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id], |r| read_app_view(r, 0))
            .optional()?)
    }

    /// Apps newest first, `limit` of them after the cursor `after` (an app's `seq`).
    pub fn app_views(&self, limit: u32, after: Option<i64>) -> Result<Vec<(i64, AppView)>> {
        let sql = format!(
            "SELECT a.seq, {APP_COLUMNS} FROM apps a WHERE a.seq < ?1 ORDER BY a.seq DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![after.unwrap_or(i64::MAX), limit], |r| {
            Ok((r.get(0)?, read_app_view(r, 1)?))
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
