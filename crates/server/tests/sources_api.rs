//! An app's source through the API: settings checked field by field, secrets sealed and never
//! answered, a test read, imports with no body from a file on disk (whole, missing, half
//! written), and schedules that run, skip behind a roadblock, and outlive a restart.
// Tests: a failed step should panic where it happened.
#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use safeguard_rules::AppId;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use support::{TestApp, logins};

fn csv_of(logins: &[String]) -> String {
    let mut csv = String::from("externalId,login,firstName,lastName,department\n");
    for (i, login) in logins.iter().enumerate() {
        csv.push_str(&format!("ext-{login},{login},Test,User{i},Sales\n"));
    }
    csv
}

fn csv_source(path: &Path, every_minutes: Option<u32>) -> Value {
    json!({
        "kind": "csvFile",
        "path": path.display().to_string(),
        "schedule": every_minutes.map(|n| json!({"everyMinutes": n})),
    })
}

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

#[tokio::test]
async fn an_app_takes_uploads_until_its_source_is_set() {
    let app = TestApp::new();
    let id = app.create_app("Zoom").await;
    let r = app.get(&format!("/api/v1/apps/{id}/source")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"kind": "upload", "schedule": null}));
    // No body, no live source: nothing to read.
    let r = app.post(&format!("/api/v1/apps/{id}/imports")).await;
    let problem = r.problem(415);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("PUT /api/v1/apps/"),
        "{problem}"
    );
    let r = app.post(&format!("/api/v1/apps/{id}/source/test")).await;
    r.problem(409);
    let r = app.get("/api/v1/apps/app_nope/source").await;
    r.problem(404);
}

