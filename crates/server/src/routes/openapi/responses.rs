//! The answers every operation can give besides its own, added to each operation that can give
//! them, so the document lists every status a route answers with its problem type:
//! - 401 for an operation that needs a credential (all but sign-in), answered by the guard;
//! - 403 for a change (a read-only administrator, or a cookie change without the console's
//!   header or from another origin), answered by the guard;
//! - 400 for a query string that does not parse;
//! - 400, 413, 415 and 422 for an operation with a body: not JSON, too large, another media
//!   type, JSON of the wrong shape ([`crate::routes::extract::JsonBody`]).
//!
//! A status an operation documents itself keeps its own description.

use super::{CHANGES, operations};
use serde_json::{Map, Value, json};

pub fn add(document: &mut Value) {
    for (method, operation) in operations(document) {
        for (status, description) in common(method, operation) {
            let responses = operation
                .entry("responses")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(responses) = responses.as_object_mut() {
                responses
                    .entry(status)
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// The common answers `operation` can give.
fn common(method: &str, operation: &Map<String, Value>) -> Vec<(&'static str, &'static str)> {
    // Sign-in is the one operation with an empty security requirement: no credential needed.
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
    let has_body = operation.contains_key("requestBody");
    let mut answers = Vec::new();
    if !public {
        answers.push((
            "401",
            "No credential, or one that is not valid: sign in, or send `Authorization: SSWS <token>`",
        ));
        if CHANGES.contains(&method) {
            answers.push((
                "403",
                "Not allowed: a read-only administrator asking for a change, or a change with the session cookie that lacks the console's header or comes from another origin",
            ));
        }
    }
    if has_query || has_body {
        answers.push((
            "400",
            "A query parameter or a body that cannot be read (the detail says which and where)",
        ));
    }
    if has_body {
        answers.push((
            "413",
            "A body larger than the server accepts (`--max-body-bytes`; the detail names the limit)",
        ));
        answers.push((
            "415",
            "A body that is not of a media type this operation takes",
        ));
        answers.push((
            "422",
            "A body of the right media type with invalid values; `errors` names every invalid field",
        ));
    }
    answers
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    })
}
