//! Extractors whose every rejection is an [`AppError`] problem, never axum's plain text.

use crate::actor::Actor;
use crate::auth::Principal;
use crate::error::AppError;
use crate::sources::json_reason;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use bytes::BytesMut;
use http_body_util::BodyExt;
use safeguard_rules::validation::FieldError;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use std::time::Duration;

/// `axum::extract::Query` answering problems.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` answering problems.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::bad_request(format!(
            "The query string cannot be read: {}",
            rejection.body_text()
        ))
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::bad_request(format!(
            "The path cannot be read: {}",
            rejection.body_text()
        ))
    }
}

/// The body of a request, within `limit` bytes.
///
/// A body over the limit is refused with 413, but only once the client has sent all of it
/// (read and thrown away, up to [`DRAIN_BYTES`] more): a client that writes its whole body
/// before it reads the answer (curl without `Expect`, Python's urllib and requests, most
/// scripts) would otherwise see its connection closed under it, a broken pipe instead of the
/// problem that names the limit. A `Content-Length` over the limit is refused without keeping
/// anything of the body.
pub async fn read_body(request: Request, limit: usize) -> Result<Bytes, AppError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut body = request.into_body();
    if declared.is_some_and(|length| length > limit as u64) {
        drain(body).await;
        return Err(AppError::body_too_large(limit));
    }
    let capacity = declared.map_or(0, |length| usize::try_from(length).unwrap_or(limit));
    let mut bytes = BytesMut::with_capacity(capacity.min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            AppError::bad_request(format!(
                "The body cannot be read: {e}; nothing was changed."
            ))
        })?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        if bytes.len() + chunk.len() > limit {
            drain(body).await;
            return Err(AppError::body_too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// How much of an over-limit body is read and thrown away before its 413 is answered: 1 GiB.
/// Past that (or after [`DRAIN_TIME`]) the connection is closed instead; a client sending that
/// much more than any limit is not one that reads answers.
pub const DRAIN_BYTES: u64 = 1 << 30;

/// The longest an over-limit body is read for before its 413 is answered.
pub const DRAIN_TIME: Duration = Duration::from_secs(60);

/// Reads the rest of a body and throws it away, within [`DRAIN_BYTES`] and [`DRAIN_TIME`].
async fn drain(mut body: Body) {
    let read_rest = async {
        let mut thrown_away = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(chunk) = frame.data_ref() {
                thrown_away += chunk.len() as u64;
                if thrown_away > DRAIN_BYTES {
                    return;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, read_rest).await;
}

/// The media type of a request, lowercased, without parameters (`text/csv; charset=utf-8` ->
/// `text/csv`).
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// A JSON body: 415 when it is not declared JSON, 413 over the limit, 400 with line and column
/// when it is not JSON, 422 when it is JSON of the wrong shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = media_type(request.headers());
        if !declared.as_deref().is_some_and(is_json) {
            return Err(AppError::UnsupportedMediaType(format!(
                "Send this body as application/json (got {}).",
                declared.unwrap_or_else(|| "no Content-Type".to_owned())
            )));
        }
        let limit = body_limit(&request);
        let bytes = read_body(request, limit).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body that may be left out: no body at all is `T::default()`; a body is read as
/// [`JsonBody`] reads it.
pub struct OptionalJsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = media_type(request.headers());
        let limit = body_limit(&request);
        let bytes = read_body(request, limit).await?;
        if bytes.is_empty() {
            return Ok(OptionalJsonBody(T::default()));
        }
        if !declared.as_deref().is_some_and(is_json) {
            return Err(AppError::UnsupportedMediaType(format!(
                "Send this body as application/json (got {}).",
                declared.unwrap_or_else(|| "no Content-Type".to_owned())
            )));
        }
        // `null` says "nothing", as no body does.
        if bytes.trim_ascii() == b"null" {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse_json(&bytes).map(OptionalJsonBody)
    }
}

/// The body limit a request was given, from the state's configuration (set by the router as a
/// request extension).
fn body_limit(request: &Request) -> usize {
    request
        .extensions()
        .get::<BodyLimit>()
        .map_or(crate::limits::DEFAULT_MAX_BODY_BYTES, |l| l.0)
}

/// The configured body limit, carried to extractors as a request extension.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(AppError::bad_request(format!(
            "The body is not valid UTF-8 (at byte {}).",
            e.valid_up_to()
        )));
    }
    let parsed = serde_json::from_slice(bytes).map_err(|e| {
        let place = format!("at line {}, column {}", e.line(), e.column());
        match e.classify() {
            Category::Data => AppError::invalid(
                format!(
                    "The body is JSON but not what this endpoint takes: {} ({place}).",
                    json_reason(&e)
                ),
                Vec::new(),
            ),
            _ => AppError::bad_request(format!(
                "The body is not valid JSON {place}: {}.",
                json_reason(&e)
            )),
        }
    })?;
    // Every body this API takes is an object. serde would also read a struct from an array of
    // its fields in order (`[null, null]` as a change of nothing), which no client means.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AppError::invalid(
            "The body must be a JSON object ({...}); nothing was changed.",
            vec![FieldError::new("body", "must be a JSON object")],
        ));
    }
    Ok(parsed)
}

/// Who is asking, as the actor of what they change; the guard (`routes::guard`) put the
/// principal there.
pub struct CurrentActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentPrincipal(principal) =
            CurrentPrincipal::from_request_parts(parts, state).await?;
        Ok(CurrentActor(principal.actor()))
    }
}

/// The signed-in administrator or token of this request.
pub struct CurrentPrincipal(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for CurrentPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(CurrentPrincipal)
            .ok_or_else(|| AppError::Unauthorized("Sign in first.".to_owned()))
    }
}

/// The client's address, when the server knows it (it does when it serves a socket; tests that
/// drive the router directly have none).
pub struct ClientAddress(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}
