//! The first super-administrator. On start, when `SAFEGUARD_ADMIN_EMAIL` is set and no
//! administrator has that address, it becomes a super-administrator with
//! `SAFEGUARD_ADMIN_PASSWORD` (or a generated password). Otherwise a database without any
//! administrator gets `admin@safeguard.local` with a generated password. A generated password
//! is printed once: nobody could sign in otherwise.

use super::{password, secret};
use crate::actor::Actor;
use crate::storage::{StorageError, Store};
use safeguard_rules::api::Role;
use safeguard_rules::api::admins::{check_email, check_password};

/// The address of the first super-administrator when `SAFEGUARD_ADMIN_EMAIL` is not set.
pub const DEFAULT_EMAIL: &str = "admin@safeguard.local";

/// What start-up did about administrators.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstAdmin {
    /// The database has administrators already.
    Existing,
    /// Created from the environment's email and password.
    FromEnvironment { email: String },
    /// Created with a generated password, to print once.
    Generated { email: String, password: String },
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("SAFEGUARD_ADMIN_EMAIL {0}")]
    Email(String),
    #[error("SAFEGUARD_ADMIN_PASSWORD {0}")]
    Password(String),
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Other(String),
}

/// Creates the environment's super-administrator, or the first one, when missing.
pub fn ensure_first_admin(
    store: &Store,
    email: Option<&str>,
    given_password: Option<&str>,
    at: &str,
) -> Result<FirstAdmin, BootstrapError> {
    let email = match email.map(str::trim) {
        Some(email) => {
            check_email(email).map_err(BootstrapError::Email)?;
            if store.read(|db| db.admin_by_email(email))?.is_some() {
                return Ok(FirstAdmin::Existing);
            }
            email.to_owned()
        }
        None if store.read(|db| db.admin_count())? > 0 => return Ok(FirstAdmin::Existing),
        None => DEFAULT_EMAIL.to_owned(),
    };
    let (password, generated) = match given_password {
        Some(given) => {
            check_password(given).map_err(BootstrapError::Password)?;
            (given.to_owned(), false)
        }
        None => (
            secret::new_password().map_err(|e| BootstrapError::Other(e.to_string()))?,
            true,
        ),
    };
    let hash = password::hash(&password).map_err(|e| BootstrapError::Other(e.to_string()))?;
    store.writer().transaction(|db| {
        // Taken since it was checked (another process): the insert does nothing.
        db.insert_admin(&email, Role::SuperAdmin, &hash, &Actor::system(), at)?;
        Ok::<_, StorageError>(())
    })?;
    Ok(if generated {
        FirstAdmin::Generated { email, password }
    } else {
        FirstAdmin::FromEnvironment { email }
    })
}
