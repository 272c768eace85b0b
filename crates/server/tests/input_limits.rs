//! Every input is bounded (`crates/server/src/limits.rs`): a request over a limit is refused
//! with a problem that names the limit and its value, and changes nothing. A value exactly at
//! its limit is accepted.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{TestApp, encode, snapshot_user};

/// The problem's detail and every error message, as one text to look for a limit in.
fn said(problem: &Value) -> String {
    let mut text = problem["detail"].as_str().unwrap().to_owned();
    for error in problem["errors"].as_array().unwrap() {
        text.push_str(&format!(
            " | {}: {}",
            error["field"].as_str().unwrap(),
            error["message"].as_str().unwrap()
        ));
    }
    text
}

/// No import was stored and the app has no users.
async fn nothing_imported(app: &TestApp, app_id: &str) {
    assert_eq!(app.population(app_id).await, 0);
    let imports = app.get("/api/v1/imports").await.json();
    assert_eq!(imports.as_array().unwrap().len(), 0, "{imports}");
}

fn csv_users(n: usize) -> String {
    let mut csv = String::from("externalId,login\n");
    for i in 0..n {
        csv.push_str(&format!("{i},user{i}@example.com\n"));
    }
    csv
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_naming_max_body_bytes() {
    let app = TestApp::builder().max_body_bytes(100).build();
    let name = "n".repeat(200);
    let r = app
        .post_json("/api/v1/apps", &json!({ "name": name }))
        .await;
    let text = said(&r.problem(413));
    assert!(
        text.contains("100 bytes") && text.contains("--max-body-bytes"),
        "{text}"
    );
    assert_eq!(app.get("/api/v1/apps").await.json(), json!([]));
}

#[tokio::test]
async fn a_snapshot_over_the_row_limit_is_413_as_csv_and_as_json() {
    let app = TestApp::builder().max_snapshot_rows(10).build();
    let id = app.create_app("Directory").await;
    let path = format!("/api/v1/apps/{id}/imports");

    let csv = app
        .send_body(Method::POST, &path, "text/csv", csv_users(11))
        .await;
    let problem = csv.problem(413);
    let text = said(&problem);
    assert!(
        text.contains("more than 10 users") && text.contains("--max-snapshot-rows"),
        "{text}"
    );
    // The first row past the limit: the header is row 1, so user 11 is on row 12.
    assert_eq!(problem["errors"][0]["field"], "row 12");

    let users: Vec<Value> = (0..11)
        .map(|i| snapshot_user(&format!("u{i}@x"), &[]))
        .collect();
    let problem = app
        .post_json(&path, &json!({ "users": users }))
        .await
        .problem(413);
    let text = said(&problem);
    assert!(text.contains("more than 10 users"), "{text}");
    assert_eq!(problem["errors"][0]["field"], "users[10]");
    nothing_imported(&app, &id).await;

    // At the limit exactly, the import goes through.
    let r = app
        .send_body(Method::POST, &path, "text/csv", csv_users(10))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(app.population(&id).await, 10);
}

#[tokio::test]
async fn a_csv_with_more_than_200_columns_is_413() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let header = |attributes: usize| {
        let mut names = vec!["externalId".to_owned(), "login".to_owned()];
        names.extend((0..attributes).map(|i| format!("a{i}")));
        names
    };
    let wide = format!("{}\n", header(199).join(","));
    let problem = app
        .send_body(Method::POST, &path, "text/csv", wide)
        .await
        .problem(413);
    let text = said(&problem);
    assert!(
        text.contains("201 columns") && text.contains("at most 200"),
        "{text}"
    );
    nothing_imported(&app, &id).await;

    let widest = format!("{}\n1,a@x{}\n", header(198).join(","), ",v".repeat(198));
    let r = app.send_body(Method::POST, &path, "text/csv", widest).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn snapshot_fields_over_their_length_are_422_naming_field_and_limit() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let long = |n: usize| "x".repeat(n);
    let mut user = snapshot_user("ok@example.com", &[]);
    user["login"] = json!(format!("{}@x", long(255)));
    user["email"] = json!(long(257));
    user["attributes"] = json!({ long(129): "v", "title": long(1025) });
    let problem = app
        .post_json(&path, &json!({ "users": [user] }))
        .await
        .problem(422);
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let message = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f.starts_with(field))
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))
    };
    assert!(message("users[0].login").contains("256 characters"));
    assert!(message("users[0].email").contains("256 characters"));
    assert!(message("users[0].attributes.xxx").contains("128 characters"));
    assert!(message("users[0].attributes.title").contains("1024 characters"));
    assert_eq!(errors.len(), 4, "{errors:?}");
    nothing_imported(&app, &id).await;

    // Characters are counted, not bytes: 128 two-byte characters are within a name's limit.
    let mut at_limit = snapshot_user("ok@example.com", &[("title", &"é".repeat(1024))]);
    at_limit["firstName"] = json!("é".repeat(128));
    at_limit["email"] = json!("é".repeat(256));
    let r = app.post_json(&path, &json!({ "users": [at_limit] })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn csv_cells_and_column_names_over_their_length_are_422() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let long_name = format!("externalId,login,{}\n1,a@x,v\n", "c".repeat(129));
    let problem = app
        .send_body(Method::POST, &path, "text/csv", long_name)
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "row 1, column 3");
    assert!(said(&problem).contains("128 characters"));

    // Names are held to 128 characters, the other fields to 256.
    let long_cell = format!("externalId,login,lastName\n1,a@x,{}\n", "l".repeat(129));
    let problem = app
        .send_body(Method::POST, &path, "text/csv", long_cell)
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "row 2, column lastName");
    assert!(said(&problem).contains("128 characters"));
    let long_email = format!("externalId,login,email\n1,a@x,{}\n", "e".repeat(257));
    let problem = app
        .send_body(Method::POST, &path, "text/csv", long_email)
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "row 2, column email");
    assert!(said(&problem).contains("256 characters"));
    nothing_imported(&app, &id).await;
}

