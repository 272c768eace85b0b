//! OpenAPI links: which operation's answer gives the id another operation takes. A client reads
//! them as "what can I do with this next"; a tool that chains requests (Schemathesis's stateful
//! phase) follows them from a created app to its imports, and from an import to its plan,
//! resume and cancel, and from a created webhook to its test, rotation and deliveries.

use serde_json::{Value, json};

/// A link: its name, the operation it leads to, and the path parameter it fills with the id
/// in the answer's body.
type Link = (&'static str, &'static str, &'static str);

/// The answers (operation, status) that lead on, and where to.
const LINKS: &[(&str, &str, &[Link])] = &[
    (
        "/api/v1/apps#post",
        "201",
        &[
            ("GetApp", "get_app", "appId"),
            ("ListAppUsers", "app_users", "appId"),
            ("StartImport", "start_import", "appId"),
        ],
    ),
    (
        "/api/v1/apps/{appId}/imports#post",
        "201",
        &[
            ("GetImport", "get_import", "id"),
            ("ListChanges", "import_changes", "id"),
            ("Resume", "resume", "id"),
            ("Cancel", "cancel", "id"),
        ],
    ),
    (
        "/api/v1/api-tokens#post",
        "201",
        &[("RevokeToken", "revoke_token", "id")],
    ),
    (
        "/api/v1/webhooks#post",
        "201",
        &[
            ("GetWebhook", "get_webhook", "id"),
            ("ChangeWebhook", "patch_webhook", "id"),
            ("TestWebhook", "test_webhook", "id"),
            ("RotateSecret", "rotate_secret", "id"),
            ("ListDeliveries", "list_deliveries", "id"),
            ("DeleteWebhook", "delete_webhook", "id"),
        ],
    ),
];

/// Adds the links; answers the answers that were not found (the tests check there is none).
pub fn add(document: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (operation, status, links) in LINKS {
        let (path, method) = operation.split_once('#').unwrap_or_default();
        let pointer = format!(
            "/paths/{}/{method}/responses/{status}",
            path.replace('~', "~0").replace('/', "~1")
        );
        let Some(response) = document
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
        else {
            missing.push(pointer);
            continue;
        };
        let links: serde_json::Map<String, Value> = links
            .iter()
            .map(|(name, target, parameter)| {
                let link = json!({
                    "operationId": target,
                    "parameters": {*parameter: "$response.body#/id"},
                });
                ((*name).to_owned(), link)
            })
            .collect();
        response.insert("links".to_owned(), Value::Object(links));
    }
    missing
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_answer_linked_from_is_in_the_document() {
        let generated = crate::routes::api_router().split_for_parts().1;
        let mut document = serde_json::to_value(generated).unwrap();
        assert_eq!(super::add(&mut document), Vec::<String>::new());
        let ids: Vec<&str> = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        for (_, _, links) in super::LINKS {
            for (_, target, _) in *links {
                assert!(ids.contains(target), "no operation {target}");
            }
        }
    }
}
