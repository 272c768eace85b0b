//! An app's own safeguard against the real server with the demo org: a count typed on the app's
//! page and saved is what `GET /api/v1/apps/{id}/safeguard` answers, the System Log records the
//! change, the Applications list marks the app; a bad count shows its error and saves nothing;
//! "Use the org-wide value" removes the override (the GET answers 404 again).

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use safeguard_e2e::{ADMIN, Browser, Server, api_client, click, wait_for_text};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// The status of `GET /api/v1/apps/{id}/safeguard`, and its JSON.
async fn own_safeguard(server: &Server, app_id: &str) -> (u16, serde_json::Value) {
    let response = api_client()
        .unwrap()
        .get(format!("{}/api/v1/apps/{app_id}/safeguard", server.url))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    // Deleted key by key, as a person does: WebDriver's clear fires no input event, so the
    // form would not see the field emptied.
    let old = field.prop("value").await.unwrap().unwrap_or_default();
    let mut keys = String::from(char::from(Key::End));
    keys.extend(std::iter::repeat_n(
        char::from(Key::Backspace),
        old.chars().count(),
    ));
    keys.push_str(text);
    field.send_keys(&keys).await.unwrap();
}

async fn is_disabled(client: &Client, css: &str) -> bool {
    let button = client.find(Locator::Css(css)).await.unwrap();
    button.prop("disabled").await.unwrap().as_deref() == Some("true")
}

/// Waits until `css` is disabled (or enabled), as the form reacts to what was typed.
async fn wait_disabled(client: &Client, css: &str, want: bool) {
    let deadline = Instant::now() + WAIT;
    while is_disabled(client, css).await != want {
        assert!(
            Instant::now() < deadline,
            "{css} never became disabled={want}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn an_apps_own_count_is_saved_logged_marked_in_the_list_and_removed() {
    let server = Server::start(true).await.unwrap();
    let apps = server.get("/api/v1/apps").await.unwrap();
    let app = &apps.as_array().unwrap()[0];
    let app_id = app["id"].as_str().unwrap().to_owned();
    let app_name = app["name"].as_str().unwrap().to_owned();
    assert_eq!(
        own_safeguard(&server, &app_id).await.0,
        404,
        "no override yet"
    );

    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/apps/{app_id}", server.url))
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=app-safeguard-uses]",
        "the org-wide value",
        WAIT,
    )
    .await
    .unwrap();
    click(client, "[data-testid=app-safeguard-own]")
        .await
        .unwrap();

    // A bad count: its error beside the field, Save disabled, nothing saved.
    type_into(client, "[data-testid=app-safeguard-percent]", "").await;
    type_into(client, "[data-testid=app-safeguard-count]", "-1").await;
    wait_for_text(
        client,
        "[data-testid=app-safeguard-count-error]",
        "A count is a whole number of at least 0",
        WAIT,
    )
    .await
    .unwrap();
    wait_disabled(client, "[data-testid=app-safeguard-save]", true).await;
    assert_eq!(
        own_safeguard(&server, &app_id).await.0,
        404,
        "nothing saved"
    );

    // A count of 7, saved.
    type_into(client, "[data-testid=app-safeguard-count]", "7").await;
    let typed = wait_for_text(
        client,
        "[data-testid=app-safeguard-limit-typed]",
        "at most 7 unassignments",
        WAIT,
    )
    .await
    .unwrap();
    assert!(typed.contains("a count of 7"), "{typed}");
    wait_disabled(client, "[data-testid=app-safeguard-save]", false).await;
    click(client, "[data-testid=app-safeguard-save]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=app-safeguard-status]",
        "Saved: this app now uses its own value, a count of 7.",
        WAIT,
    )
    .await
    .unwrap();
    let (status, saved) = own_safeguard(&server, &app_id).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["enabled"], true);
    assert_eq!(saved["count"], 7);
    assert!(saved["percent"].is_null(), "{saved}");

    // The System Log has the change.
    let logs = server
        .get("/api/v1/logs?filter=eventType%20eq%20%22system.import.safeguard.update%22")
        .await
        .unwrap();
    let change = logs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["displayMessage"]
                .as_str()
                .is_some_and(|m| m.contains(&app_name))
        })
        .unwrap_or_else(|| panic!("no change event for {app_name}: {logs}"));
    let message = change["displayMessage"].as_str().unwrap();
    assert!(
        message.contains("the org-wide app level -> a count of 7"),
        "{message}"
    );

    // The Applications list marks the app.
    client.goto(&format!("{}/apps", server.url)).await.unwrap();
    let mark = wait_for_text(
        client,
        "[data-testid=own-safeguard]",
        "own safeguard: a count of 7",
        WAIT,
    )
    .await
    .unwrap();
    assert_eq!(mark, "own safeguard: a count of 7");

    // Back on the app's page, "Use the org-wide value" removes it, after a confirmation.
    client
        .goto(&format!("{}/apps/{app_id}", server.url))
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=app-safeguard-uses]",
        "its own value, a count of 7",
        WAIT,
    )
    .await
    .unwrap();
    click(client, "[data-testid=app-safeguard-org]")
        .await
        .unwrap();
    let confirm = wait_for_text(
        client,
        "[data-testid=app-safeguard-confirm]",
        "its limit becomes",
        WAIT,
    )
    .await
    .unwrap();
    assert!(confirm.contains("org-wide value"), "{confirm}");
    click(client, "[data-testid=app-safeguard-confirm-yes]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=app-safeguard-status]",
        "Removed: this app uses the org-wide value again",
        WAIT,
    )
    .await
    .unwrap();
    assert_eq!(own_safeguard(&server, &app_id).await.0, 404, "removed");
    browser.close().await.unwrap();
}
