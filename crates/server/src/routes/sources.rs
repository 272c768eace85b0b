//! `/api/v1/apps/{appId}/source`: where an app's users come from (an upload, an LDAP directory,
//! a SCIM service, a file on the server), on what schedule, and a test read of it.

use crate::error::AppError;
use crate::events;
use crate::live_imports::{self, failure_sentence};
use crate::routes::apps::unknown_app;
use crate::routes::extract::{ApiPath, CurrentActor, JsonBody};
use crate::sources::{Snapshot, read_live};
use crate::state::AppState;
use crate::storage::NewSource;
use axum::Json;
use axum::extract::State;
use safeguard_rules::api::sources::SAMPLE_SIZE;
use safeguard_rules::api::{Problem, SourceSettings, SourceTestResult};
use std::time::{Duration, Instant};

/// The app's source; secrets answered only as `passwordSet` / `bearerTokenSet`.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{appId}/source",
    tag = "sources",
    params(("appId" = String, Path, description = "The app's id")),
    responses(
        (status = 200, description = "The source (`upload` for an app never set otherwise)", body = SourceSettings),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_source(
    State(state): State<AppState>,
    ApiPath(app_id): ApiPath<String>,
) -> Result<Json<SourceSettings>, AppError> {
    let settings = state
        .read(move |db| {
            db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
            Ok(db
                .app_source(&app_id)?
                .map(|s| s.settings)
                .unwrap_or_default())
        })
        .await?;
    Ok(Json(settings))
}

/// Sets the app's source. A secret left out keeps the one stored (for the same kind of
/// source); an empty one removes it. A schedule's first import starts `everyMinutes` from now.
#[utoipa::path(
    put,
    path = "/api/v1/apps/{appId}/source",
    tag = "sources",
    params(("appId" = String, Path, description = "The app's id")),
    request_body = SourceSettings,
    responses(
        (status = 200, description = "The source as stored, without its secret", body = SourceSettings),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A setting out of bounds: the problem names each field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_source(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(app_id): ApiPath<String>,
    JsonBody(settings): JsonBody<SourceSettings>,
) -> Result<Json<SourceSettings>, AppError> {
    let errors = settings.validate();
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The source settings are invalid; nothing was changed.",
            errors,
        ));
    }
    let key = state.config.secret_key.clone();
    let saved = state
        .blocking(move |pipeline| {
            let now = pipeline.clock().now();
            let at = crate::clock::stamp(now);
            pipeline.store().writer().transaction(|db| {
                let app = db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
                let stored = db.app_source(&app_id)?;
                // The secret: a new one sealed; none given keeps the stored one if the kind is the
                // same (the console sends settings back without it); an empty one removes it.
                let sealed = match settings.secret() {
                    Some("") => None,
                    Some(secret) => {
                        let key = key.as_ref().ok_or_else(|| AppError::internal(no_key()))?;
                        Some(
                            key.seal(secret, app.id.as_str())
                                .map_err(AppError::internal)?,
                        )
                    }
                    None => stored
                        .filter(|s| s.settings.kind() == settings.kind())
                        .and_then(|s| s.sealed_secret),
                };
                let next_run_at = settings.schedule().map(|s| {
                    crate::clock::stamp(now + Duration::from_secs(u64::from(s.every_minutes) * 60))
                });
                db.save_app_source(
                    &app.id,
                    &NewSource {
                        settings: &settings,
                        sealed_secret: sealed.as_deref(),
                        next_run_at: next_run_at.as_deref(),
                        at: &at,
                        by: &actor.id,
                    },
                )?;
                let saved = db
                    .app_source(&app_id)?
                    .map(|s| s.settings)
                    .unwrap_or_default();
                db.append_event(&events::sources::updated(
                    &actor,
                    app.id.as_str(),
                    &app.name,
                    &saved,
                    &at,
                ))?;
                Ok::<_, AppError>(saved)
            })
        })
        .await?;
    Ok(Json(saved))
}

fn no_key() -> std::io::Error {
    std::io::Error::other("the server has no secret key to seal source secrets with")
}

/// Reads the source now, imports nothing: how many users, the first five as they would be
/// imported, how long it took, and what would be left out.
#[utoipa::path(
    post,
    path = "/api/v1/apps/{appId}/source/test",
    tag = "sources",
    params(("appId" = String, Path, description = "The app's id")),
    responses(
        (status = 200, description = "The source was read", body = SourceTestResult),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An upload source: there is nothing to read", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The source could not be read: the detail says what and where", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_source(
    State(state): State<AppState>,
    ApiPath(app_id): ApiPath<String>,
) -> Result<Json<SourceTestResult>, AppError> {
    let source = live_imports::source_of(&state, &app_id).await?;
    if matches!(source.settings, SourceSettings::Upload(_)) {
        return Err(AppError::Conflict {
            kind: "upload-source",
            detail: format!(
                "{} takes its snapshot with each request: there is no source to test. Set a live source first (PUT /api/v1/apps/{}/source).",
                source.app.name, source.app.id
            ),
        });
    }
    let started = Instant::now();
    let read = read_live(&source.settings, live_imports::bounds(&state))
        .await
        .map_err(|e| AppError::SourceUnreadable(failure_sentence(&e)))?;
    let warnings = read.warnings;
    let users = match read.snapshot {
        Snapshot::Users(users) => users,
        csv @ Snapshot::Csv { .. } => {
            state
                .blocking(move |_| {
                    csv.into_users()
                        .map_err(|e| AppError::SourceUnreadable(failure_sentence(&e)))
                })
                .await?
        }
    };
    Ok(Json(SourceTestResult {
        ok: true,
        users: users.len() as u64,
        sample: users.into_iter().take(SAMPLE_SIZE).collect(),
        duration_ms: started.elapsed().as_millis() as u64,
        warnings,
    }))
}
