//! The directory model over HTTP (`sources.md`): app users with their own external id and app
//! profile, profile sources ranked by priority, matching by external id, login and email,
//! reactivation and skip rows, and the apps' directory settings with their bad input.

mod support;

use axum::http::Method;
use serde_json::{Value, json};
use support::{TestApp, logins, snapshot_user};

/// A user as an app's source lists it: its own external id, a first and last name, an email.
fn entry(external_id: &str, login: &str, last_name: &str, email: Option<&str>) -> Value {
    json!({
        "externalId": external_id,
        "login": login,
        "firstName": "Pat",
        "lastName": last_name,
        "email": email,
    })
}

async fn patch(app: &TestApp, app_id: &str, body: Value) -> support::Response {
    app.send_body(
        Method::PATCH,
        &format!("/api/v1/apps/{app_id}"),
        "application/json",
        body.to_string(),
    )
    .await
}

async fn app_view(app: &TestApp, app_id: &str) -> Value {
    app.get(&format!("/api/v1/apps/{app_id}")).await.json()
}

/// The app users of an app, by login.
async fn app_user(app: &TestApp, app_id: &str, login: &str) -> Value {
    let users = app
        .get(&format!("/api/v1/apps/{app_id}/users?limit=1000"))
        .await
        .json();
    users
        .as_array()
        .expect("a list")
        .iter()
        .find(|u| u["login"] == login)
        .cloned()
        .unwrap_or_else(|| panic!("{login} is an app user of {app_id}: {users}"))
}

