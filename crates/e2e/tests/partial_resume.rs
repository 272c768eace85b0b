//! An administrator resumes part of a paused import: two users found with the search box are
//! left out, deactivations skipped; the numbers shown before the click are the plan's; after the
//! resume the left-out users keep their assignments and their changes show as skipped. Ticks by
//! app update the numbers. Under roadblock scope `app`, the banner names every paused app.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{ADMIN, Browser, Server, api_client, click, wait_for_text};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// Every row of a paginated list, following the `Link` header's `after` cursor.
async fn all_pages(server: &Server, path: &str) -> Vec<Value> {
    let client = api_client().unwrap();
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{}{path}{sep}limit=1000", server.url);
        if let Some(a) = &after {
            url.push_str(&format!("&after={a}"));
        }
        let response = client.get(&url).send().await.unwrap();
        assert!(response.status().is_success(), "GET {url}");
        let link = response
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let page: Vec<Value> = response.json().await.unwrap();
        rows.extend(page);
        after = link.and_then(|l| {
            let next = l
                .split(',')
                .find(|p| p.contains("rel=\"next\""))?
                .to_owned();
            let cursor = next.split("after=").nth(1)?;
            Some(cursor.split(['&', '>']).next()?.to_owned())
        });
        if after.is_none() {
            return rows;
        }
    }
}

/// 1,204 as the console writes it.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

