//! The System Log: the events the rule book lists, in the Okta-like shape, filtered with the
//! filter language, narrowed by time, newest first and paginated.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use support::{TestApp, encode, logins};

#[tokio::test]
async fn an_import_history_is_told_by_its_events() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..100)).await;
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("h", 0..10)).await;
    let paused = app.import(&hr, &logins("h", 5..100)).await;
    // 5 of 100 pass at 20 %; this one completes.
    assert_eq!(paused["status"], "completed");
    let import_id = paused["id"].as_str().unwrap();

    let starts = app.events("system.import.start").await;
    assert_eq!(starts.len(), 3);
    let completes = app.events("system.import.complete").await;
    assert_eq!(completes.len(), 3);
    assert_eq!(completes[0]["outcome"]["result"], "SUCCESS");
    assert_eq!(
        completes[0]["debugContext"]["debugData"]["importId"],
        import_id
    );

    let deactivations = app.events("user.lifecycle.deactivate").await;
    assert_eq!(deactivations.len(), 5);
    let event = &deactivations[0];
    assert!(event["uuid"].as_str().unwrap().len() == 36);
    assert!(event["published"].as_str().unwrap().ends_with('Z'));
    assert_eq!(event["severity"], "INFO");
    assert_eq!(event["target"][0]["type"], "User");
    assert!(
        event["displayMessage"]
            .as_str()
            .unwrap()
            .contains("deactivated")
    );
    // Each deactivated user lost HR and Chat: 10 removals.
    let removals = app.events("application.user_membership.remove").await;
    assert_eq!(removals.len(), 10);
    let chat_removals = removals
        .iter()
        .filter(|e| e["target"][1]["displayName"] == "Chat")
        .count();
    assert_eq!(chat_removals, 5);
}

#[tokio::test]
async fn a_roadblock_event_carries_cause_limits_and_counts() {
    let app = TestApp::new();
    let a = app.create_app("Slack").await;
    app.import(&a, &logins("u", 0..100)).await;
    app.import(&a, &logins("u", 0..50)).await;
    let events = app.events("system.import.roadblock").await;
    assert_eq!(events.len(), 1);
    let data = &events[0]["debugContext"]["debugData"];
    assert_eq!(events[0]["severity"], "WARN");
    assert_eq!(data["scope"], "app");
    assert_eq!(data["limit"], 20);
    assert_eq!(data["unassignments"], 50);
    assert_eq!(data["cause"]["appName"], "Slack");
    assert_eq!(data["exceeded"].as_array().unwrap().len(), 2);
    assert_eq!(data["counts"]["unassigned"], 50);
    // The filter language reaches into debugData.
    let filter = "debugContext.debugData.scope eq \"app\" and target.displayName sw \"sla\"";
    let found = app
        .get(&format!("/api/v1/logs?filter={}", encode(filter)))
        .await
        .json();
    assert_eq!(found.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn events_are_newest_first_paginated_and_narrowed_by_time() {
    let app = TestApp::new();
    let a = app.create_app("A").await;
    for n in 1..=3 {
        app.import(&a, &logins("u", 0..n)).await;
    }
    let all = app.get("/api/v1/logs").await.json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 6);
    let published: Vec<&str> = all
        .iter()
        .map(|e| e["published"].as_str().unwrap())
        .collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted, "newest first");
    assert_eq!(all[0]["eventType"], "system.import.complete");

    let page = app.get("/api/v1/logs?limit=4").await;
    assert_eq!(page.json().as_array().unwrap().len(), 4);
    let rest = app.get(&page.next_link().unwrap()).await;
    assert_eq!(rest.json().as_array().unwrap().len(), 2);
    assert_eq!(rest.json()[0]["uuid"], all[4]["uuid"]);

    let future = app
        .get("/api/v1/logs?since=2999-01-01T00:00:00Z")
        .await
        .json();
    assert!(future.as_array().unwrap().is_empty());
    let past = app
        .get(&format!(
            "/api/v1/logs?until={}",
            encode("2000-01-01T00:00:00+02:00")
        ))
        .await
        .json();
    assert!(past.as_array().unwrap().is_empty());
    let everything = app
        .get("/api/v1/logs?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z")
        .await
        .json();
    assert_eq!(everything.as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn bad_filters_and_times_are_400_naming_the_problem() {
    let app = TestApp::new();
    let r = app
        .get(&format!(
            "/api/v1/logs?filter={}",
            encode("eventType equals \"x\"")
        ))
        .await;
    let problem = r.problem(400);
    assert!(
        problem["detail"].as_str().unwrap().contains("position 10"),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "filter");
    let r = app.get("/api/v1/logs?since=yesterday").await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "since");
    app.get("/api/v1/logs?until=2026-13-01T00:00:00Z")
        .await
        .problem(400);
    app.get("/api/v1/logs?limit=abc").await.problem(400);
}