#[tokio::test]
async fn bad_settings_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let r = app
        .put_json(
            &format!("/api/v1/apps/{id}/source"),
            &json!({
                "kind": "ldap",
                "url": "https://dir.example.com",
                "baseDn": "",
                "mapping": {"login": ""},
                "schedule": {"everyMinutes": 0},
            }),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["schedule.everyMinutes", "url", "baseDn", "mapping.login"],
        "{problem}"
    );
    let r = app
        .put_json(
            &format!("/api/v1/apps/{id}/source"),
            &json!({"kind": "csvFile", "path": "relative/hr.csv", "pth": 1}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text());
    let r = app
        .put_json(
            &format!("/api/v1/apps/{id}/source"),
            &json!({"kind": "ftp", "url": "ftp://x"}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text());
    let r = app.get(&format!("/api/v1/apps/{id}/source")).await;
    assert_eq!(r.json()["kind"], "upload");
}

#[tokio::test]
async fn a_password_is_sealed_kept_when_left_out_and_never_answered() {
    let app = TestApp::new();
    let id = app.create_app("Directory").await;
    let password = "correct horse battery staple";
    let ldap = json!({
        "kind": "ldap",
        "url": "ldaps://dir.example.com:636",
        "bindDn": "cn=reader,dc=example,dc=com",
        "password": password,
        "baseDn": "ou=people,dc=example,dc=com",
    });
    let shown = set_source(&app, &id, &ldap).await;
    assert_eq!(shown["passwordSet"], true, "{shown}");
    assert!(shown.get("password").is_none(), "{shown}");
    assert_eq!(shown["filter"], "(objectClass=inetOrgPerson)");
    assert_eq!(shown["pageSize"], 500);
    let read = app.get(&format!("/api/v1/apps/{id}/source")).await.json();
    assert_eq!(read, shown);
    assert!(!read.to_string().contains(password));
    // Not in the database file, nor in the System Log.
    let db = std::fs::read(app.db_path()).unwrap();
    let wal = std::fs::read(app.db_path().with_extension("db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(
            !bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "the password is in the database in clear"
        );
    }
    let events = app.events("system.app.source.update").await;
    assert_eq!(events.len(), 1);
    assert!(!events[0].to_string().contains(password));

    // The console sends the settings back without the password: it stays.
    let mut changed = ldap.clone();
    changed.as_object_mut().unwrap().remove("password");
    changed["pageSize"] = json!(200);
    let shown = set_source(&app, &id, &changed).await;
    assert_eq!(shown["passwordSet"], true, "{shown}");
    assert_eq!(shown["pageSize"], 200);
    // An empty one removes it.
    changed["password"] = json!("");
    let shown = set_source(&app, &id, &changed).await;
    assert_eq!(shown["passwordSet"], false, "{shown}");
}

#[tokio::test]
async fn a_file_source_is_tested_and_imported_with_no_body() {
    let app = TestApp::new();
    let id = app.create_app("Zoom").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoom.csv");
    let people = logins("zoom", 0..12);
    std::fs::write(&path, csv_of(&people)).unwrap();
    set_source(&app, &id, &csv_source(&path, None)).await;

    let r = app.post(&format!("/api/v1/apps/{id}/source/test")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let test = r.json();
    assert_eq!(test["ok"], true);
    assert_eq!(test["users"], 12);
    assert_eq!(test["sample"].as_array().unwrap().len(), 5);
    assert_eq!(test["sample"][0]["login"], people[0]);
    assert_eq!(test["sample"][0]["attributes"]["department"], "Sales");
    assert_eq!(app.population(&id).await, 0, "a test imports nothing");

    let r = app
        .post(&format!("/api/v1/apps/{id}/imports?dryRun=true"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dry = r.json();
    assert_eq!(dry["status"], "simulated");
    assert_eq!(dry["source"], "csvFile");
    assert_eq!(dry["counts"]["assigned"], 12);
    assert_eq!(app.population(&id).await, 0);

    let done = import_now(&app, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["source"], "csvFile");
    assert_eq!(done["trigger"], "api");
    assert_eq!(done["counts"]["scanned"], 12);
    assert_eq!(app.population(&id).await, 12);
    let listed = app.import_view(done["id"].as_str().unwrap()).await;
    assert_eq!(listed["source"], "csvFile");
    assert_eq!(listed["trigger"], "api");
}

#[tokio::test]
async fn a_file_missing_or_half_written_fails_the_import_and_changes_nothing() {
    let app = TestApp::new();
    let id = app.create_app("Zoom").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoom.csv");
    let people = logins("zoom", 0..20);
    std::fs::write(&path, csv_of(&people)).unwrap();
    set_source(&app, &id, &csv_source(&path, None)).await;
    assert_eq!(import_now(&app, &id).await["status"], "completed");
    assert_eq!(app.population(&id).await, 20);

    // Half written: the export job is still at row 3, mid-line.
    let whole = csv_of(&people);
    let cut = whole.lines().take(4).collect::<Vec<_>>().join("\n") + "\next-zoom4@exa";
    std::fs::write(&path, cut).unwrap();
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("zoom.csv"), "{error}");
    assert!(error.contains("middle of a row"), "{error}");
    assert_eq!(app.population(&id).await, 20, "nobody was unassigned");
    assert_eq!(failed["counts"]["unassigned"], 0);

    std::fs::remove_file(&path).unwrap();
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"].as_str().unwrap().contains("does not exist"),
        "{failed}"
    );
    assert_eq!(app.population(&id).await, 20);
    // A dry run answers the problem instead of recording an import.
    let r = app
        .post(&format!("/api/v1/apps/{id}/imports?dryRun=true"))
        .await;
    let problem = r.problem(502);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{problem}"
    );
    let r = app.post(&format!("/api/v1/apps/{id}/source/test")).await;
    r.problem(502);
    let failures = app
        .get("/api/v1/imports?status=failed")
        .await
        .json()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(failures, 2, "each failed read is an import on record");

    // A malformed file (a row with a column too many) fails the same way.
    std::fs::write(&path, format!("{}ext-x,x@example.com,a,b,c,d\n", whole)).unwrap();
    let failed = import_now(&app, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(app.population(&id).await, 20);
}

/// Makes the app's schedule due now, as if its time had come.
fn make_due(app: &TestApp, app_id: &str) {
    let id = AppId(app_id.to_owned());
    app.state
        .pipeline
        .store()
        .writer()
        .transaction(|db| db.set_next_run(&id, "2000-01-01T00:00:00.000Z"))
        .unwrap();
}

async fn wait_for_imports(app: &TestApp, app_id: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let imports = app
            .get(&format!("/api/v1/imports?appId={app_id}"))
            .await
            .json();
        let imports = imports.as_array().unwrap().clone();
        if imports.len() >= count {
            return imports;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the app did not reach {count} imports within 5 s");
}

fn quick_schedules() -> support::Builder {
    TestApp::builder().config(|c| c.schedule_poll = Duration::from_millis(20))
}

#[tokio::test]
async fn a_schedule_imports_when_due_and_sets_the_next_run() {
    let app = quick_schedules().build();
    let id = app.create_app("Zoom").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoom.csv");
    std::fs::write(&path, csv_of(&logins("zoom", 0..5))).unwrap();
    let shown = set_source(&app, &id, &csv_source(&path, Some(30))).await;
    assert_eq!(shown["schedule"]["everyMinutes"], 30);
    // Not due for 30 minutes: nothing runs yet.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.population(&id).await, 0);

    make_due(&app, &id);
    let imports = wait_for_imports(&app, &id, 1).await;
    assert_eq!(imports[0]["trigger"], "schedule");
    assert_eq!(imports[0]["source"], "csvFile");
    app.until_quiet().await;
    assert_eq!(app.population(&id).await, 5);
    // Once: the next run is half an hour away.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let imports = wait_for_imports(&app, &id, 1).await;
    assert_eq!(imports.len(), 1);
}

#[tokio::test]
async fn behind_a_roadblock_an_app_has_one_scheduled_import_queued_at_most() {
    let app = quick_schedules().build();
    let workday = app.create_profile_source("Workday").await;
    let zoom = app.create_app("Zoom").await;
    app.import(&workday, &logins("w", 0..100)).await;
    let paused = app.import(&workday, &logins("w", 0..50)).await;
    assert_eq!(paused["status"], "paused");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoom.csv");
    std::fs::write(&path, csv_of(&logins("w", 0..10))).unwrap();
    set_source(&app, &zoom, &csv_source(&path, Some(5))).await;
    make_due(&app, &zoom);
    let imports = wait_for_imports(&app, &zoom, 1).await;
    assert_eq!(imports[0]["status"], "queued");
    assert_eq!(imports[0]["trigger"], "schedule");

    // Due again while it waits: skipped, and the skip is logged.
    make_due(&app, &zoom);
    for _ in 0..200 {
        if !app.events("system.import.schedule.skip").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let skips = app.events("system.import.schedule.skip").await;
    assert_eq!(skips.len(), 1, "{skips:?}");
    assert_eq!(
        skips[0]["debugContext"]["debugData"]["queuedImportId"],
        imports[0]["id"]
    );
    let imports = wait_for_imports(&app, &zoom, 1).await;
    assert_eq!(imports.len(), 1, "still one queued import: {imports:?}");

    // An import started by hand still queues beside it: the limit is on the schedule only.
    let manual = import_now(&app, &zoom).await;
    assert_eq!(manual["status"], "queued");
}

#[tokio::test]
async fn a_run_missed_while_the_server_was_down_starts_once_after_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zoom.csv");
    std::fs::write(&path, csv_of(&logins("zoom", 0..3))).unwrap();
    let first = quick_schedules()
        .config(|c| c.schedule_poll = Duration::from_secs(3600))
        .build();
    let id = first.create_app("Zoom").await;
    set_source(&first, &id, &csv_source(&path, Some(60))).await;
    // The server stops; its run comes due while it is down.
    make_due(&first, &id);
    let db_dir = first.stop().await;
    let again = quick_schedules().build_in(db_dir);
    let imports = wait_for_imports(&again, &id, 1).await;
    assert_eq!(imports[0]["trigger"], "schedule");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(wait_for_imports(&again, &id, 1).await.len(), 1, "once");
    let source = again.get(&format!("/api/v1/apps/{id}/source")).await.json();
    assert_eq!(
        source["schedule"]["everyMinutes"], 60,
        "kept across the restart"
    );
}
