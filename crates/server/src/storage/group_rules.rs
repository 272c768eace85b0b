//! Group rules and the apps they assign.

use super::{Db, Result};
use crate::actor::Actor;
use rusqlite::params;
use safeguard_rules::api::GroupRuleView;
use safeguard_rules::org::GroupRule;
use safeguard_rules::{AppId, GroupRuleId};

impl Db<'_> {
    pub fn insert_group_rule(&self, rule: &GroupRule, actor: &Actor, at: &str) -> Result<()> {
        self.org_changed();
        self.conn.execute(
            "INSERT INTO group_rules (id, name, attribute, equals, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                rule.id.as_str(),
                rule.name,
                rule.attribute,
                rule.equals,
                at,
                actor.id
            ],
        )?;
        for app_id in &rule.app_ids {
            self.conn.execute(
                "INSERT INTO group_rule_apps (rule_id, app_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
                params![rule.id.as_str(), app_id.as_str()],
            )?;
        }
        Ok(())
    }

    pub fn group_rules(&self) -> Result<Vec<GroupRule>> {
        Ok(self
            .group_rule_views(u32::MAX, None)?
            .into_iter()
            .map(|(_, v)| GroupRule {
                id: v.id,
                name: v.name,
                attribute: v.attribute,
                equals: v.equals,
                app_ids: v.app_ids,
            })
            .collect())
    }

    /// Group rules newest first, `limit` of them after the cursor `after`.
    pub fn group_rule_views(
        &self,
        limit: u32,
        after: Option<i64>,
    ) -> Result<Vec<(i64, GroupRuleView)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, id, name, attribute, equals, created_at FROM group_rules
             WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
        )?;
        let mut rules = stmt
            .query_map(params![after.unwrap_or(i64::MAX), limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    GroupRuleView {
                        id: GroupRuleId(r.get(1)?),
                        name: r.get(2)?,
                        attribute: r.get(3)?,
                        equals: r.get(4)?,
                        app_ids: Vec::new(),
                        created_at: r.get(5)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut apps = self.conn.prepare_cached(
            "SELECT g.app_id FROM group_rule_apps g JOIN apps a ON a.id = g.app_id
             WHERE g.rule_id = ?1 ORDER BY a.seq",
        )?;
        for (_, rule) in &mut rules {
            rule.app_ids = apps
                .query_map([rule.id.as_str()], |r| Ok(AppId(r.get(0)?)))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(rules)
    }
}
