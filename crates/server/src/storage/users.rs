//! Users and their app assignments: the org the planner reads and the changes an import applies.

use super::{Db, Result, StorageError};
use rusqlite::{Row, params};
use safeguard_rules::api::AppUserView;
use safeguard_rules::api::apps::ProfileView;
use safeguard_rules::org::fold_login;
use safeguard_rules::org::{
    App, AppPopulation, Assignment, AssignmentSource, GroupRule, Profile, User, UserStatus,
};
use safeguard_rules::{AppId, GroupRuleId, UserId};
use std::collections::BTreeMap;

/// The org as the planner reads it: every app, user, assignment (app user), every app's
/// population and every group rule, as committed when it was read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Org {
    pub apps: Vec<App>,
    pub users: Vec<User>,
    pub assignments: Vec<Assignment>,
    pub populations: Vec<AppPopulation>,
    pub group_rules: Vec<GroupRule>,
}

fn status_text(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "active",
        UserStatus::Deactivated => "deactivated",
    }
}

fn attributes_text(attributes: &BTreeMap<String, String>) -> Result<String> {
    Ok(serde_json::to_string(attributes)?)
}

fn read_attributes(text: &str) -> rusqlite::Result<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn profile_text(profile: Option<&Profile>) -> Result<Option<String>> {
    Ok(profile.map(serde_json::to_string).transpose()?)
}

fn read_profile(text: &str) -> rusqlite::Result<Profile> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn read_user(r: &Row<'_>) -> rusqlite::Result<User> {
    let status: String = r.get(2)?;
    let attributes: String = r.get(6)?;
    Ok(User {
        id: UserId(r.get(0)?),
        login: r.get(1)?,
        status: if status == "active" {
            UserStatus::Active
        } else {
            UserStatus::Deactivated
        },
        profile: Profile {
            first_name: r.get(3)?,
            last_name: r.get(4)?,
            email: r.get(5)?,
            attributes: read_attributes(&attributes)?,
        },
    })
}

const USER_COLUMNS: &str =
    "u.id, u.login, u.status, u.first_name, u.last_name, u.email, u.attributes";

