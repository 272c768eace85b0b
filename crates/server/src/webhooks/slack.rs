//! The `slack` format: `{"text": ...}` for a chat tool's incoming-webhook URL. A roadblock reads
//! as its email does (the same first sentence, the same link); any other event is its System
//! Log message, with a link to the import when it is about one.

use crate::email::message::{import_link, paused_sentence};
use safeguard_rules::api::LogEvent;
use safeguard_rules::api::email::ROADBLOCK_SUBJECT;
use safeguard_rules::api::webhooks::TEST_EVENT_TYPE;
use safeguard_rules::evaluator::Scope;
use serde_json::json;

/// The JSON body posted for `event`.
pub fn body(event: &LogEvent, public_url: &str) -> String {
    json!({ "text": text(event, public_url) }).to_string()
}

/// The message's text, in Slack's markup: `*bold*`, `<url|label>`, and `&`, `<`, `>` escaped.
pub fn text(event: &LogEvent, public_url: &str) -> String {
    let data = &event.debug_context.debug_data;
    let import_id = data.get("importId").and_then(|v| v.as_str());
    let app_name = event
        .target
        .iter()
        .find(|t| t.kind == "AppInstance")
        .map(|t| t.display_name.as_str());
    let mut text = match (event.event_type.as_str(), app_name) {
        ("system.import.roadblock", Some(app)) => {
            let scope = match data.get("scope").and_then(|v| v.as_str()) {
                Some("org") => Scope::Org,
                _ => Scope::App,
            };
            format!(
                ":warning: *{}*\n{}\n{}",
                escape(ROADBLOCK_SUBJECT),
                escape(&paused_sentence(app, scope)),
                escape(&event.display_message)
            )
        }
        (TEST_EVENT_TYPE, _) => format!(":white_check_mark: {}", escape(&event.display_message)),
        _ => escape(&event.display_message),
    };
    if let Some(id) = import_id {
        let label = if event.event_type == "system.import.roadblock" {
            "Review the planned changes and resume or cancel"
        } else {
            "Open the import"
        };
        text.push_str(&format!("\n<{}|{label}>", import_link(public_url, id)));
    }
    text
}

/// Slack's three control characters, as its documentation asks.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::api::logs::DebugContext;
    use safeguard_rules::api::{LogActor, LogOutcome, LogTarget};

    fn event(event_type: &str, message: &str, debug: serde_json::Value) -> LogEvent {
        LogEvent {
            uuid: "u".to_owned(),
            published: "2026-12-02T00:00:00.000Z".to_owned(),
            event_type: event_type.to_owned(),
            severity: "WARN".to_owned(),
            display_message: message.to_owned(),
            actor: LogActor {
                id: "system".to_owned(),
                kind: "System".to_owned(),
                display_name: "Safeguard".to_owned(),
            },
            target: vec![LogTarget {
                id: "app_1".to_owned(),
                kind: "AppInstance".to_owned(),
                display_name: "R&D <Workday>".to_owned(),
            }],
            outcome: LogOutcome {
                result: "DENY".to_owned(),
                reason: None,
            },
            debug_context: DebugContext {
                debug_data: debug.as_object().cloned().unwrap_or_default(),
            },
        }
    }

    #[test]
    fn a_roadblock_reads_as_its_email_with_the_link() {
        let roadblock = event(
            "system.import.roadblock",
            "Import from R&D <Workday> paused: 60 unassignments",
            json!({"importId": "imp_1", "scope": "org"}),
        );
        let text = text(&roadblock, "https://safeguard.example.com/");
        assert!(
            text.contains("*High number of app unassignments*"),
            "{text}"
        );
        assert!(
            text.contains(
                "An import from R&amp;D &lt;Workday&gt; was paused by the org-level safeguard"
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "<https://safeguard.example.com/imports/imp_1|Review the planned changes and resume or cancel>"
            ),
            "{text}"
        );
    }

    #[test]
    fn another_event_is_its_log_message() {
        let updated = event(
            "system.import.safeguard.update",
            "Import safeguards changed",
            json!({}),
        );
        assert_eq!(text(&updated, "http://x"), "Import safeguards changed");
        let body: serde_json::Value =
            serde_json::from_str(&super::body(&updated, "http://x")).unwrap();
        assert_eq!(body, json!({"text": "Import safeguards changed"}));
    }
}
