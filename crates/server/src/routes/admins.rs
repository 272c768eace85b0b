//! `/api/v1/admins`: the administrators who may sign in. Only super-administrators add them.

use crate::auth::password;
use crate::error::AppError;
use crate::events::access;
use crate::routes::extract::{CurrentActor, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::{AdminView, NewAdmin, Problem};

/// Every administrator, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admins",
    tag = "administrators",
    responses(
        (status = 200, description = "Administrators", body = Vec<AdminView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_admins(State(state): State<AppState>) -> Result<Json<Vec<AdminView>>, AppError> {
    Ok(Json(state.read(|db| Ok(db.admins()?)).await?))
}

/// Adds an administrator (super-administrators only). The password is stored as an argon2id
/// hash.
#[utoipa::path(
    post,
    path = "/api/v1/admins",
    tag = "administrators",
    request_body = NewAdmin,
    responses(
        (status = 201, description = "The administrator; `Location` names the list", body = AdminView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email address is already an administrator's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid email address, or a password shorter than 12 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_admin(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(new): JsonBody<NewAdmin>,
) -> Result<Response, AppError> {
    let errors = new.validate();
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The administrator is invalid; nothing was created.",
            errors,
        ));
    }
    let view = state
        .blocking(move |pipeline| {
            let hash = password::hash(&new.password).map_err(AppError::internal)?;
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let Some(view) = db.insert_admin(&new.email, new.role, &hash, &actor, &at)? else {
                    return Err(AppError::Conflict {
                        kind: "conflict",
                        detail: format!(
                            "{} is already an administrator; nothing was created.",
                            new.email.trim()
                        ),
                    });
                };
                db.append_event(&access::admin_created(&actor, &view, &at))?;
                Ok(view)
            })
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, "/api/v1/admins".to_owned())],
        Json(view),
    )
        .into_response())
}
