//! Editing the safeguards with the live preview, and finding the roadblock in the System Log.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use safeguard_e2e::{ADMIN, Browser, Server, click, wait_for_text};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn edit_a_percent_see_the_preview_change_save_and_it_persists() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/safeguards", server.url))
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=preview-summary]",
        "No paused, queued or recent import",
        WAIT,
    )
    .await
    .unwrap();

    // At 100 % no app-level limit can be exceeded, so the paused import's verdict changes
    // (or, if the org level stopped it, the org level is raised too).
    let input = client
        .find(Locator::Css("[data-testid=app-percent]"))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys("100").await.unwrap();
    let org = client
        .find(Locator::Css("[data-testid=org-percent]"))
        .await
        .unwrap();
    org.clear().await.unwrap();
    org.send_keys("100").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=preview-summary]",
        "import would pass",
        WAIT,
    )
    .await
    .unwrap();
    browser.screenshot("safeguards-preview").await.unwrap();

    click(client, "[data-testid=save]").await.unwrap();
    wait_for_text(client, "[data-testid=save-outcome]", "Saved", WAIT)
        .await
        .unwrap();
    client.refresh().await.unwrap();
    let input = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=app-percent]"))
        .await
        .unwrap();
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("100"));
    let saved = server.get("/api/v1/safeguards").await.unwrap();
    assert_eq!(saved["appLevel"]["percent"], 100);
    assert_eq!(saved["orgLevel"]["percent"], 100);
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_log_filter_finds_the_roadblock_event() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    client.goto(&format!("{}/logs", server.url)).await.unwrap();
    let filter = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=log-filter]"))
        .await
        .unwrap();
    filter
        .send_keys("eventType eq \"system.import.roadblock\"")
        .await
        .unwrap();
    click(client, "[data-testid=log-search]").await.unwrap();
    // The previous (unfiltered) results stay on screen until the filtered ones arrive.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let mut texts = Vec::new();
        for event in client
            .find_all(Locator::Css("[data-testid=log-event]"))
            .await
            .unwrap()
        {
            texts.push(event.text().await.unwrap_or_default());
        }
        if !texts.is_empty() && texts.iter().all(|t| t.contains("system.import.roadblock")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the filter never narrowed the log to roadblock events: {texts:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    browser.screenshot("system-log-roadblocks").await.unwrap();
    browser.close().await.unwrap();
}
