//! The product as a person first meets it: the server serves the built console, and the page
//! mounts in a real browser.

use fantoccini::Locator;
use safeguard_e2e::{Browser, Server};
use std::time::Duration;

#[tokio::test]
async fn the_served_console_mounts_in_chromium() {
    let server = Server::start(false).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.client.goto(&server.url).await.unwrap();
    let shell = browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=console]"))
        .await
        .expect("the console's shell never mounted");
    let text = shell.text().await.unwrap();
    assert!(text.contains("Safeguard"), "shell text: {text}");
    browser.screenshot("first-page").await.unwrap();

    // A deep link outside /api is answered with the console too, so bookmarks work.
    browser
        .client
        .goto(&format!("{}/imports/some-import", server.url))
        .await
        .unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=console]"))
        .await
        .expect("a deep link did not load the console");
    browser.close().await.unwrap();
}
