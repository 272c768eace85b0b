//! `GET` and `PUT /api/v1/safeguards`: the org's two import safeguards, with optimistic
//! versioning so two administrators never silently overwrite each other.

use crate::error::AppError;
use crate::events;
use crate::routes::extract::{CurrentActor, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use safeguard_rules::api::{Problem, SafeguardsUpdate, SafeguardsView};

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
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_safeguards(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(update): JsonBody<SafeguardsUpdate>,
) -> Result<Json<SafeguardsView>, AppError> {
    let (settings, version) = update.validate().map_err(|errors| {
        AppError::invalid(
            "The safeguard settings are invalid; nothing was changed.",
            errors,
        )
    })?;
    let saved = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
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
                let new = db.save_safeguards(&settings, &actor, &at)?;
                db.append_event(&events::safeguards_updated(&actor, &old, &new, &at))?;
                tracing::info!(version = new.version, by = %actor.id, "safeguards changed");
                Ok(new)
            })
        })
        .await?;
    Ok(Json(saved))
}
