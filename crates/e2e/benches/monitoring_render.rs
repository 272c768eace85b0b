//! Benchmark: time from navigation to the Import Monitoring table rendered, with 1,000 imports
//! stored, in headless Chromium against the real server on loopback. The imports are made through
//! the API. Each run reloads the page and reads, in the page, `performance.now()` (milliseconds
//! since navigation started) at the first animation frame where the table has its rows.
//! `cargo bench -p safeguard-e2e --bench monitoring_render` (after `make console`).

use safeguard_e2e::{ADMIN, Browser, Error, Server};
use serde_json::json;

const IMPORTS: usize = 1000;
const RUNS: usize = 9;

/// Resolves with performance.now() once the first page of rows is on screen.
const WAIT_FOR_ROWS: &str = r#"
const done = arguments[arguments.length - 1];
function check() {
  if (document.querySelectorAll('[data-testid=import-row]').length >= 50) {
    done(performance.now());
  } else {
    requestAnimationFrame(check);
  }
}
check();
"#;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let server = Server::start(false).await?;
    let (status, app) = server
        .post(
            "/api/v1/apps",
            &json!({"name": "HR export", "profileSource": false, "deactivateOnRemove": false}),
        )
        .await?;
    assert_eq!(status, 201, "{app}");
    let app_id = app["id"].as_str().ok_or("no app id")?;
    let path = format!("/api/v1/apps/{app_id}/imports");
    for i in 0..IMPORTS {
        let users: Vec<_> = (0..5)
            .map(|u| json!({"externalId": format!("e{u}"), "login": format!("user{u}@example.com"), "lastName": format!("Run {i}")}))
            .collect();
        let (status, body) = server.post(&path, &json!({ "users": users })).await?;
        assert_eq!(status, 201, "{body}");
    }

    let browser = Browser::start().await?;
    browser.sign_in(&server, ADMIN).await?;
    let url = format!("{}/imports", server.url);
    let mut times = Vec::new();
    for _ in 0..RUNS {
        browser.client.goto(&url).await?;
        let at = browser.client.execute_async(WAIT_FOR_ROWS, vec![]).await?;
        times.push(at.as_f64().ok_or("no time")?);
    }
    browser.close().await?;
    times.sort_by(f64::total_cmp);
    println!(
        "Import Monitoring with {IMPORTS} imports: navigation -> table rendered: median {:.0} ms, min {:.0} ms, max {:.0} ms over {RUNS} loads",
        times[RUNS / 2],
        times[0],
        times[RUNS - 1]
    );
    Ok(())
}
