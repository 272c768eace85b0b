//! The safeguard settings: one row, with the version a change must name, and each app's own
//! override.

use super::{Db, Result, flag};
use crate::actor::Actor;
use rusqlite::{OptionalExtension, params};
use safeguard_rules::AppId;
use safeguard_rules::Safeguard;
use safeguard_rules::api::{AppOverrideView, SafeguardsView};
use safeguard_rules::settings::{Limit, RoadblockScope, Settings};

fn scope_of(text: &str) -> RoadblockScope {
    if text == "app" {
        RoadblockScope::App
    } else {
        RoadblockScope::Org
    }
}

impl Db<'_> {
    pub fn safeguards(&self) -> Result<SafeguardsView> {
        let view = self.conn.query_row(
            "SELECT app_enabled, app_percent, app_count, org_enabled, org_percent, org_count,
                 deactivations_enabled, deactivations_percent, deactivations_count,
                 roadblock_scope, version
             FROM settings WHERE id = 1",
            [],
            |r| {
                // The table's CHECKs keep percents within 0..=100 and counts from 0.
                Ok(SafeguardsView {
                    app_level: Safeguard {
                        enabled: r.get(0)?,
                        percent: r.get(1)?,
                        count: r.get(2)?,
                    },
                    org_level: Safeguard {
                        enabled: r.get(3)?,
                        percent: r.get(4)?,
                        count: r.get(5)?,
                    },
                    deactivations: Limit {
                        enabled: r.get(6)?,
                        percent: r.get(7)?,
                        count: r.get(8)?,
                    },
                    roadblock_scope: scope_of(&r.get::<_, String>(9)?),
                    app_overrides: Vec::new(),
                    version: r.get(10)?,
                })
            },
        )?;
        Ok(SafeguardsView {
            app_overrides: self.app_overrides()?,
            ..view
        })
    }

    /// Saves new settings as the next version (the overrides are saved on their own).
    pub fn save_safeguards(
        &self,
        settings: &Settings,
        actor: &Actor,
        at: &str,
    ) -> Result<SafeguardsView> {
        self.conn.execute(
            "UPDATE settings SET app_enabled = ?1, app_percent = ?2, app_count = ?3,
                 org_enabled = ?4, org_percent = ?5, org_count = ?6,
                 deactivations_enabled = ?7, deactivations_percent = ?8,
                 deactivations_count = ?9, roadblock_scope = ?10,
                 version = version + 1, updated_at = ?11, updated_by = ?12
             WHERE id = 1",
            params![
                flag(settings.app_level.enabled),
                settings.app_level.percent,
                settings.app_level.count,
                flag(settings.org_level.enabled),
                settings.org_level.percent,
                settings.org_level.count,
                flag(settings.deactivations.enabled),
                settings.deactivations.percent,
                settings.deactivations.count,
                settings.roadblock_scope.as_str(),
                at,
                actor.id,
            ],
        )?;
        self.safeguards()
    }

    /// The apps with an override, by name.
    pub fn app_overrides(&self) -> Result<Vec<AppOverrideView>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.app_id, a.name, s.enabled, s.percent, s.count
             FROM app_safeguards s JOIN apps a ON a.id = s.app_id ORDER BY a.name, a.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AppOverrideView {
                app_id: AppId(r.get(0)?),
                app_name: r.get(1)?,
                enabled: r.get(2)?,
                percent: r.get(3)?,
                count: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn app_override(&self, app_id: &str) -> Result<Option<AppOverrideView>> {
        Ok(self
            .app_overrides()?
            .into_iter()
            .find(|o| o.app_id.as_str() == app_id))
    }

    /// Sets an app's override, replacing the one it had.
    pub fn save_app_override(
        &self,
        app_id: &str,
        limit: &Limit,
        actor: &Actor,
        at: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO app_safeguards (app_id, enabled, percent, count, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (app_id) DO UPDATE SET enabled = excluded.enabled,
                 percent = excluded.percent, count = excluded.count,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![
                app_id,
                flag(limit.enabled),
                limit.percent,
                limit.count,
                at,
                actor.id
            ],
        )?;
        Ok(())
    }

    /// Removes an app's override; answers whether it had one.
    pub fn delete_app_override(&self, app_id: &str) -> Result<bool> {
        let n = self
            .conn
            .execute("DELETE FROM app_safeguards WHERE app_id = ?1", [app_id])?;
        Ok(n > 0)
    }

    /// Whether app `app_id` exists, for the override routes.
    pub fn app_exists(&self, app_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM apps WHERE id = ?1", [app_id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
