//! Roadblock email through mail servers as organizations run them: STARTTLS and TLS from the
//! start, with a sign-in, against a real SMTP server (aiosmtpd) whose certificate comes from a
//! private CA. And what must not happen: a certificate nobody vouched for, a wrong password, a
//! relay without STARTTLS when TLS is required, a password over a plain connection.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use safeguard_server::config::SmtpCa;
use safeguard_server::email::RetryPolicy;
use serde_json::Value;
use std::time::{Duration, Instant};
use support::smtp::SmtpServer;
use support::smtp_tls::{Mode, PASSWORD, TlsSmtpServer, USER};
use support::{TestApp, encode, logins};

const WAIT: Duration = Duration::from_secs(20);
const TO: &str = "ops@example.com";

/// One attempt only: what the first attempt did is what the test reads.
fn one_attempt() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_secs(3600),
        max_delay: Duration::from_secs(3600),
        max_attempts: 5,
        timeout: Duration::from_secs(10),
    }
}

fn app_sending_to(url: &str, ca: Option<&TlsSmtpServer>) -> TestApp {
    let ca = ca.map(|server| SmtpCa::load(&server.ca_file()).unwrap());
    TestApp::builder()
        .smtp(url)
        .notify(&[TO])
        .email_retry(one_attempt())
        .config(move |config| config.smtp_ca = ca)
        .build()
}

/// Chat with 100 users, then an import dropping 30: paused, with its roadblock email queued.
async fn roadblock(app: &TestApp) -> String {
    let chat = app.create_app("Chat").await;
    app.import(&chat, &logins("c", 0..100)).await;
    let paused = app.import(&chat, &logins("c", 30..100)).await;
    assert_eq!(paused["status"], "paused", "{paused}");
    paused["id"].as_str().unwrap().to_owned()
}

/// The outbox's one message, once `done` holds for it.
async fn message_once(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let r = app.get("/api/v1/org/email/outbox").await;
        let messages = r.json();
        if let Some(message) = messages.as_array().unwrap().first().filter(|m| done(m)) {
            return message.clone();
        }
        assert!(Instant::now() < deadline, "outbox: {messages:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sent(app: &TestApp) -> Value {
    message_once(app, |m| m["status"] == "sent").await
}

/// The first attempt failed and another is due; answers its error.
async fn deferred(app: &TestApp) -> String {
    let message = message_once(app, |m| m["attempts"] == 1 && m["lastError"].is_string()).await;
    assert_eq!(message["status"], "pending", "{message:#}");
    message["lastError"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn starttls_and_a_sign_in_deliver_through_a_relay_with_a_private_ca() {
    let relay = TlsSmtpServer::start(Mode::StartTls).await;
    let url = format!(
        "smtp://{}:{}@127.0.0.1:{}?tls=required",
        encode(USER),
        PASSWORD,
        relay.port
    );
    let app = app_sending_to(&url, Some(&relay));
    let import = roadblock(&app).await;
    sent(&app).await;
    let received = relay.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let email = &received[0];
    assert_eq!(email["to"], serde_json::json!([TO]));
    assert_eq!(
        email["tls"], true,
        "the message crossed an encrypted connection"
    );
    assert_eq!(email["login"], USER, "after signing in");
    let data = email["data"].as_str().unwrap();
    assert!(data.contains("Subject: High number of app unassignments"));
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("text/plain") && data.contains("text/html"));
    assert!(data.contains(&import), "{data}");
}

#[tokio::test]
async fn tls_from_the_start_delivers_to_smtps() {
    let relay = TlsSmtpServer::start(Mode::Tls).await;
    let url = format!(
        "smtps://{}:{}@127.0.0.1:{}",
        encode(USER),
        PASSWORD,
        relay.port
    );
    let app = app_sending_to(&url, Some(&relay));
    roadblock(&app).await;
    sent(&app).await;
    let received = relay.wait_for(1, WAIT).await;
    assert_eq!(
        (received[0]["tls"].clone(), received[0]["login"].clone()),
        (true.into(), USER.into())
    );
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused_and_nothing_is_sent() {
    let relay = TlsSmtpServer::start(Mode::StartTls).await;
    let url = format!(
        "smtp://{}:{}@127.0.0.1:{}",
        encode(USER),
        PASSWORD,
        relay.port
    );
    // No --smtp-ca-file: the relay's certificate is vouched for by nobody the server trusts.
    let app = app_sending_to(&url, None);
    roadblock(&app).await;
    let error = deferred(&app).await;
    assert!(error.contains("STARTTLS"), "{error}");
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert!(relay.received().is_empty());
}

#[tokio::test]
async fn a_wrong_password_is_retried_later_and_bounces_nobody() {
    let relay = TlsSmtpServer::start(Mode::StartTls).await;
    let url = format!(
        "smtp://{}:wrong-password@127.0.0.1:{}",
        encode(USER),
        relay.port
    );
    let app = app_sending_to(&url, Some(&relay));
    roadblock(&app).await;
    let error = deferred(&app).await;
    assert!(error.contains("refused the sign-in"), "{error}");
    assert!(
        !error.contains("wrong-password"),
        "the password is never shown: {error}"
    );
    assert!(relay.received().is_empty());
    let bounces = app.get("/api/v1/org/email/bounces").await.json();
    assert_eq!(
        bounces,
        serde_json::json!([]),
        "the address did nothing wrong"
    );
}

#[tokio::test]
async fn tls_required_sends_nothing_to_a_relay_without_starttls() {
    let plain = SmtpServer::start(&[]).await;
    let url = format!("{}?tls=required", plain.url());
    let app = app_sending_to(&url, None);
    roadblock(&app).await;
    let error = deferred(&app).await;
    assert!(error.contains("does not offer STARTTLS"), "{error}");
    assert!(plain.received().is_empty());
}

#[tokio::test]
async fn a_password_is_never_sent_over_a_plain_connection() {
    let plain = SmtpServer::start(&[]).await;
    let address = plain.url().trim_start_matches("smtp://").to_owned();
    let app = app_sending_to(
        &format!("smtp://{}:{PASSWORD}@{address}", encode(USER)),
        None,
    );
    roadblock(&app).await;
    let error = deferred(&app).await;
    assert!(
        error.contains("not sent over a plain connection"),
        "{error}"
    );
    assert!(plain.received().is_empty());
}

#[tokio::test]
async fn a_plain_relay_without_a_sign_in_still_works() {
    let plain = SmtpServer::start(&[]).await;
    let app = app_sending_to(&plain.url(), None);
    roadblock(&app).await;
    sent(&app).await;
    assert_eq!(plain.wait_for(TO, 1, WAIT).await.len(), 1);
}
