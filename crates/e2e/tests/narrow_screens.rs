//! The console on a phone, 390 x 844: every page fits the screen's width, the navigation folds
//! behind a menu button, tables show one card per row, and the roadblock banner stays short.
//! Each page's screenshot is left in `artifacts/narrow-<page>.png`.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{Browser, DEMO_SUPER_ADMIN, Screen, Server, click, wait_for_text};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const WAIT: Duration = Duration::from_secs(20);

/// Every page of the console names these in its navigation.
const NAV_LINKS: [&str; 10] = [
    "Dashboard",
    "Applications",
    "Import Monitoring",
    "Safeguards",
    "System Log",
    "Notifications",
    "Administrators",
    "API tokens",
    "Webhooks",
    "Bounce List",
];

/// A long address to be told of roadblocks: it must wrap on the pages that show it.
const LONG_ADDRESS: &str = "identity-operations-on-call-rotation@subsidiary-holdings.example.com";

/// How wide the page is laid out, and the outermost elements that reach past either edge of a
/// screen `arguments[0]` px wide (their children would only repeat them).
const FITS_JS: &str = r#"
const describe = (el) => {
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  if (typeof el.className === 'string' && el.className.trim()) name += '.' + el.className.trim().split(/\s+/).join('.');
  const testid = el.closest('[data-testid]');
  if (testid) name += ' in [data-testid=' + testid.dataset.testid + ']';
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  return text ? `${name} ("${text}")` : name;
};
const width = arguments[0];
const past = (el) => {
  const r = el.getBoundingClientRect();
  return (r.width > 0 || r.height > 0) && (r.right > width + 0.5 || r.left < -0.5);
};
const offenders = [];
for (const el of document.body.querySelectorAll('*')) {
  if (past(el) && !(el.parentElement && past(el.parentElement))) {
    const r = el.getBoundingClientRect();
    offenders.push(`${describe(el)} spans x ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
}
return { innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, offenders };
"#;

/// Every table on the page, as cards: its header row hidden, each row's cells stacked, each cell
/// labelled with its column's header.
const CARDS_JS: &str = r#"
const problems = [];
let cards = 0;
const tables = [...document.querySelectorAll('main table')].filter(t => t.getClientRects().length);
for (const table of tables) {
  const name = table.dataset.testid || table.className || 'table';
  const head = table.tHead;
  // A header that only screen readers read (the tokens' actions) labels nothing on screen.
  const headers = head ? [...head.rows[0].cells].map(th => {
    const text = th.textContent.trim();
    const hidden = th.querySelector('.visually-hidden');
    return hidden && hidden.textContent.trim() === text ? '' : text;
  }) : [];
  if (head && head.getClientRects().length) problems.push(`${name}: the header row is shown`);
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      const cells = [...row.cells];
      const where = `${name}, row ${row.sectionRowIndex + 1}`;
      const labelOf = (cell) => {
        const content = getComputedStyle(cell, '::before').content;
        return /^".*"$/.test(content) ? JSON.parse(content) : '';
      };
      if (cells.length < 2) { // a confirmation across the whole row: no column to name
        if (labelOf(cells[0])) problems.push(`${where}: labelled ${JSON.stringify(labelOf(cells[0]))}, it spans every column`);
        continue;
      }
      cards += 1;
      if (cells.some(c => getComputedStyle(c).display === 'table-cell')) {
        problems.push(`${where}: the cells are laid out as a table row`);
      }
      const tops = new Set(cells.map(c => Math.round(c.getBoundingClientRect().top)));
      if (tops.size < 2) problems.push(`${where}: all ${cells.length} cells are on one line`);
      cells.forEach((cell, i) => {
        const label = labelOf(cell);
        const want = headers[i] || '';
        if (label !== want) problems.push(`${where}, cell ${i + 1}: labelled ${JSON.stringify(label)}, its column is ${JSON.stringify(want)}`);
      });
    }
  }
}
return { tables: tables.length, cards, problems };
"#;

/// The menu button, what it controls, and which navigation links are on screen.
const MENU_JS: &str = r#"
const button = document.querySelector('[data-testid=menu-button]');
const nav = document.querySelector('nav[aria-label=Main]');
const onScreen = (el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth;
};
const controlled = button && document.getElementById(button.getAttribute('aria-controls'));
const email = document.querySelector('[data-testid=user-email]');
return {
  tag: button ? button.tagName : null,
  type: button ? button.type : null,
  buttonShown: !!button && onScreen(button),
  expanded: button ? button.getAttribute('aria-expanded') : null,
  controlsNav: !!controlled && !!nav && controlled.contains(nav),
  links: nav ? [...nav.querySelectorAll('a')].filter(onScreen).map(a => a.textContent.trim()) : [],
  email: email && onScreen(email) ? email.textContent.trim() : null,
};
"#;

/// The roadblock banner's height in lines of its text, and whether its link is on screen.
const BANNER_JS: &str = r#"
const banner = document.querySelector('[data-testid=roadblock-banner]');
const s = getComputedStyle(banner);
const height = banner.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
  - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
const link = banner.querySelector('[data-testid=roadblock-review]').getBoundingClientRect();
return { lines: height / parseFloat(s.lineHeight), linkShown: link.width > 0 && link.right <= window.innerWidth };
"#;

async fn run(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap()
}

/// Asserts that the page is no wider than the phone's screen and that no element reaches past
/// either edge; names the elements that do. The screen's width is the reference, not the
/// viewport's: a phone's browser zooms out to show a page that is too wide, and the viewport
/// grows with it.
async fn assert_fits(client: &Client, page: &str) {
    let width = u64::from(Screen::PHONE_WIDTH);
    let fit = client
        .execute(FITS_JS, vec![Value::from(width)])
        .await
        .unwrap();
    let offenders: Vec<&str> = fit["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        offenders.is_empty(),
        "{page}: {} element(s) reach past the {width} px screen, first: {:#?}",
        offenders.len(),
        &offenders[..offenders.len().min(8)]
    );
    let scroll_width = fit["scrollWidth"].as_u64().unwrap();
    let viewport = fit["innerWidth"].as_u64().unwrap();
    assert!(
        scroll_width <= width && viewport <= width,
        "{page}: the page is {scroll_width} px wide on a {width} px screen (viewport {viewport} px): \
         it scrolls sideways or is zoomed out to fit"
    );
}

/// Asserts that every table on the page shows one card per row (see `CARDS_JS`); answers how
/// many cards there are.
async fn assert_tables_are_cards(client: &Client, page: &str) -> u64 {
    let cards = run(client, CARDS_JS).await;
    let problems = cards["problems"].as_array().unwrap();
    assert!(
        problems.is_empty(),
        "{page}: tables are not shown as cards: {:#?}",
        &problems[..problems.len().min(8)]
    );
    cards["cards"].as_u64().unwrap()
}

/// The checks every page passes, then its screenshot.
async fn check_page(browser: &Browser, page: &str) {
    assert_fits(&browser.client, page).await;
    assert_tables_are_cards(&browser.client, page).await;
    browser.screenshot(&format!("narrow-{page}")).await.unwrap();
}

async fn menu(client: &Client) -> Value {
    run(client, MENU_JS).await
}

/// Asserts that the navigation is folded: the menu button shows, no link does.
async fn assert_folded(client: &Client, page: &str) {
    let menu = menu(client).await;
    assert_eq!(menu["buttonShown"], true, "{page}: no menu button: {menu}");
    assert_eq!(menu["expanded"], "false", "{page}: {menu}");
    assert_eq!(
        menu["links"],
        serde_json::json!([]),
        "{page}: links show while the menu is folded"
    );
}

/// Opens the menu, chooses `link`, and waits for the menu to fold again over the page it opened.
async fn open_by_menu(client: &Client, link: &str) {
    assert_folded(client, "before the menu opens").await;
    click(client, "[data-testid=menu-button]").await.unwrap();
    let open = menu(client).await;
    assert_eq!(open["expanded"], "true", "{open}");
    assert_eq!(
        open["links"],
        serde_json::json!(NAV_LINKS),
        "the open menu shows every link on screen"
    );
    client
        .find(Locator::XPath(&format!(
            "//nav[@aria-label='Main']//a[normalize-space()='{link}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_folded(client, &format!("after choosing {link}")).await;
}

/// A mail server that refuses every recipient for good (550 on `RCPT TO`), so the demo's
/// roadblock email bounces and the Bounce List has addresses to show.
async fn refusing_mail_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 mx.example.com ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match command.as_str() {
                        "RCPT" => {
                            b"550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table\r\n"
                        }
                        "DATA" => b"554 5.5.1 No valid recipients\r\n",
                        "QUIT" => b"221 2.0.0 Bye\r\n",
                        _ => b"250 mx.example.com\r\n",
                    };
                    if write.write_all(reply).await.is_err() || command == "QUIT" {
                        break;
                    }
                }
            });
        }
    });
    port
}

async fn wait_for_bounces(server: &Server) {
    let deadline = Instant::now() + WAIT;
    loop {
        let bounces = server.get("/api/v1/org/email/bounces").await.unwrap();
        if bounces.as_array().is_some_and(|b| !b.is_empty()) {
            return;
        }
        assert!(Instant::now() < deadline, "no roadblock email bounced");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The demo org, with roadblock email going to a mail server that refuses it.
async fn demo_server() -> Server {
    let smtp = format!("smtp://127.0.0.1:{}", refusing_mail_server().await);
    Server::start_with(true, &["--smtp-url", &smtp, "--notify", LONG_ADDRESS])
        .await
        .unwrap()
}

/// Signs in on the phone. The signed-in administrator is behind the menu there, so the sign-in
/// is done when the menu button shows.
async fn sign_in(browser: &Browser, server: &Server) {
    let client = &browser.client;
    client
        .goto(&format!("{}/signin", server.url))
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=signin-form]"))
        .await
        .unwrap();
    check_page(browser, "sign-in").await;
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
}

async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
}

async fn scroll_to(client: &Client, css: &str) {
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'}); window.scrollBy(0, -8);",
            vec![Value::from(css)],
        )
        .await
        .unwrap();
}

/// Every page of the console, opened through the folded menu where the menu has it, fits a
/// phone's width with its tables as cards; the state a page can be brought to by a click
/// (an event opened, a confirmation asked, a token just created) is checked too.
#[tokio::test]
async fn every_page_fits_a_phone_screen() {
    let server = demo_server().await;
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    sign_in(&browser, &server).await;

    wait_for(client, "[data-testid=dashboard-imports]").await;
    wait_for(client, "[data-testid=roadblock-banner]").await;
    check_page(&browser, "dashboard").await;

    open_by_menu(client, "Applications").await;
    wait_for(client, "[data-testid=apps-table] a").await;
    check_page(&browser, "applications").await;

    // Salesforce: big enough for a safeguard to check, so the dry run says it would pause.
    client
        .find(Locator::XPath(
            "//table[@data-testid='apps-table']//a[normalize-space()='Salesforce']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "[data-testid=preview-limits] tbody tr").await;
    check_page(&browser, "app").await;
    // The Import tab, with the dry run of a file that keeps one user: everyone else would go.
    click(client, "[data-testid=import-tab]").await.unwrap();
    wait_for(client, "[data-testid=csv-file]").await;
    let csv = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(
        csv.path(),
        "externalId,login,email\nx-1,a.very.long.login.for.one.person@subsidiary-holdings.example.com,a@example.com\n",
    )
    .unwrap();
    client
        .find(Locator::Css("[data-testid=csv-file]"))
        .await
        .unwrap()
        .send_keys(&csv.path().display().to_string())
        .await
        .unwrap();
    click(client, "[data-testid=dry-run]").await.unwrap();
    wait_for(client, "[data-testid=dry-run-result]").await;
    check_page(&browser, "app-dry-run").await;

    open_by_menu(client, "Import Monitoring").await;
    wait_for(client, "[data-testid=import-row]").await;
    check_page(&browser, "import-monitoring").await;

    let completed = run(
        client,
        "return [...document.querySelectorAll('[data-testid=import-row]')]
           .find(r => r.querySelector('.badge-completed'))?.querySelector('a')?.href ?? null;",
    )
    .await;
    client
        .goto(completed.as_str().expect("a completed import is listed"))
        .await
        .unwrap();
    wait_for(client, "[data-testid=import-counts]").await;
    check_page(&browser, "import").await;

    // The paused import, from the banner: the roadblock panel, the affected users, a
    // confirmation.
    click(client, "[data-testid=roadblock-review]")
        .await
        .unwrap();
    wait_for(client, "[data-testid=roadblock-cause]").await;
    wait_for(client, "[data-testid=affected-row]").await;
    check_page(&browser, "import-paused").await;
    scroll_to(client, "[data-testid=affected-users]").await;
    check_page(&browser, "import-paused-review").await;
    scroll_to(client, "[data-testid=roadblock-panel]").await;
    click(client, "[data-testid=cancel]").await.unwrap();
    wait_for(client, "[data-testid=confirm]").await;
    scroll_to(client, "[data-testid=increase-limit]").await;
    check_page(&browser, "import-paused-confirm").await;

    // Safeguards, with a proposal that changes the preview.
    open_by_menu(client, "Safeguards").await;
    wait_for(client, "[data-testid=preview-row]").await;
    let percent = client
        .find(Locator::Css("[data-testid=app-percent]"))
        .await
        .unwrap();
    percent.clear().await.unwrap();
    percent.send_keys("5").await.unwrap();
    wait_for(client, "tr.changed").await;
    check_page(&browser, "safeguards").await;
    scroll_to(client, "[data-testid=preview-limits]").await;
    check_page(&browser, "safeguards-preview").await;

    // The System Log, with one event opened and a filter that does not parse.
    open_by_menu(client, "System Log").await;
    wait_for(client, "[data-testid=log-event]").await;
    click(client, "[data-testid=log-event] summary")
        .await
        .unwrap();
    check_page(&browser, "system-log").await;
    client
        .find(Locator::Css("[data-testid=log-filter]"))
        .await
        .unwrap()
        .send_keys("eventType eq \"system.import.roadblock\" and")
        .await
        .unwrap();
    wait_for(client, "[data-testid=log-filter-error]").await;
    check_page(&browser, "system-log-filter-error").await;

    open_by_menu(client, "Administrators").await;
    wait_for(client, "[data-testid=admin-row]").await;
    check_page(&browser, "administrators").await;

    // API tokens: a token just created, shown once, and a revocation asked about.
    open_by_menu(client, "API tokens").await;
    wait_for(client, "#new-token-name").await;
    client
        .find(Locator::Css("#new-token-name"))
        .await
        .unwrap()
        .send_keys("Nightly HR import from Workday")
        .await
        .unwrap();
    click(client, "[data-testid=create-token-submit]")
        .await
        .unwrap();
    wait_for(client, "[data-testid=new-token]").await;
    wait_for(client, "[data-testid=token-row]").await;
    check_page(&browser, "api-tokens").await;
    click(client, "[data-testid=revoke]").await.unwrap();
    wait_for(client, "[data-testid=revoke-confirm]").await;
    scroll_to(client, "[data-testid=tokens-table]").await;
    check_page(&browser, "api-tokens-revoke").await;

    // Webhooks: a hook with a long URL, its actions, and its delivery log.
    let (status, hook) = server
        .post(
            "/api/v1/webhooks",
            &serde_json::json!({
                "name": "Identity team channel",
                "url": "https://hooks.example.com/services/T0123456789/B0123456789/abcdefghijklmnopqrstuvwx",
                "eventTypes": ["system.import.roadblock", "system.import.roadblock.resume", "system.import.roadblock.cancel"],
                "format": "slack",
            }),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{hook}");
    open_by_menu(client, "Webhooks").await;
    wait_for(client, "[data-testid=webhook-row]").await;
    check_page(&browser, "webhooks").await;
    click(client, "[data-testid=webhook-deliveries]")
        .await
        .unwrap();
    wait_for(client, "[data-testid=delivery-log]").await;
    scroll_to(client, "[data-testid=delivery-log]").await;
    check_page(&browser, "webhook-deliveries").await;

    open_by_menu(client, "Notifications").await;
    wait_for(client, "[data-testid=outbox-row]").await;
    click(client, "[data-testid=outbox-row] summary")
        .await
        .unwrap();
    check_page(&browser, "notifications").await;

    wait_for_bounces(&server).await;
    open_by_menu(client, "Bounce List").await;
    wait_for(client, "[data-testid=bounce-row]").await;
    wait_for_text(client, "[data-testid=bounce-table]", LONG_ADDRESS, WAIT)
        .await
        .unwrap();
    check_page(&browser, "bounce-list").await;

    browser.close().await.unwrap();
}

/// On a phone the navigation is behind a real button that says whether it is open and what it
/// opens; opening it shows every link and the signed-in administrator, pressing it again folds
/// it, and choosing a link folds it over the page the link opened.
#[tokio::test]
async fn the_navigation_folds_behind_a_menu_button() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    sign_in(&browser, &server).await;
    wait_for(client, "[data-testid=dashboard-imports]").await;

    let folded = menu(client).await;
    assert_eq!(folded["tag"], "BUTTON", "{folded}");
    assert_eq!(folded["type"], "button", "{folded}");
    assert_eq!(
        folded["controlsNav"], true,
        "aria-controls names what holds the navigation: {folded}"
    );
    assert_folded(client, "the dashboard").await;
    assert_eq!(
        folded["email"],
        Value::Null,
        "the administrator is behind the menu too"
    );

    click(client, "[data-testid=menu-button]").await.unwrap();
    let open = menu(client).await;
    assert_eq!(open["expanded"], "true", "{open}");
    assert_eq!(open["links"], serde_json::json!(NAV_LINKS), "{open}");
    assert_eq!(open["email"], DEMO_SUPER_ADMIN.0, "{open}");
    assert_fits(client, "the open menu").await;
    browser.screenshot("narrow-menu-open").await.unwrap();

    click(client, "[data-testid=menu-button]").await.unwrap();
    assert_folded(client, "the menu pressed twice").await;

    open_by_menu(client, "Import Monitoring").await;
    wait_for(client, "[data-testid=imports-table]").await;
    let path = client.current_url().await.unwrap().path().to_owned();
    assert_eq!(path, "/imports", "the chosen link opened its page");

    browser.close().await.unwrap();
}

/// Import Monitoring on a phone: no header row, one card per import, one under the other, each
/// as wide as the screen allows, its values stacked and each under its column's name.
#[tokio::test]
async fn import_monitoring_shows_one_card_per_import() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    sign_in(&browser, &server).await;
    client
        .goto(&format!("{}/imports", server.url))
        .await
        .unwrap();
    wait_for(client, "[data-testid=import-row]").await;

    let rows = client
        .find_all(Locator::Css("[data-testid=import-row]"))
        .await
        .unwrap()
        .len() as u64;
    assert!(rows > 1, "the demo has imports to list");
    let header_shown = client
        .find(Locator::Css("[data-testid=imports-table] thead tr"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(!header_shown, "the table's header row is not shown");
    assert_eq!(
        assert_tables_are_cards(client, "Import Monitoring").await,
        rows,
        "one card per import"
    );
    let layout = run(
        client,
        "const rows = [...document.querySelectorAll('[data-testid=import-row]')].map(r => r.getBoundingClientRect());
         const main = document.querySelector('main').getBoundingClientRect();
         return {
           stacked: rows.every((r, i) => i === 0 || r.top >= rows[i - 1].bottom),
           widths: rows.map(r => Math.round(r.width)),
           room: Math.round(main.width),
         };",
    )
    .await;
    assert_eq!(
        layout["stacked"], true,
        "each card is under the one before: {layout}"
    );
    let room = layout["room"].as_u64().unwrap();
    for width in layout["widths"].as_array().unwrap() {
        let width = width.as_u64().unwrap();
        assert!(
            width + 40 >= room && width <= room,
            "a card is {width} px wide in {room} px: {layout}"
        );
    }
    assert_fits(client, "Import Monitoring").await;

    browser.close().await.unwrap();
}

/// The roadblock banner takes two lines at most on a phone, on every page, and its link to the
/// paused import stays on screen and opens it.
#[tokio::test]
async fn the_roadblock_banner_takes_two_lines_at_most() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    sign_in(&browser, &server).await;
    for path in ["/", "/imports", "/safeguards"] {
        client.goto(&format!("{}{path}", server.url)).await.unwrap();
        wait_for(client, "[data-testid=roadblock-banner]").await;
        let banner = run(client, BANNER_JS).await;
        let lines = banner["lines"].as_f64().unwrap();
        assert!(
            lines <= 2.1,
            "{path}: the banner takes {lines:.1} lines of text"
        );
        assert_eq!(banner["linkShown"], true, "{path}: {banner}");
    }
    click(client, "[data-testid=roadblock-review]")
        .await
        .unwrap();
    wait_for(client, "[data-testid=roadblock-panel]").await;

    browser.close().await.unwrap();
}

/// Each row of a limit chart: whether its figures are on screen, whole (not cut off), and on
/// the screen's width.
const CHART_JS: &str = r#"
const width = arguments[0];
return [...document.querySelectorAll('[data-testid=import-limits] [data-testid=chart-row]')].map(row => {
  const figures = row.querySelector('[data-testid=chart-figures]');
  const r = figures.getBoundingClientRect();
  const bar = row.querySelector('svg').getBoundingClientRect();
  return {
    text: figures.textContent.trim(),
    shown: r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= width + 0.5
      && getComputedStyle(figures).visibility !== 'hidden',
    whole: figures.scrollWidth <= Math.ceil(r.width) + 1,
    barShown: bar.width > 0 && bar.right <= width + 0.5,
  };
});
"#;

/// A paused import's page on a phone: no sideways scroll, and each row of its limit chart shows
/// its figures whole, with the review of who a resume leaves out.
#[tokio::test]
async fn a_paused_imports_limit_chart_reads_on_a_phone() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start_phone().await.unwrap();
    let client = &browser.client;
    sign_in(&browser, &server).await;
    let state = server.get("/api/v1/roadblock").await.unwrap();
    let id = state["import"]["id"].as_str().unwrap();
    client
        .goto(&format!("{}/imports/{id}", server.url))
        .await
        .unwrap();
    wait_for(
        client,
        "[data-testid=import-limits] [data-testid=chart-row]",
    )
    .await;
    wait_for(client, "[data-testid=leave-out-user]").await;
    assert_fits(client, "paused import with its limit chart").await;

    let rows = client
        .execute(CHART_JS, vec![Value::from(Screen::PHONE_WIDTH)])
        .await
        .unwrap();
    let rows = rows.as_array().unwrap();
    let exceeded = state["import"]["roadblock"]["exceeded"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        rows.len() >= exceeded.min(10),
        "a row for each exceeded limit: {rows:?}"
    );
    for row in rows {
        assert!(
            row["text"].as_str().unwrap().contains(" of "),
            "figures in words: {row}"
        );
        assert_eq!(row["shown"], true, "the figures are on screen: {row}");
        assert_eq!(row["whole"], true, "the figures are not cut off: {row}");
        assert_eq!(row["barShown"], true, "the bar is on screen: {row}");
    }
    scroll_to(client, "[data-testid=import-limits]").await;
    browser
        .screenshot("narrow-import-paused-chart")
        .await
        .unwrap();
    scroll_to(client, "[data-testid=leave-out]").await;
    assert_fits(client, "paused import's review of who a resume leaves out").await;
    browser
        .screenshot("narrow-import-paused-leave-out")
        .await
        .unwrap();
    browser.close().await.unwrap();
}
