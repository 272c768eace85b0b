//! The rule book's worked examples 9 to 14 (version 2, `shared/spec/safeguards.md`), end to end
//! over HTTP, and the bad input of the version 2 settings.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::http::Method;
use serde_json::{Value, json};
use support::{TestApp, cause, logins, ten_apps_of_100};

async fn put_override(app: &TestApp, app_id: &str, body: Value) -> support::Response {
    app.put_json(&format!("/api/v1/apps/{app_id}/safeguard"), &body)
        .await
}

/// Sets the settings with `change` made to what `GET` answers.
async fn change_settings(app: &TestApp, change: impl FnOnce(&mut Value)) -> support::Response {
    let mut settings = app.get("/api/v1/safeguards").await.json();
    change(&mut settings);
    app.put_json("/api/v1/safeguards", &settings).await
}

#[tokio::test]
async fn worked_example_9_an_app_override_of_50_lets_30_through_while_another_app_pauses_at_20() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    let r = put_override(&app, &apps[0], json!({"enabled": true, "percent": 50})).await;
    assert_eq!(r.status, 200, "{}", r.text());

    let a = app.import(&apps[0], &logins("a0-", 30..100)).await;
    assert_eq!(a["status"], "completed", "{a}");
    let b = app.import(&apps[1], &logins("a1-", 30..100)).await;
    assert_eq!(b["status"], "paused");
    assert_eq!(cause(&b)["scope"], "app");
    assert_eq!(cause(&b)["appId"], apps[1].as_str());
    assert_eq!(cause(&b)["limit"], 20);
    assert_eq!(cause(&b)["basis"], "percent");

    let settings = app.get("/api/v1/safeguards").await.json();
    assert_eq!(settings["appOverrides"][0]["appId"], apps[0].as_str());
    assert_eq!(settings["appOverrides"][0]["percent"], 50);
}

#[tokio::test]
async fn worked_example_10_an_org_count_of_50_pauses_51_spread_over_ten_apps() {
    let app = TestApp::new();
    ten_apps_of_100(&app).await;
    // One import reaches all ten apps through deactivations: a profile source listing everyone.
    let hr = app.create_app_with("HR", true, true).await;
    let mut everyone = Vec::new();
    for k in 0..10 {
        everyone.extend(logins(&format!("a{k}-"), 0..100));
    }
    let r = change_settings(&app, |s| {
        s["appLevel"]["enabled"] = json!(false);
        s["orgLevel"] = json!({"enabled": true, "percent": 20, "count": 50});
    })
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let listed = app.import(&hr, &everyone).await;
    assert_eq!(listed["status"], "completed", "{listed}");

    // 51 users gone: 6 from each of the first 5 apps, 5 from each of the next 3, 6 from app 8.
    let mut gone = Vec::new();
    for k in 0..10usize {
        let n = [6, 6, 6, 6, 6, 5, 5, 5, 6, 0][k];
        gone.extend(logins(&format!("a{k}-"), 0..n));
    }
    assert_eq!(gone.len(), 51);
    let kept: Vec<String> = everyone.into_iter().filter(|l| !gone.contains(l)).collect();
    let paused = app.import(&hr, &kept).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    assert_eq!(cause(&paused)["scope"], "org");
    assert_eq!(cause(&paused)["limit"], 50);
    assert_eq!(cause(&paused)["basis"], "count");
}

#[tokio::test]
async fn worked_example_11_a_count_override_checks_an_app_of_40() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    let small = app.create_app("Small").await;
    app.import(&small, &logins("s", 0..40)).await;
    assert_eq!(apps.len(), 10);

    // Without the override an app of 40 is never checked at app level.
    let dry = app.dry_run(&small, &logins("s", 6..40)).await;
    assert_eq!(dry["roadblock"], Value::Null, "{dry}");

    let r = put_override(&app, &small, json!({"enabled": true, "count": 5})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let paused = app.import(&small, &logins("s", 6..40)).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "app");
    assert_eq!(cause(&paused)["limit"], 5);
    assert_eq!(cause(&paused)["basis"], "count");
    assert_eq!(cause(&paused)["unassignments"], 6);
}

#[tokio::test]
async fn worked_example_12_the_deactivation_budget_alone_pauses_eleven_deactivations() {
    let app = TestApp::new();
    ten_apps_of_100(&app).await;
    let p = app.create_profile_source("P").await;
    app.import(&p, &logins("p", 0..1000)).await;
    let r = change_settings(&app, |s| {
        s["deactivations"] = json!({"enabled": true, "percent": null, "count": 10});
    })
    .await;
    assert_eq!(r.status, 200, "{}", r.text());

    let paused = app.import(&p, &logins("p", 11..1000)).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    assert_eq!(cause(&paused)["scope"], "deactivations");
    assert_eq!(cause(&paused)["limit"], 10);
    assert_eq!(cause(&paused)["unassignments"], 11);
    assert_eq!(
        paused["roadblock"]["exceeded"].as_array().unwrap().len(),
        1,
        "no unassignment limit is exceeded"
    );
}

