//! Which credentials each operation takes. Reading takes an API token or the session cookie; a
//! change made with the cookie also needs the console's header (the guard refuses it otherwise),
//! so changes say so.

use super::{CHANGES, operations};
use serde_json::{Value, json};

pub fn add(document: &mut Value) {
    for (method, operation) in operations(document) {
        // An operation with its own requirement (sign-in needs none) keeps it.
        if CHANGES.contains(&method) && !operation.contains_key("security") {
            operation.insert(
                "security".to_owned(),
                json!([{"apiToken": []}, {"session": [], "consoleHeader": []}]),
            );
        }
    }
}
