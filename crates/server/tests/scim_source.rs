//! The SCIM source against a real SCIM 2.0 service (`scim2-server`): every user read once
//! across pages with the default mapping, and every way a read can fail ending in an error
//! that says what and where, never a shorter list of users (which would plan as removals).

#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use safeguard_rules::api::{ScimSettings, SourceMapping};
use safeguard_rules::snapshot::{SnapshotLimits, SnapshotUser};
use safeguard_server::sources::scim::read;
use safeguard_server::sources::{SourceError, SourceRead};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::scim_server::{DEPARTMENT, ENTERPRISE, ScimServer, TOKEN, user, users};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};

const TIMEOUT: Duration = Duration::from_secs(30);

fn settings(base_url: &str, page_size: u32) -> ScimSettings {
    ScimSettings {
        base_url: base_url.to_owned(),
        bearer_token: Some(TOKEN.to_owned()),
        bearer_token_set: true,
        page_size,
        filter: None,
        mapping: SourceMapping::default(),
        attributes: vec!["title".to_owned(), DEPARTMENT.to_owned()],
        schedule: None,
    }
}

async fn read_all(settings: &ScimSettings) -> SourceRead {
    match read(settings, &SnapshotLimits::DEFAULT, TIMEOUT).await {
        Ok(read) => read,
        Err(e) => panic!("the read failed: {e}"),
    }
}

async fn unreadable(settings: &ScimSettings, timeout: Duration) -> String {
    match read(settings, &SnapshotLimits::DEFAULT, timeout).await {
        Err(SourceError::Unreadable { detail }) => detail,
        Err(other) => panic!("not unreadable: {other:?}"),
        Ok(read) => panic!("read {} users, wanted an error", read.users.len()),
    }
}

fn logins(users: &[SnapshotUser]) -> BTreeSet<String> {
    users.iter().map(|u| u.login.clone()).collect()
}

fn expected_logins(range: std::ops::Range<usize>) -> BTreeSet<String> {
    range.map(|i| format!("user{i}@example.com")).collect()
}

/// What the proxy does with one connection (one request: the service answers HTTP/1.0 and
/// closes each).
#[derive(Clone, Copy, Debug)]
enum Pass {
    Forward,
    /// Forwards this many bytes of the answer, then drops both connections.
    CutAfter(usize),
}

/// A loopback TCP proxy in front of the service that sees each request, can cut an answer
/// short, and holds each connection until the test lets it through ([`Proxy::allow`]), so a
/// test can act between two pages: kill the service, add a user.
struct Proxy {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    gate: Arc<Semaphore>,
    done: mpsc::UnboundedReceiver<usize>,
}

impl Proxy {
    /// A proxy to `upstream` that lets every request through.
    async fn open(upstream: u16) -> Self {
        let proxy = Self::gated(upstream, |_| Pass::Forward).await;
        proxy.allow(Semaphore::MAX_PERMITS / 2);
        proxy
    }

    /// A proxy that holds each connection until [`Proxy::allow`]ed, and passes connection `n`
    /// (from 0) as `pass(n)` says.
    async fn gated(upstream: u16, pass: impl Fn(usize) -> Pass + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(Semaphore::new(0));
        let (done_tx, done) = mpsc::unbounded_channel();
        let (seen, permits) = (requests.clone(), gate.clone());
        tokio::spawn(async move {
            // One connection at a time: the reader asks for one page at a time.
            for n in 0.. {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                permits.acquire().await.unwrap().forget();
                let Some(request) = read_request(&mut client).await else {
                    continue;
                };
                let line = String::from_utf8_lossy(&request);
                seen.lock()
                    .unwrap()
                    .push(line.lines().next().unwrap_or("").to_owned());
                // The service is gone: the client's connection is dropped unanswered.
                if let Ok(mut service) = TcpStream::connect(("127.0.0.1", upstream)).await {
                    service.write_all(&request).await.unwrap();
                    relay(&mut service, &mut client, pass(n)).await;
                }
                drop(client);
                let _ = done_tx.send(n);
            }
        });
        Proxy {
            port,
            requests,
            gate,
            done,
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    fn allow(&self, connections: usize) {
        self.gate.add_permits(connections);
    }

    /// Waits until connection `n` (from 0) has been answered.
    async fn answered(&mut self, n: usize) {
        loop {
            let done = tokio::time::timeout(TIMEOUT, self.done.recv())
                .await
                .expect("the proxy passes a request")
                .expect("the proxy runs");
            if done >= n {
                return;
            }
        }
    }

    /// The `startIndex` of each request, in order.
    fn start_indexes(&self) -> Vec<u64> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|line| {
                let query = line.split_once("startIndex=").unwrap().1;
                query
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect()
    }
}

/// The request's head (a GET has no body).
async fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        request.extend_from_slice(&buffer[..n]);
    }
    Some(request)
}

