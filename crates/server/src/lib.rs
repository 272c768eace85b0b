//! Safeguard's server: the HTTP API and console on one port, SQLite storage, the import pipeline
//! with its safeguards and roadblock, and the System Log.
//!
//! - [`routes`]: the API, one module per resource, and the console's static files.
//! - [`pipeline`]: snapshot -> plan -> check -> apply or pause; [`roadblock`]: the queue,
//!   resume, cancel and draining. All rule logic comes from the `safeguard-rules` crate.
//! - [`sources`]: where snapshots come from (CSV and JSON uploads today).
//! - [`storage`]: every SQL statement; one writer connection, read-only readers (WAL).
//! - [`events`]: the System Log events; [`error`]: `AppError`, the problem answers.
//! - [`limits`]: every bound on a request's input, and why; [`security_headers`]: the headers
//!   every answer carries (the Content-Security-Policy and its peers).
//! - [`email`]: roadblock email: queued with the roadblock, delivered in the background over
//!   SMTP or kept in the outbox for the console; the bounce list.
//! - [`demo`]: the demo org of `--demo`; [`cli`]: the command line.
//!
//! Tests drive the real router: [`app`] with an [`AppState`] over a SQLite file.

pub mod actor;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod email;
pub mod error;
pub mod events;
pub mod ids;
pub mod limits;
pub mod live_imports;
pub mod pipeline;
pub mod roadblock;
pub mod routes;
pub mod schedule;
pub mod secrets;
pub mod security_headers;
pub mod sources;
pub mod state;
pub mod storage;
pub mod webhooks;

pub use config::Config;
pub use state::AppState;

/// The allocator of every program built on this crate: the server, its tests and benchmarks.
/// Planning a large import makes hundreds of thousands of small allocations, on two threads, in
/// a heap that already holds the org; there the system allocator took about a third longer to
/// plan and three times as long to free the plan (BENCHMARKS.md, "CSV import through the
/// server").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use axum::extract::DefaultBodyLimit;
use axum::{Extension, Router, middleware};
use routes::extract::BodyLimit;
use std::sync::Arc;
use tokio::sync::Notify;
use tower_http::trace::TraceLayer;

/// The running webhook worker, held by the router like the email worker.
#[derive(Clone)]
struct WebhookWorker(#[allow(dead_code)] Option<email::worker::Running>);

/// The running schedules, held by the router like the workers.
#[derive(Clone)]
struct Schedules(#[allow(dead_code)] Option<email::worker::Running>);

/// The whole server: the API, `/api/v1/openapi.json`, problem answers for unknown `/api` paths
/// and wrong methods, and the console for every other path; every answer with the headers of
/// [`security_headers`].
///
/// Also starts the email [`email::worker`], which runs as long as the router (or a clone of it)
/// is alive. Build one router per state: two would deliver the same outbox twice.
pub fn app(state: AppState) -> Router {
    let wake = state
        .pipeline
        .notifier()
        .map_or_else(|| Arc::new(Notify::new()), |n| n.wake_handle());
    let outbox = email::worker::Outbox {
        store: state.pipeline.store.clone(),
        clock: state.pipeline.clock().clone(),
    };
    let worker = email::worker::start(outbox, state.config.clone(), wake);
    let deliveries = webhooks::worker::Deliveries {
        store: state.pipeline.store.clone(),
        clock: state.pipeline.clock().clone(),
        notifier: state.pipeline.notifier().cloned(),
    };
    let webhook_worker = webhooks::worker::start(deliveries, state.config.clone());
    let schedules = schedule::start(state.clone());
    let (api, _document) = routes::api_router().split_for_parts();
    let limit = state.config.max_body_bytes;
    api.merge(routes::console::fallback(&state.config.console_dir))
        .method_not_allowed_fallback(routes::console::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            routes::guard::require,
        ))
        .layer(Extension(BodyLimit(limit)))
        .layer(Extension(worker))
        .layer(Extension(WebhookWorker(webhook_worker)))
        .layer(Extension(Schedules(schedules)))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(security_headers::add))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
