//! An app's import settings: a CSV file on the server made Figma's source, a schedule of 0
//! minutes refused where it was typed, a valid one saved; Test connection reads the file's users
//! and shows a sample; Import now lands on the import's page, which says who started it and
//! from what. The demo's Zoom app shows the hourly file source it has; a read-only
//! administrator sees the settings, cannot save them, and may still run a dry run.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{
    Browser, DEMO_READ_ONLY_ADMIN, DEMO_SUPER_ADMIN, Server, click, wait_for_text,
};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

const USERS_CSV: &str = "externalId,login,firstName,lastName,email
fig-1,ada.lovelace@example.com,Ada,Lovelace,ada.lovelace@example.com
fig-2,grace.hopper@example.com,Grace,Hopper,grace.hopper@example.com
fig-3,alan.turing@example.com,Alan,Turing,alan.turing@example.com
";

async fn app_id(server: &Server, name: &str) -> String {
    let apps = server.get("/api/v1/apps").await.unwrap();
    apps.as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("the demo has no {name} app: {apps}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Opens the app's page on its Import settings tab.
async fn open_settings(client: &Client, server: &Server, app_id: &str) {
    client
        .goto(&format!("{}/apps/{app_id}", server.url))
        .await
        .unwrap();
    click(client, "[data-testid=source-tab]").await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=source-kind]"))
        .await
        .unwrap();
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
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

/// Waits until the element's property has the value (a page still loading shows the default).
async fn wait_for_prop(client: &Client, css: &str, name: &str, want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = prop(client, css, name).await;
        if now == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} {name} is {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_csv_file_source_is_saved_tested_and_imported_now() {
    let exports = tempfile::tempdir().unwrap();
    let path = exports.path().join("figma-users.csv");
    std::fs::write(&path, USERS_CSV).unwrap();
    let path = path.display().to_string();

    let server = Server::start(true).await.unwrap();
    let figma = app_id(&server, "Figma").await;
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, DEMO_SUPER_ADMIN).await.unwrap();
    let client = &browser.client;
    open_settings(client, &server, &figma).await;
    // Figma has never had a live source: its imports are uploads.
    assert_eq!(
        prop(client, "[data-testid=source-kind]", "value").await,
        "upload"
    );

    select(client, "[data-testid=source-kind]", "csvFile").await;
    type_into(client, "[data-testid=source-path]", &path).await;
    select(client, "[data-testid=source-schedule]", "every").await;
    type_into(client, "[data-testid=source-every-minutes]", "0").await;
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=source-every-minutes-error]",
        "must be at least 1 minute",
        WAIT,
    )
    .await
    .unwrap();
    // Refused in the console: nothing was sent.
    let source = server
        .get(&format!("/api/v1/apps/{figma}/source"))
        .await
        .unwrap();
    assert_eq!(source["kind"], "upload", "{source}");

    type_into(client, "[data-testid=source-every-minutes]", "15").await;
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(client, "[data-testid=source-saved]", "Saved", WAIT)
        .await
        .unwrap();
    let error = client
        .find(Locator::Css("[data-testid=source-every-minutes-error]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(error, "", "the field's error is gone once saved");
    let source = server
        .get(&format!("/api/v1/apps/{figma}/source"))
        .await
        .unwrap();
    assert_eq!(source["kind"], "csvFile", "{source}");
    assert_eq!(source["path"], path.as_str(), "{source}");
    assert_eq!(source["schedule"]["everyMinutes"], 15, "{source}");

    click(client, "[data-testid=test-source]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=source-test-summary]",
        "read 3 users",
        WAIT,
    )
    .await
    .unwrap();
    let sample = wait_for_text(
        client,
        "[data-testid=source-sample]",
        "grace.hopper@example.com",
        WAIT,
    )
    .await
    .unwrap();
    assert!(sample.contains("fig-1"), "{sample}");
    assert!(sample.contains("Alan Turing"), "{sample}");
    let rows = client
        .find_all(Locator::Css("[data-testid=source-sample-row]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);

    browser.screenshot("app-source-tested").await.unwrap();
    click(client, "[data-testid=import-now]").await.unwrap();
    let origin = wait_for_text(
        client,
        "[data-testid=import-origin]",
        "Started by: an administrator",
        WAIT,
    )
    .await
    .unwrap();
    assert!(
        origin.contains("Source: CSV file on the server"),
        "{origin}"
    );
    browser.screenshot("app-source-imported").await.unwrap();
    let url = client.current_url().await.unwrap();
    assert!(url.path().starts_with("/imports/"), "{url}");
    let title = client.find(Locator::Css("h1")).await.unwrap();
    assert!(title.text().await.unwrap().contains("Figma import"));

    // Import Monitoring says the same of it.
    client
        .goto(&format!("{}/imports?appId={figma}", server.url))
        .await
        .unwrap();
    let row = wait_for_text(client, "[data-testid=import-row]", "an administrator", WAIT)
        .await
        .unwrap();
    assert!(row.contains("CSV file on the server"), "{row}");

    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_demo_zoom_app_shows_its_hourly_file_source_and_a_read_only_admin_cannot_save() {
    let server = Server::start(true).await.unwrap();
    let zoom = app_id(&server, "Zoom").await;
    let browser = Browser::start().await.unwrap();
    browser
        .sign_in(&server, DEMO_READ_ONLY_ADMIN)
        .await
        .unwrap();
    let client = &browser.client;
    open_settings(client, &server, &zoom).await;

    wait_for_prop(client, "[data-testid=source-kind]", "value", "csvFile").await;
    let path = prop(client, "[data-testid=source-path]", "value").await;
    assert!(path.ends_with("/zoom-users.csv"), "{path}");
    assert_eq!(
        prop(client, "[data-testid=source-schedule]", "value").await,
        "every"
    );
    assert_eq!(
        prop(client, "[data-testid=source-every-minutes]", "value").await,
        "60"
    );

    // The settings can be read, not changed; the reason is beside them.
    let save = client
        .find(Locator::Css("[data-testid=save-source]"))
        .await
        .unwrap();
    assert!(!save.is_enabled().await.unwrap(), "Save is disabled");
    assert_eq!(
        save.attr("title").await.unwrap().as_deref(),
        Some(
            "Read-only administrators can't change an app's import settings, test its source or import from it; a dry run is fine."
        )
    );
    wait_for_text(
        client,
        "[data-testid=source-settings] [data-testid=read-only-note]",
        "can't change an app's import settings",
        WAIT,
    )
    .await
    .unwrap();
    for control in ["test-source", "import-now"] {
        let button = client
            .find(Locator::Css(&format!("[data-testid={control}]")))
            .await
            .unwrap();
        assert!(!button.is_enabled().await.unwrap(), "{control} is disabled");
    }

    // A dry run changes nothing: a read-only administrator may read the file through one.
    click(client, "[data-testid=import-now-dry-run]")
        .await
        .unwrap();
    let result = wait_for_text(
        client,
        "[data-testid=source-dry-run-result]",
        "scanned",
        WAIT,
    )
    .await
    .unwrap();
    assert!(!result.contains("0 scanned"), "{result}");

    browser.close().await.unwrap();
}

/// How wide the page is laid out on the screen, and every sample cell whose label is not its
/// column's header.
const PHONE_JS: &str = r#"
const table = document.querySelector('[data-testid=source-sample]');
const headers = [...table.tHead.rows[0].cells].map(th => th.textContent.trim());
const wrong = [];
for (const row of table.tBodies[0].rows) {
  [...row.cells].forEach((cell, i) => {
    const content = getComputedStyle(cell, '::before').content;
    const label = /^".*"$/.test(content) ? JSON.parse(content) : '';
    if (label !== headers[i]) wrong.push(`${label} under ${headers[i]}`);
  });
}
return { innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, wrong };
"#;

#[tokio::test]
async fn the_settings_and_a_test_read_fit_a_phone_screen() {
    let server = Server::start(true).await.unwrap();
    let zoom = app_id(&server, "Zoom").await;
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    // On a phone the signed-in administrator is folded behind the menu: the menu button shows
    // that the console is signed in.
    client
        .goto(&format!("{}/signin", server.url))
        .await
        .unwrap();
    browser
        .fill_sign_in(DEMO_SUPER_ADMIN.0, DEMO_SUPER_ADMIN.1)
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=menu-button]"))
        .await
        .unwrap();
    open_settings(client, &server, &zoom).await;
    wait_for_prop(client, "[data-testid=source-kind]", "value", "csvFile").await;
    click(client, "[data-testid=test-source]").await.unwrap();
    wait_for_text(client, "[data-testid=source-test-summary]", "users", WAIT)
        .await
        .unwrap();
    let shown = client.execute(PHONE_JS, vec![]).await.unwrap();
    assert_eq!(shown["wrong"], serde_json::json!([]), "{shown}");
    assert!(
        shown["scrollWidth"].as_u64() <= shown["innerWidth"].as_u64(),
        "{shown}"
    );
    browser.screenshot("narrow-app-source-test").await.unwrap();

    // An LDAP directory's fields, the longest form.
    select(client, "[data-testid=source-kind]", "ldap").await;
    wait_for_text(client, "[data-testid=source-settings]", "Base DN", WAIT)
        .await
        .unwrap();
    let width = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert!(width[0].as_u64() <= width[1].as_u64(), "{width}");
    browser.screenshot("narrow-app-source-ldap").await.unwrap();

    browser.close().await.unwrap();
}

#[tokio::test]
async fn an_ldap_password_is_only_said_to_be_set_and_can_be_removed() {
    let server = Server::start(true).await.unwrap();
    let jira = app_id(&server, "Jira").await;
    let response = safeguard_e2e::api_client()
        .unwrap()
        .put(format!("{}/api/v1/apps/{jira}/source", server.url))
        .json(&serde_json::json!({
            "kind": "ldap",
            "url": "ldap://127.0.0.1:1",
            "bindDn": "cn=reader,dc=example,dc=com",
            "password": "directory-secret",
            "baseDn": "ou=people,dc=example,dc=com",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, DEMO_SUPER_ADMIN).await.unwrap();
    let client = &browser.client;
    open_settings(client, &server, &jira).await;
    wait_for_text(client, "[data-testid=password-state]", "Set", WAIT)
        .await
        .unwrap();
    // The password itself never comes back to the page.
    assert_eq!(
        prop(client, "[data-testid=source-password]", "value").await,
        ""
    );
    assert_eq!(
        prop(client, "#source-bind-dn", "value").await,
        "cn=reader,dc=example,dc=com"
    );
    // The mapping shows the directory's defaults as placeholders.
    assert_eq!(
        client
            .find(Locator::Css("[data-testid=mapping-login]"))
            .await
            .unwrap()
            .attr("placeholder")
            .await
            .unwrap()
            .as_deref(),
        Some("uid")
    );

    // A URL that is not LDAP is refused beside its field.
    type_into(
        client,
        "[data-testid=source-url]",
        "http://directory.example.com",
    )
    .await;
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(
        client,
        "#source-url-error",
        "must start with ldap:// or ldaps://",
        WAIT,
    )
    .await
    .unwrap();

    // Saved without the password typed again: the stored one is kept.
    type_into(client, "[data-testid=source-url]", "ldap://127.0.0.1:2").await;
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(client, "[data-testid=source-saved]", "Saved", WAIT)
        .await
        .unwrap();
    let source = server
        .get(&format!("/api/v1/apps/{jira}/source"))
        .await
        .unwrap();
    assert_eq!(source["url"], "ldap://127.0.0.1:2", "{source}");
    assert_eq!(source["passwordSet"], true, "{source}");

    // A directory that does not answer: the test says what failed.
    click(client, "[data-testid=test-source]").await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("[data-testid=source-test-problem]"))
        .await
        .unwrap();

    click(client, "[data-testid=remove-password]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=password-state]",
        "Removed when you save",
        WAIT,
    )
    .await
    .unwrap();
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(client, "[data-testid=password-state]", "Not set", WAIT)
        .await
        .unwrap();
    let source = server
        .get(&format!("/api/v1/apps/{jira}/source"))
        .await
        .unwrap();
    assert_eq!(source["passwordSet"], false, "{source}");

    // A new password typed is sent once, then only said to be set.
    type_into(client, "[data-testid=source-password]", "another-secret").await;
    wait_for_text(
        client,
        "[data-testid=password-state]",
        "Replaced when you save",
        WAIT,
    )
    .await
    .unwrap();
    click(client, "[data-testid=save-source]").await.unwrap();
    wait_for_text(client, "[data-testid=source-saved]", "Saved", WAIT)
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=password-state]", "Set", WAIT)
        .await
        .unwrap();
    assert_eq!(
        prop(client, "[data-testid=source-password]", "value").await,
        ""
    );
    let source = server
        .get(&format!("/api/v1/apps/{jira}/source"))
        .await
        .unwrap();
    assert_eq!(source["passwordSet"], true, "{source}");

    browser.close().await.unwrap();
}
