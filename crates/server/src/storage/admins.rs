//! Administrators, their sessions and their API tokens.
//!
//! Secrets never reach this module: callers pass the SHA-256 hash of a session or token secret
//! (see `auth::secret`) and the argon2id hash of a password.

use super::{Db, Result};
use crate::actor::Actor;
use crate::ids::new_id;
use rusqlite::OptionalExtension;
use safeguard_rules::api::{AdminView, ApiTokenView, Role};

/// An administrator with what a sign-in checks.
pub struct StoredAdmin {
    pub admin: AdminView,
    pub password_hash: String,
}

/// How email addresses are compared: case does not matter.
pub fn fold_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn admin_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(AdminView, String)> {
    let role: String = r.get(2)?;
    Ok((
        AdminView {
            id: r.get(0)?,
            email: r.get(1)?,
            // The table's CHECK allows only the two roles; anything else reads as read-only.
            role: Role::parse(&role).unwrap_or(Role::ReadOnlyAdmin),
            created_at: r.get(3)?,
        },
        r.get(4)?,
    ))
}

const ADMIN_COLUMNS: &str = "a.id, a.email, a.role, a.created_at, a.password_hash";

impl Db<'_> {
    pub fn admin_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM admins", [], |r| r.get(0))?)
    }

    /// Adds an administrator; `None` when the email address is taken.
    pub fn insert_admin(
        &self,
        email: &str,
        role: Role,
        password_hash: &str,
        actor: &Actor,
        at: &str,
    ) -> Result<Option<AdminView>> {
        let id = new_id("adm");
        let inserted = self.conn.execute(
            "INSERT INTO admins (id, email, email_folded, role, password_hash, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (email_folded) DO NOTHING",
            rusqlite::params![
                id,
                email.trim(),
                fold_email(email),
                role.as_str(),
                password_hash,
                at,
                actor.id
            ],
        )?;
        if inserted == 0 {
            return Ok(None);
        }
        Ok(Some(AdminView {
            id,
            email: email.trim().to_owned(),
            role,
            created_at: at.to_owned(),
        }))
    }

    pub fn admin_by_email(&self, email: &str) -> Result<Option<StoredAdmin>> {
        let sql = format!("SELECT {ADMIN_COLUMNS} FROM admins a WHERE a.email_folded = ?1");
        let found = self
            .conn
            .query_row(&sql, [fold_email(email)], admin_row)
            .optional()?;
        Ok(found.map(|(admin, password_hash)| StoredAdmin {
            admin,
            password_hash,
        }))
    }

    /// Every administrator, newest first.
    pub fn admins(&self) -> Result<Vec<AdminView>> {
        let sql = format!("SELECT {ADMIN_COLUMNS} FROM admins a ORDER BY a.seq DESC");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([], admin_row)?;
        rows.map(|r| Ok(r?.0)).collect()
    }

    /// The addresses of every super-administrator: who hears of a roadblock.
    pub fn super_admin_emails(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT email FROM admins WHERE role = 'SUPER_ADMIN' ORDER BY seq")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn insert_session(
        &self,
        secret_hash: &str,
        admin_id: &str,
        at: &str,
        now: i64,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sessions (secret_hash, admin_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![secret_hash, admin_id, at, now],
        )?;
        Ok(())
    }

    /// The session's administrator and when the session was last used (Unix seconds).
    pub fn session(&self, secret_hash: &str) -> Result<Option<(AdminView, i64)>> {
        let sql = format!(
            "SELECT {ADMIN_COLUMNS}, s.last_seen FROM sessions s
             JOIN admins a ON a.id = s.admin_id WHERE s.secret_hash = ?1"
        );
        Ok(self
            .conn
            .query_row(&sql, [secret_hash], |r| Ok((admin_row(r)?.0, r.get(5)?)))
            .optional()?)
    }

    pub fn touch_session(&self, secret_hash: &str, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE secret_hash = ?1",
            rusqlite::params![secret_hash, now],
        )?;
        Ok(())
    }

    /// Ends a session; `false` when there was none.
    pub fn delete_session(&self, secret_hash: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM sessions WHERE secret_hash = ?1", [secret_hash])?
            > 0)
    }

    /// Forgets sessions idle since before `before` (Unix seconds).
    pub fn delete_idle_sessions(&self, before: i64) -> Result<usize> {
        Ok(self
            .conn
            .execute("DELETE FROM sessions WHERE last_seen < ?1", [before])?)
    }

    pub fn insert_api_token(
        &self,
        name: &str,
        secret_hash: &str,
        admin_id: &str,
        at: &str,
    ) -> Result<String> {
        let id = new_id("tok");
        self.conn.execute(
            "INSERT INTO api_tokens (id, name, secret_hash, admin_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, name, secret_hash, admin_id, at],
        )?;
        Ok(id)
    }

    /// The administrator an unrevoked token acts for, and the token's id.
    pub fn api_token(&self, secret_hash: &str) -> Result<Option<(String, AdminView)>> {
        let sql = format!(
            "SELECT {ADMIN_COLUMNS}, t.id FROM api_tokens t
             JOIN admins a ON a.id = t.admin_id
             WHERE t.secret_hash = ?1 AND t.revoked_at IS NULL"
        );
        Ok(self
            .conn
            .query_row(&sql, [secret_hash], |r| Ok((r.get(5)?, admin_row(r)?.0)))
            .optional()?)
    }

    pub fn touch_api_token(&self, id: &str, at: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
            rusqlite::params![id, at],
        )?;
        Ok(())
    }

    /// Unrevoked tokens, newest first.
    pub fn api_tokens(&self) -> Result<Vec<ApiTokenView>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT t.id, t.name, a.email, t.created_at, t.last_used_at FROM api_tokens t
             JOIN admins a ON a.id = t.admin_id
             WHERE t.revoked_at IS NULL ORDER BY t.seq DESC",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(ApiTokenView {
                id: r.get(0)?,
                name: r.get(1)?,
                created_by: r.get(2)?,
                created_at: r.get(3)?,
                last_used_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes a token; its name when it existed and was not yet revoked.
    pub fn revoke_api_token(&self, id: &str, at: &str) -> Result<Option<String>> {
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM api_tokens WHERE id = ?1 AND revoked_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        if name.is_some() {
            self.conn.execute(
                "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1",
                rusqlite::params![id, at],
            )?;
        }
        Ok(name)
    }
}
