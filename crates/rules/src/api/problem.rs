//! RFC 9457 problem details: the body of every error answer.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// `{"type", "title", "status", "detail", "errors": [{"field", "message"}]}`. `errors` lists every
/// invalid field of a rejected body (empty otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// The problem's `type` is a relative URI naming what went wrong (`/problems/conflict`).
    pub fn new(status: u16, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{kind}"),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

impl std::fmt::Display for Problem {
    /// One line for a person: the detail, then each invalid field.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.detail)?;
        for e in &self.errors {
            write!(f, "; {e}")?;
        }
        Ok(())
    }
}