async fn relay(service: &mut TcpStream, client: &mut TcpStream, pass: Pass) {
    let limit = match pass {
        Pass::Forward => usize::MAX,
        Pass::CutAfter(n) => n,
    };
    let mut sent = 0;
    let mut buffer = [0_u8; 16384];
    while sent < limit {
        let n = match service.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n.min(limit - sent),
        };
        if client.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    let _ = client.flush().await;
}

#[tokio::test]
async fn every_user_is_read_with_the_default_mapping() {
    let server = ScimServer::start().await;
    let ada = server.add(&user(1)).await;
    // No address marked primary: the first is the user's email.
    let mut grace = user(2);
    grace["emails"] = json!([
        {"value": "grace@first.example", "type": "work"},
        {"value": "grace@second.example", "type": "home"}
    ]);
    grace.as_object_mut().unwrap().remove(ENTERPRISE);
    let grace_id = server.add(&grace).await;

    let read = read_all(&settings(&server.base_url(), 100)).await;

    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.users.len(), 2);
    let first = read.users.iter().find(|u| u.external_id == ada).unwrap();
    assert_eq!(first.login, "user1@example.com");
    assert_eq!(first.first_name.as_deref(), Some("Given1"));
    assert_eq!(first.last_name.as_deref(), Some("Family1"));
    // The primary address, though it is listed second.
    assert_eq!(first.email.as_deref(), Some("user1@example.com"));
    assert_eq!(first.attributes["title"], "Manager");
    assert_eq!(first.attributes[DEPARTMENT], "Dept1");
    let second = read
        .users
        .iter()
        .find(|u| u.external_id == grace_id)
        .unwrap();
    assert_eq!(second.email.as_deref(), Some("grace@first.example"));
    assert_eq!(
        second.attributes.get("title").map(String::as_str),
        Some("Engineer")
    );
    // Without the extension, no department: absent, not empty.
    assert_eq!(second.attributes.get(DEPARTMENT), None);
}

#[tokio::test]
async fn users_over_several_pages_are_each_read_once() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..250)).await;
    let proxy = Proxy::open(server.port).await;

    let read = read_all(&settings(&proxy.base_url(), 100)).await;

    assert_eq!(read.users.len(), 250);
    assert_eq!(logins(&read.users), expected_logins(0..250));
    let ids: BTreeSet<&str> = read.users.iter().map(|u| u.external_id.as_str()).collect();
    assert_eq!(ids.len(), 250);
    assert_eq!(proxy.start_indexes(), [1, 101, 201]);
}

#[tokio::test]
async fn a_service_answering_fewer_than_asked_is_paged_by_what_it_answers() {
    // The service answers at most 30 users a page, whatever the count asked.
    let server = ScimServer::start_with(Some(30)).await;
    server.add_all(&users(0..100)).await;
    let proxy = Proxy::open(server.port).await;

    let read = read_all(&settings(&proxy.base_url(), 100)).await;

    assert_eq!(logins(&read.users), expected_logins(0..100));
    assert_eq!(read.users.len(), 100);
    assert_eq!(proxy.start_indexes(), [1, 31, 61, 91]);
}

