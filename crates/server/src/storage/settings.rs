//! The safeguard settings: one row, with the version a change must name.

use super::{Db, Result, flag};
use crate::actor::Actor;
use safeguard_rules::Safeguard;
use safeguard_rules::api::SafeguardsView;
use safeguard_rules::settings::Settings;

impl Db<'_> {
    pub fn safeguards(&self) -> Result<SafeguardsView> {
        let row = self.conn.query_row(
            "SELECT app_enabled, app_percent, org_enabled, org_percent, version
             FROM settings WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, bool>(0)?,
                    r.get::<_, u8>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, u8>(3)?,
                    r.get::<_, u64>(4)?,
                ))
            },
        )?;
        let (app_enabled, app_percent, org_enabled, org_percent, version) = row;
        // The table's CHECK keeps percents within 0..=100.
        Ok(SafeguardsView {
            app_level: Safeguard {
                enabled: app_enabled,
                percent: app_percent,
            },
            org_level: Safeguard {
                enabled: org_enabled,
                percent: org_percent,
            },
            version,
        })
    }

    /// Saves new settings as the next version.
    pub fn save_safeguards(
        &self,
        settings: &Settings,
        actor: &Actor,
        at: &str,
    ) -> Result<SafeguardsView> {
        self.conn.execute(
            "UPDATE settings SET app_enabled = ?1, app_percent = ?2, org_enabled = ?3,
                 org_percent = ?4, version = version + 1, updated_at = ?5, updated_by = ?6
             WHERE id = 1",
            rusqlite::params![
                flag(settings.app_level.enabled),
                settings.app_level.percent,
                flag(settings.org_level.enabled),
                settings.org_level.percent,
                at,
                actor.id,
            ],
        )?;
        self.safeguards()
    }
}
