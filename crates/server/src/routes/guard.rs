//! The guard in front of every `/api` route: it authenticates the request, refuses forged
//! cookie changes and read-only administrators' changes, and hands the [`Principal`] to the
//! handler. Being a layer over the whole router, it also covers routes added later.

use crate::auth::{Credential, Principal, cookie, secret};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::{BACKGROUND_HEADER, CONSOLE_HEADER};
use std::time::{SystemTime, UNIX_EPOCH};

/// A session's last use is written at most this often (or a quarter of the idle time, when
/// that is shorter), not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

pub async fn require(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if !path.starts_with("/api/") || is_sign_in(&method, &path) {
        return next.run(request).await;
    }
    let principal = match authenticate(&state, request.headers()).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    if changes(&method) {
        if matches!(principal.credential, Credential::Session(_))
            && let Err(error) = check_same_origin(request.headers(), true)
        {
            return error.into_response();
        }
        if !principal.role.can_change() && !read_only_may(&method, &path) {
            return AppError::Forbidden(format!(
                "Read-only administrators cannot change anything ({method} {path} needs a super-administrator); nothing was changed."
            ))
            .into_response();
        }
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

pub fn is_sign_in(method: &Method, path: &str) -> bool {
    method == Method::POST && path == "/api/v1/sessions"
}

/// Whether a request of this method may change something.
pub fn changes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Changes a read-only administrator may still ask for: ending their own session, and an
/// import request, whose handler lets a dry run through and refuses a real one.
fn read_only_may(method: &Method, path: &str) -> bool {
    if method == Method::DELETE && path == "/api/v1/sessions/current" {
        return true;
    }
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    method == Method::POST && matches!(segments.as_slice(), ["", "api", "v1", "apps", _, "imports"])
}

/// Refuses a cookie-authenticated change a page on another site could have made: the browser
/// must say it comes from this origin, and carry the header only the console's script sends
/// (a cross-site form cannot set headers; a cross-site `fetch` with one needs a CORS preflight,
/// which this server never grants). `require_console_header` is false for sign-in, which
/// scripts may use directly.
pub fn check_same_origin(
    headers: &HeaderMap,
    require_console_header: bool,
) -> Result<(), AppError> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) if origin_host(origin).is_some_and(|o| o.eq_ignore_ascii_case(host)) => {}
        Some(origin) => {
            return Err(AppError::Forbidden(format!(
                "This change came from another origin ({origin}), not this console ({host}); nothing was changed."
            )));
        }
        None if require_console_header => {
            return Err(AppError::Forbidden(
                "A change made with a session cookie must come from the console: the request has no Origin header; nothing was changed. Scripts use an API token (Authorization: SSWS <token>)."
                    .to_owned(),
            ));
        }
        None => {}
    }
    if require_console_header && !headers.contains_key(CONSOLE_HEADER) {
        return Err(AppError::Forbidden(format!(
            "A change made with a session cookie must come from the console (the {CONSOLE_HEADER} header is missing); nothing was changed. Scripts use an API token (Authorization: SSWS <token>)."
        )));
    }
    Ok(())
}

/// `host[:port]` of an `Origin` header (`https://host:port`).
fn origin_host(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    matches!(scheme, "http" | "https").then_some(rest.trim_end_matches('/'))
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The principal of a request's credential, or why there is none.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Principal, AppError> {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let value = authorization.to_str().unwrap_or_default();
        return match value.strip_prefix("SSWS ") {
            Some(token) => by_token(state, token.trim()).await,
            None => Err(AppError::Unauthorized(
                "The Authorization header must be \"SSWS <token>\", with an API token made in the console.".to_owned(),
            )),
        };
    }
    match cookie::session_secret(headers) {
        Some(secret) => by_session(state, &secret, headers).await,
        None => Err(AppError::Unauthorized(
            "Sign in to the console, or send an API token as Authorization: SSWS <token>."
                .to_owned(),
        )),
    }
}