#[tokio::test]
async fn inactive_users_are_left_out_without_a_warning() {
    let server = ScimServer::start().await;
    let mut all = users(0..5);
    all[1]["active"] = json!(false);
    all[3]["active"] = json!(false);
    server.add_all(&all).await;

    let read = read_all(&settings(&server.base_url(), 2)).await;

    assert_eq!(
        logins(&read.users),
        [
            "user0@example.com",
            "user2@example.com",
            "user4@example.com"
        ]
        .map(str::to_owned)
        .into()
    );
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
}

#[tokio::test]
async fn a_user_without_the_mapped_login_is_warned_and_left_out() {
    // The service requires userName, so the login is mapped to the email, which one user lacks.
    let server = ScimServer::start().await;
    server.add_all(&users(0..3)).await;
    let mut no_email = user(3);
    no_email.as_object_mut().unwrap().remove("emails");
    let id = server.add(&no_email).await;
    let mut settings = settings(&server.base_url(), 100);
    settings.mapping.login = Some("emails".to_owned());

    let read = read_all(&settings).await;

    assert_eq!(logins(&read.users), expected_logins(0..3));
    assert_eq!(read.warnings.count, 1);
    assert_eq!(read.warnings.first[0].entry, id);
    assert!(
        read.warnings.first[0].reason.contains("has no emails")
            && read.warnings.first[0].reason.contains("login"),
        "{:?}",
        read.warnings.first[0]
    );
}

#[tokio::test]
async fn a_filter_is_sent_to_the_service() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..6)).await;
    let mut settings = settings(&server.base_url(), 100);
    settings.filter = Some("title eq \"Manager\"".to_owned());

    let read = read_all(&settings).await;

    let managers: BTreeSet<String> = [1, 3, 5].map(|i| format!("user{i}@example.com")).into();
    assert_eq!(logins(&read.users), managers);
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_nothing_is_read() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..3)).await;
    let mut wrong = settings(&server.base_url(), 100);
    wrong.bearer_token = Some("not-the-token".to_owned());

    let detail = unreadable(&wrong, TIMEOUT).await;

    assert!(
        detail.starts_with(&format!(
            "SCIM {}/Users?startIndex=1&count=100: the service answered 401 Unauthorized",
            server.base_url()
        )),
        "{detail}"
    );
    assert!(
        detail.contains("check the bearer token: the service refused it"),
        "{detail}"
    );
    assert!(detail.ends_with("nothing was imported."), "{detail}");
    assert!(
        !detail.contains("not-the-token"),
        "the token is never shown: {detail}"
    );

    wrong.bearer_token = None;
    let detail = unreadable(&wrong, TIMEOUT).await;
    assert!(
        detail.contains("401 Unauthorized (the service wants a bearer token, and none is set)"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_service_that_dies_after_the_first_page_is_unreadable() {
    let mut server = ScimServer::start().await;
    server.add_all(&users(0..60)).await;
    let mut proxy = Proxy::gated(server.port, |_| Pass::Forward).await;
    proxy.allow(1);
    let settings = settings(&proxy.base_url(), 10);
    let reading =
        tokio::spawn(async move { read(&settings, &SnapshotLimits::DEFAULT, TIMEOUT).await });

    proxy.answered(0).await;
    server.stop().await;
    proxy.allow(100);

    let result = reading.await.unwrap();
    let Err(SourceError::Unreadable { detail }) = result else {
        panic!("wanted unreadable, got {result:?}")
    };
    assert!(
        detail.contains(
            "/Users?startIndex=11&count=10: the service closed the connection without answering"
        ),
        "{detail}"
    );
    assert!(detail.ends_with("nothing was imported."), "{detail}");
    assert_eq!(proxy.start_indexes(), [1, 11]);
}

#[tokio::test]
async fn a_service_killed_while_paging_is_unreadable() {
    let mut server = ScimServer::start().await;
    server.add_all(&users(0..1000)).await;
    let mut proxy = Proxy::open(server.port).await;
    let settings = settings(&proxy.base_url(), 5);
    let reading =
        tokio::spawn(async move { read(&settings, &SnapshotLimits::DEFAULT, TIMEOUT).await });

    // Killed at whatever point the read is after a few pages, not at a page boundary the test
    // chose: 200 pages take seconds.
    proxy.answered(3).await;
    server.stop().await;

    let result = reading.await.unwrap();
    let Err(SourceError::Unreadable { detail }) = result else {
        panic!("wanted unreadable, got {:?}", result.map(|r| r.users.len()))
    };
    assert!(detail.contains("/Users?startIndex="), "{detail}");
    assert!(proxy.start_indexes().len() < 200);
}

#[tokio::test]
async fn an_answer_cut_off_midway_is_unreadable() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..30)).await;
    // The second page stops after 2,000 bytes: its headers and part of its users.
    let proxy = Proxy::gated(server.port, |n| {
        if n == 1 {
            Pass::CutAfter(2000)
        } else {
            Pass::Forward
        }
    })
    .await;
    proxy.allow(100);

    let detail = unreadable(&settings(&proxy.base_url(), 10), TIMEOUT).await;

    assert!(
        detail.contains("/Users?startIndex=11&count=10: the answer was cut off"),
        "{detail}"
    );
}

