//! Sign-in and administrators: `/api/v1/sessions`, `/api/v1/users/me`, `/api/v1/admins` and
//! `/api/v1/api-tokens`.

use serde::{Deserialize, Serialize};

/// What an administrator may do. Read-only administrators read everything and change nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    SuperAdmin,
    ReadOnlyAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "SUPER_ADMIN",
            Role::ReadOnlyAdmin => "READ_ONLY_ADMIN",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "SUPER_ADMIN" => Some(Role::SuperAdmin),
            "READ_ONLY_ADMIN" => Some(Role::ReadOnlyAdmin),
            _ => None,
        }
    }

    /// Whether this role may change anything (settings, imports, the roadblock, tokens,
    /// administrators).
    pub fn can_change(self) -> bool {
        self == Role::SuperAdmin
    }

    /// The role as administrators read it.
    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super administrator",
            Role::ReadOnlyAdmin => "Read-only administrator",
        }
    }
}

/// `POST /api/v1/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// The administrator's email address.
    pub username: String,
    pub password: String,
}

/// `GET /api/v1/users/me`, and the answer to a sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub email: String,
    pub role: Role,
}

/// An administrator as `GET /api/v1/admins` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminView {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: String,
}

/// `POST /api/v1/admins`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewAdmin {
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// The shortest password an administrator may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest, in characters (at most 1 KiB of UTF-8): hashing is deliberately slow, so its
/// input is bounded.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest email address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest API token name.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

impl NewAdmin {
    /// Every invalid field, or none.
    pub fn validate(&self) -> Vec<crate::validation::FieldError> {
        let mut errors = Vec::new();
        if let Err(message) = check_email(&self.email) {
            errors.push(crate::validation::FieldError::new("email", message));
        }
        if let Err(message) = check_password(&self.password) {
            errors.push(crate::validation::FieldError::new("password", message));
        }
        errors
    }
}

/// An email address as an administrator's sign-in name: one `@`, something on each side, no
/// spaces, within RFC 5321's length.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("must be an email address, like name@example.com".to_owned())
    }
}

pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

/// An API token as `GET /api/v1/api-tokens` lists it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenView {
    pub id: String,
    pub name: String,
    /// The administrator whose role the token acts with.
    pub created_by: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// `POST /api/v1/api-tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewApiToken {
    pub name: String,
}

impl NewApiToken {
    pub fn validate(&self) -> Vec<crate::validation::FieldError> {
        // The length is of the name as sent, the emptiness of what trimming leaves: the two
        // checks the API document states (maxLength, and a pattern asking for a non-space).
        if self.name.chars().count() > MAX_TOKEN_NAME_CHARS {
            vec![crate::validation::FieldError::new(
                "name",
                format!("must be at most {MAX_TOKEN_NAME_CHARS} characters"),
            )]
        } else if self.name.trim().is_empty() {
            vec![crate::validation::FieldError::new(
                "name",
                "must not be empty",
            )]
        } else {
            Vec::new()
        }
    }
}

/// The answer to `POST /api/v1/api-tokens`: the only time the token is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiToken {
    pub id: String,
    pub name: String,
    pub token: String,
}

/// The header the console sends with every request; a cookie-authenticated change without it
/// is refused, so a page on another site cannot make one with the administrator's cookie.
pub const CONSOLE_HEADER: &str = "x-safeguard-console";

/// The header the console sends on requests it makes by itself (polling for a roadblock): they
/// do not count as the administrator's activity, so an unattended console still signs out when
/// its session's idle time runs out.
pub const BACKGROUND_HEADER: &str = "x-safeguard-background";
