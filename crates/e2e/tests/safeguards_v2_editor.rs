//! The safeguards editor on every version 2 setting, against the real server: an org count, the
//! deactivation budget and the roadblock's scope are edited in the browser and saved; a bad count
//! is refused beside its field and saves nothing; on a phone the page fits the screen and the
//! paused import's chart shows its bars.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{ADMIN, Browser, Screen, Server, click, wait_for_text};
use serde_json::Value;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Opens the Safeguards page and waits for the editor's preview.
async fn open_editor(browser: &Browser, server: &Server) {
    browser.sign_in(server, ADMIN).await.unwrap();
    show_editor(browser, server).await;
}

/// Signs in on a phone: the signed-in administrator is behind the menu there, so the sign-in is
/// done when the menu button shows.
async fn open_editor_on_phone(browser: &Browser, server: &Server) {
    let client = &browser.client;
    client
        .goto(&format!("{}/signin", server.url))
        .await
        .unwrap();
    browser.fill_sign_in(ADMIN.0, ADMIN.1).await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=menu-button]"))
        .await
        .unwrap();
    show_editor(browser, server).await;
}

async fn show_editor(browser: &Browser, server: &Server) {
    let client = &browser.client;
    client
        .goto(&format!("{}/safeguards", server.url))
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=preview-limits]", "Whole org", WAIT)
        .await
        .unwrap();
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn save_enabled(client: &Client) -> bool {
    client
        .find(Locator::Css("[data-testid=save]"))
        .await
        .unwrap()
        .is_enabled()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_org_count_the_budget_and_the_scope_are_saved() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    open_editor(&browser, &server).await;
    let client = &browser.client;

    type_into(client, "[data-testid=org-count]", "500").await;
    click(client, "[data-testid=budget-enabled]").await.unwrap();
    // Enabled with neither a percent nor a count: refused before the server is asked.
    wait_for_text(
        client,
        "[data-testid=budget-error]",
        "needs a percent or a count",
        WAIT,
    )
    .await
    .unwrap();
    assert!(
        !save_enabled(client).await,
        "an empty budget cannot be saved"
    );
    type_into(client, "[data-testid=budget-count]", "25").await;
    click(client, "[data-testid=scope-app]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=budget-limit-proposed]",
        "25 (a count of 25)",
        WAIT,
    )
    .await
    .unwrap();
    wait_for_text(
        client,
        "[data-testid=paused-chart]",
        "Deactivation budget",
        WAIT,
    )
    .await
    .unwrap();
    browser.screenshot("safeguards-v2-editor").await.unwrap();

    click(client, "[data-testid=save]").await.unwrap();
    wait_for_text(client, "[data-testid=save-outcome]", "Saved", WAIT)
        .await
        .unwrap();
    let saved = server.get("/api/v1/safeguards").await.unwrap();
    assert_eq!(saved["orgLevel"]["count"], 500, "{saved}");
    assert_eq!(saved["appLevel"]["count"], Value::Null, "{saved}");
    assert_eq!(saved["deactivations"]["enabled"], true, "{saved}");
    assert_eq!(saved["deactivations"]["count"], 25, "{saved}");
    assert_eq!(saved["deactivations"]["percent"], Value::Null, "{saved}");
    assert_eq!(saved["roadblockScope"], "app", "{saved}");

    // After a reload the fields show what was saved.
    client.refresh().await.unwrap();
    let count = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=org-count]"))
        .await
        .unwrap();
    assert_eq!(count.prop("value").await.unwrap().as_deref(), Some("500"));
    let app_scope = client
        .find(Locator::Css("[data-testid=scope-app]"))
        .await
        .unwrap();
    assert_eq!(
        app_scope.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_bad_count_shows_its_error_and_saves_nothing() {
    let server = Server::start(true).await.unwrap();
    let before = server.get("/api/v1/safeguards").await.unwrap();
    let browser = Browser::start().await.unwrap();
    open_editor(&browser, &server).await;
    let client = &browser.client;

    type_into(client, "[data-testid=app-count]", "-1").await;
    wait_for_text(
        client,
        "[data-testid=app-count-error]",
        "A count is a whole number of at least 0",
        WAIT,
    )
    .await
    .unwrap();
    assert!(
        !save_enabled(client).await,
        "Save is disabled while a count is invalid"
    );
    // A click on the disabled button sends nothing.
    client
        .find(Locator::Css("[data-testid=save]"))
        .await
        .unwrap()
        .click()
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.get("/api/v1/safeguards").await.unwrap(), before);
    browser.close().await.unwrap();
}

/// The page's width and whether each bar of the paused import's chart is on the screen.
const PHONE_JS: &str = r#"
const rows = [...document.querySelectorAll('[data-testid=paused-chart] [data-testid=chart-row]')];
const shown = rows.map(r => { const b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= arguments[0] + 0.5; });
return { scrollWidth: document.documentElement.scrollWidth, rows: rows.length, shown: shown.filter(Boolean).length };
"#;

#[tokio::test]
async fn on_a_phone_the_editor_fits_and_the_chart_shows() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start_phone().await.unwrap();
    open_editor_on_phone(&browser, &server).await;
    let client = &browser.client;
    wait_for_text(
        client,
        "[data-testid=paused-chart]",
        "against the proposed limits",
        WAIT,
    )
    .await
    .unwrap();
    // The budget's bar is drawn once the budget is on, and must fit too.
    click(client, "[data-testid=budget-enabled]").await.unwrap();
    type_into(client, "[data-testid=budget-percent]", "5").await;
    wait_for_text(
        client,
        "[data-testid=paused-chart]",
        "Deactivation budget",
        WAIT,
    )
    .await
    .unwrap();
    let width = u64::from(Screen::PHONE_WIDTH);
    let fit = client
        .execute(PHONE_JS, vec![Value::from(width)])
        .await
        .unwrap();
    browser.screenshot("narrow-safeguards-v2").await.unwrap();
    assert!(
        fit["scrollWidth"].as_u64().unwrap() <= width,
        "the page scrolls sideways on a {width} px screen: {fit}"
    );
    assert!(fit["rows"].as_u64().unwrap() >= 2, "{fit}");
    assert_eq!(
        fit["rows"], fit["shown"],
        "every bar is on the screen: {fit}"
    );
    browser.close().await.unwrap();
}