#[tokio::test]
async fn worked_example_13_under_scope_app_a_paused_app_holds_only_its_own_imports() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    let r = change_settings(&app, |s| s["roadblockScope"] = json!("app")).await;
    assert_eq!(r.status, 200, "{}", r.text());

    let a = app.import(&apps[0], &logins("a0-", 50..100)).await;
    assert_eq!(a["status"], "paused");
    let b = app.import(&apps[1], &logins("a1-", 5..100)).await;
    assert_eq!(b["status"], "completed", "another app runs");
    let a_again = app.import(&apps[0], &logins("a0-", 0..100)).await;
    assert_eq!(
        a_again["status"], "queued",
        "the paused app's next import waits"
    );

    let roadblock = app.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["import"]["id"], a["id"]);
    assert_eq!(roadblock["imports"].as_array().unwrap().len(), 1);

    let id = a["id"].as_str().unwrap();
    let resumed = app.post(&format!("/api/v1/imports/{id}/resume")).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text());
    app.until_quiet().await;
    let queued = app.import_view(a_again["id"].as_str().unwrap()).await;
    assert_eq!(queued["status"], "completed", "it ran after the resume");
    assert_eq!(app.population(&apps[0]).await, 100);
}

#[tokio::test]
async fn under_scope_app_two_apps_may_be_paused_and_the_scope_cannot_go_back_to_org_until_one_is_resolved()
 {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    change_settings(&app, |s| s["roadblockScope"] = json!("app")).await;
    let a = app.import(&apps[0], &logins("a0-", 50..100)).await;
    let b = app.import(&apps[1], &logins("a1-", 50..100)).await;
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("paused"), Some("paused"))
    );
    let roadblock = app.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["imports"].as_array().unwrap().len(), 2);

    let refused = change_settings(&app, |s| s["roadblockScope"] = json!("org")).await;
    let problem = refused.problem(409);
    assert!(
        problem["detail"].as_str().unwrap().contains("App 0"),
        "names them: {problem}"
    );
    assert_eq!(
        app.get("/api/v1/safeguards").await.json()["roadblockScope"],
        "app"
    );

    let id = b["id"].as_str().unwrap();
    app.post(&format!("/api/v1/imports/{id}/cancel")).await;
    let r = change_settings(&app, |s| s["roadblockScope"] = json!("org")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let c = app.import(&apps[2], &logins("a2-", 0..100)).await;
    assert_eq!(c["status"], "queued", "scope org: every import waits again");
}

#[tokio::test]
async fn changing_the_scope_to_app_starts_the_other_apps_queued_imports_at_once() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    let a = app.import(&apps[0], &logins("a0-", 50..100)).await;
    assert_eq!(a["status"], "paused");
    let b = app.import(&apps[1], &logins("a1-", 1..100)).await;
    assert_eq!(b["status"], "queued");
    let r = change_settings(&app, |s| s["roadblockScope"] = json!("app")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    app.until_quiet().await;
    let b = app.import_view(b["id"].as_str().unwrap()).await;
    assert_eq!(b["status"], "completed");
    let a = app.import_view(a["id"].as_str().unwrap()).await;
    assert_eq!(a["status"], "paused");
}

/// Example 7's org: HR of 300, Chat and Mail of 100 with h0..h59 in both; 60 users removed.
async fn example_7(app: &TestApp) -> (String, Value) {
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..300)).await;
    let mut members = logins("h", 0..60);
    members.extend(logins("c", 0..40));
    let chat = app.create_app("Chat").await;
    app.import(&chat, &members).await;
    let mail = app.create_app("Mail").await;
    app.import(&mail, &members).await;
    let paused = app.import(&hr, &logins("h", 60..300)).await;
    assert_eq!(paused["status"], "paused");
    (hr, paused)
}

async fn plan_rows(app: &TestApp, import: &Value, kind: &str) -> Vec<Value> {
    let id = import["id"].as_str().unwrap();
    app.get(&format!(
        "/api/v1/imports/{id}/changes?kind={kind}&limit=1000"
    ))
    .await
    .json()
    .as_array()
    .unwrap()
    .clone()
}

