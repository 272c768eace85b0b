//! "Each action is taken once": 50 administrators resuming and cancelling the same paused
//! import at the same moment, over real HTTP: exactly one succeeds, every other gets a clear
//! 409, and nothing is applied twice.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use serde_json::Value;
use support::{TestApp, logins, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_simultaneous_resumes_and_cancels_resolve_the_roadblock_once() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..200)).await;
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("h", 0..200)).await;
    let paused = app.import(&hr, &logins("h", 60..200)).await;
    assert_eq!(paused["status"], "paused");
    let id = paused["id"].as_str().unwrap().to_owned();
    let queued = app.import(&chat, &logins("h", 0..190)).await;
    assert_eq!(queued["status"], "queued");

    let base = serve(app.router.clone()).await;
    let client = support::client();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(50));
    let mut calls = Vec::new();
    for i in 0..50 {
        let action = if i % 2 == 0 { "resume" } else { "cancel" };
        let url = format!("{base}/api/v1/imports/{id}/{action}");
        let client = client.clone();
        let barrier = barrier.clone();
        calls.push(tokio::spawn(async move {
            barrier.wait().await;
            let response = client.post(url).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (action, status, body)
        }));
    }
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap());
    }

    let successes: Vec<_> = answers.iter().filter(|(_, s, _)| *s == 200).collect();
    assert_eq!(successes.len(), 1, "exactly one action is taken");
    for (_, status, body) in answers.iter().filter(|(_, s, _)| *s != 200) {
        assert_eq!(*status, 409);
        assert_eq!(body["type"], "/problems/already-resolved");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("already resolved")
        );
    }
    app.until_quiet().await;

    let (action, _, winner) = successes[0];
    let resolved = app.import_view(&id).await;
    assert_eq!(resolved["resolvedBy"]["action"], *action);
    let resumes = app.events("system.import.roadblock.resume").await.len();
    let cancels = app.events("system.import.roadblock.cancel").await.len();
    assert_eq!(resumes + cancels, 1, "one resolution in the log");
    let deactivations = app.events("user.lifecycle.deactivate").await.len();
    if *action == "resume" {
        assert_eq!(winner["status"], "completed");
        assert_eq!(app.population(&hr).await, 140);
        assert_eq!(
            deactivations, 60,
            "each deactivation applied and logged once"
        );
        // 60 from HR and 60 from Chat, once each.
        let filter = format!(
            "eventType eq \"application.user_membership.remove\" and debugContext.debugData.importId eq \"{id}\""
        );
        let removals = app
            .get(&format!(
                "/api/v1/logs?limit=1000&filter={}",
                support::encode(&filter)
            ))
            .await
            .json();
        assert_eq!(removals.as_array().unwrap().len(), 120);
    } else {
        assert_eq!(winner["status"], "cancelled");
        assert_eq!(app.population(&hr).await, 200);
        assert_eq!(deactivations, 0);
    }
    // The queued import ran once, after the resolution.
    assert_eq!(
        app.import_view(queued["id"].as_str().unwrap()).await["status"],
        "completed"
    );
    // Four imports started: the two that built the org, the paused one, the queued one.
    assert_eq!(app.events("system.import.start").await.len(), 4);
}
