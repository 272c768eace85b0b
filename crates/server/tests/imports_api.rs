//! Imports over HTTP: JSON and CSV snapshots, dry runs, the stored plan and its download, the
//! lists and their filters, large plans answered `running`, and every bad input refused with
//! a problem that changes nothing.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::http::Method;
use serde_json::{Value, json};
use support::{TestApp, logins, snapshot_user};

async fn nothing_changed(app: &TestApp, app_id: &str, population: u64) {
    assert_eq!(app.population(app_id).await, population);
    let imports = app
        .get(&format!("/api/v1/imports?appId={app_id}"))
        .await
        .json();
    assert!(
        imports.as_array().unwrap().len() <= 1,
        "no import was stored: {imports}"
    );
}

#[tokio::test]
async fn a_csv_import_creates_assigns_and_matches_logins_without_regard_to_case() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let csv = "externalId,login,firstName,lastName,email,department\n\
               1,Ada@Example.com,Ada,Lovelace,ada@example.com,Engineering\n\
               2,alan@example.com,Alan,Turing,,Research\n";
    let r = app
        .send_body(
            Method::POST,
            &format!("/api/v1/apps/{id}/imports"),
            "text/csv; charset=utf-8",
            csv,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let import = r.json();
    assert_eq!(
        r.header("location").unwrap(),
        format!("/api/v1/imports/{}", import["id"].as_str().unwrap())
    );
    assert_eq!(import["status"], "completed");
    assert_eq!(
        import["counts"],
        json!({"scanned": 2, "created": 2, "updated": 0, "unchanged": 0, "assigned": 2, "unassigned": 0, "deactivated": 0, "reactivated": 0})
    );
    let users = app.get(&format!("/api/v1/apps/{id}/users")).await.json();
    let ada = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == "Ada@Example.com")
        .unwrap();
    assert_eq!(ada["attributes"]["department"], "Engineering");
    assert_eq!(ada["firstName"], "Ada");

    // The same people in another app, logins in other case: matched, not created again.
    let other = app.create_app("Chat").await;
    let again = app
        .import(
            &other,
            &["ada@example.com".to_owned(), "ALAN@EXAMPLE.COM".to_owned()],
        )
        .await;
    assert_eq!(again["counts"]["created"], 0);
    assert_eq!(again["counts"]["assigned"], 2);
}

#[tokio::test]
async fn a_dry_run_plans_and_checks_but_stores_and_changes_nothing() {
    let app = TestApp::new();
    let id = app.create_app("Slack").await;
    app.import(&id, &logins("u", 0..100)).await;
    let simulated = app.dry_run(&id, &logins("u", 0..50)).await;
    assert_eq!(simulated["status"], "simulated");
    assert_eq!(simulated["roadblock"]["cause"]["scope"], "app");
    assert_eq!(simulated["counts"]["unassigned"], 50);
    // A dry run's plan is not stored, so its answer names who would lose access.
    let affected = simulated["affected"].as_array().unwrap();
    assert_eq!(affected.len(), 50);
    assert!(
        affected
            .iter()
            .all(|r| r["kind"] == "unassign" && r["cause"] == "removedFromSource")
    );
    let named: std::collections::BTreeSet<&str> = affected
        .iter()
        .map(|r| r["login"].as_str().unwrap())
        .collect();
    for kept in logins("u", 0..50) {
        assert!(!named.contains(kept.as_str()), "{kept} stays");
    }
    for removed in logins("u", 50..100) {
        assert!(named.contains(removed.as_str()), "{removed} is named");
    }
    assert_eq!(app.population(&id).await, 100);
    app.get(&format!(
        "/api/v1/imports/{}",
        simulated["id"].as_str().unwrap()
    ))
    .await
    .problem(404);
    assert_eq!(
        app.get("/api/v1/roadblock").await.json(),
        json!({"active": false})
    );
    assert_eq!(
        app.get("/api/v1/imports")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.send_body(
        Method::POST,
        &format!("/api/v1/apps/{id}/imports?dryRun=maybe"),
        "application/json",
        "{\"users\": []}",
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn the_plan_is_listed_filtered_paginated_and_downloadable_as_csv() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..10)).await;
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("h", 0..10)).await;
    // Two leave HR (deactivated, unassigned from HR and Chat), one joins.
    let mut staff = logins("h", 2..10);
    staff.push("new@example.com".to_owned());
    let import = app.import(&hr, &staff).await;
    assert_eq!(import["status"], "completed", "{import}");
    let id = import["id"].as_str().unwrap();

    let all = app
        .get(&format!("/api/v1/imports/{id}/changes?limit=1000"))
        .await
        .json();
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "create").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "deactivate").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "unassign").count(), 4);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|c| c["userId"].as_str().unwrap().starts_with("usr_")),
        "every change names its user"
    );

    let chat_only = app
        .get(&format!(
            "/api/v1/imports/{id}/changes?kind=unassign&appId={chat}"
        ))
        .await
        .json();
    assert_eq!(chat_only.as_array().unwrap().len(), 2);
    assert!(
        chat_only
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["cause"] == "deactivated" && c["appName"] == "Chat")
    );

    let page = app
        .get(&format!("/api/v1/imports/{id}/changes?limit=3"))
        .await;
    assert_eq!(page.json().as_array().unwrap().len(), 3);
    let next = page.next_link().expect("more remain");
    let rest = app.get(&next).await;
    assert_eq!(rest.json().as_array().unwrap().len(), 3);
    assert_eq!(rest.json()[0], all[3]);

    let csv = app
        .get_with(
            &format!("/api/v1/imports/{id}/changes?kind=unassign"),
            "text/csv",
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "kind,userId,login,appId,appName,cause,skipped");
    assert_eq!(lines.len(), 5);
    assert!(lines[1].starts_with("unassign,usr_"));
    let via_query = app
        .get(&format!(
            "/api/v1/imports/{id}/changes?kind=unassign&format=csv"
        ))
        .await;
    assert_eq!(via_query.text(), text);

    app.get(&format!("/api/v1/imports/{id}/changes?kind=remove"))
        .await
        .problem(400);
    app.get(&format!("/api/v1/imports/{id}/changes?limit=5000"))
        .await
        .problem(400);
    app.get("/api/v1/imports/imp_nope/changes")
        .await
        .problem(404);
}