#[tokio::test]
async fn worked_example_14_a_resume_that_excludes_ten_users_applies_the_rest_and_marks_theirs_skipped()
 {
    let app = TestApp::new();
    let (_, paused) = example_7(&app).await;
    let deactivations = plan_rows(&app, &paused, "deactivate").await;
    assert_eq!(deactivations.len(), 60);
    let excluded: Vec<Value> = deactivations[..10]
        .iter()
        .map(|c| c["userId"].clone())
        .collect();
    let id = paused["id"].as_str().unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/imports/{id}/resume"),
            &json!({"excludeUserIds": excluded}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "completed");

    let deactivations = plan_rows(&app, &paused, "deactivate").await;
    let skipped: Vec<&Value> = deactivations
        .iter()
        .filter(|c| c["skipped"] == true)
        .collect();
    assert_eq!(skipped.len(), 10);
    let unassignments = plan_rows(&app, &paused, "unassign").await;
    let skipped_unassignments = unassignments
        .iter()
        .filter(|c| c["skipped"] == true)
        .count();
    assert_eq!(skipped_unassignments, 30);
    assert_eq!(unassignments.len() - skipped_unassignments, 150);
    let events = app.events("application.user_membership.remove").await;
    assert_eq!(events.len(), 150, "150 unassignments applied");
    assert_eq!(app.events("user.lifecycle.deactivate").await.len(), 50);
    let resume = &app.events("system.import.roadblock.resume").await[0];
    assert!(
        resume.to_string().contains("excludeUserIds"),
        "the event records what was excluded: {resume}"
    );
}

#[tokio::test]
async fn a_resume_that_skips_deactivations_still_removes_users_from_the_source() {
    let app = TestApp::new();
    let (hr, paused) = example_7(&app).await;
    let id = paused["id"].as_str().unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/imports/{id}/resume"),
            &json!({"skipDeactivations": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(app.events("user.lifecycle.deactivate").await.is_empty());
    assert_eq!(app.population(&hr).await, 240, "removed from HR itself");
    let unassignments = plan_rows(&app, &paused, "unassign").await;
    let applied = unassignments
        .iter()
        .filter(|c| c["skipped"] == false)
        .count();
    assert_eq!(applied, 60, "only HR's own removals");
}

#[tokio::test]
async fn a_resume_naming_a_user_the_plan_does_not_change_is_refused_and_resumes_nothing() {
    let app = TestApp::new();
    let (hr, paused) = example_7(&app).await;
    let id = paused["id"].as_str().unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/imports/{id}/resume"),
            &json!({"excludeUserIds": ["usr_nobody"]}),
        )
        .await;
    let problem = r.problem(422);
    assert_eq!(problem["errors"][0]["field"], "excludeUserIds[0]");
    assert_eq!(app.import_view(id).await["status"], "paused");
    assert_eq!(app.population(&hr).await, 300);
}

#[tokio::test]
async fn bad_version_2_settings_are_refused_naming_the_field_and_change_nothing() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    for (change, field) in [
        (
            json!({"appLevel": {"enabled": true, "percent": 20, "count": -1}}),
            "appLevel.count",
        ),
        (
            json!({"deactivations": {"enabled": true, "percent": null, "count": null}}),
            "deactivations.percent",
        ),
        (json!({"roadblockScope": "team"}), "roadblockScope"),
    ] {
        let r = change_settings(&app, |s| {
            for (k, v) in change.as_object().unwrap() {
                s[k] = v.clone();
            }
        })
        .await;
        let problem = r.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(app.get("/api/v1/safeguards").await.json()["version"], 1);

    let both_null = put_override(
        &app,
        &apps[0],
        json!({"enabled": true, "percent": null, "count": null}),
    )
    .await
    .problem(422);
    assert_eq!(both_null["errors"][0]["field"], "percent");
    let unknown = put_override(&app, "app_nothing", json!({"enabled": true, "count": 3})).await;
    assert_eq!(unknown.status, 404);
    let none = app
        .get(&format!("/api/v1/apps/{}/safeguard", apps[0]))
        .await;
    assert_eq!(none.status, 404, "no override was stored");

    let r = put_override(&app, &apps[0], json!({"enabled": false})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let events = app.events("system.import.safeguard.update").await;
    assert!(events[0].to_string().contains("App 0"), "{}", events[0]);
    let deleted = app
        .send(
            axum::http::Request::builder()
                .method(Method::DELETE)
                .uri(format!("/api/v1/apps/{}/safeguard", apps[0]))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        app.get(&format!("/api/v1/apps/{}/safeguard", apps[0]))
            .await
            .status,
        404
    );
}