#[tokio::test]
async fn a_user_with_more_than_198_attributes_is_422() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let names: Vec<String> = (0..199).map(|i| format!("a{i}")).collect();
    let attributes: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    let user = snapshot_user("many@example.com", &attributes);
    let problem = app
        .post_json(
            &format!("/api/v1/apps/{id}/imports"),
            &json!({ "users": [user] }),
        )
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "users[0].attributes");
    assert!(said(&problem).contains("has 199 attributes; a user may have at most 198"));
    nothing_imported(&app, &id).await;
}

#[tokio::test]
async fn app_names_over_200_characters_are_422() {
    let app = TestApp::new();
    let problem = app
        .post_json("/api/v1/apps", &json!({ "name": "a".repeat(201) }))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "name");
    assert!(said(&problem).contains("200 characters"));
    assert_eq!(app.get("/api/v1/apps").await.json(), json!([]));
    app.create_app(&"a".repeat(200)).await;
}

#[tokio::test]
async fn group_rule_fields_and_app_lists_are_bounded() {
    let app = TestApp::new();
    let id = app.create_app("Sales tools").await;
    let problem = app
        .post_json(
            "/api/v1/group-rules",
            &json!({
                "name": "n".repeat(201),
                "attribute": "a".repeat(129),
                "equals": "e".repeat(1025),
                "appIds": [id],
            }),
        )
        .await
        .problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "attribute", "equals"]);
    let text = said(&problem);
    for limit in ["200 characters", "128 characters", "1024 characters"] {
        assert!(text.contains(limit), "{limit}: {text}");
    }

    let many: Vec<String> = (0..101).map(|_| id.clone()).collect();
    let problem = app
        .post_json(
            "/api/v1/group-rules",
            &json!({ "name": "Sales", "attribute": "department", "equals": "Sales", "appIds": many }),
        )
        .await
        .problem(422);
    assert!(said(&problem).contains("names 101 apps; a group rule may name at most 100"));
    assert_eq!(app.get("/api/v1/group-rules").await.json(), json!([]));
}

#[tokio::test]
async fn filters_over_4096_bytes_or_32_levels_are_400_naming_the_limit() {
    let app = TestApp::new();
    let long = format!("eventType eq \"{}\"", "x".repeat(4096));
    let problem = app
        .get(&format!("/api/v1/logs?filter={}", encode(&long)))
        .await
        .problem(400);
    assert_eq!(problem["errors"][0]["field"], "filter");
    let text = said(&problem);
    assert!(text.contains("too long") && text.contains("4096"), "{text}");

    let deep = format!("{}eventType pr{}", "(".repeat(33), ")".repeat(33));
    let problem = app
        .get(&format!("/api/v1/logs?filter={}", encode(&deep)))
        .await
        .problem(400);
    let text = said(&problem);
    assert!(
        text.contains("nested too deeply") && text.contains("32 levels"),
        "{text}"
    );
    // Within both limits, the same shape parses.
    let ok = format!("{}eventType pr{}", "(".repeat(32), ")".repeat(32));
    let r = app
        .get(&format!("/api/v1/logs?filter={}", encode(&ok)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn a_page_larger_than_1000_is_400_naming_the_limit() {
    let app = TestApp::new();
    for path in [
        "/api/v1/apps",
        "/api/v1/imports",
        "/api/v1/logs",
        "/api/v1/group-rules",
    ] {
        let problem = app.get(&format!("{path}?limit=1001")).await.problem(400);
        assert_eq!(problem["errors"][0]["field"], "limit", "{path}");
        assert!(said(&problem).contains("from 1 to 1000"), "{path}");
        let r = app.get(&format!("{path}?limit=1000")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
}
