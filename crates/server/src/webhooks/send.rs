//! One HTTP attempt at a delivery: POST the body, follow no redirect, read at most a few KiB of
//! the answer, give up after the timeout. The outcome is a [`WebhookAttempt`] as the delivery
//! log shows it.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use safeguard_rules::api::WebhookAttempt;
use std::time::{Duration, Instant};

/// The client every delivery is sent with: rustls with the system's roots, no redirects (a
/// hook goes where an administrator pointed it, not where its receiver sends it), no proxy
/// from the environment surprises beyond reqwest's documented ones.
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .build()
}

/// What one attempt sends.
pub struct Request<'a> {
    pub url: &'a str,
    /// Header names and values besides the content type and user agent.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// Sends one attempt; never fails: what went wrong is in the attempt's `error`.
pub async fn post(
    client: &reqwest::Client,
    request: Request<'_>,
    max_answer_bytes: usize,
    at: String,
) -> WebhookAttempt {
    let started = Instant::now();
    let outcome = attempt(client, request, max_answer_bytes).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (response_code, error) = match outcome {
        Ok(code) => (Some(code), None),
        Err(Failure::Answered(code, why)) => (Some(code), Some(why)),
        Err(Failure::NoAnswer(why)) => (None, Some(why)),
    };
    WebhookAttempt {
        at,
        response_code,
        duration_ms,
        error,
    }
}

enum Failure {
    Answered(u16, String),
    NoAnswer(String),
}

async fn attempt(
    client: &reqwest::Client,
    request: Request<'_>,
    max_answer_bytes: usize,
) -> Result<u16, Failure> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("Safeguard-Webhooks/", env!("CARGO_PKG_VERSION"))),
    );
    for (name, value) in request.headers {
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Failure::NoAnswer(format!("the {name} header could not be written")))?;
        headers.insert(HeaderName::from_static(name), value);
    }
    let mut response = client
        .post(request.url)
        .headers(headers)
        .body(request.body)
        .send()
        .await
        .map_err(|e| Failure::NoAnswer(describe(&e)))?;
    let status = response.status();
    let code = status.as_u16();
    if status.is_success() {
        return Ok(code);
    }
    let reason = status.canonical_reason().unwrap_or("");
    let why = if status.is_redirection() {
        let to = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("elsewhere");
        format!("the receiver answered {code} {reason} to {to}; redirects are not followed")
    } else {
        let answer = read_capped(&mut response, max_answer_bytes).await;
        if answer.trim().is_empty() {
            format!("the receiver answered {code} {reason}")
        } else {
            format!("the receiver answered {code} {reason}: {}", answer.trim())
        }
    };
    Err(Failure::Answered(code, why))
}

/// The start of an answer's body, at most `max` bytes of it, as text; whatever does not arrive
/// within the client's timeout is left unread.
async fn read_capped(response: &mut reqwest::Response, max: usize) -> String {
    let mut read = Vec::new();
    while read.len() < max {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = max - read.len();
                read.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    String::from_utf8_lossy(&read).into_owned()
}

/// Why no answer came, in words: the transport's error chain, outermost first.
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "the receiver did not answer in time"
    } else if error.is_connect() {
        "could not connect to the receiver"
    } else {
        "the request failed"
    };
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    causes.dedup();
    if causes.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {}", causes.join(": "))
    }
}
