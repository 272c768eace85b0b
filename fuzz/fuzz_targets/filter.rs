//! The System Log filter language on arbitrary text: `parse` answers a filter or a positioned
//! error, never panics; a parsed filter evaluates on a real event and survives a round trip
//! through its canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_rules::filter;
use serde_json::json;
use std::sync::LazyLock;

/// One System Log event with every kind of value a path can meet: text, numbers, booleans,
/// null, nested objects and an array of objects.
static EVENT: LazyLock<serde_json::Value> = LazyLock::new(|| {
    json!({
        "uuid": "evt_1",
        "published": "2026-01-31T09:00:00Z",
        "eventType": "system.import.roadblock",
        "severity": "WARN",
        "displayMessage": "Import paused: too many unassignments",
        "actor": {"id": "system", "type": "System", "displayName": "Safeguard"},
        "target": [
            {"id": "app_1", "type": "AppInstance", "displayName": "Workday"},
            {"id": 42, "type": "Import", "displayName": null}
        ],
        "outcome": {"result": "SUCCESS", "reason": ""},
        "debugContext": {"debugData": {"category": "email", "percent": 20.5, "queued": true, "tags": []}}
    })
});

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    match filter::parse(text) {
        Ok(parsed) => {
            let _ = parsed.matches(&EVENT);
            // The canonical form parses back to the same filter, with the same answer.
            let canonical = parsed.to_string();
            let again = filter::parse(&canonical)
                .unwrap_or_else(|e| panic!("canonical form {canonical:?} does not parse: {e}"));
            assert_eq!(again, parsed, "canonical form {canonical:?}");
            assert_eq!(again.matches(&EVENT), parsed.matches(&EVENT));
        }
        Err(error) => {
            // The position is a character offset within the text (or its end).
            assert!(
                error.position <= text.chars().count(),
                "{error:?} for {text:?}"
            );
        }
    }
});
