//! Who is asking, and what they may do.
//!
//! Every `/api` request but sign-in carries a credential: the session cookie the console gets
//! at sign-in, or `Authorization: SSWS <token>` (an API token made in the console, or the value
//! of `SAFEGUARD_ADMIN_TOKEN`). The guard (`routes::guard`) turns it into a [`Principal`] before any handler runs,
//! so a route added later is protected without doing anything.
//!
//! - [`password`]: argon2id hashes of administrators' passwords.
//! - [`secret`]: the random secrets of sessions and tokens, stored only as SHA-256 hashes.
//! - [`cookie`]: the session cookie.
//! - [`throttle`]: failed sign-ins slow down, then lock, per account and per address.
//! - [`bootstrap`]: the first super-administrator of an empty database.

pub mod bootstrap;
pub mod cookie;
pub mod password;
pub mod secret;
pub mod throttle;

use crate::actor::Actor;
use crate::error::AppError;
use safeguard_rules::api::{AdminView, Me, Role};

/// How a request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The console's session cookie; holds the hash of the session's secret.
    Session(String),
    /// An API token made in the console; holds the token's id.
    ApiToken(String),
    /// The `SAFEGUARD_ADMIN_TOKEN` the server was started with.
    EnvironmentToken,
}

/// A signed-in administrator, as the guard found them.
#[derive(Clone, Debug)]
pub struct Principal {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub credential: Credential,
}

/// The id the `SAFEGUARD_ADMIN_TOKEN` acts as in the system log.
pub const ENVIRONMENT_TOKEN_ID: &str = "env-admin-token";

impl Principal {
    /// A stored administrator, signed in by `credential`.
    pub fn admin(admin: AdminView, credential: Credential) -> Self {
        Self {
            id: admin.id,
            email: admin.email,
            role: admin.role,
            credential,
        }
    }

    /// The super-administrator that `SAFEGUARD_ADMIN_TOKEN` stands for.
    pub fn environment_token() -> Self {
        Self {
            id: ENVIRONMENT_TOKEN_ID.to_owned(),
            email: "SAFEGUARD_ADMIN_TOKEN".to_owned(),
            role: Role::SuperAdmin,
            credential: Credential::EnvironmentToken,
        }
    }

    /// The actor of what this principal changes, as the system log records it.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            kind: "User".to_owned(),
            display_name: self.email.clone(),
        }
    }

    pub fn me(&self) -> Me {
        Me {
            id: self.id.clone(),
            email: self.email.clone(),
            role: self.role,
        }
    }

    /// Refuses a change to a read-only administrator, naming what was refused.
    pub fn require_change(&self, what: &str) -> Result<(), AppError> {
        if self.role.can_change() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Read-only administrators cannot {what}; a super-administrator can. Nothing was changed."
            )))
        }
    }
}
