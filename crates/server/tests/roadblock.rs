//! The roadblock: a paused import holds every other import in a queue until it is resumed or
//! cancelled, once; the queue then drains oldest first, each import planned and checked anew.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::http::Method;
use serde_json::Value;
use support::{TestApp, logins};

struct Org {
    hr: String,
    chat: String,
    wiki: String,
    mail: String,
}

/// Four apps of 100 users; HR's users are in Chat too.
async fn org(app: &TestApp) -> Org {
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..100)).await;
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("h", 0..100)).await;
    let wiki = app.create_app("Wiki").await;
    app.import(&wiki, &logins("w", 0..100)).await;
    let mail = app.create_app("Mail").await;
    app.import(&mail, &logins("m", 0..100)).await;
    Org {
        hr,
        chat,
        wiki,
        mail,
    }
}

/// HR drops 30 of its 100 users: 30 deactivations, 60 unassignments; paused at app level.
async fn pause(app: &TestApp, org: &Org) -> String {
    let paused = app.import(&org.hr, &logins("h", 30..100)).await;
    assert_eq!(paused["status"], "paused");
    paused["id"].as_str().unwrap().to_owned()
}

fn id(import: &Value) -> String {
    import["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn imports_started_under_a_roadblock_are_queued_and_change_nothing() {
    let app = TestApp::new();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;

    let queued = app.import(&org.wiki, &logins("w", 0..50)).await;
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["startedAt"], Value::Null);
    assert_eq!(queued["counts"]["scanned"], 50);
    // What it is expected to do, planned against the org as it is while it waits, so the
    // Safeguards preview can judge it: 50 of Wiki's 100 users would go.
    assert_eq!(queued["counts"]["unassigned"], 50);
    assert_eq!(queued["impact"]["apps"][0]["appName"], "Wiki");
    assert_eq!(queued["impact"]["apps"][0]["unassignments"], 50);
    assert_eq!(queued["impact"]["apps"][0]["population"], 100);
    assert_eq!(
        app.population(&org.wiki).await,
        100,
        "a queued import changes nothing"
    );

    let roadblock = app.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["active"], true);
    assert_eq!(roadblock["import"]["id"], paused.as_str());
    assert_eq!(roadblock["queued"], 1);

    // A dry run under a roadblock is neither queued nor stored.
    let simulated = app.dry_run(&org.mail, &logins("m", 0..99)).await;
    assert_eq!(simulated["status"], "simulated");
    assert_eq!(app.get("/api/v1/roadblock").await.json()["queued"], 1);
    let listed = app.get("/api/v1/imports?status=simulated").await.json();
    assert_eq!(listed.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn resume_applies_the_plan_as_planned_then_drains_the_queue_oldest_first() {
    let app = TestApp::new();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;
    let first = id(&app.import(&org.wiki, &logins("w", 0..95)).await);
    let second = id(&app.import(&org.mail, &logins("m", 0..97)).await);
    // Chat's source still lists h0..h29; queued, it is planned after HR's deactivations.
    let third = id(&app.import(&org.chat, &logins("h", 30..100)).await);

    let resumed = app.post(&format!("/api/v1/imports/{paused}/resume")).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text());
    let resumed = resumed.json();
    assert_eq!(resumed["status"], "completed");
    assert_eq!(resumed["resolvedBy"]["action"], "resume");
    assert_eq!(resumed["resolvedBy"]["by"], "SAFEGUARD_ADMIN_TOKEN");
    assert!(resumed["resolvedBy"]["at"].is_string());
    assert_eq!(app.population(&org.hr).await, 70);
    assert_eq!(
        app.population(&org.chat).await,
        70,
        "deactivated users lost Chat too"
    );
    app.until_quiet().await;

    let views = [
        app.import_view(&first).await,
        app.import_view(&second).await,
        app.import_view(&third).await,
    ];
    for view in &views {
        assert_eq!(view["status"], "completed", "{view}");
    }
    let started: Vec<&str> = views
        .iter()
        .map(|v| v["startedAt"].as_str().unwrap())
        .collect();
    assert!(
        started[0] <= started[1] && started[1] <= started[2],
        "oldest first: {started:?}"
    );
    // Planned against the org as it was then: Chat had nothing left to remove.
    assert_eq!(views[2]["counts"]["unassigned"], 0);
    assert_eq!(app.population(&org.wiki).await, 95);
    assert_eq!(app.population(&org.mail).await, 97);
    assert_eq!(app.get("/api/v1/roadblock").await.json()["active"], false);

    // The log tells it in order: the resume, then each queued import starting.
    let starts: Vec<String> = app
        .events("system.import.start")
        .await
        .iter()
        .take(3)
        .map(|e| {
            e["debugContext"]["debugData"]["importId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(starts, [third.clone(), second.clone(), first.clone()]);
    assert_eq!(app.events("system.import.roadblock.resume").await.len(), 1);
    assert_eq!(app.events("user.lifecycle.deactivate").await.len(), 30);
}

/// A CSV file of these logins, with the profiles `snapshot_user` gives.
fn csv_of(logins: &[String]) -> String {
    let mut csv = String::from("externalId,login,firstName,lastName\n");
    for login in logins {
        csv.push_str(&format!("ext-{login},{login},Test,{login}\n"));
    }
    csv
}

#[tokio::test]
async fn a_csv_file_queued_behind_a_roadblock_is_kept_and_a_bad_one_is_refused_unqueued() {
    let app = TestApp::new();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;
    let path = format!("/api/v1/apps/{}/imports", org.wiki);

    // A CSV file is read while it is planned; under a roadblock it is read to be kept, and a
    // file that cannot be imported is refused there, before anything is queued.
    let mut bad = csv_of(&logins("w", 0..95));
    bad.push_str("ext-again,W3@EXAMPLE.COM,Test,again\n");
    let refused = app.send_body(Method::POST, &path, "text/csv", bad).await;
    assert_eq!(
        refused.problem(422)["errors"][0]["field"],
        "row 97, column login"
    );
    assert_eq!(app.get("/api/v1/roadblock").await.json()["queued"], 0);

    let queued = app
        .send_body(Method::POST, &path, "text/csv", csv_of(&logins("w", 0..95)))
        .await;
    assert_eq!(queued.status, 201, "{}", queued.text());
    let queued = queued.json();
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["counts"]["scanned"], 95);
    assert_eq!(queued["counts"]["unassigned"], 5);
    assert_eq!(
        queued["counts"]["unchanged"], 95,
        "the same profiles as the JSON import"
    );

    let resumed = app.post(&format!("/api/v1/imports/{paused}/resume")).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text());
    app.until_quiet().await;
    let done = app.import_view(&id(&queued)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(app.population(&org.wiki).await, 95);
}

#[tokio::test]
async fn cancel_applies_nothing_then_drains_and_a_queued_import_can_pause_again() {
    let app = TestApp::new();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;
    let first = id(&app.import(&org.wiki, &logins("w", 0..99)).await);
    // This one removes 50 of Mail's 100: it pauses when its turn comes.
    let second = id(&app.import(&org.mail, &logins("m", 0..50)).await);
    let third = id(&app.import(&org.wiki, &logins("w", 0..98)).await);

    let cancelled = app.post(&format!("/api/v1/imports/{paused}/cancel")).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    let cancelled = cancelled.json();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["resolvedBy"]["action"], "cancel");
    assert!(cancelled["finishedAt"].is_string());
    assert_eq!(
        app.population(&org.hr).await,
        100,
        "nothing of a cancelled import applied"
    );
    assert_eq!(app.population(&org.chat).await, 100);
    app.until_quiet().await;

    assert_eq!(app.import_view(&first).await["status"], "completed");
    assert_eq!(app.import_view(&second).await["status"], "paused");
    assert_eq!(
        app.import_view(&third).await["status"],
        "queued",
        "behind a new roadblock"
    );
    let roadblock = app.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["import"]["id"], second.as_str());
    assert_eq!(roadblock["queued"], 1);
    assert_eq!(app.events("system.import.roadblock.cancel").await.len(), 1);
    assert_eq!(app.events("system.import.roadblock").await.len(), 2);
}

