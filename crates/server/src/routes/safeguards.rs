//! `GET` and `PUT /api/v1/safeguards`: the org's two import safeguards, with optimistic
//! versioning so two administrators never silently overwrite each other.

use crate::error::AppError;
use crate::events;
use crate::routes::apps::unknown_app;
use crate::routes::extract::{ApiPath, CurrentActor, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use safeguard_rules::api::{
    AppOverrideUpdate, AppOverrideView, Problem, SafeguardsUpdate, SafeguardsView,
};
use safeguard_rules::settings::RoadblockScope;

/// The import safeguards and their version.
#[utoipa::path(
    get,
    path = "/api/v1/safeguards",
    tag = "safeguards",
    responses((status = 200, description = "The settings", body = SafeguardsView))
)]
pub async fn get_safeguards(
    State(state): State<AppState>,
) -> Result<Json<SafeguardsView>, AppError> {
    Ok(Json(state.read(|db| Ok(db.safeguards()?)).await?))
}

/// Changes the import safeguards. `version` must be the one read; the answer has the next.
/// Changing the settings does not resolve a roadblock.
#[utoipa::path(
    put,
    path = "/api/v1/safeguards",
    tag = "safeguards",
    request_body = SafeguardsUpdate,
    responses(
        (status = 200, description = "The new settings", body = SafeguardsView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or `roadblockScope: org` while two or more imports are paused", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_safeguards(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(update): JsonBody<SafeguardsUpdate>,
) -> Result<Json<SafeguardsView>, AppError> {
    let (change, version) = update.validate().map_err(|errors| {
        AppError::invalid(
            "The safeguard settings are invalid; nothing was changed.",
            errors,
        )
    })?;
    let saved = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            let mut writer = pipeline.store().writer();
            let saved = writer.transaction(|db| {
                let old = db.safeguards()?;
                if old.version != version {
                    return Err(AppError::Conflict {
                        kind: "stale-version",
                        detail: format!(
                            "The settings were changed meanwhile: the current version is {}, not {version}. Read them again; nothing was changed.",
                            old.version
                        ),
                    });
                }
                let settings = change.applied_to(&old.settings());
                if old.roadblock_scope == RoadblockScope::App
                    && settings.roadblock_scope == RoadblockScope::Org
                {
                    let paused = db.paused_imports()?;
                    if paused.len() > 1 {
                        let names: Vec<String> = paused
                            .iter()
                            .map(|p| format!("{} ({})", p.app_name, p.id))
                            .collect();
                        return Err(AppError::Conflict {
                            kind: "several-paused",
                            detail: format!(
                                "The roadblock cannot hold the whole org while {} imports are paused: {}. Resume or cancel all but one first; nothing was changed.",
                                paused.len(),
                                names.join(", ")
                            ),
                        });
                    }
                }
                let new = db.save_safeguards(&settings, &actor, &at)?;
                db.append_event(&events::safeguards_updated(&actor, &old, &new, &at))?;
                tracing::info!(version = new.version, by = %actor.id, "safeguards changed");
                Ok(new)
            })?;
            // A roadblock that now holds only its own app lets the other apps' queued
            // imports run, oldest first.
            pipeline.drain(&mut writer);
            Ok::<_, AppError>(saved)
        })
        .await?;
    Ok(Json(saved))
}

/// The app's own app-level safeguard, or 404 when it uses the org-wide one.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{appId}/safeguard",
    tag = "safeguards",
    params(("appId" = String, Path, description = "The app's id")),
    responses(
        (status = 200, description = "The app's override", body = AppOverrideView),
        (status = 404, description = "No such app, or it has no override", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_app_safeguard(
    State(state): State<AppState>,
    ApiPath(app_id): ApiPath<String>,
) -> Result<Json<AppOverrideView>, AppError> {
    let found = state
        .read(move |db| {
            if !db.app_exists(&app_id)? {
                return Err(unknown_app(&app_id));
            }
            db.app_override(&app_id)?.ok_or_else(|| {
                AppError::NotFound(format!(
                    "The app \"{app_id}\" has no override: it uses the org-wide app-level safeguard."
                ))
            })
        })
        .await?;
    Ok(Json(found))
}

/// Sets the app's own app-level safeguard, used instead of the org-wide one for this app.
#[utoipa::path(
    put,
    path = "/api/v1/apps/{appId}/safeguard",
    tag = "safeguards",
    params(("appId" = String, Path, description = "The app's id")),
    request_body = AppOverrideUpdate,
    responses(
        (status = 200, description = "The app's override", body = AppOverrideView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, or an enabled override with neither a percent nor a count", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_app_safeguard(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(app_id): ApiPath<String>,
    JsonBody(update): JsonBody<AppOverrideUpdate>,
) -> Result<Json<AppOverrideView>, AppError> {
    let limit = update.validate().map_err(|errors| {
        AppError::invalid(
            "The app's safeguard is invalid; nothing was changed.",
            errors,
        )
    })?;
    let saved = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let app = db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
                let old = db.app_override(&app_id)?;
                db.save_app_override(&app_id, &limit, &actor, &at)?;
                let new = db.app_override(&app_id)?.ok_or_else(|| {
                    AppError::internal(std::io::Error::other("a saved override is missing"))
                })?;
                db.append_event(&events::app_safeguard_updated(
                    &actor,
                    (&app_id, &app.name),
                    old.as_ref(),
                    Some(&new),
                    &at,
                ))?;
                Ok::<_, AppError>(new)
            })
        })
        .await?;
    Ok(Json(saved))
}

/// Removes the app's override: the org-wide app-level safeguard applies to it again.
#[utoipa::path(
    delete,
    path = "/api/v1/apps/{appId}/safeguard",
    tag = "safeguards",
    params(("appId" = String, Path, description = "The app's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such app, or it has no override", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_app_safeguard(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(app_id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let app = db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
                let Some(old) = db.app_override(&app_id)? else {
                    return Err(AppError::NotFound(format!(
                        "The app \"{app_id}\" has no override to remove."
                    )));
                };
                db.delete_app_override(&app_id)?;
                db.append_event(&events::app_safeguard_updated(
                    &actor,
                    (&app_id, &app.name),
                    Some(&old),
                    None,
                    &at,
                ))?;
                Ok(())
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