#[tokio::test]
async fn users_added_while_paging_make_the_read_unreadable() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..30)).await;
    let mut proxy = Proxy::gated(server.port, |_| Pass::Forward).await;
    proxy.allow(1);
    let settings = settings(&proxy.base_url(), 10);
    let reading =
        tokio::spawn(async move { read(&settings, &SnapshotLimits::DEFAULT, TIMEOUT).await });

    proxy.answered(0).await;
    server.add(&user(30)).await;
    proxy.allow(100);

    let result = reading.await.unwrap();
    let Err(SourceError::Unreadable { detail }) = result else {
        panic!("wanted unreadable, got {:?}", result.map(|r| r.users.len()))
    };
    assert!(
        detail.contains("totalResults changed from 30 to 31"),
        "{detail}"
    );
}

#[tokio::test]
async fn an_unreachable_or_silent_service_is_unreadable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let detail = unreadable(
        &settings(&format!("http://127.0.0.1:{port}/v2"), 100),
        TIMEOUT,
    )
    .await;
    assert!(detail.contains("could not connect"), "{detail}");
    assert!(detail.to_lowercase().contains("refused"), "{detail}");

    // Accepts the connection and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let started = std::time::Instant::now();
    let detail = unreadable(
        &settings(&format!("http://127.0.0.1:{port}/v2"), 100),
        Duration::from_millis(500),
    )
    .await;
    assert!(detail.contains("did not answer within 500ms"), "{detail}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_https_base_url_to_a_service_without_tls_is_unreadable() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..3)).await;
    let https = format!("https://127.0.0.1:{}/v2", server.port);

    let detail = unreadable(&settings(&https, 100), TIMEOUT).await;

    assert!(
        detail.starts_with(&format!(
            "SCIM {https}/Users?startIndex=1&count=100: could not connect: "
        )),
        "{detail}"
    );
}

#[tokio::test]
async fn more_users_than_an_import_takes_is_too_large() {
    let server = ScimServer::start().await;
    server.add_all(&users(0..12)).await;
    let limits = SnapshotLimits {
        max_users: 10,
        ..SnapshotLimits::DEFAULT
    };

    let result = read(&settings(&server.base_url(), 5), &limits, TIMEOUT).await;

    let Err(SourceError::TooLarge { detail, .. }) = result else {
        panic!("wanted too large, got {result:?}")
    };
    assert!(detail.contains("more than 10 users"), "{detail}");
}
