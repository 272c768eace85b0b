//! `/api/v1/sessions` and `/api/v1/users/me`: signing in and out of the console.

use crate::auth::throttle::{AfterFailure, Gate};
use crate::auth::{Credential, Principal, cookie, password, secret};
use crate::error::AppError;
use crate::events::access::{self, Client};
use crate::routes::extract::{ClientAddress, CurrentPrincipal, JsonBody};
use crate::routes::guard;
use crate::state::AppState;
use crate::storage::fold_email;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::admins::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};
use safeguard_rules::api::{Me, Problem, SignIn};
use std::time::Instant;

const WRONG: &str = "Wrong email address or password.";

/// Signs in: answers the administrator and sets the session cookie (HttpOnly, SameSite=Strict,
/// Secure over https). Repeated failures for one account or from one address are slowed down,
/// then locked for 15 minutes (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "sign-in",
    request_body = SignIn,
    security(()),
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Me),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email address or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sent from another origin", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked after repeated failures; `Retry-After` says for how long", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(connect): ClientAddress,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<Response, AppError> {
    // Scripts may sign in without the console's header, but a browser page on another site
    // may not sign the administrator in to an account of its choosing.
    guard::check_same_origin(&headers, false)?;
    let client = Client {
        address: connect.map_or_else(|| "unknown".to_owned(), |c| c.ip().to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
    };
    let account = fold_email(&body.username);
    match state
        .throttle
        .gate(&account, &client.address, Instant::now())
    {
        Gate::Locked(left) => {
            let minutes = left.as_secs().div_ceil(60);
            let username = body.username.clone();
            let logged = client.clone();
            state
                .blocking(move |pipeline| {
                    let at = pipeline.clock().stamp();
                    let event = access::auth_failed(&username, "LOCKED_OUT", &logged, &at);
                    Ok(pipeline
                        .store()
                        .writer()
                        .transaction(|db| db.append_event(&event))?)
                })
                .await?;
            return Err(AppError::TooManyRequests {
                detail: format!(
                    "Too many failed sign-ins for this account or from this address: signing in is locked for {minutes} more minute{}.",
                    if minutes == 1 { "" } else { "s" }
                ),
                retry_after_secs: left.as_secs().max(1),
            });
        }
        Gate::Wait(wait) if !wait.is_zero() => tokio::time::sleep(wait).await,
        Gate::Wait(_) => {}
    }
    // Over-long input cannot be a valid account; it is refused without hashing it.
    let plausible = body.username.chars().count() <= MAX_EMAIL_CHARS
        && body.password.chars().count() <= MAX_PASSWORD_CHARS;
    let checked = {
        let (username, password_given) = (body.username.clone(), body.password.clone());
        state
            .read(move |db| {
                let found = if plausible {
                    db.admin_by_email(&username)?
                } else {
                    None
                };
                Ok(match found {
                    Some(stored) if password::verify(&password_given, &stored.password_hash) => {
                        Some(stored.admin)
                    }
                    Some(_) => None,
                    None => {
                        password::verify_nobody(&password_given);
                        None
                    }
                })
            })
            .await?
    };
    let Some(admin) = checked else {
        let locked = state
            .throttle
            .record_failure(&account, &client.address, Instant::now())
            == AfterFailure::LockedNow;
        let lock_minutes = state.config.throttle.lock_for.as_secs().div_ceil(60);
        let username = body.username.clone();
        state
            .blocking(move |pipeline| {
                let at = pipeline.clock().stamp();
                pipeline.store().writer().transaction(|db| {
                    db.append_event(&access::auth_failed(
                        &username,
                        "INVALID_CREDENTIALS",
                        &client,
                        &at,
                    ))?;
                    if locked {
                        db.append_event(&access::sign_in_locked(
                            &username,
                            lock_minutes,
                            &client,
                            &at,
                        ))?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        return Err(AppError::Unauthorized(WRONG.to_owned()));
    };
    state.throttle.record_success(&account);
    let session = secret::new_secret().map_err(AppError::internal)?;
    let hash = secret::hash(&session);
    let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
    let principal = Principal::admin(admin, Credential::Session(hash.clone()));
    let (me, actor) = (principal.me(), principal.actor());
    state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            let now = guard::now_secs();
            pipeline.store().writer().transaction(|db| {
                // Sessions that ended by idling are forgotten here, so the table stays small.
                db.delete_idle_sessions(now.saturating_sub(idle))?;
                db.insert_session(&hash, &actor.id, &at, now)?;
                db.append_event(&access::session_started(&actor, &client, &at))?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    let cookie = cookie::set(&session, cookie::is_https(&headers));
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Signs out: ends the session of the request's cookie.
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    tag = "sign-in",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No session to end: the request used an API token (revoke the token instead)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    CurrentPrincipal(principal): CurrentPrincipal,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Credential::Session(hash) = principal.credential.clone() else {
        // The current session is a resource this request does not have.
        return Err(AppError::NotFound(
            "This request was made with an API token, not a console session: there is no session to sign out of. Revoke the token instead (DELETE /api/v1/api-tokens/{id}).".to_owned(),
        ));
    };
    let actor = principal.actor();
    state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                if db.delete_session(&hash)? {
                    db.append_event(&access::session_ended(&actor, &at))?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    let cookie = cookie::clear(cookie::is_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The signed-in administrator (or the administrator whose API token this is).
#[utoipa::path(
    get,
    path = "/api/v1/users/me",
    tag = "sign-in",
    responses(
        (status = 200, description = "Who is signed in", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(CurrentPrincipal(principal): CurrentPrincipal) -> Json<Me> {
    Json(principal.me())
}
