//! Live sources through the API, against a real OpenLDAP directory and a real SCIM service: an
//! administrator sets the source (the password or token sealed), tests it, imports with no
//! body; a directory that is down or refuses the sign-in fails the import and nobody is removed.
// Tests: a failed step should panic where it happened.
#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::TestApp;
use support::scim_server::{self, ScimServer};
use support::slapd::{ADMIN_DN, ADMIN_PASSWORD, PEOPLE, Slapd};

async fn set_source(app: &TestApp, app_id: &str, source: &Value) -> Value {
    let r = app
        .put_json(&format!("/api/v1/apps/{app_id}/source"), source)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn import_now(app: &TestApp, app_id: &str) -> Value {
    let r = app.post(&format!("/api/v1/apps/{app_id}/imports")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn ldap_source(url: &str, password: &str) -> Value {
    json!({
        "kind": "ldap",
        "url": url,
        "bindDn": ADMIN_DN,
        "password": password,
        "baseDn": PEOPLE,
        "pageSize": 10,
        "attributes": ["employeeNumber"],
    })
}

#[tokio::test]
async fn an_app_reads_its_users_from_ldap_and_a_directory_that_is_down_removes_no_one() {
    let mut directory = Slapd::start_with_people(35);
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let shown = set_source(&app, &id, &ldap_source(&directory.url(), ADMIN_PASSWORD)).await;
    assert_eq!(shown["passwordSet"], true);

    let r = app.post(&format!("/api/v1/apps/{id}/source/test")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let test = r.json();
    assert_eq!(test["users"], 35, "{test}");
    let first = &test["sample"][0];
    assert!(
        first["login"].as_str().unwrap().starts_with("person"),
        "{test}"
    );
    assert!(first["email"].as_str().unwrap().ends_with("@example.com"));
    assert!(first["attributes"]["employeeNumber"].is_string(), "{test}");

    let done = import_now(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["source"], "ldap");
    assert_eq!(app.population(&id).await, 35);

    // The directory goes down: the import fails saying where, and nobody is unassigned.
    directory.stop();
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("LDAP"), "{error}");
    assert!(error.contains(&directory.url()), "{error}");
    assert_eq!(app.population(&id).await, 35);
    let r = app.post(&format!("/api/v1/apps/{id}/source/test")).await;
    let problem = r.problem(502);
    assert!(
        problem["detail"].as_str().unwrap().contains("LDAP"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_wrong_ldap_password_fails_the_import_and_names_the_bind() {
    let directory = Slapd::start_with_people(5);
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    set_source(
        &app,
        &id,
        &ldap_source(&directory.url(), "not-the-password"),
    )
    .await;
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains(ADMIN_DN), "{error}");
    assert_eq!(app.population(&id).await, 0);
}

#[tokio::test]
async fn an_app_reads_its_users_from_a_scim_service_and_a_wrong_token_removes_no_one() {
    let service = ScimServer::start().await;
    for user in scim_server::users(0..12) {
        service.add(&user).await;
    }
    let app = TestApp::new();
    let id = app.create_app("Okta Workforce").await;
    let source = json!({
        "kind": "scim",
        "baseUrl": service.base_url(),
        "bearerToken": scim_server::TOKEN,
        "pageSize": 5,
    });
    let shown = set_source(&app, &id, &source).await;
    assert_eq!(shown["bearerTokenSet"], true);
    assert!(!shown.to_string().contains(scim_server::TOKEN));

    let done = import_now(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["source"], "scim");
    assert_eq!(done["counts"]["scanned"], 12);
    assert_eq!(app.population(&id).await, 12);

    let mut wrong = source.clone();
    wrong["bearerToken"] = json!("not-the-token");
    set_source(&app, &id, &wrong).await;
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(
        failed["error"].as_str().unwrap().contains("401"),
        "{failed}"
    );
    assert_eq!(app.population(&id).await, 12);
}
