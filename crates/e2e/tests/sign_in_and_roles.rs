//! Signing in and out in a real browser, and what a read-only administrator sees: the demo's
//! documented administrators, the sign-in page, sign-out, and Resume disabled with its reason.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use safeguard_e2e::{
    Browser, DEMO_READ_ONLY_ADMIN, DEMO_SUPER_ADMIN, Server, click, wait_for_text,
};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn sign_in_see_the_console_sign_out_and_be_sent_to_sign_in() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    let client = &browser.client;

    // A page of the console without a session: the sign-in page, remembering where to go.
    client
        .goto(&format!("{}/imports?status=paused", server.url))
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=signin-form]"))
        .await
        .expect("no sign-in page");
    assert_eq!(client.current_url().await.unwrap().path(), "/signin");
    browser.screenshot("sign-in").await.unwrap();

    // A wrong password says so, and signs nobody in.
    browser
        .fill_sign_in(DEMO_SUPER_ADMIN.0, "not-the-password")
        .await
        .unwrap();
    wait_for_text(
        client,
        "#signin-error",
        "Wrong email address or password",
        WAIT,
    )
    .await
    .unwrap();

    // The right one: back to the page asked for, with who is signed in, as what.
    client
        .find(Locator::Css("#signin-email"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    browser
        .fill_sign_in(DEMO_SUPER_ADMIN.0, DEMO_SUPER_ADMIN.1)
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=user-email]", DEMO_SUPER_ADMIN.0, WAIT)
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=user-role]",
        "Super administrator",
        WAIT,
    )
    .await
    .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/imports");
    assert_eq!(url.query(), Some("status=paused"));
    // The page itself works: the paused import is listed.
    wait_for_text(client, "main", "Workday paused", WAIT)
        .await
        .unwrap();

    // The sign-in is in the System Log.
    let started = server
        .get("/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22")
        .await
        .unwrap();
    assert_eq!(started[0]["actor"]["displayName"], DEMO_SUPER_ADMIN.0);

    // Sign out: the sign-in page, and the console is closed until signing in again.
    click(client, "[data-testid=sign-out]").await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=signin-form]"))
        .await
        .expect("signing out did not lead to the sign-in page");
    client
        .goto(&format!("{}/safeguards", server.url))
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=signin-form]"))
        .await
        .expect("after signing out, a page of the console still opened");
    assert_eq!(client.current_url().await.unwrap().path(), "/signin");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_read_only_administrator_sees_resume_disabled_with_the_reason() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser
        .sign_in(&server, DEMO_READ_ONLY_ADMIN)
        .await
        .unwrap();
    let client = &browser.client;
    wait_for_text(
        client,
        "[data-testid=user-role]",
        "Read-only administrator",
        WAIT,
    )
    .await
    .unwrap();

    let paused = server.get("/api/v1/roadblock").await.unwrap();
    let id = paused["import"]["id"].as_str().unwrap();
    client
        .goto(&format!("{}/imports/{id}", server.url))
        .await
        .unwrap();
    wait_for_text(
        client,
        "#resolve-read-only",
        "Read-only administrators can't resume imports",
        WAIT,
    )
    .await
    .unwrap();
    for label in ["Resume All Imports", "Cancel the Affected Import"] {
        let buttons = client.find_all(Locator::Css("button")).await.unwrap();
        let mut found = false;
        for button in buttons {
            if button.text().await.unwrap().contains(label) {
                found = true;
                assert!(!button.is_enabled().await.unwrap(), "{label} is enabled");
                let title = button.attr("title").await.unwrap().unwrap_or_default();
                assert!(
                    title.contains("Read-only administrators"),
                    "{label}: {title}"
                );
            }
        }
        assert!(found, "no {label} button");
    }
    // The affected users are there to review all the same.
    wait_for_text(client, "main", "Changes by user", WAIT)
        .await
        .unwrap();
    browser.screenshot("read-only-import").await.unwrap();
    browser.close().await.unwrap();

    // And the import is still paused.
    let state = server.get("/api/v1/roadblock").await.unwrap();
    assert_eq!(state["import"]["id"], id);
}
