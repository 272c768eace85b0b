//! Which credentials each operation takes. Reading takes an API token or the session cookie; a
//! change made with the cookie also needs the console's header (the guard refuses it otherwise),
//! so changes say so.

use serde_json::{Value, json};

use super::CHANGES;
pub fn add(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            // An operation with its own requirement (sign-in needs none) keeps it.
            if !CHANGES.contains(&method.as_str()) || operation.get("security").is_some() {
                continue;
            }
            if let Some(operation) = operation.as_object_mut() {
                operation.insert(
                    "security".to_owned(),
                    json!([{"apiToken": []}, {"session": [], "consoleHeader": []}]),
                );
            }
        }
    }
}