impl Db<'_> {
    /// Everything the planner needs for an import. It reads the whole org, which is always
    /// enough (more users or assignments than needed do the planner no harm).
    pub fn org(&self) -> Result<Org> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.seq"
        ))?;
        let users = stmt
            .query_map([], read_user)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT user_id, app_id, rule_id, external_id, app_profile FROM assignments
             ORDER BY seq",
        )?;
        let assignments = stmt
            .query_map([], |r| {
                let rule: Option<String> = r.get(2)?;
                let app_profile: Option<String> = r.get(4)?;
                Ok(Assignment {
                    user_id: UserId(r.get(0)?),
                    app_id: AppId(r.get(1)?),
                    source: rule.map_or(AssignmentSource::Direct, |id| {
                        AssignmentSource::GroupRule(GroupRuleId(id))
                    }),
                    external_id: r.get(3)?,
                    app_profile: app_profile
                        .map(|text| read_profile(&text).map(Box::new))
                        .transpose()?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Org {
            apps: self.apps()?,
            users,
            assignments,
            populations: self.populations()?,
            group_rules: self.group_rules()?,
        })
    }

    /// Active users, for a new group rule to match against.
    pub fn active_users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.status = 'active' ORDER BY u.seq"
        ))?;
        Ok(stmt
            .query_map([], read_user)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn create_user(&self, id: &str, login: &str, profile: &Profile, at: &str) -> Result<()> {
        self.org_changed();
        self.conn
            .prepare_cached(
                "INSERT INTO users (id, login, login_folded, status, first_name, last_name,
                     email, attributes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![
                id,
                login,
                fold_login(login),
                profile.first_name,
                profile.last_name,
                profile.email,
                attributes_text(&profile.attributes)?,
                at
            ])?;
        Ok(())
    }

    pub fn update_user(&self, id: &str, profile: &Profile, at: &str) -> Result<()> {
        self.org_changed();
        self.conn
            .prepare_cached(
                "UPDATE users SET first_name = ?2, last_name = ?3, email = ?4, attributes = ?5,
                     updated_at = ?6
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                profile.first_name,
                profile.last_name,
                profile.email,
                attributes_text(&profile.attributes)?,
                at
            ])?;
        Ok(())
    }

    pub fn set_user_status(&self, id: &str, status: UserStatus, at: &str) -> Result<()> {
        self.org_changed();
        self.conn
            .prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, status_text(status), at])?;
        Ok(())
    }

    /// Assigns a user to an app by a group rule; an assignment that already exists is kept as
    /// it is.
    pub fn assign(
        &self,
        user_id: &str,
        app_id: &str,
        rule_id: Option<&str>,
        at: &str,
    ) -> Result<bool> {
        self.add_app_user(user_id, app_id, rule_id, None, None, at)
    }

    /// A new app user: the assignment, with what the app's source said of the user (its id,
    /// and its app profile when the app does not own the user's profile). One that already
    /// exists is kept as it is.
    pub fn add_app_user(
        &self,
        user_id: &str,
        app_id: &str,
        rule_id: Option<&str>,
        external_id: Option<&str>,
        app_profile: Option<&Profile>,
        at: &str,
    ) -> Result<bool> {
        self.org_changed();
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO assignments (user_id, app_id, rule_id, external_id, app_profile,
                     assigned_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (app_id, user_id) DO NOTHING",
            )?
            .execute(params![
                user_id,
                app_id,
                rule_id,
                external_id,
                profile_text(app_profile)?,
                at
            ])?;
        Ok(n > 0)
    }

    /// What an app's source now says of an app user: its id and app profile (`None`: the
    /// user's profile, which this app owns). Nothing when the user is not assigned to the app.
    pub fn update_app_user(
        &self,
        user_id: &str,
        app_id: &str,
        external_id: Option<&str>,
        app_profile: Option<&Profile>,
    ) -> Result<()> {
        self.org_changed();
        self.conn
            .prepare_cached(
                "UPDATE assignments SET external_id = ?3, app_profile = ?4
                 WHERE app_id = ?1 AND user_id = ?2",
            )?
            .execute(params![
                app_id,
                user_id,
                external_id,
                profile_text(app_profile)?
            ])?;
        Ok(())
    }

    /// Removes an assignment; answers whether there was one.
    pub fn unassign(&self, user_id: &str, app_id: &str) -> Result<bool> {
        self.org_changed();
        let n = self
            .conn
            .prepare_cached("DELETE FROM assignments WHERE app_id = ?1 AND user_id = ?2")?
            .execute(params![app_id, user_id])?;
        Ok(n > 0)
    }

    /// An app's users, newest assignment first, `limit` of them after the cursor `after`.
    pub fn app_users(
        &self,
        app_id: &str,
        limit: u32,
        after: Option<i64>,
    ) -> Result<Vec<(i64, AppUserView)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.seq, s.assigned_at, s.external_id, s.app_profile, {USER_COLUMNS}
             FROM assignments s
             JOIN users u ON u.id = s.user_id
             WHERE s.app_id = ?1 AND s.seq < ?2 ORDER BY s.seq DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![app_id, after.unwrap_or(i64::MAX), limit], |r| {
            let seq: i64 = r.get(0)?;
            let assigned_at: String = r.get(1)?;
            let external_id: Option<String> = r.get(2)?;
            let app_profile: Option<String> = r.get(3)?;
            let status: String = r.get(6)?;
            let attributes: String = r.get(10)?;
            // What this app's source said of the user, or the user's profile, which it owns.
            let profile = match app_profile {
                Some(text) => read_profile(&text)?,
                None => Profile {
                    first_name: r.get(7)?,
                    last_name: r.get(8)?,
                    email: r.get(9)?,
                    attributes: read_attributes(&attributes)?,
                },
            };
            Ok((
                seq,
                AppUserView {
                    user_id: UserId(r.get(4)?),
                    login: r.get(5)?,
                    status,
                    profile: ProfileView::of(profile, external_id),
                    assigned_at,
                },
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(StorageError::from)
    }

    /// How many users have each status, for tests and the demo's summary.
    pub fn user_count(&self, status: UserStatus) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM users WHERE status = ?1",
            [status_text(status)],
            |r| r.get(0),
        )?)
    }
}
