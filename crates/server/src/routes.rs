//! The HTTP API (`shared/spec/api.md`), one module per resource. Every route is registered
//! through utoipa-axum's `routes!`, so the OpenAPI document is built from the same list the
//! router serves.

pub mod apps;
pub mod console;
pub mod email;
pub mod extract;
pub mod group_rules;
pub mod imports;
pub mod logs;
pub mod openapi;
pub mod pagination;
pub mod roadblock;
pub mod safeguards;

use crate::state::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Safeguard API",
        version = "1",
        description = "Import safeguards: plan every identity import before it changes anything, pause it when it would unassign too many users, and let an administrator resume or cancel it."
    ),
    tags(
        (name = "safeguards", description = "The org's two import safeguards"),
        (name = "apps", description = "Apps, their populations and users"),
        (name = "imports", description = "Imports from a source snapshot, and their plans"),
        (name = "roadblock", description = "The paused import, the queue behind it, resume and cancel"),
        (name = "logs", description = "The System Log"),
        (name = "group rules", description = "Attribute-based app assignment"),
        (name = "email", description = "Roadblock notification email: the outbox and the bounce list"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// Every API route with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            safeguards::get_safeguards,
            safeguards::put_safeguards
        ))
        .routes(routes!(apps::list_apps, apps::create_app))
        .routes(routes!(apps::get_app))
        .routes(routes!(apps::app_users))
        .routes(routes!(imports::start_import))
        .routes(routes!(imports::list_imports))
        .routes(routes!(imports::get_import))
        .routes(routes!(imports::import_changes))
        .routes(routes!(roadblock::get_roadblock))
        .routes(routes!(roadblock::resume))
        .routes(routes!(roadblock::cancel))
        .routes(routes!(logs::list_logs))
        .routes(routes!(
            group_rules::list_group_rules,
            group_rules::create_group_rule
        ))
        .routes(routes!(email::list_outbox))
        .routes(routes!(email::list_bounces))
        .routes(routes!(email::remove_bounces))
        .routes(routes!(openapi::openapi_json))
}
