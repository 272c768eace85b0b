//! The real `safeguard` binary, killed with SIGKILL while it applies a 200,000-change plan, and
//! started again on the same database: the plan is either wholly applied or not at all, and the
//! import's status says which.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};

const USERS: usize = 200_000;

async fn wait_until_settled(client: &reqwest::Client, url: &str, import: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view: Value = client
            .get(format!("{url}/api/v1/imports/{import}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if view["status"] != "running" {
            return view;
        }
        assert!(
            Instant::now() < deadline,
            "the import is still running after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_apply_is_all_or_nothing_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let client = support::client();
    let (mut server, url) = support::start_binary(&db).await;

    let app: Value = client
        .post(format!("{url}/api/v1/apps"))
        .json(&json!({"name": "Big directory"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_id = app["id"].as_str().unwrap().to_owned();

    // 200,000 users: a 400,000-change plan (create + assign), applied after the answer.
    let mut csv = String::from("externalId,login\n");
    for i in 0..USERS {
        csv.push_str(&format!("e{i},user{i}@big.example\n"));
    }
    let created = client
        .post(format!("{url}/api/v1/apps/{app_id}/imports"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(
        created["status"], "running",
        "a plan over 50,000 changes answers running"
    );
    let created = wait_until_settled(&client, &url, created["id"].as_str().unwrap()).await;
    assert_eq!(created["status"], "completed");

    let settings: Value = client
        .get(format!("{url}/api/v1/safeguards"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let put = client
        .put(format!("{url}/api/v1/safeguards"))
        .json(&json!({
            "appLevel": {"enabled": false, "percent": 20},
            "orgLevel": {"enabled": true, "percent": 100},
            "version": settings["version"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);

    // An empty snapshot: 200,000 unassignments. Killed right after the answer.
    let removal = client
        .post(format!("{url}/api/v1/apps/{app_id}/imports"))
        .header("content-type", "text/csv")
        .body("externalId,login\n")
        .send()
        .await
        .unwrap();
    assert_eq!(removal.status(), 201);
    let removal: Value = removal.json().await.unwrap();
    server.kill().await.expect("SIGKILL");
    assert_eq!(removal["status"], "running");
    let removal_id = removal["id"].as_str().unwrap().to_owned();

    let (_server, url) = support::start_binary(&db).await;
    let after = wait_until_settled(&client, &url, &removal_id).await;
    let app: Value = client
        .get(format!("{url}/api/v1/apps/{app_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let population = app["population"].as_u64().unwrap();
    eprintln!(
        "after the kill: import {}, population {population}",
        after["status"]
    );
    match after["status"].as_str().unwrap() {
        "completed" => assert_eq!(population, 0, "completed means every unassignment applied"),
        "failed" => {
            assert_eq!(population, USERS as u64, "failed means nothing applied");
            assert_eq!(
                after["error"],
                "interrupted: the server stopped while applying; nothing of this import was applied"
            );
        }
        other => panic!("unexpected status {other}"),
    }
    // The log agrees with the org: one removal event per applied unassignment, or none.
    let filter = "eventType eq \"application.user_membership.remove\"";
    let events = client
        .get(format!("{url}/api/v1/logs"))
        .query(&[("filter", filter), ("limit", "1")])
        .send()
        .await
        .unwrap();
    let events: Vec<Value> = events.json().await.unwrap();
    assert_eq!(events.is_empty(), population == USERS as u64);
}
