//! The rule book's eight worked examples (`shared/spec/safeguards.md`), end to end over HTTP:
//! the populations are built with imports, then an import removes users, and the answer's
//! status, cause and exceeded limits are checked.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use serde_json::Value;
use support::{TestApp, cause, logins, snapshot_user, ten_apps_of_100};

fn exceeded_scopes(import: &Value) -> Vec<String> {
    import["roadblock"]["exceeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["scope"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn worked_example_1_org_level_passes_200_and_pauses_201() {
    let app = TestApp::new();
    // The org: HR (a profile source that deactivates) and App 1 share users h0..h99; App 2 has
    // h0..h98 and one other; Apps 3..9 have 100 users each: 10 apps x 100 = 1,000 app users.
    let hr = app.create_profile_source("HR").await;
    let staff = logins("h", 0..100);
    app.import(&hr, &staff).await;
    let one = app.create_app("App 1").await;
    app.import(&one, &staff).await;
    let two = app.create_app("App 2").await;
    let mut two_users = logins("h", 0..99);
    two_users.push("x@example.com".to_owned());
    app.import(&two, &two_users).await;
    for k in 3..10 {
        let id = app.create_app(&format!("App {k}")).await;
        app.import(&id, &logins(&format!("a{k}-"), 0..100)).await;
    }
    // The app level is off here, so that no app-level limit is reached first.
    app.set_safeguards((false, 20), (true, 20)).await;

    // Leaving h0..h65 (3 assignments each) and h99 (2) out: 198 + 2 = 200 unassignments.
    let two_hundred: Vec<String> = logins("h", 66..99);
    let simulated = app.dry_run(&hr, &two_hundred).await;
    assert_eq!(simulated["impact"]["apps"].as_array().unwrap().len(), 3);
    let total: u64 = simulated["impact"]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unassignments"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 200);
    assert_eq!(
        simulated["roadblock"],
        Value::Null,
        "200 of 1,000 at 20 % proceeds"
    );

    // Leaving h0..h66 out: 67 x 3 = 201 unassignments.
    let mut two_hundred_one = logins("h", 67..100);
    two_hundred_one.sort();
    let paused = app.import(&hr, &two_hundred_one).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "org");
    assert_eq!(cause(&paused)["limit"], 200);
    assert_eq!(cause(&paused)["population"], 1000);
    assert_eq!(cause(&paused)["unassignments"], 201);
    assert_eq!(exceeded_scopes(&paused), ["org"]);
    assert_eq!(
        app.population(&hr).await,
        100,
        "nothing of a paused import is applied"
    );

    // Cancelled, then the 200 version really runs.
    let id = paused["id"].as_str().unwrap();
    assert_eq!(
        app.post(&format!("/api/v1/imports/{id}/cancel"))
            .await
            .status,
        200
    );
    let done = app.import(&hr, &two_hundred).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["counts"]["deactivated"], 67);
    assert_eq!(app.population(&one).await, 33);
}

#[tokio::test]
async fn worked_example_2_app_level_50_pauses_51_and_passes_50() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    app.set_safeguards((true, 50), (true, 20)).await;

    let paused = app.import(&apps[0], &logins("a0-", 51..100)).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "app");
    assert_eq!(cause(&paused)["appId"], apps[0].as_str());
    assert_eq!(cause(&paused)["limit"], 50);
    assert_eq!(cause(&paused)["unassignments"], 51);
    assert_eq!(exceeded_scopes(&paused), ["app"]);

    let id = paused["id"].as_str().unwrap();
    app.post(&format!("/api/v1/imports/{id}/cancel")).await;
    let done = app.import(&apps[0], &logins("a0-", 50..100)).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["counts"]["unassigned"], 50);
    assert_eq!(app.population(&apps[0]).await, 50);
}

#[tokio::test]
async fn worked_example_3_app_level_stops_21_from_one_app_while_the_org_limit_holds() {
    let app = TestApp::new();
    let apps = ten_apps_of_100(&app).await;
    let paused = app.import(&apps[3], &logins("a3-", 21..100)).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "app");
    assert_eq!(cause(&paused)["limit"], 20);
    assert_eq!(cause(&paused)["percent"], 20);
    assert_eq!(cause(&paused)["unassignments"], 21);
    assert_eq!(
        exceeded_scopes(&paused),
        ["app"],
        "the org limit of 200 is not exceeded"
    );
    assert_eq!(paused["impact"]["orgPopulation"], 1000);
}

#[tokio::test]
async fn worked_example_4_equal_limits_pause_at_app_level_and_list_the_org_too() {
    let app = TestApp::new();
    let only = app.create_app("Everything").await;
    app.import(&only, &logins("u", 0..1000)).await;
    let paused = app.import(&only, &logins("u", 201..1000)).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "app");
    assert_eq!(cause(&paused)["limit"], 200);
    assert_eq!(cause(&paused)["unassignments"], 201);
    assert_eq!(exceeded_scopes(&paused), ["app", "org"]);
    assert_eq!(paused["roadblock"]["exceeded"][1]["limit"], 200);
}

