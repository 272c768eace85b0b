//! The roadblock email as administrators see it in the console: the demo's roadblock told its
//! super-administrator, and without an SMTP server the message waits on the Notifications page;
//! the Bounce List page, and a read-only administrator who cannot remove from it.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use safeguard_e2e::{Browser, DEMO_READ_ONLY_ADMIN, DEMO_SUPER_ADMIN, Server, wait_for_text};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn the_roadblock_email_is_on_the_notifications_page_and_the_bounce_list_is_empty() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, DEMO_SUPER_ADMIN).await.unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/notifications", server.url))
        .await
        .unwrap();
    let row = wait_for_text(
        client,
        "[data-testid=outbox-row]",
        "High number of app unassignments",
        WAIT,
    )
    .await
    .unwrap();
    assert!(row.contains(DEMO_SUPER_ADMIN.0), "{row}");
    assert!(row.contains("Workday"), "{row}");
    assert!(row.contains("outbox"), "{row}");
    // The message itself, with the link to the paused import.
    client
        .find(Locator::Css("[data-testid=outbox-row] summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let paused = server.get("/api/v1/roadblock").await.unwrap();
    let id = paused["import"]["id"].as_str().unwrap();
    let body = wait_for_text(client, ".mail-body", "safeguard", WAIT)
        .await
        .unwrap();
    assert!(body.contains(&format!("/imports/{id}")), "{body}");
    browser.screenshot("notifications").await.unwrap();

    client
        .goto(&format!("{}/notifications/bounces", server.url))
        .await
        .unwrap();
    wait_for_text(client, "main", "No address is on the bounce list.", WAIT)
        .await
        .unwrap();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_read_only_administrator_cannot_remove_bounced_addresses() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser
        .sign_in(&server, DEMO_READ_ONLY_ADMIN)
        .await
        .unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/notifications/bounces", server.url))
        .await
        .unwrap();
    wait_for_text(
        client,
        "#bounces-read-only",
        "Read-only administrators can't remove addresses",
        WAIT,
    )
    .await
    .unwrap();
    let remove = client
        .find(Locator::Css("[data-testid=remove-bounces]"))
        .await
        .unwrap();
    assert!(!remove.is_enabled().await.unwrap());
    browser.close().await.unwrap();
}
