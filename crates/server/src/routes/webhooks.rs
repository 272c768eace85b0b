//! `/api/v1/webhooks`: where System Log events are sent as they happen. A hook's signing
//! secret is shown once, when it is made or rotated; its deliveries are listed with every
//! attempt.

use crate::error::AppError;
use crate::events;
use crate::ids::new_id;
use crate::routes::apps::PageQuery;
use crate::routes::extract::{ApiPath, ApiQuery, CurrentActor, JsonBody};
use crate::routes::pagination::{PageRequest, page_response};
use crate::state::AppState;
use crate::storage::{NewWebhookRow, WebhookChange};
use crate::webhooks::{self, send, signature};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::webhooks::distinct_event_types;
use safeguard_rules::api::{
    CreatedWebhook, NewWebhook, Problem, RotatedSecret, WebhookAttempt, WebhookDelivery,
    WebhookPatch, WebhookView,
};
use safeguard_rules::validation::FieldError;
use time::OffsetDateTime;

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("No webhook has the id \"{id}\"."))
}

/// What the rules crate cannot check without a URL parser: a port out of range, a host that
/// is not one.
fn check_url_parses(url: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(url) = url else { return };
    if errors.iter().any(|e| e.field == "url") {
        return;
    }
    if let Err(error) = reqwest::Url::parse(url) {
        errors.push(FieldError::new(
            "url",
            format!("is not a valid URL: {error}"),
        ));
    }
}

/// Every hook, newest first; never a secret.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    responses(
        (status = 200, description = "The webhooks", body = Vec<WebhookView>),
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
) -> Result<Json<Vec<WebhookView>>, AppError> {
    Ok(Json(state.read(|db| Ok(db.webhooks()?)).await?))
}

/// Makes a hook. The answer holds its signing secret: the only time it is shown.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "The hook and its secret, shown this once", body = CreatedWebhook,
            headers(("Location" = String, description = "The hook"))),
        (status = 422, description = "A URL that is not http(s), an unknown event type, a blank name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(new): JsonBody<NewWebhook>,
) -> Result<Response, AppError> {
    let mut errors = new.validate();
    check_url_parses(Some(&new.url), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The webhook is invalid; nothing was created.",
            errors,
        ));
    }
    let secret = signature::new_secret().map_err(AppError::internal)?;
    let event_types = distinct_event_types(&new.event_types);
    let shown = secret.clone();
    let view = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            let id = new_id("whk");
            pipeline.store().writer().transaction(|db| {
                db.insert_webhook(
                    &NewWebhookRow {
                        id: &id,
                        name: new.name.trim(),
                        url: &new.url,
                        format: new.format,
                        event_types: &event_types,
                        enabled: new.enabled,
                        secret: &secret,
                        created_by: &actor.id,
                    },
                    &at,
                )?;
                let view = db.webhook(&id)?.ok_or_else(|| not_found(&id))?.view;
                db.append_event(&events::webhooks::created(&actor, &view, &at))?;
                Ok::<_, AppError>(view)
            })
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/webhooks/{}", view.id))],
        Json(CreatedWebhook {
            webhook: view,
            secret: shown,
        }),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id")),
    responses(
        (status = 200, description = "The hook", body = WebhookView),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_webhook(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WebhookView>, AppError> {
    let hook = state.read(move |db| match db.webhook(&id)? {
        Some(hook) => Ok(hook.view),
        None => Err(not_found(&id)),
    });
    Ok(Json(hook.await?))
}

/// Changes the fields given. `enabled: true` turns on a hook the server turned off after a day
/// of failures; `enabled: false` cancels the deliveries it has waiting.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id")),
    request_body = WebhookPatch,
    responses(
        (status = 200, description = "The hook as changed", body = WebhookView),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A URL that is not http(s), an unknown event type, a blank name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch_webhook(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
    JsonBody(patch): JsonBody<WebhookPatch>,
) -> Result<Json<WebhookView>, AppError> {
    let mut errors = patch.validate();
    check_url_parses(patch.url.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The change is invalid; nothing was changed.",
            errors,
        ));
    }
    let event_types = patch.event_types.as_deref().map(distinct_event_types);
    let view = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let old = db.webhook(&id)?.ok_or_else(|| not_found(&id))?.view;
                let name = patch.name.as_deref().map(str::trim);
                db.update_webhook(
                    &id,
                    &WebhookChange {
                        name,
                        url: patch.url.as_deref(),
                        format: patch.format,
                        event_types: event_types.as_deref(),
                        enabled: patch.enabled,
                    },
                    &at,
                )?;
                let new = db.webhook(&id)?.ok_or_else(|| not_found(&id))?.view;
                db.append_event(&events::webhooks::updated(&actor, &old, &new, &at))?;
                Ok::<_, AppError>(new)
            })
        })
        .await?;
    Ok(Json(view))
}

