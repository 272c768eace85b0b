//! An administrator reviews the demo org's roadblock in the console, and resolves it.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use safeguard_e2e::{ADMIN, Browser, Server, click, wait_for_text, wait_gone};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

async fn open_paused_import(server: &Server, browser: &Browser) -> String {
    let client = &browser.client;
    client.goto(&server.url).await.unwrap();
    let banner = wait_for_text(
        client,
        "[data-testid=roadblock-banner]",
        "Import roadblock: new imports will not run",
        WAIT,
    )
    .await
    .unwrap();
    let state = server.get("/api/v1/roadblock").await.unwrap();
    let app_name = state["import"]["appName"].as_str().unwrap();
    assert!(
        banner.contains(app_name),
        "the banner names the paused import's app: {banner}"
    );
    assert!(
        banner.contains(&format!("{} imports are waiting", state["queued"])),
        "{banner}"
    );
    click(client, "[data-testid=roadblock-review]")
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=roadblock-cause]", "safeguard", WAIT)
        .await
        .unwrap();
    state["import"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn review_the_affected_users_and_resume_all_imports() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    let id = open_paused_import(&server, &browser).await;

    // The affected users are the plan's unassignments, named, as the API lists them.
    let api_rows = server
        .get(&format!(
            "/api/v1/imports/{id}/changes?kind=unassign&limit=100"
        ))
        .await
        .unwrap();
    let expected: Vec<String> = api_rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap().to_owned())
        .collect();
    assert!(!expected.is_empty());
    wait_for_text(client, "[data-testid=affected-table]", &expected[0], WAIT)
        .await
        .unwrap();
    let shown = client
        .find_all(Locator::Css("[data-testid=affected-row] td:first-child"))
        .await
        .unwrap();
    let mut logins = Vec::new();
    for cell in shown {
        logins.push(cell.text().await.unwrap());
    }
    assert_eq!(
        logins, expected,
        "the console lists the same users as the API, in the same order"
    );

    // Search narrows the list to matching logins.
    let needle = expected[0].clone();
    client
        .find(Locator::Css("[data-testid=affected-search]"))
        .await
        .unwrap()
        .send_keys(&needle)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = client
        .find_all(Locator::Css("[data-testid=affected-row]"))
        .await
        .unwrap();
    assert!(
        !rows.is_empty() && rows.len() < expected.len(),
        "search narrows the list"
    );

    browser.screenshot("import-paused-review").await.unwrap();
    click(client, "[data-testid=resume]").await.unwrap();
    let confirm = wait_for_text(client, "[data-testid=confirm]", "will be unassigned", WAIT)
        .await
        .unwrap();
    assert!(
        confirm.contains("queued imports will run"),
        "the confirmation says what follows: {confirm}"
    );
    click(client, "[data-testid=confirm-yes]").await.unwrap();

    wait_gone(client, "[data-testid=roadblock-banner]", WAIT)
        .await
        .unwrap();
    let import = server.get(&format!("/api/v1/imports/{id}")).await.unwrap();
    assert_eq!(import["status"], "completed");
    // The queue drains right after the answer: poll until the imports that waited have run.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let queued = server.get("/api/v1/imports?status=queued").await.unwrap();
        if queued.as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the queued imports never ran: {queued}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let completed = server
        .get("/api/v1/imports?status=completed&limit=1000")
        .await
        .unwrap();
    let ran = completed
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["startedAt"].as_str() > import["finishedAt"].as_str())
        .count();
    assert!(
        ran >= 1,
        "the queued imports completed after the resumed one"
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn cancel_the_affected_import_applies_nothing() {
    let server = Server::start(true).await.unwrap();
    let before = server.get("/api/v1/apps").await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    let id = open_paused_import(&server, &browser).await;
    let paused_app = server.get(&format!("/api/v1/imports/{id}")).await.unwrap()["appId"].clone();

    click(client, "[data-testid=cancel]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=confirm]",
        "nothing of it is applied",
        WAIT,
    )
    .await
    .unwrap();
    click(client, "[data-testid=confirm-yes]").await.unwrap();
    wait_gone(client, "[data-testid=roadblock-banner]", WAIT)
        .await
        .unwrap();

    let import = server.get(&format!("/api/v1/imports/{id}")).await.unwrap();
    assert_eq!(import["status"], "cancelled");
    let after = server.get("/api/v1/apps").await.unwrap();
    let population = |apps: &serde_json::Value| {
        apps.as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == paused_app)
            .unwrap()["population"]
            .clone()
    };
    assert_eq!(
        population(&before),
        population(&after),
        "the cancelled import unassigned no one"
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_resume_someone_else_already_made_is_shown_as_such_and_the_page_refreshes() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    let id = open_paused_import(&server, &browser).await;

    // Another administrator cancels it while this page is open.
    let (status, _) = server
        .post(
            &format!("/api/v1/imports/{id}/cancel"),
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);

    click(client, "[data-testid=resume]").await.unwrap();
    click(client, "[data-testid=confirm-yes]").await.unwrap();
    let notice = wait_for_text(
        client,
        "[data-testid=resolve-conflict]",
        "Someone else resolved this import first",
        WAIT,
    )
    .await
    .unwrap();
    assert!(
        notice.contains("already resolved") || notice.contains("cancel"),
        "the server's detail is shown: {notice}"
    );
    // The page now shows the import as it is: cancelled, with no Resume button.
    wait_gone(client, "[data-testid=roadblock-panel]", WAIT)
        .await
        .unwrap();
    wait_for_text(client, "h1", "cancelled", WAIT)
        .await
        .unwrap();
    let import = server.get(&format!("/api/v1/imports/{id}")).await.unwrap();
    assert_eq!(
        import["status"], "cancelled",
        "the second action did nothing"
    );
    browser.close().await.unwrap();
}