/// What a resume leaving out `excluded` (and deactivations, with `skip`) applies and skips, in
/// the words the console uses, computed from the plan's rows as the API lists them.
fn expected_sentence(rows: &[Value], excluded: &BTreeSet<String>, skip: bool) -> String {
    let (mut unassign, mut deactivate, mut skipped_unassign, mut skipped_deactivate) = (0, 0, 0, 0);
    for row in rows {
        let left_out_user = excluded.contains(row["userId"].as_str().unwrap());
        let by_deactivation = skip
            && (row["kind"] == "deactivate"
                || (row["kind"] == "unassign" && row["cause"] == "deactivated"));
        let skipped = left_out_user || by_deactivation;
        match (row["kind"].as_str().unwrap(), skipped) {
            ("unassign", false) => unassign += 1,
            ("unassign", true) => skipped_unassign += 1,
            ("deactivate", false) => deactivate += 1,
            ("deactivate", true) => skipped_deactivate += 1,
            _ => {}
        }
    }
    let who = match (excluded.len(), skip) {
        (0, true) => "deactivations are left out".to_owned(),
        (n, false) => format!("{} left out", plural(n as u64, "user is", "users are")),
        (n, true) => format!(
            "{} and deactivations are left out",
            plural(n as u64, "user", "users")
        ),
    };
    format!(
        "Resume will apply {} and {}; {who}: {} and {} skipped",
        plural(unassign, "unassignment", "unassignments"),
        plural(deactivate, "deactivation", "deactivations"),
        plural(skipped_unassign, "unassignment", "unassignments"),
        plural(skipped_deactivate, "deactivation", "deactivations"),
    )
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the element matching `css` reads exactly `want` (after trimming).
async fn wait_for_exact(client: &Client, css: &str, want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = match client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if now.trim() == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} reads {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Signs in and opens the demo org's paused import; answers its id and its plan's rows.
async fn open_paused_import(server: &Server, browser: &Browser) -> (String, Vec<Value>) {
    browser.sign_in(server, ADMIN).await.unwrap();
    let state = server.get("/api/v1/roadblock").await.unwrap();
    let id = state["import"]["id"].as_str().unwrap().to_owned();
    let rows = all_pages(server, &format!("/api/v1/imports/{id}/changes")).await;
    let client = &browser.client;
    client
        .goto(&format!("{}/imports/{id}", server.url))
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=leave-out-user]"))
        .await
        .unwrap();
    (id, rows)
}

/// Finds a user with the search box and unticks them.
async fn untick_by_search(client: &Client, login: &str) {
    let search = client
        .find(Locator::Css("[data-testid=leave-out-search]"))
        .await
        .unwrap();
    search.clear().await.unwrap();
    search.send_keys(login).await.unwrap();
    wait_for_text(client, "[data-testid=leave-out-count]", "found of", WAIT)
        .await
        .unwrap();
    let rows = client
        .find_all(Locator::Css("[data-testid=leave-out-user]"))
        .await
        .unwrap();
    let mut found = None;
    for row in rows {
        if row.text().await.unwrap().contains(login) {
            found = Some(row);
        }
    }
    let row = found.unwrap_or_else(|| panic!("the search found no row for {login}"));
    let tick = row
        .find(Locator::Css("[data-testid=user-tick]"))
        .await
        .unwrap();
    assert_eq!(
        tick.prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "every user is ticked at first"
    );
    tick.click().await.unwrap();
}

async fn wait_completed(server: &Server, id: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let import = server.get(&format!("/api/v1/imports/{id}")).await.unwrap();
        if import["status"] == "completed" {
            return import;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not complete: {import}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn two_users_left_out_and_deactivations_skipped_keep_their_access() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    let client = &browser.client;
    let (id, rows) = open_paused_import(&server, &browser).await;

    // The first two users the plan unassigns: the change list's first page shows them.
    let mut left_out: Vec<(String, String)> = Vec::new();
    for row in rows.iter().filter(|r| r["kind"] == "unassign") {
        let user = (
            row["userId"].as_str().unwrap().to_owned(),
            row["login"].as_str().unwrap().to_owned(),
        );
        if !left_out.contains(&user) {
            left_out.push(user);
        }
        if left_out.len() == 2 {
            break;
        }
    }
    assert_eq!(left_out.len(), 2, "the demo plan unassigns users");
    wait_for_exact(client, "[data-testid=resume]", "Resume All Imports").await;
    for (_, login) in &left_out {
        untick_by_search(client, login).await;
    }
    let excluded: BTreeSet<String> = left_out.iter().map(|(id, _)| id.clone()).collect();
    let has_deactivations = rows.iter().any(|r| r["kind"] == "deactivate");
    if has_deactivations {
        click(client, "[data-testid=skip-deactivations]")
            .await
            .unwrap();
    }

    // The numbers before the click are the plan's, as the API lists it.
    let sentence = expected_sentence(&rows, &excluded, has_deactivations);
    wait_for_exact(
        client,
        "[data-testid=resume-summary]",
        &format!("{sentence}."),
    )
    .await;
    let button = if has_deactivations {
        "Resume without 2 users or deactivations"
    } else {
        "Resume without 2 users"
    };
    wait_for_exact(client, "[data-testid=resume]", button).await;
    let count_line = text(client, "[data-testid=leave-out-count]").await;
    assert!(count_line.ends_with("2 left out"), "{count_line}");
    browser.screenshot("partial-resume-review").await.unwrap();

    click(client, "[data-testid=resume]").await.unwrap();
    let confirm = wait_for_text(client, "[data-testid=confirm]", &sentence, WAIT)
        .await
        .unwrap();
    assert!(
        confirm.contains("queued imports will run"),
        "the confirmation repeats the numbers and says what follows: {confirm}"
    );
    click(client, "[data-testid=confirm-yes]").await.unwrap();
    wait_completed(&server, &id).await;

    // The left-out users kept every assignment the plan would have taken, and their status.
    for (user_id, login) in &left_out {
        let apps: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r["userId"] == user_id.as_str() && r["kind"] == "unassign")
            .map(|r| r["appId"].as_str().unwrap())
            .collect();
        assert!(!apps.is_empty());
        for app_id in apps {
            let users = all_pages(&server, &format!("/api/v1/apps/{app_id}/users")).await;
            let kept = users.iter().find(|u| u["userId"] == user_id.as_str());
            assert!(kept.is_some(), "{login} is still assigned to {app_id}");
        }
    }
    // Their changes, and every deactivation, are marked skipped; the others applied.
    let after = all_pages(&server, &format!("/api/v1/imports/{id}/changes")).await;
    for row in &after {
        let by_user = excluded.contains(row["userId"].as_str().unwrap());
        let by_deactivation = has_deactivations
            && (row["kind"] == "deactivate"
                || (row["kind"] == "unassign" && row["cause"] == "deactivated"));
        assert_eq!(
            row["skipped"],
            by_user || by_deactivation,
            "skipped as chosen: {row}"
        );
    }

    // The page now shows the completed import, and the left-out users' changes as skipped.
    wait_for_text(client, "h1", "completed", WAIT)
        .await
        .unwrap();
    let (_, first_login) = &left_out[0];
    let shown = wait_for_text(
        client,
        "[data-testid=affected-row].skipped",
        first_login,
        WAIT,
    )
    .await
    .unwrap();
    assert!(shown.contains("skipped"), "{shown}");
    let unmarked = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=affected-row]')]
               .filter(r => r.cells[0].textContent.trim() === arguments[0])
               .filter(r => !r.querySelector('[data-testid=skipped-mark]')).length;",
            vec![Value::from(first_login.as_str())],
        )
        .await
        .unwrap();
    assert_eq!(
        unmarked, 0,
        "every change to a left-out user is marked skipped"
    );
    browser.screenshot("partial-resume-done").await.unwrap();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn unticking_an_apps_users_updates_the_numbers() {
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    let client = &browser.client;
    let (_, rows) = open_paused_import(&server, &browser).await;

    // The app with the fewest affected users: its box leaves them all out.
    let mut apps: Vec<(String, BTreeSet<String>)> = Vec::new();
    for row in rows.iter().filter(|r| r["kind"] != "skip") {
        let Some(name) = row["appName"].as_str() else {
            continue;
        };
        let user = row["userId"].as_str().unwrap().to_owned();
        match apps.iter_mut().find(|(n, _)| n == name) {
            Some((_, users)) => {
                users.insert(user);
            }
            None => apps.push((name.to_owned(), BTreeSet::from([user]))),
        }
    }
    let (name, users) = apps.iter().min_by_key(|(_, u)| u.len()).unwrap().clone();
    let app_box = format!("[data-testid=app-tick][data-app='{name}']");
    click(client, &app_box).await.unwrap();

    let sentence = expected_sentence(&rows, &users, false);
    wait_for_exact(
        client,
        "[data-testid=resume-summary]",
        &format!("{sentence}."),
    )
    .await;
    wait_for_exact(
        client,
        "[data-testid=resume]",
        &format!(
            "Resume without {}",
            plural(users.len() as u64, "user", "users")
        ),
    )
    .await;
    let count_line = text(client, "[data-testid=leave-out-count]").await;
    assert!(
        count_line.ends_with(&format!("{} left out", count(users.len() as u64))),
        "{count_line}"
    );

    // Ticking the app again brings every one of its users back.
    click(client, &app_box).await.unwrap();
    wait_for_exact(client, "[data-testid=resume]", "Resume All Imports").await;
    let summary = text(client, "[data-testid=resume-summary]").await;
    assert!(summary.ends_with("nothing is left out."), "{summary}");

    // "Select none" leaves out the users shown; the ticks survive paging.
    click(client, "[data-testid=untick-shown]").await.unwrap();
    let shown = client
        .find_all(Locator::Css("[data-testid=leave-out-user]"))
        .await
        .unwrap()
        .len();
    wait_for_text(
        client,
        "[data-testid=leave-out-count]",
        &format!("; {} left out", count(shown as u64)),
        WAIT,
    )
    .await
    .unwrap();
    let ticked = "return [...document.querySelectorAll('[data-testid=user-tick]')].filter(t => t.checked).length;";
    assert_eq!(client.execute(ticked, vec![]).await.unwrap(), 0);
    click(client, "[data-testid=leave-out-next]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=leave-out-count]",
        &format!("Showing {}", shown + 1),
        WAIT,
    )
    .await
    .unwrap();
    assert!(
        client
            .execute(ticked, vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap()
            > 0,
        "the next page's users are still ticked"
    );
    click(client, "[data-testid=leave-out-previous]")
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=leave-out-count]", "Showing 1–", WAIT)
        .await
        .unwrap();
    assert_eq!(
        client.execute(ticked, vec![]).await.unwrap(),
        0,
        "back on the first page, its users are still left out"
    );
    browser.close().await.unwrap();
}

