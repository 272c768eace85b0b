//! The console: the static files Trunk built, with `index.html` for every other path outside
//! `/api` (so deep links such as `/imports/imp_123` load the app), and a small page saying the
//! console is not built when there is no `index.html`, so the API still works without it.
//! Unknown `/api` paths answer a problem, never the console. The placeholder page has no inline
//! style or script: the Content-Security-Policy (`security_headers`) would block them.

use crate::error::{AppError, problem_response};
use axum::Router;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::any;
use safeguard_rules::api::Problem;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Safeguard</title></head>
<body>
<h1>Safeguard</h1>
<p>The console is not built. Build it with <code>make console</code> (Trunk writes it to
<code>dist/</code>), or start the server with <code>--console-dir</code> pointing at a built one.</p>
<p>The HTTP API works without it: see <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body></html>
"#;

/// The fallback of the whole server: `/api/...` paths get a problem 404, everything else the
/// console.
pub fn fallback<S: Clone + Send + Sync + 'static>(console_dir: &Path) -> Router<S> {
    let api_not_found = any(api_not_found);
    let router = Router::new()
        .route("/api", api_not_found.clone())
        .route("/api/", api_not_found.clone())
        .route("/api/{*rest}", api_not_found);
    let index = console_dir.join("index.html");
    if index.is_file() {
        router.fallback_service(ServeDir::new(console_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(dir = %console_dir.display(), "no console index.html; serving a placeholder page");
        router.fallback(|| async { Html(NOT_BUILT) })
    }
}

async fn api_not_found(uri: Uri) -> Response {
    AppError::NotFound(format!(
        "There is no API route {}. The routes are listed in /api/v1/openapi.json.",
        uri.path()
    ))
    .into_response()
}

/// A known path called with a method it does not take.
pub async fn method_not_allowed(uri: Uri) -> Response {
    problem_response(&Problem::new(
        405,
        "method-not-allowed",
        "Method not allowed",
        format!(
            "{} does not take this method; see /api/v1/openapi.json.",
            uri.path()
        ),
    ))
}
