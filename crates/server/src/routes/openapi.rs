//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' own
//! annotations and the API types' schemas, never kept by hand.

use crate::routes::api_router;
use axum::Json;
use std::sync::OnceLock;
use utoipa::openapi::OpenApi;

/// The document of every API route, built once from the same router the server serves.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: OnceLock<OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| api_router().split_for_parts().1)
}

/// This API, described as OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<&'static OpenApi> {
    Json(document())
}
