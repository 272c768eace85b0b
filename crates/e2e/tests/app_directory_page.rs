//! An app's directory settings against the real server: a profile source's priority and
//! matching changed in the browser and saved (the API answers them); a priority another profile
//! source holds refused beside its field, nothing changed. Then the plans the directory model
//! makes, on the import's page: a user a profile source removed and deactivated, listed by an
//! app that is not a profile source, is skipped; listed again by the profile source, reactivated.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{ADMIN, Browser, Server, api_client, click, wait_for_text};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

async fn create_app(server: &Server, body: Value) -> String {
    let (status, app) = server.post("/api/v1/apps", &body).await.unwrap();
    assert!((200..300).contains(&status), "{status} {app}");
    app["id"].as_str().unwrap().to_owned()
}

/// Turns both safeguards off: these tests are about who is matched, not about limits.
async fn safeguards_off(server: &Server) {
    let saved = server.get("/api/v1/safeguards").await.unwrap();
    let response = api_client()
        .unwrap()
        .put(format!("{}/api/v1/safeguards", server.url))
        .json(&json!({
            "appLevel": {"enabled": false, "percent": saved["appLevel"]["percent"]},
            "orgLevel": {"enabled": false, "percent": saved["orgLevel"]["percent"]},
            "version": saved["version"],
        }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

fn user(login: &str, external_id: &str) -> Value {
    let first = login.split('.').next().unwrap_or(login);
    json!({
        "externalId": external_id,
        "login": format!("{login}@example.com"),
        "firstName": first,
        "lastName": "Example",
        "email": format!("{login}@example.com"),
    })
}

/// Imports a snapshot and waits until the import has finished; answers it.
async fn import(server: &Server, app_id: &str, users: Vec<Value>) -> Value {
    let (status, started) = server
        .post(
            &format!("/api/v1/apps/{app_id}/imports"),
            &json!({ "users": users }),
        )
        .await
        .unwrap();
    assert!((200..300).contains(&status), "{status} {started}");
    let id = started["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + WAIT;
    loop {
        let now = server.get(&format!("/api/v1/imports/{id}")).await.unwrap();
        if !matches!(now["status"].as_str(), Some("queued" | "running")) {
            assert_eq!(now["status"], "completed", "{now}");
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {now}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn prop(client: &Client, css: &str, name: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .prop(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn wait_for_prop(client: &Client, css: &str, name: &str, want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.prop(name).await.ok().flatten().as_deref() == Some(want)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} {name} never became {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn a_profile_source_priority_and_matching_are_saved_and_a_taken_priority_is_refused() {
    let server = Server::start(false).await.unwrap();
    let hr = create_app(
        &server,
        json!({"name": "HR", "profileSource": true, "deactivateOnRemove": true, "profileSourcePriority": 1}),
    )
    .await;
    let contractors = create_app(
        &server,
        json!({"name": "Contractors", "profileSource": true, "profileSourcePriority": 2}),
    )
    .await;
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;

    client
        .goto(&format!("{}/apps/{contractors}", server.url))
        .await
        .unwrap();
    wait_for_prop(client, "[data-testid=directory-priority]", "value", "2").await;
    assert_eq!(
        prop(client, "[data-testid=directory-match-login]", "checked").await,
        "true"
    );
    let words = wait_for_text(
        client,
        "[data-testid=directory-priority-words]",
        "2 — owns the profile",
        WAIT,
    )
    .await
    .unwrap();
    assert!(words.contains("highest-ranked profile source"), "{words}");

    // HR holds priority 1: refused beside the field, and nothing changed.
    type_into(client, "[data-testid=directory-priority]", "1").await;
    click(client, "[data-testid=directory-match-email]")
        .await
        .unwrap();
    click(client, "[data-testid=save-directory]").await.unwrap();
    let error = wait_for_text(
        client,
        "[data-testid=directory-priority-error]",
        "HR has priority 1 already",
        WAIT,
    )
    .await
    .unwrap();
    assert!(!error.is_empty());
    browser.screenshot("app-directory-taken").await.unwrap();
    let app = server
        .get(&format!("/api/v1/apps/{contractors}"))
        .await
        .unwrap();
    assert_eq!(app["profileSourcePriority"], 2, "{app}");
    assert_eq!(app["matchBy"], json!(["login"]), "{app}");

    // A free rank, matched by email too: saved.
    type_into(client, "[data-testid=directory-priority]", "3").await;
    click(client, "[data-testid=save-directory]").await.unwrap();
    wait_for_text(client, "[data-testid=directory-saved]", "Saved.", WAIT)
        .await
        .unwrap();
    let error = client
        .find(Locator::Css("[data-testid=directory-priority-error]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(error, "", "the field's error is gone once saved");
    let app = server
        .get(&format!("/api/v1/apps/{contractors}"))
        .await
        .unwrap();
    assert_eq!(app["profileSourcePriority"], 3, "{app}");
    assert_eq!(app["matchBy"], json!(["login", "email"]), "{app}");
    wait_for_text(client, "[data-testid=app-summary]", "priority 3", WAIT)
        .await
        .unwrap();
    let hr_app = server.get(&format!("/api/v1/apps/{hr}")).await.unwrap();
    assert_eq!(hr_app["profileSourcePriority"], 1, "{hr_app}");

    // The list shows each profile source's rank.
    client.goto(&format!("{}/apps", server.url)).await.unwrap();
    let table = wait_for_text(client, "[data-testid=apps-table]", "yes, priority 3", WAIT)
        .await
        .unwrap();
    assert!(table.contains("yes, priority 1"), "{table}");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_deactivated_user_is_skipped_by_other_apps_and_reactivated_by_its_profile_source() {
    let server = Server::start(false).await.unwrap();
    safeguards_off(&server).await;
    let hr = create_app(
        &server,
        json!({"name": "HR", "profileSource": true, "deactivateOnRemove": true}),
    )
    .await;
    let slack = create_app(&server, json!({"name": "Slack", "profileSource": false})).await;
    import(
        &server,
        &hr,
        vec![user("ada.lovelace", "hr-1"), user("bob.example", "hr-2")],
    )
    .await;
    let removed = import(&server, &hr, vec![user("ada.lovelace", "hr-1")]).await;
    assert_eq!(removed["counts"]["deactivated"], 1, "{removed}");
    let skipped = import(
        &server,
        &slack,
        vec![user("ada.lovelace", "sl-1"), user("bob.example", "sl-2")],
    )
    .await;
    let returned = import(
        &server,
        &hr,
        vec![user("ada.lovelace", "hr-1"), user("bob.example", "hr-2")],
    )
    .await;
    assert_eq!(returned["counts"]["reactivated"], 1, "{returned}");

    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;

    // Slack's import: Bob is deactivated and Slack does not reactivate, so he is skipped.
    let id = skipped["id"].as_str().unwrap();
    client
        .goto(&format!("{}/imports/{id}", server.url))
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=change-kind-filter]"))
        .await
        .unwrap()
        .select_by_value("skip")
        .await
        .unwrap();
    let row = wait_for_text(
        client,
        "[data-testid=affected-row]",
        "Skipped: user deactivated",
        WAIT,
    )
    .await
    .unwrap();
    assert!(row.contains("bob.example@example.com"), "{row}");
    let rows = client
        .find_all(Locator::Css("[data-testid=affected-row]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only Bob is skipped");

    // HR lists Bob again: reactivated, and counted apart.
    let id = returned["id"].as_str().unwrap();
    client
        .goto(&format!("{}/imports/{id}", server.url))
        .await
        .unwrap();
    let counts = wait_for_text(client, "[data-testid=import-counts]", "Reactivated", WAIT)
        .await
        .unwrap();
    let reactivated = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=import-counts] div')]
               .find(d => d.querySelector('dt').textContent === 'Reactivated')
               ?.querySelector('dd').textContent ?? null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(reactivated, json!("1"), "{counts}");
    client
        .find(Locator::Css("[data-testid=change-kind-filter]"))
        .await
        .unwrap()
        .select_by_value("reactivate")
        .await
        .unwrap();
    let row = wait_for_text(client, "[data-testid=affected-row]", "Reactivated", WAIT)
        .await
        .unwrap();
    assert!(row.contains("bob.example@example.com"), "{row}");
    browser.screenshot("import-reactivated").await.unwrap();

    // Import Monitoring counts it beside the other counts.
    client
        .goto(&format!("{}/imports", server.url))
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=imports-table]", "Reactivated", WAIT)
        .await
        .unwrap();
    browser.close().await.unwrap();
}
