//! System Log events of apps: an administrator changed how an app's entries find their users.

use super::{event, success, target};
use crate::actor::Actor;
use safeguard_rules::api::LogEvent;
use safeguard_rules::api::apps::match_by;
use safeguard_rules::org::App;
use serde_json::{Value, json};

fn directory(app: &App) -> Value {
    json!({
        "profileSourcePriority": app.profile_source_priority,
        "matchBy": match_by(app.match_by_email),
        "reactivateOnReturn": app.reactivate_on_return,
    })
}

/// An app's directory settings changed, with the values before and after.
pub fn updated(actor: &Actor, before: &App, after: &App, at: &str) -> LogEvent {
    event(
        "system.app.update",
        "INFO",
        format!("Directory settings of {} changed", after.name),
        actor,
        vec![target(after.id.as_str(), "AppInstance", &after.name)],
        success(),
        json!({"appId": after.id, "old": directory(before), "new": directory(after)}),
        at,
    )
}
