//! The test harness: a [`TestApp`] is the real router over a real SQLite file in a temporary
//! directory, driven with `oneshot`; [`serve`] binds it to a free port for tests that need real
//! HTTP (concurrency).
#![allow(dead_code)]
// A test harness: a failed step should panic where it happened.
#![allow(clippy::unwrap_used)]

pub mod certificates;
pub mod scim_server;
pub mod slapd;
pub mod smtp;
pub mod smtp_tls;
pub mod webhook_receiver;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use safeguard_server::clock::Clock;
use safeguard_server::email::{Notifier, RetryPolicy};
use safeguard_server::pipeline::Pipeline;
use safeguard_server::storage::Store;
use safeguard_server::{AppState, Config, app};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

/// The `SAFEGUARD_ADMIN_TOKEN` of every test app; requests carry it unless they carry another
/// credential or are sent with [`TestApp::send_anonymous`].
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// A reqwest client that sends [`ADMIN_TOKEN`] with every request.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_str(&format!("SSWS {ADMIN_TOKEN}")).unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

pub struct TestApp {
    pub dir: TempDir,
    pub state: AppState,
    pub router: Router,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// Asserts a problem answer with this status, and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        let problem = self.json();
        assert_eq!(problem["status"], status);
        assert!(problem["type"].as_str().unwrap().starts_with("/problems/"));
        assert!(problem["title"].is_string());
        assert!(problem["detail"].is_string());
        assert!(problem["errors"].is_array());
        problem
    }

    pub fn next_link(&self) -> Option<String> {
        let link = self.header("link")?;
        let start = link.find('<')? + 1;
        let end = link.find('>')?;
        assert!(link.contains("rel=\"next\""));
        Some(link[start..end].to_owned())
    }
}

pub struct Builder {
    config: Config,
    background_above: Option<usize>,
    db: Option<PathBuf>,
}

impl TestApp {
    /// Stops this server (its email and webhook workers and schedules with it) and hands back its
    /// folder, to start another on the same database. A `let TestApp { dir, .. } = app` would keep
    /// the router, and so its workers, alive to the end of the test.
    pub async fn stop(self) -> TempDir {
        let TestApp { dir, state, router } = self;
        drop(router);
        drop(state);
        // Aborted tasks end at their next poll; let them have it.
        tokio::task::yield_now().await;
        dir
    }

    pub fn new() -> Self {
        Self::builder().build()
    }