#[tokio::test]
async fn imports_are_listed_newest_first_with_status_and_app_filters() {
    let app = TestApp::new();
    let a = app.create_app("A").await;
    let b = app.create_app("B").await;
    let first = app.import(&a, &logins("a", 0..100)).await;
    let second = app.import(&b, &logins("b", 0..3)).await;
    let paused = app.import(&a, &logins("a", 0..10)).await;
    assert_eq!(paused["status"], "paused");

    let list = app.get("/api/v1/imports").await.json();
    let ids: Vec<&Value> = list.as_array().unwrap().iter().map(|i| &i["id"]).collect();
    assert_eq!(ids, [&paused["id"], &second["id"], &first["id"]]);
    let of_a = app.get(&format!("/api/v1/imports?appId={a}")).await.json();
    assert_eq!(of_a.as_array().unwrap().len(), 2);
    let only_paused = app.get("/api/v1/imports?status=paused").await.json();
    assert_eq!(only_paused.as_array().unwrap().len(), 1);
    assert_eq!(only_paused[0]["appName"], "A");

    let page = app.get("/api/v1/imports?limit=2").await;
    assert_eq!(page.json().as_array().unwrap().len(), 2);
    let next = page.next_link().unwrap();
    assert!(next.starts_with("/api/v1/imports?limit=2&after="));
    let last = app.get(&next).await;
    assert_eq!(last.json()[0]["id"], first["id"]);
    assert!(last.next_link().is_none());

    app.get("/api/v1/imports?status=done").await.problem(400);
    app.get("/api/v1/imports?limit=-1").await.problem(400);
    app.get("/api/v1/imports/imp_unknown").await.problem(404);
}