async fn by_token(state: &AppState, token: &str) -> Result<Principal, AppError> {
    if let Some(environment) = &state.config.admin_token
        && secret::same(token, environment)
    {
        return Ok(Principal::environment_token());
    }
    let hash = secret::hash(token);
    let found = state.read(move |db| Ok(db.api_token(&hash)?)).await?;
    let Some((token_id, admin)) = found else {
        return Err(AppError::Unauthorized(
            "The API token is not valid: it is unknown or was revoked.".to_owned(),
        ));
    };
    let at = state.pipeline.clock().stamp();
    let id = token_id.clone();
    in_background(state, move |db| db.touch_api_token(&id, &at));
    Ok(Principal::admin(admin, Credential::ApiToken(token_id)))
}

async fn by_session(
    state: &AppState,
    secret: &str,
    headers: &HeaderMap,
) -> Result<Principal, AppError> {
    let hash = secret::hash(secret);
    let key = hash.clone();
    let found = state.read(move |db| Ok(db.session(&key)?)).await?;
    let Some((admin, last_seen)) = found else {
        return Err(AppError::Unauthorized(
            "Your session has ended; sign in again.".to_owned(),
        ));
    };
    let now = now_secs();
    let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
    if now - last_seen > idle {
        let key = hash.clone();
        in_background(state, move |db| db.delete_session(&key).map(|_| ()));
        return Err(AppError::Unauthorized(format!(
            "Your session expired after {} without activity; sign in again.",
            idle_words(idle)
        )));
    }
    // What the console asks for by itself (polling) is not the administrator's activity.
    let background = headers.contains_key(BACKGROUND_HEADER);
    if !background && now - last_seen >= TOUCH_EVERY_SECS.min(idle / 4) {
        let key = hash.clone();
        in_background(state, move |db| db.touch_session(&key, now));
    }
    Ok(Principal::admin(admin, Credential::Session(hash)))
}

fn idle_words(secs: i64) -> String {
    if secs >= 60 && secs % 60 == 0 {
        format!("{} minutes", secs / 60)
    } else {
        format!("{secs} seconds")
    }
}

/// A bookkeeping write (a session's or token's last use) that the request does not wait for:
/// the writer may be busy applying a large import for seconds.
fn in_background(
    state: &AppState,
    write: impl FnOnce(&crate::storage::Db<'_>) -> crate::storage::Result<()> + Send + 'static,
) {
    let pipeline = state.pipeline.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = pipeline.store().writer().transaction(write) {
            tracing::warn!(%error, "could not record a session's or token's last use");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&'static str>, console: bool) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("console.example:8080"),
        );
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
        }
        if console {
            h.insert(CONSOLE_HEADER, HeaderValue::from_static("1"));
        }
        h
    }

    #[test]
    fn only_same_origin_console_requests_pass() {
        assert!(
            check_same_origin(&headers(Some("http://console.example:8080"), true), true).is_ok()
        );
        assert!(
            check_same_origin(&headers(Some("https://console.example:8080"), true), true).is_ok()
        );
        assert!(check_same_origin(&headers(Some("http://evil.example"), true), true).is_err());
        assert!(
            check_same_origin(&headers(Some("http://console.example:8081"), true), true).is_err()
        );
        assert!(check_same_origin(&headers(None, true), true).is_err());
        assert!(
            check_same_origin(&headers(Some("http://console.example:8080"), false), true).is_err()
        );
        assert!(check_same_origin(&headers(Some("null"), true), true).is_err());
        // Sign-in by a script: no Origin, no console header.
        assert!(check_same_origin(&headers(None, false), false).is_ok());
        assert!(check_same_origin(&headers(Some("http://evil.example"), false), false).is_err());
    }

    #[test]
    fn read_only_administrators_may_sign_out_and_ask_for_imports() {
        assert!(read_only_may(&Method::DELETE, "/api/v1/sessions/current"));
        assert!(read_only_may(&Method::POST, "/api/v1/apps/app_1/imports"));
        assert!(!read_only_may(&Method::POST, "/api/v1/apps"));
        assert!(!read_only_may(
            &Method::POST,
            "/api/v1/imports/imp_1/resume"
        ));
        assert!(!read_only_may(&Method::PUT, "/api/v1/safeguards"));
    }
}