#[tokio::test]
async fn resume_or_cancel_of_an_import_that_is_not_paused_is_a_conflict() {
    let app = TestApp::new();
    let org = org(&app).await;
    let completed = app.import(&org.wiki, &logins("w", 0..100)).await;
    let r = app
        .post(&format!("/api/v1/imports/{}/resume", id(&completed)))
        .await;
    let problem = r.problem(409);
    assert_eq!(problem["type"], "/problems/not-paused");
    assert!(problem["detail"].as_str().unwrap().contains("completed"));

    let paused = pause(&app, &org).await;
    assert_eq!(
        app.post(&format!("/api/v1/imports/{paused}/cancel"))
            .await
            .status,
        200
    );
    for action in ["resume", "cancel"] {
        let again = app
            .post(&format!("/api/v1/imports/{paused}/{action}"))
            .await;
        let problem = again.problem(409);
        assert_eq!(problem["type"], "/problems/already-resolved");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("already resolved")
        );
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("cancelled by SAFEGUARD_ADMIN_TOKEN")
        );
    }
    app.post("/api/v1/imports/imp_nope/resume")
        .await
        .problem(404);
    app.post("/api/v1/imports/imp_nope/cancel")
        .await
        .problem(404);
}

#[tokio::test]
async fn a_roadblock_and_its_queue_survive_a_restart() {
    let app = TestApp::new();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;
    let queued = id(&app.import(&org.wiki, &logins("w", 0..90)).await);
    let TestApp { dir, state, router } = app;
    drop(router);
    drop(state);

    let restarted = TestApp::builder().build_in(dir);
    let roadblock = restarted.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["active"], true);
    assert_eq!(roadblock["import"]["id"], paused.as_str());
    assert_eq!(roadblock["queued"], 1);
    assert_eq!(restarted.import_view(&queued).await["status"], "queued");

    // Starting again does not let the queue run: it still waits for the administrator.
    let r = restarted
        .post(&format!("/api/v1/imports/{paused}/resume"))
        .await;
    assert_eq!(r.status, 200);
    restarted.until_quiet().await;
    assert_eq!(restarted.import_view(&queued).await["status"], "completed");
    assert_eq!(restarted.population(&org.wiki).await, 90);
}

#[tokio::test]
async fn a_large_paused_plan_resumes_as_running_then_completes() {
    let app = TestApp::builder().background_above(20).build();
    let org = org(&app).await;
    let paused = pause(&app, &org).await;
    let resumed = app
        .post(&format!("/api/v1/imports/{paused}/resume"))
        .await
        .json();
    // 90 changes > 20: answered running, applied right after the answer.
    assert!(matches!(
        resumed["status"].as_str(),
        Some("running" | "completed")
    ));
    app.until_quiet().await;
    assert_eq!(app.import_view(&paused).await["status"], "completed");
    assert_eq!(app.population(&org.hr).await, 70);
}
