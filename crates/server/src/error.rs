//! `AppError`: every error answer of the API, as an RFC 9457 problem (`application/problem+json`,
//! the shape of [`Problem`]).
//!
//! Which variant to use:
//! - [`AppError::BadRequest`] (400): the request cannot be read: malformed JSON or CSV, invalid
//!   UTF-8, a query parameter that is not one of its allowed values (`status`, `kind`, `limit`,
//!   `after`, `since`), a filter that does not parse. Name the parameter or place in `errors`.
//! - [`AppError::Unauthorized`] (401): no credential, or one that is not (or no longer) valid.
//!   The detail says which and what to do; a failed sign-in says nothing of which half was wrong.
//! - [`AppError::Forbidden`] (403): signed in, but not allowed: a read-only administrator's
//!   change, or a cookie-authenticated change from another origin.
//! - [`AppError::TooManyRequests`] (429): sign-in locked after repeated failures; carries
//!   `Retry-After`.
//! - [`AppError::NotFound`] (404): an id (app, import) or an `/api` path that does not exist.
//! - [`AppError::Conflict`] (409): the request is valid but the state forbids it now: a stale
//!   settings version, resuming or cancelling an import that is not paused. The detail says what
//!   the state is, so the client can recover (the current version, who resolved it).
//! - [`AppError::PayloadTooLarge`] (413): over a size limit of [`crate::limits`]: the body's
//!   bytes, a snapshot's users or columns. The detail names the limit and its value.
//! - [`AppError::UnsupportedMediaType`] (415).
//! - [`AppError::Invalid`] (422): well-formed, but values are out of range or break a rule
//!   (percent 101, a repeated login); `errors` lists every invalid field.
//! - [`AppError::Internal`] (500): anything the client cannot fix. The cause is logged with
//!   `tracing` and never sent: the answer is a generic problem.

use crate::pipeline::PipelineError;
use crate::sources::SourceError;
use crate::storage::StorageError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::Problem;
use safeguard_rules::validation::FieldError;

#[derive(Debug)]
pub enum AppError {
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    Unauthorized(String),
    Forbidden(String),
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    NotFound(String),
    Conflict {
        /// The problem type: `conflict`, `stale-version`, `already-resolved`, `not-paused`.
        kind: &'static str,
        detail: String,
    },
    PayloadTooLarge {
        detail: String,
        errors: Vec<FieldError>,
    },
    UnsupportedMediaType(String),
    Invalid {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A system the server reads from (a directory, a SCIM service, a file) failed.
    SourceUnreadable(String),
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A query parameter or field that cannot be read.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        AppError::BadRequest {
            detail: format!("{field} {}", error.message),
            errors: vec![error],
        }
    }

    pub fn invalid(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        AppError::Invalid {
            detail: detail.into(),
            errors,
        }
    }

    /// A body over `--max-body-bytes`.
    pub fn body_too_large(limit: usize) -> Self {
        AppError::PayloadTooLarge {
            detail: format!(
                "The body is larger than this server accepts ({limit} bytes, its --max-body-bytes); nothing was changed."
            ),
            errors: vec![FieldError::new(
                "body",
                format!("is larger than {limit} bytes, the limit set by --max-body-bytes"),
            )],
        }
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Box::new(error))
    }

    /// The problem this error answers with.
    pub fn problem(&self) -> Problem {
        match self {
            AppError::BadRequest { detail, errors } => {
                Problem::new(400, "bad-request", "Bad request", detail.clone())
                    .with_errors(errors.clone())
            }
            AppError::Unauthorized(detail) => {
                Problem::new(401, "unauthorized", "Not signed in", detail.clone())
            }
            AppError::Forbidden(detail) => {
                Problem::new(403, "forbidden", "Forbidden", detail.clone())
            }
            AppError::TooManyRequests { detail, .. } => Problem::new(
                429,
                "too-many-requests",
                "Too many requests",
                detail.clone(),
            ),
            AppError::NotFound(detail) => {
                Problem::new(404, "not-found", "Not found", detail.clone())
            }
            AppError::Conflict { kind, detail } => {
                Problem::new(409, kind, "Conflict", detail.clone())
            }
            AppError::PayloadTooLarge { detail, errors } => Problem::new(
                413,
                "payload-too-large",
                "Payload too large",
                detail.clone(),
            )
            .with_errors(errors.clone()),
            AppError::UnsupportedMediaType(detail) => Problem::new(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                detail.clone(),
            ),
            AppError::Invalid { detail, errors } => {
                Problem::new(422, "invalid", "Invalid values", detail.clone())
                    .with_errors(errors.clone())
            }
            AppError::SourceUnreadable(detail) => Problem::new(
                502,
                "source-unreadable",
                "The source could not be read",
                detail.clone(),
            ),
            AppError::Internal(_) => Problem::new(
                500,
                "internal",
                "Internal server error",
                "The server could not complete the request; nothing was changed. The cause is in the server's log.",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            tracing::error!(%error, "internal error");
        }
        let mut response = problem_response(&self.problem());
        if let AppError::TooManyRequests {
            retry_after_secs, ..
        } = &self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        response
    }
}

/// A problem as an HTTP answer.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        body,
    )
        .into_response()
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        AppError::internal(error)
    }
}

impl From<PipelineError> for AppError {
    fn from(error: PipelineError) -> Self {
        match error {
            PipelineError::UnknownApp(id) => {
                AppError::NotFound(format!("No app has the id \"{id}\"."))
            }
            PipelineError::UnknownImport(id) => {
                AppError::NotFound(format!("No import has the id \"{id}\"."))
            }
            PipelineError::NotPaused(import) => match &import.resolved_by {
                Some(resolved) => AppError::Conflict {
                    kind: "already-resolved",
                    detail: format!(
                        "This roadblock is already resolved: {} by {} at {}. The import is now {}; nothing was done.",
                        match resolved.action {
                            safeguard_rules::api::Resolution::Resume => "resumed",
                            safeguard_rules::api::Resolution::Cancel => "cancelled",
                        },
                        resolved.by,
                        resolved.at,
                        import.status.as_str()
                    ),
                },
                None => AppError::Conflict {
                    kind: "not-paused",
                    detail: format!(
                        "Import {} is {}, not paused: only a paused import can be resumed or cancelled; nothing was done.",
                        import.id,
                        import.status.as_str()
                    ),
                },
            },
            PipelineError::Source(e) => AppError::from(e),
            PipelineError::InvalidResume(errors) => AppError::invalid(
                "The resume names users this import's plan does not change; nothing was resumed.",
                errors,
            ),
            PipelineError::Storage(e) => AppError::internal(e),
        }
    }
}

impl From<SourceError> for AppError {
    fn from(error: SourceError) -> Self {
        match error {
            SourceError::Malformed { detail, errors } => AppError::BadRequest { detail, errors },
            SourceError::Invalid { detail, errors } => AppError::Invalid { detail, errors },
            SourceError::TooLarge { detail, errors } => {
                AppError::PayloadTooLarge { detail, errors }
            }
            SourceError::Unreadable { detail } => AppError::SourceUnreadable(detail),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> Self {
        AppError::internal(error)
    }
}
