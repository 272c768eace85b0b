//! `GET`/`PUT /api/v1/safeguards`: defaults, optimistic versions, validation, and the log.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::http::Method;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn settings_start_at_20_percent_both_on_version_1() {
    let app = TestApp::new();
    let r = app.get("/api/v1/safeguards").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"appLevel": {"enabled": true, "percent": 20, "count": null},
               "orgLevel": {"enabled": true, "percent": 20, "count": null},
               "deactivations": {"enabled": false, "percent": null, "count": null},
               "roadblockScope": "org", "appOverrides": [], "version": 1})
    );
}

#[tokio::test]
async fn a_change_saves_the_next_version_and_logs_old_new_and_who() {
    let app = TestApp::new();
    let body = json!({"appLevel": {"enabled": true, "percent": 15}, "orgLevel": {"enabled": false, "percent": 30}, "version": 1});
    let r = app.put_json("/api/v1/safeguards", &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    assert_eq!(r.json()["appLevel"]["percent"], 15);
    assert_eq!(
        app.get("/api/v1/safeguards").await.json()["orgLevel"]["enabled"],
        false
    );

    let events = app.events("system.import.safeguard.update").await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["actor"]["id"], "env-admin-token");
    assert_eq!(event["actor"]["displayName"], "SAFEGUARD_ADMIN_TOKEN");
    assert_eq!(
        event["debugContext"]["debugData"]["old"]["appLevel"]["percent"],
        20
    );
    assert_eq!(
        event["debugContext"]["debugData"]["new"]["appLevel"]["percent"],
        15
    );
    assert_eq!(event["debugContext"]["debugData"]["new"]["version"], 2);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_naming_the_current_one() {
    let app = TestApp::new();
    let body = json!({"appLevel": {"enabled": true, "percent": 15}, "orgLevel": {"enabled": true, "percent": 20}, "version": 1});
    assert_eq!(app.put_json("/api/v1/safeguards", &body).await.status, 200);
    let r = app.put_json("/api/v1/safeguards", &json!({"appLevel": {"enabled": true, "percent": 50}, "orgLevel": {"enabled": true, "percent": 20}, "version": 1})).await;
    let problem = r.problem(409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("current version is 2")
    );
    assert_eq!(
        app.get("/api/v1/safeguards").await.json()["appLevel"]["percent"],
        15
    );
}

#[tokio::test]
async fn invalid_percents_are_422_naming_every_field_and_change_nothing() {
    let app = TestApp::new();
    let r = app
        .put_json(
            "/api/v1/safeguards",
            &json!({"appLevel": {"enabled": true, "percent": 101}, "orgLevel": {"enabled": true, "percent": 12.5}, "version": 1}),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["appLevel.percent", "orgLevel.percent"]);
    let r = app
        .put_json("/api/v1/safeguards", &json!({"appLevel": {"enabled": true, "percent": -1}, "orgLevel": {"enabled": true, "percent": "20"}, "version": 1}))
        .await;
    assert_eq!(r.problem(422)["errors"].as_array().unwrap().len(), 2);
    assert_eq!(app.get("/api/v1/safeguards").await.json()["version"], 1);
    assert!(
        app.events("system.import.safeguard.update")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn malformed_json_is_400_with_line_and_column_and_other_types_are_415() {
    let app = TestApp::new();
    let r = app
        .send_body(
            Method::PUT,
            "/api/v1/safeguards",
            "application/json",
            "{\n  \"appLevel\": {,\n}",
        )
        .await;
    let problem = r.problem(400);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("line 2, column"),
        "{problem}"
    );
    let r = app
        .send_body(
            Method::PUT,
            "/api/v1/safeguards",
            "text/plain",
            "appLevel=20",
        )
        .await;
    r.problem(415);
    assert_eq!(app.get("/api/v1/safeguards").await.json()["version"], 1);
}
