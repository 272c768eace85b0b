//! The product as a person first meets it: the server serves the built console, the page mounts
//! in a real browser, and every page of the navigation renders. Screenshots of each land in
//! `artifacts/`.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use safeguard_e2e::{ADMIN, Browser, Server, wait_for_text};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn every_page_renders_from_the_demo_org() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    client.goto(&server.url).await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=console]"))
        .await
        .expect("the console's shell never mounted");

    let paused = server.get("/api/v1/roadblock").await.unwrap();
    let paused_id = paused["import"]["id"].as_str().unwrap().to_owned();
    let apps = server.get("/api/v1/apps").await.unwrap();
    let first_app = apps[0]["id"].as_str().unwrap().to_owned();

    let pages = [
        (
            "dashboard",
            "/".to_owned(),
            "[data-testid=dashboard-safeguards]",
            "App level",
        ),
        (
            "applications",
            "/apps".to_owned(),
            "[data-testid=apps-table]",
            "Population",
        ),
        (
            "app-provisioning",
            format!("/apps/{first_app}"),
            "[data-testid=safeguard-editor]",
            "changes it for all apps",
        ),
        (
            "import-monitoring",
            "/imports".to_owned(),
            "[data-testid=imports-table]",
            "paused",
        ),
        (
            "import-paused",
            format!("/imports/{paused_id}"),
            "[data-testid=roadblock-panel]",
            "safeguard",
        ),
        (
            "safeguards",
            "/safeguards".to_owned(),
            "[data-testid=preview-limits]",
            "Whole org",
        ),
        (
            "system-log",
            "/logs".to_owned(),
            "[data-testid=log-results]",
            "system.import",
        ),
    ];
    for (name, path, css, needle) in pages {
        client.goto(&format!("{}{path}", server.url)).await.unwrap();
        wait_for_text(client, css, needle, WAIT)
            .await
            .unwrap_or_else(|e| panic!("page {name} ({path}): {e}"));
        browser.screenshot(name).await.unwrap();
    }

    // A narrow phone-sized window still shows the banner and the navigation.
    client.set_window_size(390, 844).await.unwrap();
    client.goto(&server.url).await.unwrap();
    wait_for_text(
        client,
        "[data-testid=roadblock-banner]",
        "Import roadblock",
        WAIT,
    )
    .await
    .unwrap();
    browser.screenshot("dashboard-390px").await.unwrap();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_deep_link_signs_in_first_then_returns_and_unknown_api_paths_answer_problems() {
    let server = Server::start(false).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser
        .client
        .goto(&format!("{}/imports/some-import", server.url))
        .await
        .unwrap();
    // Not signed in: the console sends the administrator to sign in, remembering the page.
    browser.fill_sign_in(ADMIN.0, ADMIN.1).await.unwrap();
    browser
        .client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=console]"))
        .await
        .expect("signing in did not load the console");
    // Back where the link pointed: the page asks the API for an import that does not exist and
    // shows the problem.
    wait_for_text(&browser.client, "[data-testid=problem]", "", WAIT)
        .await
        .unwrap();
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/imports/some-import");
    browser.close().await.unwrap();

    let response = safeguard_e2e::api_client()
        .unwrap()
        .get(format!("{}/api/v1/no-such-thing", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}
