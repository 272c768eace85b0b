//! Webhooks against a real receiver (a Python HTTP server that verifies every delivery with the
//! `standardwebhooks` package): a roadblock arrives signed as the specification says and as the
//! System Log shows it; a receiver that fails or hangs is retried; one that fails every attempt
//! has its hook turned off and the administrators emailed; a chat hook gets the email's
//! sentence and link; a rotated secret keeps the old one valid for a while; the real binary,
//! killed with a delivery in flight, delivers it once after the start. And bad input changes
//! nothing.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::webhook_receiver::Receiver;
use support::{TestApp, logins};

const WAIT: Duration = Duration::from_secs(20);

/// Retries a tenth of a second apart, three attempts in all, and a second to answer.
fn quick(app: support::Builder) -> support::Builder {
    app.config(|c| {
        c.webhooks.retry_delays = vec![Duration::from_millis(100), Duration::from_millis(100)];
        c.webhooks.timeout = Duration::from_secs(1);
    })
    .notify(&["ops@example.com"])
    .public_url("https://safeguard.example.com")
}

async fn create_hook(app: &TestApp, body: &Value) -> Value {
    let r = app.post_json("/api/v1/webhooks", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn roadblock_hook(app: &TestApp, receiver: &Receiver, name: &str, format: &str) -> Value {
    create_hook(
        app,
        &json!({
            "name": name,
            "url": receiver.url(name),
            "eventTypes": ["system.import.roadblock", "system.import.roadblock.resume"],
            "format": format,
        }),
    )
    .await
}

/// Chat with 100 users, then an import dropping 30: paused by the app-level safeguard.
async fn roadblock(app: &TestApp) -> String {
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("c", 0..100)).await;
    let paused = app.import(&chat, &logins("c", 30..100)).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    paused["id"].as_str().unwrap().to_owned()
}

async fn patch(app: &TestApp, path: &str, body: &Value) -> support::Response {
    app.send_body(Method::PATCH, path, "application/json", body.to_string())
        .await
}

async fn delete(app: &TestApp, path: &str) -> support::Response {
    app.send(Request::delete(path).body(Body::empty()).unwrap())
        .await
}

/// The hook's deliveries once `done` holds for the newest.
async fn deliveries_once(app: &TestApp, hook: &str, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + WAIT;
    loop {
        let r = app
            .get(&format!("/api/v1/webhooks/{hook}/deliveries"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let list = r.json().as_array().unwrap().clone();
        if list.first().is_some_and(&done) {
            return list;
        }
        assert!(Instant::now() < deadline, "deliveries: {list:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_roadblock_reaches_its_hook_signed_and_as_the_system_log_shows_it() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "ops", "standard").await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{hook}");
    receiver.control("ops", &[secret], &[204], 0.0).await;

    let import = roadblock(&app).await;
    let got = receiver.wait_for("ops", 1, WAIT).await;
    assert_eq!(got[0]["verified"][secret], true, "{:#}", got[0]);

    let logged = app.events("system.import.roadblock").await;
    let sent: Value = serde_json::from_str(got[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent, logged[0],
        "the body is the event as GET /logs shows it"
    );
    assert_eq!(sent["debugContext"]["debugData"]["importId"], import);
    assert_eq!(got[0]["headers"]["webhook-id"], logged[0]["uuid"]);

    let hook_id = hook["id"].as_str().unwrap();
    let list = deliveries_once(&app, hook_id, |d| d["status"] == "delivered").await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["responseCode"], 204);
    assert_eq!(list[0]["eventType"], "system.import.roadblock");
    assert_eq!(list[0]["attempts"].as_array().unwrap().len(), 1);
    let outcome = app.events("system.webhook.delivery").await;
    assert_eq!(outcome[0]["outcome"]["result"], "SUCCESS", "{outcome:#?}");

    // Only the types subscribed to are sent: starting the import was not one of them.
    assert_eq!(receiver.received("ops").await.len(), 1);
    // The list never shows the secret again.
    let listed = app.get("/api/v1/webhooks").await.json();
    assert_eq!(listed[0]["id"], hook["id"]);
    assert!(listed[0].get("secret").is_none(), "{listed}");
    assert!(!app.get("/api/v1/webhooks").await.text().contains(secret));
}

#[tokio::test]
async fn a_receiver_that_fails_is_retried_with_the_same_id_until_it_answers() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "flaky", "standard").await;
    let secret = hook["secret"].as_str().unwrap();
    receiver
        .control("flaky", &[secret], &[500, 503, 204], 0.0)
        .await;

    roadblock(&app).await;
    let got = receiver.wait_for("flaky", 3, WAIT).await;
    let ids: Vec<&Value> = got.iter().map(|r| &r["headers"]["webhook-id"]).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(got.iter().all(|r| r["verified"][secret] == true));

    let list = deliveries_once(&app, hook["id"].as_str().unwrap(), |d| {
        d["status"] == "delivered"
    })
    .await;
    let codes: Vec<&Value> = list[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["responseCode"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(503), &json!(204)]);
    let first_error = list[0]["attempts"][0]["error"].as_str().unwrap();
    assert!(
        first_error.contains("500") && first_error.contains("receiver told to fail"),
        "{first_error}"
    );
    let hook_now = app
        .get(&format!(
            "/api/v1/webhooks/{}",
            hook["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(hook_now["enabled"], true);
    assert!(hook_now.get("failingSince").is_none(), "{hook_now}");
}

#[tokio::test]
async fn a_receiver_that_hangs_times_out_and_is_tried_again() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "slow", "standard").await;
    receiver.control("slow", &[], &[204], 5.0).await;

    roadblock(&app).await;
    receiver.wait_for("slow", 1, WAIT).await;
    receiver.control("slow", &[], &[204], 0.0).await;
    let list = deliveries_once(&app, hook["id"].as_str().unwrap(), |d| {
        d["status"] == "delivered"
    })
    .await;
    let attempts = list[0]["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 2, "{attempts:#?}");
    let first = &attempts[0];
    assert!(first.get("responseCode").is_none(), "{first}");
    assert!(
        first["error"]
            .as_str()
            .unwrap()
            .contains("did not answer in time"),
        "{first}"
    );
    assert!(first["durationMs"].as_u64().unwrap() < 3000, "{first}");
}

#[tokio::test]
async fn a_hook_failing_every_attempt_is_turned_off_and_the_administrators_emailed() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "down", "standard").await;
    let hook_id = hook["id"].as_str().unwrap();
    receiver.control("down", &[], &[500], 0.0).await;

    let import = roadblock(&app).await;
    let list = deliveries_once(&app, hook_id, |d| d["status"] == "failed").await;
    assert_eq!(list[0]["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(receiver.received("down").await.len(), 3);

    let off = app.get(&format!("/api/v1/webhooks/{hook_id}")).await.json();
    assert_eq!(off["enabled"], false, "{off}");
    let reason = off["disabledReason"].as_str().unwrap();
    assert!(
        reason.contains("system.import.roadblock") && reason.contains("500"),
        "{reason}"
    );
    let disabled = app.events("system.webhook.disable").await;
    assert_eq!(disabled.len(), 1, "{disabled:#?}");
    let failed = app.events("system.webhook.delivery").await;
    assert_eq!(failed[0]["outcome"]["result"], "FAILURE");

    let outbox = app.get("/api/v1/org/email/outbox").await.json();
    let told = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["category"] == "email.webhookDisabled")
        .unwrap_or_else(|| panic!("no email of the hook: {outbox:#}"));
    assert_eq!(told["recipient"], "ops@example.com");
    assert_eq!(told["subject"], "Webhook turned off: down");
    let body = told["body"].as_str().unwrap();
    assert!(
        body.contains("https://safeguard.example.com/settings/webhooks"),
        "{body}"
    );

    // Turned off, it is sent nothing more: resuming is an event it subscribed to.
    let r = app.post(&format!("/api/v1/imports/{import}/resume")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received("down").await.len(), 3);

    // Turned back on, it is told of the next one, and its failures are forgotten.
    receiver.control("down", &[], &[204], 0.0).await;
    let on = patch(
        &app,
        &format!("/api/v1/webhooks/{hook_id}"),
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.text());
    assert!(on.json().get("disabledReason").is_none());
    roadblock(&app).await;
    receiver.wait_for("down", 4, WAIT).await;
}

#[tokio::test]
async fn a_chat_hook_gets_the_sentence_and_the_link_of_the_email() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    roadblock_hook(&app, &receiver, "slack", "slack").await;

    let import = roadblock(&app).await;
    let got = receiver.wait_for("slack", 1, WAIT).await;
    let body: Value = serde_json::from_str(got[0]["body"].as_str().unwrap()).unwrap();
    let text = body["text"].as_str().unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    assert!(
        text.contains(
            "An import from Chat was paused by the app-level safeguard: it would unassign more users than the safeguard allows."
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("<https://safeguard.example.com/imports/{import}|")),
        "{text}"
    );
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one_and_the_test_says_how_it_went() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "rotating", "standard").await;
    let hook_id = hook["id"].as_str().unwrap();
    let old = hook["secret"].as_str().unwrap().to_owned();

    let r = app
        .post(&format!("/api/v1/webhooks/{hook_id}/rotate-secret"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let rotated = r.json();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_") && new != old);
    assert!(rotated["previousSecretExpiresAt"].is_string());
    receiver
        .control("rotating", &[&old, &new], &[204], 0.0)
        .await;

    let r = app.post(&format!("/api/v1/webhooks/{hook_id}/test")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let test = r.json();
    assert_eq!(test["status"], "delivered", "{test}");
    assert_eq!(test["responseCode"], 204);
    assert_eq!(test["eventType"], "webhook.test");
    let got = receiver.received("rotating").await;
    assert_eq!(got[0]["verified"][&old], true, "{:#}", got[0]);
    assert_eq!(got[0]["verified"][&new], true, "{:#}", got[0]);
    // The test is in the delivery log, not in the System Log.
    let list = app
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"))
        .await
        .json();
    assert_eq!(list[0]["id"], test["id"]);
    assert!(app.events("webhook.test").await.is_empty());

    // A receiver that is not there: the test answers how it failed.
    let gone = create_hook(
        &app,
        &json!({"name": "gone", "url": "http://127.0.0.1:9/nothing", "eventTypes": ["system.import.roadblock"]}),
    )
    .await;
    let r = app
        .post(&format!(
            "/api/v1/webhooks/{}/test",
            gone["id"].as_str().unwrap()
        ))
        .await;
    let failed = r.json();
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("could not connect"), "{error}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = Receiver::start().await;
    let app = quick(TestApp::builder()).build();
    let hook = roadblock_hook(&app, &receiver, "moved", "standard").await;
    receiver.control("moved", &[], &[302], 0.0).await;
    let r = app
        .post(&format!(
            "/api/v1/webhooks/{}/test",
            hook["id"].as_str().unwrap()
        ))
        .await;
    let test = r.json();
    assert_eq!(test["status"], "failed", "{test}");
    assert_eq!(test["responseCode"], 302);
    let error = test["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("redirects are not followed"), "{error}");
}

#[tokio::test]
async fn turning_a_hook_off_cancels_what_it_had_waiting() {
    let receiver = Receiver::start().await;
    let app = TestApp::builder()
        .config(|c| c.webhooks.retry_delays = vec![Duration::from_secs(3600)])
        .build();
    let hook = roadblock_hook(&app, &receiver, "paused", "standard").await;
    let hook_id = hook["id"].as_str().unwrap();
    receiver.control("paused", &[], &[500], 0.0).await;
    roadblock(&app).await;
    deliveries_once(&app, hook_id, |d| {
        d["attempts"].as_array().unwrap().len() == 1
    })
    .await;

    let r = patch(
        &app,
        &format!("/api/v1/webhooks/{hook_id}"),
        &json!({"enabled": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let list = app
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"))
        .await
        .json();
    assert_eq!(list[0]["status"], "cancelled", "{list:#}");
    let updated = app.events("system.webhook.update").await;
    assert!(
        updated[0]["displayMessage"]
            .as_str()
            .unwrap()
            .contains("turned off"),
        "{updated:#?}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_the_reason_and_changes_nothing() {
    let app = TestApp::new();
    let cases = [
        (
            json!({"name": "x", "url": "ftp://example.com/hook", "eventTypes": ["system.import.roadblock"]}),
            "url",
            "http:// or https://",
        ),
        (
            json!({"name": "x", "url": "https://example.com:99999/", "eventTypes": ["system.import.roadblock"]}),
            "url",
            "not a valid URL",
        ),
        (
            json!({"name": "x", "url": "https://example.com/", "eventTypes": ["system.import.explode"]}),
            "eventTypes[0]",
            "system.import.explode",
        ),
        (
            json!({"name": "x", "url": "https://example.com/", "eventTypes": ["system.webhook.delivery"]}),
            "eventTypes[0]",
            "cannot be subscribed",
        ),
        (
            json!({"name": " ", "url": "https://example.com/", "eventTypes": ["system.import.roadblock"]}),
            "name",
            "empty",
        ),
    ];
    for (body, field, words) in cases {
        let r = app.post_json("/api/v1/webhooks", &body).await;
        let problem = r.problem(422);
        let errors = problem["errors"].as_array().unwrap();
        assert_eq!(errors[0]["field"], field, "{problem}");
        assert!(
            errors[0]["message"].as_str().unwrap().contains(words),
            "{problem}"
        );
    }
    let r = app
        .post_json(
            "/api/v1/webhooks",
            &json!({"name": "x", "url": "https://e.com/", "eventTypes": ["system.import.roadblock"], "format": "teams"}),
        )
        .await;
    r.problem(422);
    assert_eq!(app.get("/api/v1/webhooks").await.json(), json!([]));
    assert!(app.events("system.webhook.create").await.is_empty());

    let missing = "/api/v1/webhooks/whk_nope";
    for r in [
        app.get(missing).await,
        patch(&app, missing, &json!({"enabled": false})).await,
        delete(&app, missing).await,
        app.post(&format!("{missing}/test")).await,
        app.post(&format!("{missing}/rotate-secret")).await,
        app.get(&format!("{missing}/deliveries")).await,
    ] {
        let problem = r.problem(404);
        assert!(
            problem["detail"].as_str().unwrap().contains("whk_nope"),
            "{problem}"
        );
    }

    // A valid hook, then an invalid change to it: the hook is as it was.
    let hook = create_hook(
        &app,
        &json!({"name": "ok", "url": "https://example.com/", "eventTypes": ["system.import.roadblock"]}),
    )
    .await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    patch(&app, &path, &json!({"url": "mailto:ops@example.com"}))
        .await
        .problem(422);
    patch(&app, &path, &json!({"secret": "whsec_mine"}))
        .await
        .problem(422);
    assert_eq!(app.get(&path).await.json()["url"], "https://example.com/");
    let r = delete(&app, &path).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
}

/// The real binary, killed (SIGKILL) while a delivery's first attempt is waiting on the
/// receiver, then started again on the same database: the delivery is sent once more, after
/// the default first wait of 5 s, and delivered once.
#[tokio::test]
async fn a_delivery_in_flight_at_a_crash_is_delivered_once_after_the_start() {
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("safeguard.db");
    let client = support::client();
    let (mut server, url) = support::start_binary(&db).await;
    let created: Value = client
        .post(format!("{url}/api/v1/webhooks"))
        .json(&json!({
            "name": "crash",
            "url": receiver.url("crash"),
            "eventTypes": ["system.import.safeguard.update"],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap();
    let hook = created["id"].as_str().unwrap();
    // The first attempt hangs longer than the server lives.
    receiver.control("crash", &[secret], &[500], 30.0).await;
    let settings: Value = client
        .get(format!("{url}/api/v1/safeguards"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut change = settings.clone();
    change["appLevel"]["percent"] = json!(35);
    let r = client
        .put(format!("{url}/api/v1/safeguards"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    receiver.wait_for("crash", 1, WAIT).await;
    server.kill().await.unwrap();

    receiver.control("crash", &[secret], &[204], 0.0).await;
    let (_server, url) = support::start_binary(&db).await;
    let got = receiver.wait_for("crash", 2, WAIT).await;
    assert_eq!(
        got[0]["headers"]["webhook-id"],
        got[1]["headers"]["webhook-id"]
    );
    assert_eq!(got[1]["verified"][secret], true, "{:#}", got[1]);
    let deadline = Instant::now() + WAIT;
    let delivery = loop {
        let list: Value = client
            .get(format!("{url}/api/v1/webhooks/{hook}/deliveries"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if list[0]["status"] == "delivered" {
            break list[0].clone();
        }
        assert!(Instant::now() < deadline, "{list:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The attempt the crash cut short is on record as counted, not as answered.
    assert_eq!(
        delivery["attempts"].as_array().unwrap().len(),
        1,
        "{delivery:#}"
    );
    assert_eq!(delivery["responseCode"], 204);
    // Delivered once: nothing more arrives after the next wait would have passed.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(receiver.received("crash").await.len(), 2);
}