async fn changes(app: &TestApp, import: &Value, kind: &str) -> Vec<Value> {
    let id = import["id"].as_str().expect("an import id");
    let r = app
        .get(&format!(
            "/api/v1/imports/{id}/changes?kind={kind}&limit=1000"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json().as_array().expect("a list").clone()
}

#[tokio::test]
async fn profile_sources_are_ranked_in_the_order_they_are_added_and_other_apps_are_not() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let payroll = app.create_app_with("Payroll", true, false).await;
    let chat = app.create_app("Chat").await;
    let hr = app_view(&app, &hr).await;
    assert_eq!(hr["profileSourcePriority"], 1);
    assert_eq!(hr["matchBy"], json!(["login"]));
    assert_eq!(hr["reactivateOnReturn"], true);
    assert_eq!(app_view(&app, &payroll).await["profileSourcePriority"], 2);
    let chat = app_view(&app, &chat).await;
    assert_eq!(chat["profileSourcePriority"], Value::Null);
    assert_eq!(chat["matchBy"], json!(["login"]));

    // A rank given on creation is kept, and the next unranked source goes after it.
    let r = app
        .post_json(
            "/api/v1/apps",
            &json!({"name": "Contractors", "profileSource": true, "profileSourcePriority": 7,
                    "matchBy": ["login", "email"], "reactivateOnReturn": false}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["profileSourcePriority"], 7);
    assert_eq!(r.json()["matchBy"], json!(["login", "email"]));
    assert_eq!(r.json()["reactivateOnReturn"], false);
    let next = app.create_app_with("Interns", true, false).await;
    assert_eq!(app_view(&app, &next).await["profileSourcePriority"], 8);
}

#[tokio::test]
async fn bad_directory_settings_are_refused_naming_the_field_and_change_nothing() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let payroll = app.create_app_with("Payroll", true, false).await;
    let chat = app.create_app("Chat").await;

    let taken = app
        .post_json(
            "/api/v1/apps",
            &json!({"name": "Second HR", "profileSource": true, "profileSourcePriority": 1}),
        )
        .await
        .problem(422);
    assert_eq!(taken["errors"][0]["field"], "profileSourcePriority");
    assert!(
        taken["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HR has priority 1"),
        "{taken}"
    );
    let apps = app.get("/api/v1/apps").await.json();
    assert_eq!(apps.as_array().unwrap().len(), 3, "nothing was created");

    for (body, field) in [
        (json!({"profileSourcePriority": 1}), "profileSourcePriority"),
        (json!({"profileSourcePriority": 0}), "profileSourcePriority"),
        (json!({"matchBy": ["email"]}), "matchBy"),
        (json!({"matchBy": ["login", "login"]}), "matchBy[1]"),
    ] {
        let problem = patch(&app, &payroll, body.clone()).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    for (body, field) in [
        (json!({"profileSourcePriority": 3}), "profileSourcePriority"),
        (json!({"reactivateOnReturn": false}), "reactivateOnReturn"),
    ] {
        let problem = patch(&app, &chat, body.clone()).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let unknown = patch(&app, "app_nothing", json!({"matchBy": ["login"]})).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text());
    let not_a_value = patch(&app, &chat, json!({"matchBy": ["phone"]})).await;
    assert!(
        [400, 422].contains(&not_a_value.status.as_u16()),
        "{}",
        not_a_value.text()
    );

    assert_eq!(app_view(&app, &payroll).await["profileSourcePriority"], 2);
    assert_eq!(app_view(&app, &payroll).await["matchBy"], json!(["login"]));
    assert_eq!(app_view(&app, &hr).await["profileSourcePriority"], 1);
    assert!(app.events("system.app.update").await.is_empty());
}

#[tokio::test]
async fn a_change_of_directory_settings_is_saved_and_logged_with_old_and_new_values() {
    let app = TestApp::new();
    app.create_profile_source("HR").await;
    let payroll = app.create_app_with("Payroll", true, false).await;
    let r = patch(
        &app,
        &payroll,
        json!({"profileSourcePriority": 5, "matchBy": ["login", "email"], "reactivateOnReturn": false}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let saved = app_view(&app, &payroll).await;
    assert_eq!(saved["profileSourcePriority"], 5);
    assert_eq!(saved["matchBy"], json!(["login", "email"]));
    assert_eq!(saved["reactivateOnReturn"], false);
    let events = app.events("system.app.update").await;
    assert_eq!(events.len(), 1);
    let debug = &events[0]["debugContext"];
    let data = if debug.is_null() { &events[0] } else { debug };
    let text = data.to_string();
    assert!(
        text.contains("\"profileSourcePriority\":2")
            && text.contains("\"profileSourcePriority\":5"),
        "old and new values logged: {}",
        events[0]
    );
}

#[tokio::test]
async fn an_app_that_is_not_a_profile_source_never_changes_profiles_and_imports_the_same_snapshot_as_no_update()
 {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let chat = app.create_app("Chat").await;
    let people = logins("p", 0..20);
    let hr_users: Vec<Value> = people
        .iter()
        .map(|l| snapshot_user(l, &[("department", "Sales")]))
        .collect();
    app.import_users(&hr, hr_users).await;

    // Chat lists the same people under its own ids and names.
    let chat_users = |last: &str| -> Vec<Value> {
        people
            .iter()
            .enumerate()
            .map(|(i, l)| entry(&format!("chat-{i}"), l, last, None))
            .collect()
    };
    let first = app.import_users(&chat, chat_users("FromChat")).await;
    assert_eq!(first["status"], "completed");
    assert_eq!(first["counts"]["created"], 0);
    assert_eq!(first["counts"]["assigned"], 20);
    assert_eq!(first["counts"]["updated"], 0, "{}", first["counts"]);
    let again = app.import_users(&chat, chat_users("FromChat")).await;
    assert_eq!(again["counts"]["updated"], 0, "{}", again["counts"]);
    assert_eq!(again["counts"]["unchanged"], 20);

    // A new name in Chat is Chat's app user changing; the profile HR owns stays HR's.
    let renamed = app.import_users(&chat, chat_users("Renamed")).await;
    assert_eq!(renamed["counts"]["updated"], 20);
    let updates = changes(&app, &renamed, "update").await;
    assert!(
        updates.iter().all(|c| c["appName"] == "Chat"),
        "{updates:?}"
    );
    let in_chat = app_user(&app, &chat, &people[0]).await;
    assert_eq!(in_chat["externalId"], "chat-0");
    assert_eq!(in_chat["lastName"], "Renamed");
    let in_hr = app_user(&app, &hr, &people[0]).await;
    assert_eq!(in_hr["externalId"], format!("ext-{}", people[0]));
    assert_eq!(
        in_hr["lastName"],
        people[0].as_str(),
        "HR's profile is kept"
    );
    assert_eq!(in_hr["attributes"]["department"], "Sales");
}

#[tokio::test]
async fn the_highest_ranked_profile_source_listing_a_user_owns_the_profile() {
    let app = TestApp::new();
    let hr = app.create_app_with("HR", true, false).await;
    let contractors = app.create_app_with("Contractors", true, false).await;
    app.import_users(
        &hr,
        vec![entry("hr-1", "ada@example.com", "Lovelace", None)],
    )
    .await;
    let listed = app
        .import_users(
            &contractors,
            vec![
                entry("c-1", "ada@example.com", "Byron", None),
                entry("c-2", "bo@example.com", "Diddley", None),
            ],
        )
        .await;
    // Ada's profile is HR's (rank 1); Bo is listed by no higher source, so Contractors owns his.
    assert_eq!(listed["counts"]["created"], 1);
    assert_eq!(
        app_user(&app, &hr, "ada@example.com").await["lastName"],
        "Lovelace"
    );
    assert_eq!(
        app_user(&app, &contractors, "ada@example.com").await["lastName"],
        "Byron",
        "the app profile is what Contractors said"
    );
    let bo = entry("c-2", "bo@example.com", "Bo Diddley", None);
    let ada = entry("c-1", "ada@example.com", "Byron", None);
    let again = app.import_users(&contractors, vec![ada, bo]).await;
    let updates = changes(&app, &again, "update").await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0]["login"], "bo@example.com");
    assert_eq!(updates[0]["appId"], Value::Null, "Bo's own profile changes");
}

#[tokio::test]
async fn an_entry_keeps_its_user_through_a_login_rename_by_its_external_id() {
    let app = TestApp::new();
    let chat = app.create_app("Chat").await;
    app.import_users(&chat, vec![entry("chat-7", "ann@example.com", "Lee", None)])
        .await;
    let renamed = app
        .import_users(
            &chat,
            vec![entry("chat-7", "ann.lee@example.com", "Lee", None)],
        )
        .await;
    assert_eq!(renamed["counts"]["created"], 0, "{}", renamed["counts"]);
    assert_eq!(renamed["counts"]["unassigned"], 0, "{}", renamed["counts"]);
    assert_eq!(app.population(&chat).await, 1);
}

#[tokio::test]
async fn a_profile_source_reactivates_a_returning_user_and_the_safeguards_do_not_count_it() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let people = logins("r", 0..10);
    app.import(&hr, &people).await;
    app.set_safeguards((false, 20), (false, 20)).await;
    let removed = app.import(&hr, &people[2..]).await;
    assert_eq!(removed["counts"]["deactivated"], 2);

    // Back in the source with the strictest safeguards: nothing is unassigned, so nothing trips.
    app.set_safeguards((true, 0), (true, 0)).await;
    let back = app.import(&hr, &people).await;
    assert_eq!(back["status"], "completed", "{back}");
    assert_eq!(back["counts"]["reactivated"], 2);
    assert_eq!(back["impact"]["apps"], json!([]));
    let reactivated = changes(&app, &back, "reactivate").await;
    let mut logins: Vec<&str> = reactivated
        .iter()
        .map(|c| c["login"].as_str().unwrap())
        .collect();
    logins.sort_unstable();
    assert_eq!(logins, [people[0].as_str(), people[1].as_str()]);
    assert_eq!(app.population(&hr).await, 10);
    assert_eq!(app_user(&app, &hr, &people[0]).await["status"], "active");
    assert_eq!(app.events("user.lifecycle.reactivate").await.len(), 2);
}

#[tokio::test]
async fn a_deactivated_user_listed_by_another_app_or_a_source_that_does_not_reactivate_is_skipped()
{
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let chat = app.create_app("Chat").await;
    let people = logins("s", 0..5);
    app.import(&hr, &people).await;
    app.set_safeguards((false, 20), (false, 20)).await;
    app.import(&hr, &people[1..]).await;

    let listed = app.import(&chat, &people).await;
    let skipped = changes(&app, &listed, "skip").await;
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["login"], people[0].as_str());
    assert_eq!(skipped[0]["cause"], "userDeactivated");
    assert_eq!(app.population(&chat).await, 4, "not assigned");

    let r = patch(&app, &hr, json!({"reactivateOnReturn": false})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let back = app.import(&hr, &people).await;
    assert_eq!(back["counts"]["reactivated"], 0);
    assert_eq!(changes(&app, &back, "skip").await.len(), 1);
    assert_eq!(app.population(&hr).await, 4);
}

#[tokio::test]
async fn matching_by_email_is_asked_for_and_an_email_two_users_share_is_a_warning() {
    let app = TestApp::new();
    let hr = app.create_profile_source("HR").await;
    let chat = app.create_app("Chat").await;
    app.import_users(
        &hr,
        vec![
            entry(
                "hr-1",
                "ada@example.com",
                "Lovelace",
                Some("ada@mail.example.com"),
            ),
            entry(
                "hr-2",
                "bo@example.com",
                "Diddley",
                Some("desk@example.com"),
            ),
            entry("hr-3", "cy@example.com", "Young", Some("desk@example.com")),
        ],
    )
    .await;
    let chat_users = || {
        vec![
            entry(
                "c-1",
                "a.lovelace@chat.example.com",
                "L",
                Some("ADA@mail.example.com"),
            ),
            entry(
                "c-2",
                "desk@chat.example.com",
                "D",
                Some("desk@example.com"),
            ),
        ]
    };
    // By login only (the default), both are new users.
    let by_login = app
        .send_body(
            Method::POST,
            &format!("/api/v1/apps/{chat}/imports?dryRun=true"),
            "application/json",
            json!({"users": chat_users()}).to_string(),
        )
        .await;
    assert_eq!(by_login.json()["counts"]["created"], 2);

    let r = patch(&app, &chat, json!({"matchBy": ["login", "email"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let by_email = app.import_users(&chat, chat_users()).await;
    assert_eq!(by_email["counts"]["created"], 0, "{}", by_email["counts"]);
    assert_eq!(by_email["counts"]["assigned"], 1);
    assert_eq!(by_email["warnings"]["count"], 1, "{by_email}");
    let warning = &by_email["warnings"]["first"][0];
    assert!(
        warning["entry"]
            .as_str()
            .unwrap()
            .contains("desk@chat.example.com"),
        "{warning}"
    );
    assert!(
        warning["reason"]
            .as_str()
            .unwrap()
            .contains("desk@example.com"),
        "{warning}"
    );
    let stored = app.import_view(by_email["id"].as_str().unwrap()).await;
    assert_eq!(stored["warnings"]["count"], 1, "kept with the import");
    assert_eq!(app.population(&chat).await, 1);
    assert_eq!(
        app_user(&app, &chat, "ada@example.com").await["externalId"],
        "c-1"
    );
}
