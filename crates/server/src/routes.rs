//! The HTTP API (`shared/spec/api.md`), one module per resource. Every route is registered
//! through utoipa-axum's `routes!`, so the OpenAPI document is built from the same list the
//! router serves.

pub mod admins;
pub mod api_tokens;
pub mod apps;
pub mod console;
pub mod email;
pub mod extract;
pub mod group_rules;
pub mod guard;
pub mod imports;
pub mod logs;
pub mod openapi;
pub mod pagination;
pub mod roadblock;
pub mod safeguards;
pub mod sessions;
pub mod sources;
pub mod webhooks;

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
        (name = "sources", description = "Where each app's users are read from (an upload, LDAP, SCIM, a file on the server) and on what schedule"),
        (name = "roadblock", description = "The paused import, the queue behind it, resume and cancel"),
        (name = "logs", description = "The System Log"),
        (name = "group rules", description = "Attribute-based app assignment"),
        (name = "sign-in", description = "Console sessions and who is signed in"),
        (name = "administrators", description = "Administrators and their API tokens"),
        (name = "email", description = "Roadblock notification email: the outbox and the bounce list"),
        (name = "webhooks", description = "System Log events sent to a URL as they happen, signed (Standard Webhooks) or as a chat message"),
        (name = "meta", description = "This document"),
    ),
    modifiers(&Credentials)
)]
struct ApiDoc;

/// Every route but sign-in takes an API token (`Authorization: SSWS <token>`) or the console's
/// session cookie.
struct Credentials;

impl utoipa::Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "SSWS <token>: a token made in the console, or SAFEGUARD_ADMIN_TOKEN",
            ))),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::cookie::NAME,
                "The console's session, set by POST /api/v1/sessions; a change made with it also needs the consoleHeader and a same-origin Origin",
            ))),
        );
        components.add_security_scheme(
            "consoleHeader",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                safeguard_rules::api::CONSOLE_HEADER,
                "Sent by the console with every request (any value): a change made with the session cookie without it is refused, so a page on another site cannot make one",
            ))),
        );
        openapi.security = Some(vec![
            SecurityRequirement::new("apiToken", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

/// Every API route with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            safeguards::get_safeguards,
            safeguards::put_safeguards
        ))
        .routes(routes!(apps::list_apps, apps::create_app))
        .routes(routes!(apps::get_app, apps::patch_app))
        .routes(routes!(
            safeguards::get_app_safeguard,
            safeguards::put_app_safeguard,
            safeguards::delete_app_safeguard
        ))
        .routes(routes!(apps::app_users))
        .routes(routes!(sources::get_source, sources::put_source))
        .routes(routes!(sources::test_source))
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
        .routes(routes!(sessions::sign_in))
        .routes(routes!(sessions::sign_out))
        .routes(routes!(sessions::me))
        .routes(routes!(admins::list_admins, admins::create_admin))
        .routes(routes!(api_tokens::list_tokens, api_tokens::create_token))
        .routes(routes!(api_tokens::revoke_token))
        .routes(routes!(email::list_outbox))
        .routes(routes!(email::list_bounces))
        .routes(routes!(email::remove_bounces))
        .routes(routes!(webhooks::list_webhooks, webhooks::create_webhook))
        .routes(routes!(
            webhooks::get_webhook,
            webhooks::patch_webhook,
            webhooks::delete_webhook
        ))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::test_webhook))
        .routes(routes!(webhooks::list_deliveries))
        .routes(routes!(openapi::openapi_json))
}