#[tokio::test]
async fn worked_example_5_an_app_below_100_is_not_checked_but_the_org_is() {
    let app = TestApp::new();
    let small = app.create_app("Small").await;
    app.import(&small, &logins("s", 0..99)).await;
    let other = app.create_app("Other").await;
    app.import(&other, &logins("o", 0..100)).await;

    // Losing all 99: no app-level check; the org (199 app users, limit 39) stops it.
    let paused = app.import(&small, &[]).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(cause(&paused)["scope"], "org");
    assert_eq!(cause(&paused)["population"], 199);
    assert_eq!(cause(&paused)["limit"], 39);
    assert_eq!(
        exceeded_scopes(&paused),
        ["org"],
        "no app-level limit below 100 users"
    );
    let id = paused["id"].as_str().unwrap();
    app.post(&format!("/api/v1/imports/{id}/cancel")).await;

    // With the org level off, nothing checks it.
    app.set_safeguards((true, 20), (false, 20)).await;
    let done = app.import(&small, &[]).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["counts"]["unassigned"], 99);
    assert_eq!(app.population(&small).await, 0);
}

#[tokio::test]
async fn worked_example_6_an_org_of_99_can_never_trip() {
    let app = TestApp::new();
    let only = app.create_app("Tiny org").await;
    app.import(&only, &logins("t", 0..99)).await;
    app.set_safeguards((true, 0), (true, 0)).await;
    let done = app.import(&only, &[]).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["roadblock"], Value::Null);
    assert_eq!(done["counts"]["unassigned"], 99);
}

#[tokio::test]
async fn worked_example_7_deactivations_count_in_every_app_they_touch() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    app.import(&hr, &logins("h", 0..300)).await;
    // Two other apps of 100 users: h0..h59 and 40 others each.
    let mut members = logins("h", 0..60);
    members.extend(logins("c", 0..40));
    let chat = app.create_app("Chat").await;
    app.import(&chat, &members).await;
    let mail = app.create_app("Mail").await;
    app.import(&mail, &members).await;

    let paused = app.import(&hr, &logins("h", 60..300)).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(paused["counts"]["deactivated"], 60);
    assert_eq!(paused["counts"]["unassigned"], 180);
    let impact: Vec<(String, u64, u64)> = paused["impact"]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["appName"].as_str().unwrap().to_owned(),
                a["population"].as_u64().unwrap(),
                a["unassignments"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(impact.contains(&("Chat".to_owned(), 100, 60)));
    assert!(impact.contains(&("Mail".to_owned(), 100, 60)));
    assert!(impact.contains(&("HR".to_owned(), 300, 60)));
    // HR's own 60 of 300 is exactly its limit; Chat and Mail (limit 20) stop it.
    assert_eq!(cause(&paused)["scope"], "app");
    assert_eq!(cause(&paused)["appName"], "Chat");
    assert_eq!(cause(&paused)["limit"], 20);
    assert_eq!(cause(&paused)["unassignments"], 60);
    assert_eq!(exceeded_scopes(&paused), ["app", "app", "org"]);
    assert_eq!(app.population(&chat).await, 100);
}

#[tokio::test]
async fn worked_example_8_group_rule_unassignments_do_not_count() {
    let app = TestApp::new();
    // Only the source that owns the profiles changes the attributes a group rule reads.
    let directory = app.create_app_with("Directory", true, false).await;
    let sales: Vec<Value> = logins("g", 0..300)
        .iter()
        .map(|l| snapshot_user(l, &[("department", "Sales")]))
        .collect();
    app.import_users(&directory, sales).await;
    let crm = app.create_app("CRM").await;
    let rule = app
        .post_json(
            "/api/v1/group-rules",
            &serde_json::json!({"name": "Sales uses the CRM", "attribute": "department", "equals": "Sales", "appIds": [crm]}),
        )
        .await;
    assert_eq!(rule.status, 201, "{}", rule.text());
    assert_eq!(app.population(&crm).await, 300);

    // Everyone moves to Marketing: the rule takes all 300 out of the CRM.
    let marketing: Vec<Value> = logins("g", 0..300)
        .iter()
        .map(|l| snapshot_user(l, &[("department", "Marketing")]))
        .collect();
    let done = app.import_users(&directory, marketing).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["roadblock"], Value::Null);
    assert_eq!(done["counts"]["unassigned"], 300);
    assert_eq!(done["counts"]["updated"], 300);
    assert_eq!(
        done["impact"]["apps"].as_array().unwrap().len(),
        0,
        "nothing counted"
    );
    assert_eq!(app.population(&crm).await, 0);

    let id = done["id"].as_str().unwrap();
    let changes = app
        .get(&format!(
            "/api/v1/imports/{id}/changes?kind=unassign&limit=5"
        ))
        .await
        .json();
    assert_eq!(changes[0]["cause"], "groupRule");
    assert_eq!(changes[0]["appId"], crm.as_str());
}
