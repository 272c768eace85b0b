//! `/api/v1/apps`: the org's apps, their populations and their users.

use crate::error::AppError;
use crate::events;
use crate::ids::new_id;
use crate::limits::{MAX_APP_NAME_CHARS, longer_than};
use crate::routes::extract::{ApiPath, ApiQuery, CurrentActor, JsonBody};
use crate::routes::pagination::{PageRequest, page_response};
use crate::state::AppState;
use crate::storage::Db;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::AppId;
use safeguard_rules::api::{AppPatch, AppUserView, AppView, MatchField, NewApp, Problem};
use safeguard_rules::org::App;
use safeguard_rules::validation::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

/// `limit` and `after` of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 1000 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// The cursor from the previous page's `Link` header.
    pub after: Option<String>,
}

/// The apps, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/apps",
    tag = "apps",
    params(PageQuery),
    responses(
        (status = 200, description = "The apps; `Link: <...>; rel=\"next\"` while more remain", body = Vec<AppView>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_apps(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| Ok(db.app_views(page.fetch(), page.after)?))
        .await?;
    Ok(page_response(&uri, page, rows))
}

/// Adds an app.
#[utoipa::path(
    post,
    path = "/api/v1/apps",
    tag = "apps",
    request_body = NewApp,
    responses(
        (status = 201, description = "The app", body = AppView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, or a name longer than 200 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_app(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(new): JsonBody<NewApp>,
) -> Result<Response, AppError> {
    // The length is of the name as sent, the emptiness of what trimming leaves: the two checks
    // the API document states (maxLength, and a pattern asking for a non-space).
    let name = new.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError::new("name", "is required"));
    } else if longer_than(&new.name, MAX_APP_NAME_CHARS) {
        errors.push(FieldError::new(
            "name",
            format!("is longer than {MAX_APP_NAME_CHARS} characters, the limit for app names"),
        ));
    }
    errors.extend(new.validate_directory());
    if !errors.is_empty() {
        return Err(AppError::invalid(
            "The app is invalid; nothing was created.",
            errors,
        ));
    }
    let mut app = App {
        id: AppId(new_id("app")),
        name,
        profile_source: new.profile_source,
        deactivate_on_remove: new.deactivate_on_remove,
        profile_source_priority: new.profile_source_priority,
        match_by_email: new.match_by.contains(&MatchField::Email),
        reactivate_on_return: new.reactivate_on_return,
    };
    let view = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                if app.profile_source && app.profile_source_priority.is_none() {
                    app.profile_source_priority = Some(db.next_profile_priority()?);
                }
                refuse_taken_priority(db, &app, "nothing was created")?;
                db.insert_app(&app, &actor, &at)?;
                db.app_view(app.id.as_str())?.ok_or_else(|| {
                    AppError::internal(std::io::Error::other("a created app is missing"))
                })
            })
        })
        .await?;
    let location = format!("/api/v1/apps/{}", view.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response())
}

/// One app, with its population.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{appId}",
    tag = "apps",
    params(("appId" = String, Path, description = "The app's id")),
    responses(
        (status = 200, description = "The app", body = AppView),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_app(
    State(state): State<AppState>,
    ApiPath(app_id): ApiPath<String>,
) -> Result<Json<AppView>, AppError> {
    let view = state
        .read(move |db| db.app_view(&app_id)?.ok_or_else(|| unknown_app(&app_id)))
        .await?;
    Ok(Json(view))
}

/// Changes an app's directory settings: its rank among profile sources, what its entries are
/// matched by, and whether it reactivates returning users. The next import uses them.
#[utoipa::path(
    patch,
    path = "/api/v1/apps/{appId}",
    tag = "apps",
    params(("appId" = String, Path, description = "The app's id")),
    request_body = AppPatch,
    responses(
        (status = 200, description = "The app as changed", body = AppView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, or a priority another profile source holds", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch_app(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(app_id): ApiPath<String>,
    JsonBody(patch): JsonBody<AppPatch>,
) -> Result<Json<AppView>, AppError> {
    let view = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                let before = db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
                let after = patch.apply_to(&before).map_err(|errors| {
                    AppError::invalid(
                        "The app's settings are invalid; nothing was changed.",
                        errors,
                    )
                })?;
                refuse_taken_priority(db, &after, "nothing was changed")?;
                if after != before {
                    db.update_app_directory(&after)?;
                    db.append_event(&events::apps::updated(&actor, &before, &after, &at))?;
                }
                db.app_view(&app_id)?.ok_or_else(|| unknown_app(&app_id))
            })
        })
        .await?;
    Ok(Json(view))
}

/// A 422 when another profile source holds `app`'s priority: ranks are unique.
fn refuse_taken_priority(db: &Db<'_>, app: &App, outcome: &str) -> Result<(), AppError> {
    let Some(priority) = app.profile_source_priority else {
        return Ok(());
    };
    match db.app_with_priority(priority, Some(app.id.as_str()))? {
        Some(holder) => Err(AppError::invalid(
            format!("The priority is taken; {outcome}."),
            vec![FieldError::new(
                "profileSourcePriority",
                format!(
                    "{} has priority {priority} already; each profile source has its own (1 is the highest)",
                    holder.name
                ),
            )],
        )),
        None => Ok(()),
    }
}

pub fn unknown_app(id: &str) -> AppError {
    AppError::NotFound(format!("No app has the id \"{id}\"."))
}

/// The app's users, most recently assigned first.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{appId}/users",
    tag = "apps",
    params(("appId" = String, Path, description = "The app's id"), PageQuery),
    responses(
        (status = 200, description = "The app users; `Link` while more remain", body = Vec<AppUserView>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn app_users(
    State(state): State<AppState>,
    uri: Uri,
    ApiPath(app_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| {
            db.app(&app_id)?.ok_or_else(|| unknown_app(&app_id))?;
            Ok(db.app_users(&app_id, page.fetch(), page.after)?)
        })
        .await?;
    Ok(page_response(&uri, page, rows))
}