/// Deletes a hook with its delivery log; what it had waiting is not sent.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let hook = db.webhook(&id)?.ok_or_else(|| not_found(&id))?.view;
                db.delete_webhook(&id)?;
                db.append_event(&events::webhooks::deleted(&actor, &hook, &at))?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives the hook a new signing secret, shown this once. The secret it replaces signs every
/// delivery too for a day (two signatures in `webhook-signature`), so a receiver can change
/// over without rejecting one.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/rotate-secret",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id")),
    responses(
        (status = 200, description = "The new secret, shown this once", body = RotatedSecret),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RotatedSecret>, AppError> {
    let secret = signature::new_secret().map_err(AppError::internal)?;
    let overlap = state.config.webhooks.rotation_overlap;
    let shown = secret.clone();
    let (id, until) = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            let until = crate::clock::stamp(pipeline.clock().now() + overlap);
            pipeline.store().writer().transaction(|db| {
                if !db.rotate_webhook_secret(&id, &secret, &until, &at)? {
                    return Err(not_found(&id));
                }
                let hook = db.webhook(&id)?.ok_or_else(|| not_found(&id))?.view;
                db.append_event(&events::webhooks::secret_rotated(
                    &actor, &hook, &until, &at,
                ))?;
                Ok((id, until))
            })
        })
        .await?;
    Ok(Json(RotatedSecret {
        id,
        secret: shown,
        previous_secret_expires_at: until,
    }))
}

/// Sends a `webhook.test` event to the hook now, on or off, and answers how it went. The test
/// is kept in the delivery log, not in the System Log, and is not retried.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/test",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id")),
    responses(
        (status = 200, description = "The test delivery: delivered, or failed with why", body = WebhookDelivery),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_webhook(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WebhookDelivery>, AppError> {
    let hook = {
        let id = id.clone();
        state
            .read(move |db| db.webhook(&id)?.ok_or_else(|| not_found(&id)))
            .await?
    };
    let clock = state.pipeline.clock().clone();
    let event = events::webhooks::test(&actor, &hook.view, &clock.stamp());
    let event_json = serde_json::to_string(&event).map_err(AppError::internal)?;
    let policy = &state.config.webhooks;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let attempt = match webhooks::request(
        &hook,
        &event.uuid,
        &event_json,
        &state.config.public_url,
        timestamp,
    ) {
        Ok(request) => {
            let client = send::client(policy.timeout).map_err(AppError::internal)?;
            send::post(&client, request, policy.max_answer_bytes, clock.stamp()).await
        }
        Err(error) => WebhookAttempt {
            at: clock.stamp(),
            response_code: None,
            duration_ms: 0,
            error: Some(error.to_string()),
        },
    };
    let delivery = state
        .blocking(move |pipeline| {
            pipeline.store().writer().transaction(|db| {
                // Deleted while the test was on its way: nothing to record it on.
                if db.webhook(&id)?.is_none() {
                    return Err(not_found(&id));
                }
                Ok(db.record_test_delivery(&id, &event, &attempt)?)
            })
        })
        .await?;
    Ok(Json(delivery))
}

/// The hook's deliveries, newest first, each with every attempt.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "The hook's id"), PageQuery),
    responses(
        (status = 200, description = "The deliveries; `Link` while more remain", body = Vec<WebhookDelivery>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such hook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    uri: Uri,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| {
            if db.webhook(&id)?.is_none() {
                return Err(not_found(&id));
            }
            Ok(db.deliveries(&id, page.fetch(), page.after)?)
        })
        .await?;
    Ok(page_response(&uri, page, rows))
}