/// Starts an import of `app_id` that keeps only its first user, so most are unassigned.
async fn import_keeping_one(server: &Server, app_id: &str) -> Value {
    let users = all_pages(server, &format!("/api/v1/apps/{app_id}/users")).await;
    let first = &users[0];
    let (status, started) = server
        .post(
            &format!("/api/v1/apps/{app_id}/imports"),
            &json!({"users": [{
                "externalId": "kept-1",
                "login": first["login"],
                "email": first["login"],
                "firstName": "Kept",
                "lastName": "User",
            }]}),
        )
        .await
        .unwrap();
    assert!((200..300).contains(&status), "{status} {started}");
    started
}

#[tokio::test]
async fn under_scope_app_the_banner_names_every_paused_app() {
    let server = Server::start(true).await.unwrap();
    let saved = server.get("/api/v1/safeguards").await.unwrap();
    let mut settings = saved.clone();
    settings["roadblockScope"] = json!("app");
    let response = api_client()
        .unwrap()
        .put(format!("{}/api/v1/safeguards", server.url))
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );

    // A second app's import pauses beside the demo's paused one.
    let state = server.get("/api/v1/roadblock").await.unwrap();
    let paused_app = state["import"]["appId"].clone();
    let apps = server.get("/api/v1/apps?limit=100").await.unwrap();
    let other = apps
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["id"] != paused_app)
        .max_by_key(|a| a["population"].as_u64())
        .unwrap();
    let started = import_keeping_one(&server, other["id"].as_str().unwrap()).await;
    let deadline = Instant::now() + WAIT;
    let paused = loop {
        let state = server.get("/api/v1/roadblock").await.unwrap();
        let paused = state["imports"].as_array().cloned().unwrap_or_default();
        if paused.iter().any(|i| i["id"] == started["id"]) {
            break paused;
        }
        assert!(
            Instant::now() < deadline,
            "the second app's import did not pause: {state}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(paused.len() >= 2, "{paused:?}");

    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, ADMIN).await.unwrap();
    let client = &browser.client;
    let banner = wait_for_text(
        client,
        "[data-testid=roadblock-banner]",
        "Imports paused:",
        WAIT,
    )
    .await
    .unwrap();
    assert!(banner.contains("other apps' imports run"), "{banner}");
    for import in &paused {
        let name = import["appName"].as_str().unwrap();
        assert!(banner.contains(name), "the banner names {name}: {banner}");
        let href = format!("/imports/{}", import["id"].as_str().unwrap());
        let links = client
            .find_all(Locator::Css(&format!(
                "[data-testid=roadblock-banner] a[href='{href}']"
            )))
            .await
            .unwrap();
        assert_eq!(links.len(), 1, "{name} links to its import");
        assert_eq!(links[0].text().await.unwrap(), name);
    }
    browser.screenshot("banner-scope-app").await.unwrap();

    // Each name opens its own import.
    let second = &paused[1];
    click(
        client,
        &format!(
            "[data-testid=roadblock-banner] a[href='/imports/{}']",
            second["id"].as_str().unwrap()
        ),
    )
    .await
    .unwrap();
    wait_for_text(
        client,
        "h1",
        &format!("{} import", second["appName"].as_str().unwrap()),
        WAIT,
    )
    .await
    .unwrap();
    browser.close().await.unwrap();
}
