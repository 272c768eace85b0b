//! The Webhooks page: a hook added with a URL that is refused, then with a receiver's URL, its
//! secret shown once with a Copy button; a test sent and answered; its delivery log; turned off;
//! a new secret; deleted. A read-only administrator sees the page and changes nothing.

// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use fantoccini::{Client, Locator};
use safeguard_e2e::{
    Browser, DEMO_READ_ONLY_ADMIN, DEMO_SUPER_ADMIN, Server, click, wait_for_text, wait_gone,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A receiver on a loopback port answering every POST with 204; keeps each body it was sent.
fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = content_length(&line) {
                    length = value;
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                kept.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = stream.write_all(
                b"HTTP/1.1 204 No Content\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            );
        }
    });
    (url, bodies)
}

/// The value of a `content-length` header line.
fn content_length(line: &str) -> Option<usize> {
    let (name, value) = line.split_once(':')?;
    name.eq_ignore_ascii_case("content-length")
        .then(|| value.trim().parse().ok())
        .flatten()
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn state_of_the_hook(client: &Client, needle: &str) -> String {
    wait_for_text(client, "[data-testid=webhook-state]", needle, WAIT)
        .await
        .unwrap()
}

#[tokio::test]
async fn add_a_webhook_test_it_read_its_deliveries_turn_it_off_rotate_and_delete_it() {
    let (url, bodies) = receiver();
    let server = Server::start(true).await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.sign_in(&server, DEMO_SUPER_ADMIN).await.unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/settings/webhooks", server.url))
        .await
        .unwrap();
    wait_for_text(client, "main", "No webhook yet.", WAIT)
        .await
        .unwrap();
    // The roadblock and how it ends are ticked for a new hook.
    let ticked = client
        .find(Locator::Css(
            "input[data-event-type='system.import.roadblock']",
        ))
        .await
        .unwrap();
    assert_eq!(
        ticked.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );

    // A URL that is not HTTP is refused where it was typed, and nothing is added.
    type_into(client, "#new-webhook-name", "Ops channel").await;
    type_into(client, "#new-webhook-url", "ftp://files.example.com/in").await;
    click(client, "[data-testid=create-webhook-submit]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "#new-webhook-url-error",
        "must start with http:// or https://",
        WAIT,
    )
    .await
    .unwrap();
    let hooks = server.get("/api/v1/webhooks").await.unwrap();
    assert_eq!(hooks.as_array().unwrap().len(), 0, "{hooks}");

    type_into(client, "#new-webhook-url", &url).await;
    click(client, "[data-testid=create-webhook-submit]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=new-secret]",
        "will not be shown again",
        WAIT,
    )
    .await
    .unwrap();
    let secret = client
        .find(Locator::Css("#new-secret-value"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    click(client, "[data-testid=copy-secret]").await.unwrap();
    wait_for_text(client, "[data-testid=copy-result]", "Copied.", WAIT)
        .await
        .unwrap();
    let row = wait_for_text(client, "[data-testid=webhook-row]", "Ops channel", WAIT)
        .await
        .unwrap();
    assert!(row.contains(&url), "{row}");
    assert!(row.contains("system.import.roadblock"), "{row}");
    state_of_the_hook(client, "On").await;
    let hooks = server.get("/api/v1/webhooks").await.unwrap();
    assert_eq!(
        hooks[0]["eventTypes"].as_array().unwrap().len(),
        3,
        "{hooks}"
    );
    click(client, "[data-testid=new-secret-done]")
        .await
        .unwrap();
    wait_gone(client, "[data-testid=new-secret]", WAIT)
        .await
        .unwrap();

    // A test goes to the receiver now, and the page says what it answered.
    click(client, "[data-testid=webhook-test]").await.unwrap();
    wait_for_text(
        client,
        "[data-testid=webhook-test-result]",
        "Test delivered: the receiver answered 204",
        WAIT,
    )
    .await
    .unwrap();
    let received = bodies.lock().unwrap().clone();
    assert!(
        received.iter().any(|b| b.contains("\"webhook.test\"")),
        "{received:?}"
    );

    click(client, "[data-testid=webhook-deliveries]")
        .await
        .unwrap();
    let delivery = wait_for_text(client, "[data-testid=delivery-row]", "webhook.test", WAIT)
        .await
        .unwrap();
    assert!(delivery.contains("delivered"), "{delivery}");
    assert!(delivery.contains("HTTP 204"), "{delivery}");
    browser.screenshot("webhooks").await.unwrap();

    // Off: the state says so and the server has it off.
    click(client, "[data-testid=webhook-switch]").await.unwrap();
    state_of_the_hook(client, "Off").await;
    let hooks = server.get("/api/v1/webhooks").await.unwrap();
    assert_eq!(hooks[0]["enabled"], false, "{hooks}");

    // A new secret, asked first, shown once, the old one signing beside it for a while.
    click(client, "[data-testid=webhook-rotate]").await.unwrap();
    click(client, "[data-testid=rotate-yes]").await.unwrap();
    let shown = wait_for_text(
        client,
        "[data-testid=new-secret]",
        "old secret also signs",
        WAIT,
    )
    .await
    .unwrap();
    assert!(shown.contains("New secret for"), "{shown}");
    let rotated = client
        .find(Locator::Css("#new-secret-value"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(rotated.starts_with("whsec_") && rotated != secret);

    // Deleted after a yes: gone from the page and from the server.
    click(client, "[data-testid=webhook-delete]").await.unwrap();
    wait_for_text(client, "[data-testid=delete-confirm]", "Ops channel", WAIT)
        .await
        .unwrap();
    click(client, "[data-testid=delete-yes]").await.unwrap();
    wait_for_text(client, "main", "No webhook yet.", WAIT)
        .await
        .unwrap();
    wait_gone(client, "[data-testid=delivery-log]", WAIT)
        .await
        .unwrap();
    let hooks = server.get("/api/v1/webhooks").await.unwrap();
    assert_eq!(hooks.as_array().unwrap().len(), 0, "{hooks}");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_read_only_administrator_sees_webhooks_and_changes_none() {
    let (url, _bodies) = receiver();
    let server = Server::start(true).await.unwrap();
    let (status, created) = server
        .post(
            "/api/v1/webhooks",
            &serde_json::json!({
                "name": "Audit feed",
                "url": url,
                "eventTypes": ["system.import.roadblock"],
            }),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{created}");
    let browser = Browser::start().await.unwrap();
    browser
        .sign_in(&server, DEMO_READ_ONLY_ADMIN)
        .await
        .unwrap();
    let client = &browser.client;
    client
        .goto(&format!("{}/settings/webhooks", server.url))
        .await
        .unwrap();
    wait_for_text(client, "[data-testid=webhook-row]", "Audit feed", WAIT)
        .await
        .unwrap();
    wait_for_text(
        client,
        "#webhooks-read-only",
        "Read-only administrators can't create, change, test or delete webhooks.",
        WAIT,
    )
    .await
    .unwrap();
    for control in [
        "[data-testid=create-webhook-submit]",
        "[data-testid=webhook-switch]",
        "[data-testid=webhook-test]",
        "[data-testid=webhook-rotate]",
        "[data-testid=webhook-delete]",
    ] {
        let button = client.find(Locator::Css(control)).await.unwrap();
        assert!(!button.is_enabled().await.unwrap(), "{control} is enabled");
    }
    // Reading the delivery log is not a change.
    click(client, "[data-testid=webhook-deliveries]")
        .await
        .unwrap();
    wait_for_text(
        client,
        "[data-testid=delivery-log]",
        "Nothing sent yet",
        WAIT,
    )
    .await
    .unwrap();
    browser.close().await.unwrap();
}
