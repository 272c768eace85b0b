//! `/api/v1/api-tokens`: tokens for scripts (`Authorization: SSWS <token>`). A token acts with
//! the role of the administrator who made it; it is shown once and stored as a hash.

use crate::auth::{Credential, secret};
use crate::error::AppError;
use crate::events::access;
use crate::routes::extract::{ApiPath, CurrentPrincipal, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::{ApiTokenView, CreatedApiToken, NewApiToken, Problem};

/// Unrevoked tokens, newest first; never the tokens themselves.
#[utoipa::path(
    get,
    path = "/api/v1/api-tokens",
    tag = "administrators",
    responses(
        (status = 200, description = "API tokens", body = Vec<ApiTokenView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tokens(
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiTokenView>>, AppError> {
    Ok(Json(state.read(|db| Ok(db.api_tokens()?)).await?))
}

/// Makes a token. The answer holds the token: the only time it is shown.
#[utoipa::path(
    post,
    path = "/api/v1/api-tokens",
    tag = "administrators",
    request_body = NewApiToken,
    responses(
        (status = 201, description = "The token, shown this once", body = CreatedApiToken),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only administrator, or the SAFEGUARD_ADMIN_TOKEN (a token acts for an administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty or over-long name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    CurrentPrincipal(principal): CurrentPrincipal,
    JsonBody(new): JsonBody<NewApiToken>,
) -> Result<Response, AppError> {
    let errors = new.validate();
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The API token is invalid; nothing was created.",
            errors,
        ));
    }
    if principal.credential == Credential::EnvironmentToken {
        return Err(AppError::Forbidden(
            "A token acts with the role of the administrator who made it, and SAFEGUARD_ADMIN_TOKEN is no administrator: sign in (or use an administrator's token) to make one. Nothing was created."
                .to_owned(),
        ));
    }
    let token = secret::new_secret().map_err(AppError::internal)?;
    let hash = secret::hash(&token);
    let name = new.name.trim().to_owned();
    let actor = principal.actor();
    let (id, name) = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let id = db.insert_api_token(&name, &hash, &actor.id, &at)?;
                db.append_event(&access::api_token_created(&actor, &id, &name, &at))?;
                Ok::<_, AppError>((id, name))
            })
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, "/api/v1/api-tokens".to_owned())],
        Json(CreatedApiToken { id, name, token }),
    )
        .into_response())
}

/// Revokes a token: requests with it answer 401 from now on.
#[utoipa::path(
    delete,
    path = "/api/v1/api-tokens/{id}",
    tag = "administrators",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "A read-only administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token, or already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentPrincipal(principal): CurrentPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    let actor = principal.actor();
    state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let Some(name) = db.revoke_api_token(&id, &at)? else {
                    return Err(AppError::NotFound(format!(
                        "No API token has the id \"{id}\" (or it was revoked already)."
                    )));
                };
                db.append_event(&access::api_token_revoked(&actor, &id, &name, &at))?;
                Ok(())
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