#[tokio::test]
async fn a_plan_over_the_background_threshold_answers_running_then_completes() {
    let app = TestApp::builder().background_above(10).build();
    let id = app.create_app("Big").await;
    let import = app.import(&id, &logins("u", 0..40)).await;
    assert_eq!(import["status"], "running");
    app.until_quiet().await;
    let done = app.import_view(import["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed");
    assert!(done["finishedAt"].is_string());
    assert_eq!(app.population(&id).await, 40);
}

#[tokio::test]
async fn malformed_json_snapshots_are_400_with_line_and_column() {
    let app = TestApp::new();
    let id = app.create_app("A").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let r = app
        .send_body(
            Method::POST,
            &path,
            "application/json",
            "{\"users\": [\n {\"login\": }\n]}",
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
            Method::POST,
            &path,
            "application/json",
            "{\"users\": [{\"login\": \"a\"}]}",
        )
        .await;
    assert!(
        r.problem(400)["detail"]
            .as_str()
            .unwrap()
            .contains("externalId")
    );
    let r = app
        .send_body(
            Method::POST,
            &path,
            "application/json",
            &b"{\"users\": [{\"externalId\": \"1\", \"login\": \"\xff\"}]}"[..],
        )
        .await;
    assert!(r.problem(400)["detail"].as_str().unwrap().contains("UTF-8"));
    nothing_changed(&app, &id, 0).await;
}

#[tokio::test]
async fn empty_or_repeated_ids_are_422_naming_each_place() {
    let app = TestApp::new();
    let id = app.create_app("A").await;
    let users = vec![
        snapshot_user("a@example.com", &[]),
        snapshot_user("A@EXAMPLE.COM", &[]),
        json!({"externalId": "", "login": "c@example.com"}),
    ];
    let r = app
        .post_json(
            &format!("/api/v1/apps/{id}/imports"),
            &json!({"users": users}),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["users[1].login", "users[2].externalId"]);

    let csv = "externalId,login\n1,a@x\n1,b@x\n";
    let r = app
        .send_body(
            Method::POST,
            &format!("/api/v1/apps/{id}/imports"),
            "text/csv",
            csv,
        )
        .await;
    let problem = r.problem(422);
    assert_eq!(problem["errors"][0]["field"], "row 3, column externalId");
    nothing_changed(&app, &id, 0).await;
}

#[tokio::test]
async fn malformed_csv_is_400_naming_row_and_column() {
    let app = TestApp::new();
    let id = app.create_app("A").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let short = app
        .send_body(
            Method::POST,
            &path,
            "text/csv",
            "externalId,login\n1,a@x\n2\n",
        )
        .await;
    assert_eq!(short.problem(400)["errors"][0]["field"], "row 3");
    let missing = app
        .send_body(Method::POST, &path, "text/csv", "externalId,email\n1,a@x\n")
        .await;
    assert!(
        missing.problem(400)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("\"login\"")
    );
    let utf8 = app
        .send_body(
            Method::POST,
            &path,
            "text/csv",
            &b"externalId,login\n1,a\xff@x\n"[..],
        )
        .await;
    let problem = utf8.problem(400);
    assert_eq!(problem["errors"][0]["field"], "row 2, column login");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    nothing_changed(&app, &id, 0).await;
}

#[tokio::test]
async fn other_content_types_are_415_unknown_apps_404_and_large_bodies_413() {
    let app = TestApp::builder().max_body_bytes(1024).build();
    let id = app.create_app("A").await;
    let path = format!("/api/v1/apps/{id}/imports");
    app.send_body(Method::POST, &path, "text/plain", "externalId,login\n")
        .await
        .problem(415);
    app.send_body(
        Method::POST,
        "/api/v1/apps/app_nope/imports",
        "text/csv",
        "externalId,login\n",
    )
    .await
    .problem(404);
    let big = format!("externalId,login\n{}", "1,a@example.com\n".repeat(200));
    let problem = app
        .send_body(Method::POST, &path, "text/csv", big)
        .await
        .problem(413);
    assert!(problem["detail"].as_str().unwrap().contains("1024 bytes"));
    nothing_changed(&app, &id, 0).await;
}

/// Rows of a CSV file for users `range` of the population, about 100 bytes each.
fn directory_rows(range: std::ops::Range<usize>, department: &str) -> String {
    range
        .map(|n| {
            format!(
                "00u{n:010},person{n:06}@example.com,First{n},Last{n},person{n:06}@example.com,{department},Staff\n"
            )
        })
        .collect()
}

const DIRECTORY_HEADER: &str = "externalId,login,firstName,lastName,email,department,title\n";

#[tokio::test]
async fn a_csv_file_over_a_mebibyte_is_read_in_parts_and_planned_as_a_small_one_would_be() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let path = format!("/api/v1/apps/{id}/imports");
    let first = format!("{DIRECTORY_HEADER}{}", directory_rows(0..12_000, "Sales"));
    assert!(first.len() > 1 << 20, "a file the server reads in parts");
    let r = app.send_body(Method::POST, &path, "text/csv", first).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["counts"]["created"], 12_000);

    // Every tenth user gone, the first thousand moved to Support, 500 new hires at the end.
    let mut next = String::from(DIRECTORY_HEADER);
    next.push_str(&directory_rows(0..1_000, "Support"));
    for n in 1_000..12_000 {
        if n % 10 != 9 {
            next.push_str(&directory_rows(n..n + 1, "Sales"));
        }
    }
    next.push_str(&directory_rows(12_000..12_500, "Sales"));
    let expected = json!({"scanned": 11_400, "created": 500, "updated": 1_000,
        "unchanged": 9_900, "assigned": 500, "unassigned": 1_100, "deactivated": 0, "reactivated": 0});

    let dry = app
        .send_body(
            Method::POST,
            &format!("{path}?dryRun=true"),
            "text/csv",
            next.clone(),
        )
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    assert_eq!(dry.json()["counts"], expected);

    // The same file with one login repeated at its very end: refused, row and column named.
    let mut repeated = next.clone();
    repeated.push_str("00u-again,PERSON000005@example.com,A,B,,Sales,Staff\n");
    let refused = app
        .send_body(Method::POST, &path, "text/csv", repeated)
        .await;
    let problem = refused.problem(422);
    assert_eq!(problem["errors"][0]["field"], "row 11402, column login");
    assert_eq!(app.population(&id).await, 12_000, "nothing changed");

    let r = app.send_body(Method::POST, &path, "text/csv", next).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let import = r.json();
    assert_eq!(import["status"], "completed");
    assert_eq!(import["counts"], expected);
    assert_eq!(app.population(&id).await, 11_400);
}
