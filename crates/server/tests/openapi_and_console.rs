//! The OpenAPI document covers every route, and the console is served beside the API.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::body::Body;
use axum::http::{Method, Request};
use support::TestApp;

/// The routes of `shared/spec/api.md` this server implements, plus its additions.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/safeguards"),
    ("put", "/api/v1/safeguards"),
    ("get", "/api/v1/apps"),
    ("post", "/api/v1/apps"),
    ("get", "/api/v1/apps/{appId}"),
    ("patch", "/api/v1/apps/{appId}"),
    ("get", "/api/v1/apps/{appId}/safeguard"),
    ("put", "/api/v1/apps/{appId}/safeguard"),
    ("delete", "/api/v1/apps/{appId}/safeguard"),
    ("get", "/api/v1/apps/{appId}/users"),
    ("get", "/api/v1/apps/{appId}/source"),
    ("put", "/api/v1/apps/{appId}/source"),
    ("post", "/api/v1/apps/{appId}/source/test"),
    ("post", "/api/v1/apps/{appId}/imports"),
    ("get", "/api/v1/imports"),
    ("get", "/api/v1/imports/{id}"),
    ("get", "/api/v1/imports/{id}/changes"),
    ("get", "/api/v1/roadblock"),
    ("post", "/api/v1/imports/{id}/resume"),
    ("post", "/api/v1/imports/{id}/cancel"),
    ("get", "/api/v1/logs"),
    ("get", "/api/v1/group-rules"),
    ("post", "/api/v1/group-rules"),
    ("get", "/api/v1/org/email/outbox"),
    ("get", "/api/v1/org/email/bounces"),
    ("post", "/api/v1/org/email/bounces/remove-list"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions/current"),
    ("get", "/api/v1/users/me"),
    ("get", "/api/v1/admins"),
    ("post", "/api/v1/admins"),
    ("get", "/api/v1/api-tokens"),
    ("post", "/api/v1/api-tokens"),
    ("delete", "/api/v1/api-tokens/{id}"),
    ("get", "/api/v1/webhooks"),
    ("post", "/api/v1/webhooks"),
    ("get", "/api/v1/webhooks/{id}"),
    ("patch", "/api/v1/webhooks/{id}"),
    ("delete", "/api/v1/webhooks/{id}"),
    ("post", "/api/v1/webhooks/{id}/rotate-secret"),
    ("post", "/api/v1/webhooks/{id}/test"),
    ("get", "/api/v1/webhooks/{id}/deliveries"),
];

fn documented(document: &serde_json::Value) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    routes.sort();
    routes
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_exactly_the_served_routes() {
    let app = TestApp::new();
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    let document = r.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(documented(&document), expected);
    // The API types' schemas are generated too.
    for schema in [
        "ImportView",
        "SafeguardsView",
        "Problem",
        "LogEvent",
        "ChangeRow",
        "RoadblockState",
        "OutboxMessage",
        "WebhookView",
        "CreatedWebhook",
        "WebhookDelivery",
        "Bounce",
        "BounceRemoval",
        "BounceRemovalResult",
    ] {
        assert!(
            document["components"]["schemas"].get(schema).is_some(),
            "schema {schema}"
        );
    }
}

/// The answers the guard and the body extractors give are listed on every operation that can
/// give them, and the bounds the server checks are in the schemas.
#[tokio::test]
async fn the_document_lists_every_answer_and_every_bound() {
    let app = TestApp::new();
    let document = app.get("/api/v1/openapi.json").await.json();
    for (method, path) in documented(&document) {
        let operation = &document["paths"][&path][&method];
        let responses = operation["responses"].as_object().unwrap();
        let has = |status: &str| responses.contains_key(status);
        let public = path == "/api/v1/sessions";
        if !public {
            assert!(has("401"), "{method} {path} lists no 401");
        }
        if !public && method != "get" {
            assert!(has("403"), "{method} {path} lists no 403");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(has(status), "{method} {path} lists no {status}");
            }
        }
        for (status, response) in responses {
            if status.starts_with('4') {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status} is not a problem"
                );
            }
        }
    }
    let schemas = &document["components"]["schemas"];
    let percent = &schemas["Safeguard"]["properties"]["percent"];
    assert_eq!(
        (percent["minimum"].as_u64(), percent["maximum"].as_u64()),
        (Some(0), Some(100))
    );
    let login = &schemas["SnapshotUser"]["properties"]["login"];
    assert_eq!(
        (login["minLength"].as_u64(), login["maxLength"].as_u64()),
        (Some(1), Some(256))
    );
    assert_eq!(
        schemas["SnapshotUser"]["properties"]["firstName"]["maxLength"],
        128
    );
    assert_eq!(schemas["NewApp"]["properties"]["name"]["maxLength"], 200);
    assert_eq!(
        schemas["NewAdmin"]["properties"]["password"]["minLength"],
        12
    );
    assert_eq!(
        schemas["BounceRemoval"]["properties"]["emailAddresses"]["maxItems"],
        1000
    );
    let limit = document["paths"]["/api/v1/imports"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap();
    assert_eq!(
        (
            limit["schema"]["minimum"].as_u64(),
            limit["schema"]["maximum"].as_u64()
        ),
        (Some(1), Some(1000))
    );
    // Both credentials are declared.
    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    assert_eq!(schemes["apiToken"]["in"], "header");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["consoleHeader"]["name"], "x-safeguard-console");
    let change = &document["paths"]["/api/v1/safeguards"]["put"]["security"];
    assert_eq!(change[1]["consoleHeader"], serde_json::json!([]));
    assert_eq!(
        document["paths"]["/api/v1/sessions"]["post"]["security"],
        serde_json::json!([{}])
    );
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::new();
    let document = app.get("/api/v1/openapi.json").await.json();
    for (method, path) in documented(&document) {
        let concrete = path.replace("{appId}", "app_x").replace("{id}", "imp_x");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = app
            .send(
                Request::builder()
                    .method(method.clone())
                    .uri(&concrete)
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        assert_ne!(r.status, 405, "{method} {path}");
        if r.status == 404 {
            assert!(
                !r.text().contains("There is no API route"),
                "{method} {path} fell through to the fallback"
            );
        }
    }
}

#[tokio::test]
async fn unknown_api_paths_are_problems_and_other_paths_get_the_console() {
    let console = tempfile::tempdir().unwrap();
    std::fs::write(
        console.path().join("index.html"),
        "<html>the console</html>",
    )
    .unwrap();
    std::fs::write(console.path().join("app.js"), "console.log(1)").unwrap();
    let app = TestApp::builder().console_dir(console.path()).build();

    let deep_link = app.get("/imports/imp_123").await;
    assert_eq!(deep_link.status, 200);
    assert_eq!(deep_link.text(), "<html>the console</html>");
    assert_eq!(app.get("/").await.text(), "<html>the console</html>");
    assert_eq!(app.get("/app.js").await.text(), "console.log(1)");

    let problem = app.get("/api/v1/nothing-here").await.problem(404);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/nothing-here")
    );
    app.get("/api").await.problem(404);
    let wrong_method = app
        .send(
            Request::delete("/api/v1/safeguards")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    wrong_method.problem(405);
}

#[tokio::test]
async fn without_a_built_console_a_page_says_so_and_the_api_still_works() {
    let app = TestApp::new();
    let page = app.get("/dashboard").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("console is not built"));
    assert_eq!(app.get("/api/v1/safeguards").await.status, 200);
}
