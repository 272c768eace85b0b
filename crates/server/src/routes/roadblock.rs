//! The roadblock: what is paused and how many wait, and the two actions that resolve it.

use crate::error::AppError;
use crate::routes::extract::{ApiPath, CurrentActor, OptionalJsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use safeguard_rules::api::{ImportView, Problem, ResumeRequest, RoadblockState};
use safeguard_rules::resume::ResumeChoice;

/// Whether a roadblock stands: the paused import and how many imports are queued behind it.
#[utoipa::path(
    get,
    path = "/api/v1/roadblock",
    tag = "roadblock",
    responses((status = 200, description = "The roadblock", body = RoadblockState))
)]
pub async fn get_roadblock(
    State(state): State<AppState>,
) -> Result<Json<RoadblockState>, AppError> {
    Ok(Json(
        state
            .blocking(|pipeline| Ok(pipeline.roadblock_state()?))
            .await?,
    ))
}

/// "Resume All Imports": applies the paused import as planned, then runs the queued imports,
/// oldest first. Taken once: a second call answers 409. A body may leave users out
/// (`excludeUserIds`) or deactivations (`skipDeactivations`): those changes stay in the plan,
/// marked `skipped`, and the rest is applied.
#[utoipa::path(
    post,
    path = "/api/v1/imports/{id}/resume",
    tag = "roadblock",
    params(("id" = String, Path, description = "The paused import's id")),
    request_body(content = Option<ResumeRequest>, description = "What to leave out; no body resumes the whole plan"),
    responses(
        (status = 200, description = "The import, now completed (or running)", body = ImportView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such import", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not paused, or already resolved", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An excluded user the plan does not change", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resume(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
    OptionalJsonBody(request): OptionalJsonBody<ResumeRequest>,
) -> Result<Json<ImportView>, AppError> {
    let choice = ResumeChoice {
        exclude_user_ids: request.exclude_user_ids,
        skip_deactivations: request.skip_deactivations,
    };
    let view = state
        .with_reply(move |pipeline, reply| pipeline.resume_part(&id, &choice, &actor, reply))
        .await?;
    Ok(Json(view))
}

/// "Cancel the Affected Import and Resume Other Imports": the paused import ends cancelled,
/// nothing of it applied; then the queued imports run, oldest first. Taken once.
#[utoipa::path(
    post,
    path = "/api/v1/imports/{id}/cancel",
    tag = "roadblock",
    params(("id" = String, Path, description = "The paused import's id")),
    responses(
        (status = 200, description = "The import, now cancelled", body = ImportView),
        (status = 404, description = "No such import", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not paused, or already resolved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportView>, AppError> {
    let view = state
        .with_reply(move |pipeline, reply| pipeline.cancel(&id, &actor, reply))
        .await?;
    Ok(Json(view))
}
