//! `GET /api/v1/logs`: the System Log, newest first, narrowed by `since`/`until` and the filter
//! language of the rules crate.

use crate::clock::parse_rfc3339;
use crate::error::AppError;
use crate::routes::extract::ApiQuery;
use crate::routes::pagination::{PageRequest, page_response};
use crate::state::AppState;
use crate::storage::EventQuery;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use safeguard_rules::api::{LogEvent, Problem};
use safeguard_rules::filter;
use safeguard_rules::validation::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogsQuery {
    /// A System Log filter: `eventType eq "system.import.roadblock" and severity eq "WARN"`.
    pub filter: Option<String>,
    /// Only events published at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Only events published before this time (RFC 3339).
    pub until: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// The cursor from the previous page's `Link` header.
    pub after: Option<String>,
}

/// How many stored events are read per batch while looking for a page of matches.
const BATCH: u32 = 1000;

/// System Log events, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/logs",
    tag = "logs",
    params(LogsQuery),
    responses(
        (status = 200, description = "Events; `Link` while more remain", body = Vec<LogEvent>),
        (status = 400, description = "A filter that does not parse (the detail names the position), or an invalid time, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_logs(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<LogsQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let filter = match query.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(text) => Some(filter::parse(text).map_err(|e| AppError::BadRequest {
            detail: format!(
                "The filter does not parse at position {}: {}",
                e.position, e.message
            ),
            errors: vec![FieldError::new(
                "filter",
                format!("position {}: {}", e.position, e.message),
            )],
        })?),
    };
    let time = |name: &str, value: Option<&str>| -> Result<Option<String>, AppError> {
        match value {
            None => Ok(None),
            Some(text) => parse_rfc3339(text).map(Some).ok_or_else(|| {
                AppError::bad_field(
                    name,
                    format!(
                        "must be an RFC 3339 time such as 2026-01-31T09:00:00Z, got \"{text}\""
                    ),
                )
            }),
        }
    };
    let since = time("since", query.since.as_deref())?;
    let until = time("until", query.until.as_deref())?;
    let wanted = page.fetch() as usize;
    let rows = state
        .read(move |db| {
            let mut matched: Vec<(i64, serde_json::Value)> = Vec::new();
            let mut request = EventQuery {
                since,
                until,
                before_seq: page.after,
                batch: BATCH,
            };
            loop {
                let batch = db.events(&request)?;
                let exhausted = batch.len() < BATCH as usize;
                request.before_seq = batch.last().map(|(seq, _)| *seq);
                for (seq, event) in batch {
                    if filter.as_ref().is_none_or(|f| f.matches(&event)) {
                        matched.push((seq, event));
                        if matched.len() == wanted {
                            return Ok(matched);
                        }
                    }
                }
                if exhausted || request.before_seq.is_none() {
                    return Ok(matched);
                }
            }
        })
        .await?;
    // Answered as `LogEvent`s, so the fields read in the order of the documented shape.
    let events = rows
        .into_iter()
        .map(|(seq, value)| serde_json::from_value::<LogEvent>(value).map(|e| (seq, e)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::internal)?;
    Ok(page_response(&uri, page, events))
}
