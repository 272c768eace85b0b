//! `/api/v1/org/email`: the outbox of notification email, and the bounce list with its
//! remove-list action.

use crate::error::AppError;
use crate::events;
use crate::limits::MAX_BOUNCE_REMOVALS;
use crate::routes::apps::PageQuery;
use crate::routes::extract::{ApiQuery, CurrentActor, JsonBody};
use crate::routes::pagination::{PageRequest, page_response};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use safeguard_rules::api::email::{NOT_ON_BOUNCE_LIST, fold_address};
use safeguard_rules::api::{
    Bounce, BounceRemoval, BounceRemovalError, BounceRemovalResult, OutboxMessage, Problem,
};
use safeguard_rules::validation::FieldError;
use std::collections::HashSet;

/// Notification email, newest first, one message per recipient, with where each stands.
#[utoipa::path(
    get,
    path = "/api/v1/org/email/outbox",
    tag = "email",
    params(PageQuery),
    responses(
        (status = 200, description = "The messages; `Link` while more remain", body = Vec<OutboxMessage>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_outbox(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| Ok(db.outbox(page.fetch(), page.after)?))
        .await?;
    Ok(page_response(&uri, page, rows))
}

/// The addresses on the bounce list, newest first. They receive no email until removed.
#[utoipa::path(
    get,
    path = "/api/v1/org/email/bounces",
    tag = "email",
    params(PageQuery),
    responses(
        (status = 200, description = "The bounce list; `Link` while more remain", body = Vec<Bounce>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_bounces(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| Ok(db.bounces(page.fetch(), page.after)?))
        .await?;
    Ok(page_response(&uri, page, rows))
}

/// Takes addresses off the bounce list, so they receive email again. Each address given is
/// either in `removedEmailAddresses` or in `errors` (not on the list); each removal is recorded
/// in the System Log (`system.email.bounce.remove`).
#[utoipa::path(
    post,
    path = "/api/v1/org/email/bounces/remove-list",
    tag = "email",
    request_body = BounceRemoval,
    responses(
        (status = 200, description = "What was removed, and the addresses that were not on the list", body = BounceRemovalResult),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a list of addresses, an empty one, or more than 1000", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_bounces(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(removal): JsonBody<BounceRemoval>,
) -> Result<Json<BounceRemovalResult>, AppError> {
    let addresses = removal.email_addresses;
    if addresses.is_empty() || addresses.len() > MAX_BOUNCE_REMOVALS {
        return Err(AppError::invalid(
            "Nothing was removed from the bounce list.",
            vec![FieldError::new(
                "emailAddresses",
                format!("must list from 1 to {MAX_BOUNCE_REMOVALS} addresses"),
            )],
        ));
    }
    let result = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let mut result = BounceRemovalResult::default();
                // An address named twice is answered once.
                let mut seen = HashSet::new();
                for address in addresses {
                    if !seen.insert(fold_address(&address)) {
                        continue;
                    }
                    match db.remove_bounce(&address)? {
                        Some(bounce) => {
                            db.append_event(&events::bounce_removed(&actor, &bounce, &at))?;
                            tracing::info!(address = %bounce.email_address, by = %actor.id, "removed from the bounce list");
                            result.removed_email_addresses.push(address);
                        }
                        None => result.errors.push(BounceRemovalError {
                            email_address: address,
                            reason: NOT_ON_BOUNCE_LIST.to_owned(),
                        }),
                    }
                }
                Ok::<_, AppError>(result)
            })
        })
        .await?;
    Ok(Json(result))
}
