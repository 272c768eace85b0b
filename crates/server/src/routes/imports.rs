//! Imports: start one from a snapshot (`POST /api/v1/apps/{appId}/imports`), list them (Import
//! Monitoring), read one, and read or download its plan.

use crate::auth::Credential;
use crate::error::AppError;
use crate::live_imports;
use crate::routes::apps::unknown_app;
use crate::routes::extract::{
    ApiPath, ApiQuery, BodyLimit, CurrentPrincipal, is_json, media_type, read_body,
};
use crate::routes::pagination::{PageRequest, page_response};
use crate::sources::{JsonUpload, Snapshot, Source};
use crate::state::AppState;
use crate::storage::{ChangeFilter, ImportFilter, ImportOrigin};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use safeguard_rules::api::{
    ChangeRow, ImportStatus, ImportTrigger, ImportView, Problem, SnapshotBody, SourceKind,
};
use safeguard_rules::plan::ChangeKind;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct StartQuery {
    /// `true`: plan and check only; answers 200 with status `simulated` and changes nothing.
    #[param(value_type = Option<bool>)]
    pub dry_run: Option<String>,
}

/// Starts a full import of the app from a snapshot of its source.
///
/// `Content-Type: application/json` takes `{"users": [...]}`; `text/csv` takes a header row
/// naming at least `externalId` and `login`. Without a body, an app with a live source (LDAP,
/// SCIM, a file) has it read now; a source that cannot be read gives a `failed` import whose
/// `error` says what and where (a dry run answers 502 instead). The import is `completed`, `paused` (a safeguard
/// tripped; nothing applied), `queued` (a roadblock stands), or `running` while a plan of more
/// than 50,000 changes is applied (poll `GET /api/v1/imports/{id}`).
#[utoipa::path(
    post,
    path = "/api/v1/apps/{appId}/imports",
    tag = "imports",
    params(("appId" = String, Path, description = "The source app's id"), StartQuery),
    request_body(content(
        (SnapshotBody = "application/json"),
        (String = "text/csv"),
    )),
    responses(
        (status = 201, description = "The import; `Location` names it", body = ImportView),
        (status = 200, description = "A dry run: the import as it would be", body = ImportView),
        (status = 400, description = "Malformed JSON or CSV", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large, or more users or columns than the server accepts (the detail names the limit)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or repeated externalId or login, a value over its length limit, too many attributes", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "A dry run of a live source that could not be read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_import(
    State(state): State<AppState>,
    CurrentPrincipal(principal): CurrentPrincipal,
    ApiPath(app_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<StartQuery>,
    Extension(BodyLimit(limit)): Extension<BodyLimit>,
    request: Request,
) -> Result<Response, AppError> {
    let dry_run = match query.dry_run.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(AppError::bad_field(
                "dryRun",
                format!("must be true or false, got \"{other}\""),
            ));
        }
    };
    // Read-only administrators may preview an import (a dry run changes nothing), not run one;
    // refused before the body is read.
    if !dry_run {
        principal.require_change("run imports")?;
    }
    let actor = principal.actor();
    let trigger = match principal.credential {
        Credential::Session(_) => ImportTrigger::Manual,
        Credential::ApiToken(_) | Credential::EnvironmentToken => ImportTrigger::Api,
    };
    // No body: the app's live source is read now.
    if is_empty_body(request.headers()) {
        let view = live_imports::start(&state, &app_id, trigger, &actor, dry_run).await?;
        if dry_run {
            return Ok(Json(view).into_response());
        }
        return Ok(created(view));
    }
    let known_app = app_id.clone();
    state
        .read(move |db| {
            db.app(&known_app)?
                .map(|_| ())
                .ok_or_else(|| unknown_app(&known_app))
        })
        .await?;
    let declared = media_type(request.headers());
    let csv = match declared.as_deref() {
        Some("text/csv") => true,
        Some(t) if is_json(t) => false,
        _ => {
            return Err(AppError::UnsupportedMediaType(format!(
                "Send the snapshot as application/json or text/csv (got {}); nothing was imported.",
                declared.unwrap_or_else(|| "no Content-Type".to_owned())
            )));
        }
    };
    let body = read_body(request, limit).await?;
    let limits = state.config.snapshot_limits();
    // A CSV file is read while it is planned, against the org the server keeps loaded; a JSON
    // document is read here, off the writer.
    let snapshot = if csv {
        Snapshot::Csv {
            bytes: body,
            limits,
        }
    } else {
        state
            .blocking(move |_| {
                let users = JsonUpload {
                    bytes: &body,
                    limits,
                }
                .snapshot()?;
                Ok(Snapshot::Users(users))
            })
            .await?
    };

    if dry_run {
        let view = state
            .blocking(move |pipeline| Ok(pipeline.simulate(&app_id, &snapshot)?))
            .await?;
        return Ok(Json(view).into_response());
    }
    let origin = ImportOrigin {
        trigger,
        source: SourceKind::Upload,
        warnings: Default::default(),
    };
    let view = state
        .with_reply(move |pipeline, reply| {
            pipeline.start_from(&app_id, snapshot, &origin, &actor, reply)
        })
        .await?;
    Ok(created(view))
}

/// 201 with the import and where it is.
fn created(view: ImportView) -> Response {
    let location = format!("/api/v1/imports/{}", view.id);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response()
}

/// A request without a body: no `Content-Type` and no length (or a length of 0), and not sent
/// in chunks.
fn is_empty_body(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    headers.get(header::CONTENT_TYPE).is_none()
        && headers.get(header::TRANSFER_ENCODING).is_none()
        && matches!(length, None | Some("0"))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ImportsQuery {
    /// Only imports with this status.
    #[param(value_type = Option<ImportStatus>)]
    pub status: Option<String>,
    /// Only imports of this app.
    pub app_id: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// The cursor from the previous page's `Link` header.
    pub after: Option<String>,
}

/// Import Monitoring: imports newest first.
#[utoipa::path(
    get,
    path = "/api/v1/imports",
    tag = "imports",
    params(ImportsQuery),
    responses(
        (status = 200, description = "Imports; `Link` while more remain", body = Vec<ImportView>),
        (status = 400, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_imports(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<ImportsQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let status = match query.status.as_deref() {
        None => None,
        Some(text) => Some(ImportStatus::parse(text).ok_or_else(|| {
            AppError::bad_field(
                "status",
                format!(
                    "must be one of queued, running, paused, completed, cancelled, failed, simulated; got \"{text}\""
                ),
            )
        })?),
    };
    let filter = ImportFilter {
        status,
        app_id: query.app_id.filter(|a| !a.is_empty()),
    };
    let rows = state
        .read(move |db| {
            let rows = db.imports(&filter, page.fetch(), page.after)?;
            Ok(rows.into_iter().map(|r| (r.seq, r.view())).collect())
        })
        .await?;
    Ok(page_response(&uri, page, rows))
}

/// One import.
#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}",
    tag = "imports",
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The import", body = ImportView),
        (status = 404, description = "No such import", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_import(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportView>, AppError> {
    let view = state
        .read(move |db| Ok(db.import(&id)?.ok_or_else(|| unknown_import(&id))?.view()))
        .await?;
    Ok(Json(view))
}

pub fn unknown_import(id: &str) -> AppError {
    AppError::NotFound(format!("No import has the id \"{id}\"."))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ChangesQuery {
    /// Only changes of this kind.
    #[param(value_type = Option<ChangeKind>)]
    pub kind: Option<String>,
    /// Only changes in this app.
    pub app_id: Option<String>,
    /// Page size, 1 to 1000 (default 50). Ignored by the CSV download, which has every row.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// The cursor from the previous page's `Link` header.
    pub after: Option<String>,
    /// `csv`: the same rows as a CSV download (as `Accept: text/csv` does).
    pub format: Option<String>,
}

/// The import's plan, one row per change, in plan order. With `Accept: text/csv` (or
/// `format=csv`) every matching row as a CSV download. A queued import has no plan yet.
#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}/changes",
    tag = "imports",
    params(("id" = String, Path, description = "The import's id"), ChangesQuery),
    responses(
        (status = 200, description = "The changes; `Link` while more remain", content(
            (Vec<ChangeRow> = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Invalid kind, limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such import", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_changes(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let kind = match query.kind.as_deref() {
        None => None,
        Some(text) => Some(ChangeKind::parse(text).ok_or_else(|| {
            AppError::bad_field(
                "kind",
                format!(
                    "must be one of {}; got \"{text}\"",
                    ChangeKind::ALL.map(ChangeKind::as_str).join(", ")
                ),
            )
        })?),
    };
    let csv = match query.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            return Err(AppError::bad_field(
                "format",
                format!("must be csv or json, got \"{other}\""),
            ));
        }
        None => accepts_csv(&headers),
    };
    let filter = ChangeFilter {
        kind,
        app_id: query.app_id.filter(|a| !a.is_empty()),
    };
    let rows = state
        .read(move |db| {
            let import = db.import(&id)?.ok_or_else(|| unknown_import(&id))?;
            let limit = (!csv).then(|| page.fetch());
            let after = if csv { None } else { page.after };
            Ok((import.id, db.plan_rows(import.seq, &filter, limit, after)?))
        })
        .await?;
    let (import_id, rows) = rows;
    if csv {
        return changes_csv(&import_id, rows.into_iter().map(|(_, row)| row));
    }
    Ok(page_response(&uri, page, rows))
}

fn accepts_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}

fn changes_csv(
    import_id: &str,
    rows: impl Iterator<Item = ChangeRow>,
) -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "kind", "userId", "login", "appId", "appName", "cause", "skipped",
    ];
    writer.write_record(header).map_err(AppError::internal)?;
    for row in rows {
        writer
            .write_record([
                row.kind.as_str(),
                row.user_id.as_str(),
                &row.login,
                row.app_id.as_ref().map_or("", |a| a.as_str()),
                row.app_name.as_deref().unwrap_or(""),
                row.cause.map_or("", |c| c.as_str()),
                if row.skipped { "true" } else { "false" },
            ])
            .map_err(AppError::internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{import_id}-changes.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
