//! System Log events of app sources: a source changed, and a scheduled import skipped because
//! one already waits behind the roadblock.

use super::{event, success, target};
use crate::actor::Actor;
use safeguard_rules::api::{LogEvent, SourceSettings};
use serde_json::json;

/// An administrator set an app's source. The settings are logged without their secret.
pub fn updated(
    actor: &Actor,
    app_id: &str,
    app_name: &str,
    settings: &SourceSettings,
    at: &str,
) -> LogEvent {
    let schedule = settings.schedule().map_or_else(
        || "no schedule".to_owned(),
        |s| format!("every {} minutes", s.every_minutes),
    );
    event(
        "system.app.source.update",
        "INFO",
        format!(
            "Source of {app_name} set to {} ({schedule})",
            settings.kind().as_str()
        ),
        actor,
        vec![target(app_id, "AppInstance", app_name)],
        success(),
        json!({"appId": app_id, "source": settings.redacted()}),
        at,
    )
}

/// The schedule came due while the app's last scheduled import still waits in the queue: one
/// waiting import is enough, a second would only repeat it.
pub fn schedule_skipped(app_id: &str, app_name: &str, queued: &str, at: &str) -> LogEvent {
    event(
        "system.import.schedule.skip",
        "WARN",
        format!(
            "Scheduled import of {app_name} skipped: an earlier scheduled import of it waits behind the roadblock"
        ),
        &Actor::system(),
        vec![target(app_id, "AppInstance", app_name)],
        success(),
        json!({"appId": app_id, "queuedImportId": queued}),
        at,
    )
}
