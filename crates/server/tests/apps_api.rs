//! Apps, their users and group rules.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use serde_json::json;
use support::{TestApp, logins, snapshot_user};

#[tokio::test]
async fn apps_are_created_listed_newest_first_and_read_by_id() {
    let app = TestApp::new();
    let r = app
        .post_json(
            "/api/v1/apps",
            &json!({"name": "Workday", "profileSource": true, "deactivateOnRemove": true}),
        )
        .await;
    assert_eq!(r.status, 201);
    let workday = r.json();
    assert!(workday["id"].as_str().unwrap().starts_with("app_"));
    assert_eq!(
        r.header("location").unwrap(),
        format!("/api/v1/apps/{}", workday["id"].as_str().unwrap())
    );
    assert_eq!(workday["population"], 0);
    assert_eq!(workday["deactivateOnRemove"], true);
    let slack = app.create_app("Slack").await;

    let list = app.get("/api/v1/apps").await.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Slack", "Workday"]);
    let one = app.get(&format!("/api/v1/apps/{slack}")).await.json();
    assert_eq!(one["name"], "Slack");
    assert_eq!(one["profileSource"], false);
    app.get("/api/v1/apps/app_unknown").await.problem(404);
    app.get("/api/v1/apps/app_unknown/users").await.problem(404);
}

#[tokio::test]
async fn invalid_apps_are_refused_with_every_field_named() {
    let app = TestApp::new();
    let r = app
        .post_json(
            "/api/v1/apps",
            &json!({"name": "  ", "deactivateOnRemove": true}),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "deactivateOnRemove"]);
    app.post_json("/api/v1/apps", &json!({"profileSource": true}))
        .await
        .problem(422);
    assert!(
        app.get("/api/v1/apps")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn app_users_are_paginated_with_a_next_link() {
    let app = TestApp::new();
    let id = app.create_app("Slack").await;
    app.import(&id, &logins("u", 0..5)).await;
    let first = app.get(&format!("/api/v1/apps/{id}/users?limit=2")).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json().as_array().unwrap().len(), 2);
    assert_eq!(first.json()[0]["status"], "active");
    assert!(first.json()[0]["assignedAt"].is_string());
    let mut seen: Vec<String> = first
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_owned())
        .collect();
    let mut next = first.next_link();
    while let Some(url) = next {
        let page = app.get(&url).await;
        seen.extend(
            page.json()
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["login"].as_str().unwrap().to_owned()),
        );
        next = page.next_link();
    }
    seen.sort();
    assert_eq!(seen, logins("u", 0..5));
    app.get(&format!("/api/v1/apps/{id}/users?limit=0"))
        .await
        .problem(400);
    app.get(&format!("/api/v1/apps/{id}/users?after=bogus"))
        .await
        .problem(400);
}

#[tokio::test]
async fn a_group_rule_assigns_matching_active_users_to_its_apps() {
    let app = TestApp::new();
    let hr = app.create_app("HR").await;
    let users = vec![
        snapshot_user("a@example.com", &[("department", "Sales")]),
        snapshot_user("b@example.com", &[("department", "Sales")]),
        snapshot_user("c@example.com", &[("department", "Legal")]),
    ];
    app.import_users(&hr, users).await;
    let crm = app.create_app("CRM").await;
    let r = app
        .post_json("/api/v1/group-rules", &json!({"name": "Sales", "attribute": "department", "equals": "Sales", "appIds": [crm]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(r.json()["id"].as_str().unwrap().starts_with("grp_"));
    assert_eq!(r.json()["appIds"], json!([crm]));
    assert_eq!(app.population(&crm).await, 2);
    let rules = app.get("/api/v1/group-rules").await.json();
    assert_eq!(rules[0]["name"], "Sales");

    let r = app
        .post_json(
            "/api/v1/group-rules",
            &json!({"name": "", "attribute": "department", "equals": "x", "appIds": ["app_nope"]}),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "appIds[0]"]);
    assert_eq!(
        app.get("/api/v1/group-rules")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
