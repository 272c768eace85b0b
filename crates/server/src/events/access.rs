//! System Log events of sign-in and of administrators' access: Okta's names, so the filters
//! administrators already use keep working (`eventType eq "user.session.start"`).

use super::{event, success, target};
use crate::actor::Actor;
use safeguard_rules::api::{AdminView, LogEvent, LogOutcome};
use serde_json::json;

/// Where a sign-in attempt came from, as the log records it.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub address: String,
    pub user_agent: String,
}

fn failure(reason: &str) -> LogOutcome {
    LogOutcome {
        result: "FAILURE".to_owned(),
        reason: Some(reason.to_owned()),
    }
}

/// The actor of an attempt that named an account: the name as typed, since it may not exist.
fn claimed(username: &str) -> Actor {
    Actor {
        id: "unknown".to_owned(),
        kind: "User".to_owned(),
        display_name: username.chars().take(254).collect(),
    }
}

pub fn session_started(admin: &Actor, client: &Client, at: &str) -> LogEvent {
    event(
        "user.session.start",
        "INFO",
        format!("{} signed in", admin.display_name),
        admin,
        vec![target(&admin.id, "User", &admin.display_name)],
        success(),
        json!({"clientAddress": client.address, "userAgent": client.user_agent}),
        at,
    )
}

/// A refused sign-in; `reason` is `INVALID_CREDENTIALS` or `LOCKED_OUT`.
pub fn auth_failed(username: &str, reason: &str, client: &Client, at: &str) -> LogEvent {
    let actor = claimed(username);
    event(
        "user.authentication.auth_failed",
        "WARN",
        format!("Sign-in failed for {}", actor.display_name),
        &actor,
        Vec::new(),
        failure(reason),
        json!({"clientAddress": client.address, "userAgent": client.user_agent}),
        at,
    )
}

/// Repeated failures locked an account or the address they came from.
pub fn sign_in_locked(username: &str, minutes: u64, client: &Client, at: &str) -> LogEvent {
    let actor = claimed(username);
    event(
        "user.account.lock",
        "WARN",
        format!(
            "Sign-in locked for {minutes} minutes after repeated failures ({} from {})",
            actor.display_name, client.address
        ),
        &actor,
        Vec::new(),
        success(),
        json!({"clientAddress": client.address, "lockMinutes": minutes}),
        at,
    )
}

pub fn session_ended(admin: &Actor, at: &str) -> LogEvent {
    event(
        "user.session.end",
        "INFO",
        format!("{} signed out", admin.display_name),
        admin,
        vec![target(&admin.id, "User", &admin.display_name)],
        success(),
        json!({}),
        at,
    )
}

pub fn admin_created(actor: &Actor, admin: &AdminView, at: &str) -> LogEvent {
    event(
        "user.account.privilege.grant",
        "INFO",
        format!(
            "{} was made a {}",
            admin.email,
            admin.role.label().to_lowercase()
        ),
        actor,
        vec![target(&admin.id, "User", &admin.email)],
        success(),
        json!({"role": admin.role.as_str()}),
        at,
    )
}

pub fn api_token_created(actor: &Actor, id: &str, name: &str, at: &str) -> LogEvent {
    event(
        "system.api_token.create",
        "INFO",
        format!("API token \"{name}\" created"),
        actor,
        vec![target(id, "Token", name)],
        success(),
        json!({"tokenId": id}),
        at,
    )
}

pub fn api_token_revoked(actor: &Actor, id: &str, name: &str, at: &str) -> LogEvent {
    event(
        "system.api_token.revoke",
        "INFO",
        format!("API token \"{name}\" revoked"),
        actor,
        vec![target(id, "Token", name)],
        success(),
        json!({"tokenId": id}),
        at,
    )
}