    pub fn builder() -> Builder {
        Builder {
            config: Config {
                console_dir: PathBuf::from("/nonexistent-console"),
                admin_token: Some(ADMIN_TOKEN.to_owned()),
                ..Config::default()
            },
            background_above: None,
            db: None,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("safeguard.db")
    }

    /// Sends a request as the super-administrator of [`ADMIN_TOKEN`], unless it carries a
    /// credential of its own.
    pub async fn send(&self, mut request: Request<Body>) -> Response {
        let headers = request.headers_mut();
        if !headers.contains_key(header::AUTHORIZATION) && !headers.contains_key(header::COOKIE) {
            headers.insert(
                header::AUTHORIZATION,
                format!("SSWS {ADMIN_TOKEN}").parse().unwrap(),
            );
        }
        self.send_anonymous(request).await
    }

    /// Sends a request exactly as given: without a credential unless it has one.
    pub async fn send_anonymous(&self, request: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Response {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with(&self, path: &str, accept: &str) -> Response {
        self.send(
            Request::get(path)
                .header(header::ACCEPT, accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn send_body(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Response {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::CONTENT_TYPE, content_type)
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.send_body(Method::POST, path, "application/json", body.to_string())
            .await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.send_body(Method::PUT, path, "application/json", body.to_string())
            .await
    }

    pub async fn post(&self, path: &str) -> Response {
        self.send(Request::post(path).body(Body::empty()).unwrap())
            .await
    }

    /// Creates an app; answers its id.
    pub async fn create_app(&self, name: &str) -> String {
        self.create_app_with(name, false, false).await
    }

    pub async fn create_profile_source(&self, name: &str) -> String {
        self.create_app_with(name, true, true).await
    }

    pub async fn create_app_with(
        &self,
        name: &str,
        profile_source: bool,
        deactivate: bool,
    ) -> String {
        let r = self
            .post_json(
                "/api/v1/apps",
                &json!({"name": name, "profileSource": profile_source, "deactivateOnRemove": deactivate}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["id"].as_str().unwrap().to_owned()
    }

    /// Imports a JSON snapshot of these logins into the app; answers the import.
    pub async fn import(&self, app_id: &str, logins: &[String]) -> Value {
        let users: Vec<Value> = logins.iter().map(|l| snapshot_user(l, &[])).collect();
        self.import_users(app_id, users).await
    }

    pub async fn import_users(&self, app_id: &str, users: Vec<Value>) -> Value {
        let r = self
            .post_json(
                &format!("/api/v1/apps/{app_id}/imports"),
                &json!({ "users": users }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()
    }

    pub async fn dry_run(&self, app_id: &str, logins: &[String]) -> Value {
        let users: Vec<Value> = logins.iter().map(|l| snapshot_user(l, &[])).collect();
        let r = self
            .post_json(
                &format!("/api/v1/apps/{app_id}/imports?dryRun=true"),
                &json!({ "users": users }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }

    pub async fn set_safeguards(&self, app: (bool, u8), org: (bool, u8)) {
        let version = self.get("/api/v1/safeguards").await.json()["version"].clone();
        let r = self
            .put_json(
                "/api/v1/safeguards",
                &json!({
                    "appLevel": {"enabled": app.0, "percent": app.1},
                    "orgLevel": {"enabled": org.0, "percent": org.1},
                    "version": version,
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    pub async fn population(&self, app_id: &str) -> u64 {
        self.get(&format!("/api/v1/apps/{app_id}")).await.json()["population"]
            .as_u64()
            .unwrap()
    }

    pub async fn import_view(&self, id: &str) -> Value {
        let r = self.get(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }

    /// Waits until the pipeline is quiet: nothing `running`, and the queue empty or held by a
    /// roadblock. Resume and cancel answer before the queue behind them has drained.
    pub async fn until_quiet(&self) {
        for _ in 0..500 {
            // Read in the order imports move (queued -> paused or running -> done), so a move
            // between two reads is never missed.
            let queued = self.get("/api/v1/imports?status=queued").await.json();
            let paused = self.get("/api/v1/imports?status=paused").await.json();
            let running = self.get("/api/v1/imports?status=running").await.json();
            let running = !running.as_array().unwrap().is_empty();
            let waiting =
                !queued.as_array().unwrap().is_empty() && paused.as_array().unwrap().is_empty();
            if !running && !waiting {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the pipeline did not settle within 5 s");
    }

    /// Events of one type, newest first (all of them: up to 1000).
    pub async fn events(&self, event_type: &str) -> Vec<Value> {
        let filter = format!("eventType eq \"{event_type}\"");
        let r = self
            .get(&format!(
                "/api/v1/logs?limit=1000&filter={}",
                encode(&filter)
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json().as_array().unwrap().clone()
    }
}

impl Builder {
    pub fn config(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(&mut self.config);
        self
    }

    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.config.max_body_bytes = n;
        self
    }

    pub fn max_snapshot_rows(mut self, n: usize) -> Self {
        self.config.max_snapshot_rows = n;
        self
    }

    pub fn console_dir(mut self, dir: &Path) -> Self {
        self.config.console_dir = dir.to_owned();
        self
    }

    /// Sends notification email to this SMTP server (`smtp://127.0.0.1:PORT`).
    pub fn smtp(mut self, url: &str) -> Self {
        self.config.smtp_url = Some(url.parse().unwrap());
        self
    }

    /// Tells these addresses of every roadblock (`--notify`).
    pub fn notify(mut self, addresses: &[&str]) -> Self {
        self.config.notify = addresses.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    pub fn public_url(mut self, url: &str) -> Self {
        self.config.public_url = url.to_owned();
        self
    }

    pub fn email_retry(mut self, policy: RetryPolicy) -> Self {
        self.config.email_retry = policy;
        self
    }

    pub fn background_above(mut self, n: usize) -> Self {
        self.background_above = Some(n);
        self
    }

    pub fn build(self) -> TestApp {
        let dir = TempDir::new().unwrap();
        self.build_in(dir)
    }

    /// Opens the app on the database of a previous one, as a restarted server would.
    pub fn build_in(self, dir: TempDir) -> TestApp {
        let path = self.db.unwrap_or_else(|| dir.path().join("safeguard.db"));
        let store = Arc::new(Store::open(&path).unwrap());
        let mut pipeline =
            Pipeline::new(store, Clock::System).with_notifier(Notifier::new(&self.config));
        if let Some(n) = self.background_above {
            pipeline.background_above = n;
        }
        pipeline.recover().unwrap();
        let state = AppState::new(pipeline, self.config);
        let router = app(state.clone());
        TestApp { dir, state, router }
    }
}

/// A snapshot user with these attributes.
pub fn snapshot_user(login: &str, attributes: &[(&str, &str)]) -> Value {
    let attributes: serde_json::Map<String, Value> = attributes
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    json!({
        "externalId": format!("ext-{login}"),
        "login": login,
        "firstName": "Test",
        "lastName": login,
        "attributes": attributes,
    })
}

/// `count` logins `prefix0@example.com`, `prefix1@example.com`, ...
pub fn logins(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i}@example.com")).collect()
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The router on a real port; answers its base URL. The server stops with the runtime.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{address}")
}

/// Starts the real `safeguard` binary on `db` on a free port, with [`ADMIN_TOKEN`]; answers
/// the process (killed when dropped) and its URL.
pub async fn start_binary(db: &std::path::Path) -> (tokio::process::Child, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(["--console-dir", "/nonexistent-console"])
        .env("RUST_LOG", "warn")
        .env("SAFEGUARD_ADMIN_TOKEN", ADMIN_TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the safeguard binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("stdout reads") {
            if let Some(url) = line.strip_prefix("Safeguard listening on ") {
                return url.to_owned();
            }
        }
        panic!("the server exited without printing its address")
    })
    .await
    .expect("the server prints its address within 30 s");
    (child, url)
}

/// The rule book's org: ten apps of 100 distinct users each, 1,000 app users. Answers the app
/// ids.
pub async fn ten_apps_of_100(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for k in 0..10 {
        let id = app.create_app(&format!("App {k}")).await;
        let done = app.import(&id, &logins(&format!("a{k}-"), 0..100)).await;
        assert_eq!(done["status"], "completed");
        ids.push(id);
    }
    ids
}

/// The limit that stopped a paused import.
pub fn cause(import: &serde_json::Value) -> &serde_json::Value {
    &import["roadblock"]["cause"]
}
