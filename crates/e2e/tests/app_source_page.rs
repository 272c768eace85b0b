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
