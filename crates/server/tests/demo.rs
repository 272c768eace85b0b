//! `--demo`: a believable org with history and an active roadblock, only on an empty database.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use safeguard_server::demo::fill_if_empty;
use support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_org_has_history_and_a_standing_roadblock() {
    let app = TestApp::new();
    let pipeline = app.state.pipeline.clone();
    let filled = tokio::task::spawn_blocking(move || fill_if_empty(&pipeline))
        .await
        .unwrap()
        .unwrap();
    assert!(filled);

    let apps = app.get("/api/v1/apps").await.json();
    let apps = apps.as_array().unwrap();
    assert_eq!(apps.len(), 8);
    let names: Vec<&str> = apps.iter().map(|a| a["name"].as_str().unwrap()).collect();
    for name in [
        "Workday",
        "Active Directory",
        "Slack",
        "GitHub",
        "Salesforce",
        "Zoom",
        "Jira",
        "Figma",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let population = |name: &str| {
        apps.iter().find(|a| a["name"] == name).unwrap()["population"]
            .as_u64()
            .unwrap()
    };
    assert!(population("Figma") < 100);
    assert!(population("Workday") > 4000);
    let workday = apps.iter().find(|a| a["name"] == "Workday").unwrap();
    assert_eq!(workday["profileSource"], true);
    assert_eq!(workday["deactivateOnRemove"], true);

    assert_eq!(workday["profileSourcePriority"], 1);

    // Apps that are not profile sources update only their own app users: after each one's
    // first import, few of the users they list change (people who moved department).
    for name in ["GitHub", "Salesforce", "Slack"] {
        let id = apps.iter().find(|a| a["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let imports = app
            .get(&format!("/api/v1/imports?appId={id}&limit=100"))
            .await
            .json();
        let done: Vec<&serde_json::Value> = imports
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] == "completed")
            .collect();
        assert!(done.len() >= 2, "{name} has a history: {imports}");
        // Newest first: every import but the oldest found its users there already.
        for import in &done[..done.len() - 1] {
            let counts = &import["counts"];
            let (updated, scanned) = (
                counts["updated"].as_u64().unwrap(),
                counts["scanned"].as_u64().unwrap(),
            );
            assert!(
                updated * 10 < scanned,
                "{name}: {updated} of {scanned} updated"
            );
        }
    }

    let roadblock = app.get("/api/v1/roadblock").await.json();
    assert_eq!(roadblock["active"], true);
    assert_eq!(roadblock["import"]["appName"], "Workday");
    assert_eq!(roadblock["queued"], 2);
    let deactivated = roadblock["import"]["counts"]["deactivated"]
        .as_u64()
        .unwrap();
    let share = deactivated * 100 / population("Workday");
    assert!(
        (20..=30).contains(&share),
        "about a quarter of Workday: {share} %"
    );

    // The demo's two administrators, and the roadblock's email for the super-administrator in
    // the outbox (there is no SMTP server).
    let admins = app.get("/api/v1/admins").await.json();
    let roles: Vec<(&str, &str)> = admins
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["email"].as_str().unwrap(), a["role"].as_str().unwrap()))
        .collect();
    assert!(roles.contains(&("admin@demo.safeguard.test", "SUPER_ADMIN")));
    assert!(roles.contains(&("auditor@demo.safeguard.test", "READ_ONLY_ADMIN")));
    let outbox = app.get("/api/v1/org/email/outbox").await.json();
    let roadblock_id = roadblock["import"]["id"].clone();
    let told: Vec<&str> = outbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["importId"] == roadblock_id)
        .map(|m| m["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(told, ["admin@demo.safeguard.test"]);

    let completed = app
        .get("/api/v1/imports?status=completed&limit=1000")
        .await
        .json();
    assert!(completed.as_array().unwrap().len() >= 24);
    // Some past imports removed 11-18 % of an app: 20 % passed them, 10-15 % would not have.
    let near_misses = completed
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["impact"]["apps"].as_array().unwrap().iter().any(|a| {
                let p = a["population"].as_u64().unwrap();
                p >= 100 && a["unassignments"].as_u64().unwrap() * 100 > 10 * p
            })
        })
        .count();
    assert!(near_misses >= 3, "{near_misses}");

    // A second start leaves the org alone.
    let pipeline = app.state.pipeline.clone();
    let again = tokio::task::spawn_blocking(move || fill_if_empty(&pipeline))
        .await
        .unwrap()
        .unwrap();
    assert!(!again);
}
