//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' own
//! annotations and the API types' schemas, never kept by hand.
//!
//! What the annotations cannot say is added from the same constants the server enforces:
//! - [`constraints`]: every bound a field or parameter is checked against (lengths, ranges,
//!   patterns, required fields, item counts), so a request the document allows is one the
//!   server takes, and one it refuses is one the document rules out;
//! - [`responses`]: the answers every operation can give besides its own (401 without a
//!   credential, 403 for a read-only administrator, 400, 413, 415 and 422 for a body), each
//!   with its problem type;
//! - [`links`]: which answer gives the id another operation takes;
//! - [`security`]: the console's header beside the cookie, for changes.
//!
//! `scripts/contract-tests.sh` holds the server to the result from outside.

mod constraints;
mod links;
mod responses;
mod security;

pub use constraints::{NOT_BLANK, SYSTEM_LOG_FILTER_FORMAT, whitespace_class};

use crate::routes::api_router;
use axum::Json;
use serde_json::Value;
use std::sync::OnceLock;

/// The methods that change something: the guard refuses them to read-only administrators, and
/// with the session cookie they need the console's header.
const CHANGES: [&str; 4] = ["post", "put", "patch", "delete"];

/// Every operation of `document`, with its method (`get`, `post`, ...).
fn operations(
    document: &mut Value,
) -> impl Iterator<Item = (&str, &mut serde_json::Map<String, Value>)> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.iter_mut())
        .filter_map(|(method, operation)| Some((method.as_str(), operation.as_object_mut()?)))
}

/// The document of every API route, built once from the same router the server serves.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let generated = api_router().split_for_parts().1;
        // Serialising a document of plain data cannot fail; an empty one would fail every
        // contract test at once rather than pass.
        let mut document = serde_json::to_value(generated).unwrap_or_default();
        constraints::add(&mut document);
        responses::add(&mut document);
        security::add(&mut document);
        for missing in links::add(&mut document) {
            tracing::error!(%missing, "the OpenAPI document has no such answer to link from");
        }
        document
    })
}

/// This API, described as OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<&'static Value> {
    Json(document())
}
