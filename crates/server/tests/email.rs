//! Roadblock email against a real SMTP server on loopback (`support::smtp`): what arrives, what
//! the System Log says of each delivery, the bounce list, and a mail server that is down.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use safeguard_server::email::RetryPolicy;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::smtp::SmtpServer;
use support::{TestApp, encode, logins};

/// Fast retries, so a server that is down for a moment costs the test milliseconds; enough of
/// them that the message is still pending when the server comes back.
fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_attempts: 1000,
        timeout: Duration::from_secs(5),
    }
}

const WAIT: Duration = Duration::from_secs(15);

/// The System Log preset for roadblock email.
const EMAIL_FILTER: &str = "debugContext.debugData.category eq \"email.bulkAppUnassignmentAppLevelRoadblock\" or debugContext.debugData.category eq \"email.bulkAppUnassignmentOrgLevelRoadblock\"";

/// Chat, with 100 users.
async fn chat(app: &TestApp) -> String {
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("c", 0..100)).await;
    chat
}

/// An import that drops 30 of Chat's 100 users: paused by the 20 % app-level safeguard.
async fn pause(app: &TestApp, chat: &str) -> String {
    let paused = app.import(chat, &logins("c", 30..100)).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    paused["id"].as_str().unwrap().to_owned()
}

async fn cancel(app: &TestApp, import: &str) {
    let r = app.post(&format!("/api/v1/imports/{import}/cancel")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    app.until_quiet().await;
}

/// The roadblock email events (the console's preset filter), oldest first, once there are at
/// least `count`.
async fn deliveries(app: &TestApp, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + WAIT;
    loop {
        let r = app
            .get(&format!(
                "/api/v1/logs?limit=1000&filter={}",
                encode(EMAIL_FILTER)
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let mut events = r.json().as_array().unwrap().clone();
        if events.len() >= count {
            events.reverse();
            return events;
        }
        assert!(
            Instant::now() < deadline,
            "{} delivery events within {WAIT:?}, not {count}: {events:#?}",
            events.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The delivery events of one recipient, oldest first.
fn of(events: &[Value], recipient: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["debugContext"]["debugData"]["recipient"] == recipient)
        .cloned()
        .collect()
}

async fn outbox(app: &TestApp) -> Vec<Value> {
    let r = app.get("/api/v1/org/email/outbox").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json().as_array().unwrap().clone()
}

async fn bounces(app: &TestApp) -> Vec<Value> {
    let r = app.get("/api/v1/org/email/bounces").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json().as_array().unwrap().clone()
}

/// Waits until the outbox's only message satisfies `done`; answers it.
async fn outbox_until(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let messages = outbox(app).await;
        if let Some(message) = messages.first().filter(|m| done(m)) {
            return message.clone();
        }
        assert!(Instant::now() < deadline, "outbox: {messages:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_success(event: &Value, recipient: &str, import: &str, category: &str) {
    assert_eq!(event["eventType"], "system.email.delivery");
    assert_eq!(event["outcome"]["result"], "SUCCESS", "{event:#}");
    let data = &event["debugContext"]["debugData"];
    assert_eq!(data["category"], category);
    assert_eq!(data["recipient"], recipient);
    assert_eq!(data["importId"], import);
    assert_eq!(event["actor"]["type"], "SystemPrincipal");
    let targets = event["target"].as_array().unwrap();
    assert!(
        targets
            .iter()
            .any(|t| t["type"] == "Import" && t["id"] == import)
    );
    assert!(
        targets
            .iter()
            .any(|t| t["type"] == "EmailAddress" && t["id"] == recipient)
    );
}

#[tokio::test]
async fn a_roadblock_emails_each_recipient_once_with_the_app_the_safeguard_the_counts_and_the_link()
{
    let smtp = SmtpServer::start(&[]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["ops@example.com", "Sec@Example.com", "sec@example.com"])
        .public_url("https://safeguard.example.com/")
        .email_retry(fast_retry())
        .build();
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;

    for to in ["ops@example.com", "Sec@Example.com"] {
        let received = smtp.wait_for(to, 1, WAIT).await;
        assert_eq!(received.len(), 1);
        let email = &received[0];
        assert_eq!(email.to, [to]);
        assert_eq!(email.from, "safeguard@localhost");
        assert_eq!(
            email.header("Subject").as_deref(),
            Some("High number of app unassignments")
        );
        let text = email.text();
        assert!(text.contains("An import from Chat was paused by the app-level safeguard"));
        assert!(text.contains("App: Chat\n"), "{text}");
        assert!(text.contains("Safeguard: app-level, limit 20 % of an app's users\n"));
        assert!(
            text.contains(
                "Exceeded: app Chat: 30 unassignments of 100 users (30.0 %), over the app-level limit of 20 (20 %)\n"
            ),
            "{text}"
        );
        assert!(text.contains(&format!("Import: {import}\n")));
        assert!(text.contains(&format!("https://safeguard.example.com/imports/{import}\n")));
        assert!(
            text.contains("Affected apps:\n- Chat: 30 of 100 users would be unassigned (30.0 %)\n"),
            "{text}"
        );
        // The same text in HTML, for mail clients that show that part.
        let html = email.html().expect("an HTML part");
        assert!(html.contains("<li>Chat: 30 of 100 users would be unassigned (30.0 %)</li>"));
        assert!(html.contains(&format!(
            "<a href=\"https://safeguard.example.com/imports/{import}\">"
        )));
    }

    let events = deliveries(&app, 2).await;
    assert_eq!(
        events.len(),
        2,
        "one message per address, however it is spelt"
    );
    for (event, to) in events.iter().zip(["ops@example.com", "Sec@Example.com"]) {
        assert_success(
            event,
            to,
            &import,
            "email.bulkAppUnassignmentAppLevelRoadblock",
        );
        let data = &event["debugContext"]["debugData"];
        assert_eq!(data["transport"], "smtp");
        assert_eq!(data["attempt"], 1);
        assert!(data["smtpReply"].as_str().unwrap().starts_with("250"));
    }
    assert_eq!(smtp.received().len(), 2);

    let messages = outbox(&app).await;
    assert_eq!(messages.len(), 2);
    for message in &messages {
        assert_eq!(message["status"], "sent", "{message:#}");
        assert_eq!(message["importId"], import.as_str());
        assert_eq!(message["appName"], "Chat");
        assert_eq!(message["attempts"], 1);
        assert!(message["sentAt"].is_string());
    }
    assert_eq!(messages[0]["recipient"], "Sec@Example.com", "newest first");
}

#[tokio::test]
async fn an_org_level_roadblock_is_sent_in_its_own_category() {
    let smtp = SmtpServer::start(&[]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["ops@example.com"])
        .email_retry(fast_retry())
        .build();
    app.set_safeguards((false, 20), (true, 20)).await;
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;

    let text = smtp.wait_for("ops@example.com", 1, WAIT).await[0].text();
    assert!(text.contains("paused by the org-level safeguard"), "{text}");
    assert!(text.contains("Exceeded: the org: 30 unassignments of 100 users"));
    let events = deliveries(&app, 1).await;
    assert_success(
        &events[0],
        "ops@example.com",
        &import,
        "email.bulkAppUnassignmentOrgLevelRoadblock",
    );
}

#[tokio::test]
async fn a_refused_address_bounces_is_dropped_next_time_and_is_delivered_again_once_removed() {
    let smtp = SmtpServer::start(&["gone@example.com"]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["ops@example.com", "gone@example.com"])
        .email_retry(fast_retry())
        .build();
    let chat = chat(&app).await;

    // The first roadblock: the server refuses the address for good.
    let first = pause(&app, &chat).await;
    let events = deliveries(&app, 2).await;
    let bounced = &of(&events, "gone@example.com")[0];
    assert_eq!(bounced["outcome"]["result"], "FAILURE");
    assert_eq!(bounced["outcome"]["reason"], "bounce");
    assert_eq!(
        bounced["debugContext"]["debugData"]["importId"],
        first.as_str()
    );
    let reply = bounced["debugContext"]["debugData"]["smtpReply"]
        .as_str()
        .unwrap();
    assert!(reply.contains("550"), "{reply}");
    assert_eq!(
        of(&events, "ops@example.com")[0]["outcome"]["result"],
        "SUCCESS"
    );
    assert_eq!(smtp.refusals(), 1);

    let listed = bounces(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["emailAddress"], "gone@example.com");
    assert!(listed[0]["addedAt"].is_string());
    assert!(listed[0]["reason"].as_str().unwrap().contains("550"));
    let failed = outbox(&app)
        .await
        .into_iter()
        .find(|m| m["recipient"] == "gone@example.com")
        .unwrap();
    assert_eq!(failed["status"], "failed");

    // The next roadblock: the address is dropped without asking the server.
    cancel(&app, &first).await;
    let second = pause(&app, &chat).await;
    let events = deliveries(&app, 4).await;
    let dropped = of(&events, "gone@example.com")[1].clone();
    assert_eq!(dropped["outcome"]["result"], "FAILURE");
    assert_eq!(dropped["outcome"]["reason"], "dropped");
    let data = &dropped["debugContext"]["debugData"];
    assert_eq!(data["importId"], second.as_str());
    assert_eq!(data["dropReason"], "bounceList");
    assert_eq!(data["attempt"], 0, "nothing was sent");
    assert_eq!(smtp.refusals(), 1);
    smtp.wait_for("ops@example.com", 2, WAIT).await;

    // The mailbox is fixed and the address removed from the list: it is delivered again.
    smtp.accept("gone@example.com");
    let r = app
        .post_json(
            "/api/v1/org/email/bounces/remove-list",
            &json!({"emailAddresses": ["GONE@example.com", "never@example.com"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({
            "removedEmailAddresses": ["GONE@example.com"],
            "errors": [{"emailAddress": "never@example.com", "reason": "not on the bounce list"}],
        })
    );
    assert!(bounces(&app).await.is_empty());
    let removals = app.events("system.email.bounce.remove").await;
    assert_eq!(removals.len(), 1);
    assert_eq!(removals[0]["target"][0]["id"], "gone@example.com");
    assert_eq!(removals[0]["actor"]["type"], "User");

    cancel(&app, &second).await;
    let third = pause(&app, &chat).await;
    let received = smtp.wait_for("gone@example.com", 1, WAIT).await;
    assert!(received[0].text().contains(&format!("Import: {third}")));
    let events = deliveries(&app, 6).await;
    let delivered = &of(&events, "gone@example.com")[2];
    assert_success(
        delivered,
        "gone@example.com",
        &third,
        "email.bulkAppUnassignmentAppLevelRoadblock",
    );
}

#[tokio::test]
async fn a_bad_remove_list_body_is_a_problem_and_changes_nothing() {
    let smtp = SmtpServer::start(&["gone@example.com"]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["gone@example.com"])
        .email_retry(fast_retry())
        .build();
    let chat = chat(&app).await;
    pause(&app, &chat).await;
    deliveries(&app, 1).await;
    assert_eq!(bounces(&app).await.len(), 1);

    let path = "/api/v1/org/email/bounces/remove-list";
    let malformed = app
        .send_body(
            axum::http::Method::POST,
            path,
            "application/json",
            "{\"emailAddresses\": [",
        )
        .await;
    malformed.problem(400);
    for wrong in [
        json!({"emailAddresses": "gone@example.com"}),
        json!({"emailAddress": ["gone@example.com"]}),
        json!({"emailAddresses": [1]}),
    ] {
        app.post_json(path, &wrong).await.problem(422);
    }
    let empty = app
        .post_json(path, &json!({"emailAddresses": []}))
        .await
        .problem(422);
    assert_eq!(empty["errors"][0]["field"], "emailAddresses");
    let too_many: Vec<String> = (0..1001).map(|i| format!("u{i}@example.com")).collect();
    app.post_json(path, &json!({"emailAddresses": too_many}))
        .await
        .problem(422);
    app.send_body(
        axum::http::Method::POST,
        path,
        "text/plain",
        "gone@example.com",
    )
    .await
    .problem(415);

    assert_eq!(bounces(&app).await.len(), 1, "nothing was removed");
    assert!(app.events("system.email.bounce.remove").await.is_empty());
}

#[tokio::test]
async fn while_the_mail_server_is_down_imports_go_on_and_the_message_arrives_once_it_is_back() {
    let mut smtp = SmtpServer::down(&[]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["ops@example.com"])
        .email_retry(fast_retry())
        .build();
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;

    // The import answered, paused, with its email still waiting; imports go on being taken.
    let wiki = app.create_app("Wiki").await;
    let queued = app.import(&wiki, &logins("w", 0..10)).await;
    assert_eq!(queued["status"], "queued");
    let waiting = outbox_until(&app, |m| m["attempts"].as_u64().unwrap() >= 3).await;
    assert_eq!(waiting["status"], "pending");
    assert!(
        waiting["lastError"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{waiting:#}"
    );
    assert!(waiting["nextAttemptAt"].is_string());
    assert!(
        app.events("system.email.delivery").await.is_empty(),
        "an attempt to be retried is not an outcome"
    );
    cancel(&app, &import).await;
    assert_eq!(app.import_view(&id(&queued)).await["status"], "completed");

    smtp.restart().await;
    let received = smtp.wait_for("ops@example.com", 1, WAIT).await;
    assert!(received[0].text().contains(&format!("Import: {import}")));
    let events = deliveries(&app, 1).await;
    assert_success(
        &events[0],
        "ops@example.com",
        &import,
        "email.bulkAppUnassignmentAppLevelRoadblock",
    );
    assert!(
        events[0]["debugContext"]["debugData"]["attempt"]
            .as_u64()
            .unwrap()
            > 3
    );
    let sent = outbox_until(&app, |m| m["status"] == "sent").await;
    assert!(sent["sentAt"].is_string());
}

fn id(import: &Value) -> String {
    import["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_mail_server_that_never_answers_does_not_hold_up_an_import() {
    // Accepts connections and says nothing.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let app = TestApp::builder()
        .smtp(&url)
        .notify(&["ops@example.com"])
        .email_retry(RetryPolicy {
            timeout: Duration::from_secs(60),
            ..fast_retry()
        })
        .build();
    let chat = chat(&app).await;
    let first = pause(&app, &chat).await;
    // The worker is now stuck in a conversation that will not move for a minute.
    outbox_until(&app, |m| m["attempts"] == 1).await;
    let started = Instant::now();
    cancel(&app, &first).await;
    pause(&app, &chat).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "imports waited for the mail server: {:?}",
        started.elapsed()
    );
    held.abort();
}

#[tokio::test]
async fn a_message_queued_before_a_restart_is_delivered_after_it() {
    let mut smtp = SmtpServer::down(&[]).await;
    let url = smtp.url();
    let builder = || {
        TestApp::builder()
            .smtp(&url)
            .notify(&["ops@example.com"])
            .email_retry(fast_retry())
    };
    let app = builder().build();
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;
    outbox_until(&app, |m| m["attempts"].as_u64().unwrap() >= 1).await;

    // The server stops (its worker with it), the mail server comes back, the server starts.
    let dir = app.stop().await;
    smtp.restart().await;
    let restarted = builder().build_in(dir);
    let received = smtp.wait_for("ops@example.com", 1, WAIT).await;
    assert!(received[0].text().contains(&format!("Import: {import}")));
    let events = deliveries(&restarted, 1).await;
    // An attempt the stopped server had under way may be logged as failed beside the one that
    // delivered; what counts is one delivery, logged once as such.
    let succeeded = events
        .iter()
        .filter(|e| e["outcome"]["result"] == "SUCCESS")
        .count();
    let delivered = if succeeded == 0 {
        // The success is logged just after the message arrives.
        deliveries(&restarted, events.len() + 1).await
    } else {
        events
    };
    let succeeded = delivered
        .iter()
        .filter(|e| e["outcome"]["result"] == "SUCCESS")
        .count();
    assert_eq!(succeeded, 1, "{delivered:#?}");
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test]
async fn when_the_retries_run_out_the_message_is_dropped() {
    let smtp = SmtpServer::down(&[]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["ops@example.com"])
        .email_retry(RetryPolicy {
            max_attempts: 3,
            ..fast_retry()
        })
        .build();
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;

    let events = deliveries(&app, 1).await;
    let event = &events[0];
    assert_eq!(event["outcome"]["result"], "FAILURE");
    assert_eq!(event["outcome"]["reason"], "dropped");
    let data = &event["debugContext"]["debugData"];
    assert_eq!(data["importId"], import.as_str());
    assert_eq!(data["dropReason"], "retriesExhausted");
    assert_eq!(data["attempt"], 3);
    assert!(
        data["lastError"]
            .as_str()
            .unwrap()
            .contains("cannot connect")
    );
    let message = outbox_until(&app, |m| m["status"] == "dropped").await;
    assert_eq!(message["attempts"], 3);
    assert!(
        bounces(&app).await.is_empty(),
        "a server that is down says nothing of the address"
    );
    drop(smtp);
}

#[tokio::test]
async fn without_an_smtp_server_the_message_is_kept_in_the_outbox_for_the_console() {
    let app = TestApp::builder()
        .notify(&["ops@example.com"])
        .public_url("http://console.test")
        .build();
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;

    let events = deliveries(&app, 1).await;
    assert_success(
        &events[0],
        "ops@example.com",
        &import,
        "email.bulkAppUnassignmentAppLevelRoadblock",
    );
    assert_eq!(
        events[0]["debugContext"]["debugData"]["transport"],
        "outbox"
    );
    let message = outbox_until(&app, |m| m["status"] == "outbox").await;
    assert_eq!(message["subject"], "High number of app unassignments");
    assert_eq!(message["recipient"], "ops@example.com");
    assert_eq!(message["attempts"], 0);
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains(&format!("http://console.test/imports/{import}"))
    );
}

#[tokio::test]
async fn without_recipients_a_roadblock_queues_nothing() {
    let app = TestApp::new();
    let chat = chat(&app).await;
    pause(&app, &chat).await;
    assert!(outbox(&app).await.is_empty());
    assert!(app.events("system.email.delivery").await.is_empty());
}

#[tokio::test]
async fn every_super_administrator_hears_of_a_roadblock_and_read_only_administrators_do_not() {
    let smtp = SmtpServer::start(&[]).await;
    let app = TestApp::builder()
        .smtp(&smtp.url())
        .notify(&["Boss@example.com"])
        .email_retry(fast_retry())
        .build();
    for (email, role) in [
        ("boss@example.com", "SUPER_ADMIN"),
        ("second@example.com", "SUPER_ADMIN"),
        ("auditor@example.com", "READ_ONLY_ADMIN"),
    ] {
        let r = app
            .post_json(
                "/api/v1/admins",
                &json!({"email": email, "password": "a-long-password-1", "role": role}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let chat = chat(&app).await;
    let import = pause(&app, &chat).await;
    let events = deliveries(&app, 2).await;
    let recipients: Vec<&str> = events
        .iter()
        .map(|e| {
            e["debugContext"]["debugData"]["recipient"]
                .as_str()
                .unwrap()
        })
        .collect();
    // Each once (the --notify address is a super-administrator's), oldest administrator first.
    assert_eq!(recipients, ["boss@example.com", "second@example.com"]);
    for to in recipients {
        assert_eq!(smtp.wait_for(to, 1, WAIT).await.len(), 1);
        assert_success(
            &of(&events, to)[0],
            to,
            &import,
            "email.bulkAppUnassignmentAppLevelRoadblock",
        );
    }
    assert!(
        smtp.received()
            .iter()
            .all(|m| !m.to.contains(&"auditor@example.com".to_owned()))
    );
}
