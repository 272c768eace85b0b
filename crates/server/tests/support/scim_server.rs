//! A real SCIM 2.0 service for the SCIM source tests: `scim2-server` (the Python package the
//! install script puts in the tools' virtual environment), started as a plain child process on
//! a free loopback port with a bearer token, filled through its own API, killed when dropped.
//!
//! What it does, learned by running it: it serves under `/v2`, pages with `startIndex` and
//! `count` in the order of its random ids, answers at most its `filter.maxResults` (1000
//! unless told) a page, refuses a missing or wrong token with a SCIM 401, requires `userName`,
//! and takes 1000 users a request through `/Bulk`.

use super::smtp_tls::python;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The bearer token the service accepts.
pub const TOKEN: &str = "scim-reader-token-7f3a";
pub const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The mapping path of the enterprise extension's department.
pub const DEPARTMENT: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";

pub struct ScimServer {
    pub port: u16,
    client: reqwest::Client,
    child: Option<Child>,
    _dir: TempDir,
}

/// The `scim2-server` command of the tools' virtual environment.
pub fn command() -> PathBuf {
    python().with_file_name("scim2-server")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ScimServer {
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// A service that answers at most `max_results` users a page, when given.
    pub async fn start_with(max_results: Option<u32>) -> Self {
        let command = command();
        assert!(
            command.exists(),
            "{} is missing: run scripts/install-tools.sh (scim2-server)",
            command.display()
        );
        let dir = TempDir::new().unwrap();
        let mut args: Vec<String> = Vec::new();
        if let Some(max) = max_results {
            let config = dir.path().join("service-provider-config.json");
            std::fs::write(&config, service_provider_config(max).to_string()).unwrap();
            args.extend([
                "--service-provider-config".to_owned(),
                config.display().to_string(),
            ]);
        }
        // The port is free when chosen; another test may take it before the service binds it,
        // so a service that does not start is started again on another.
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&command)
                .args(["--bearer-token", TOKEN, "--hostname", "127.0.0.1", "--port"])
                .arg(port.to_string())
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let started = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
                .await
                .expect("scim2-server starts within 30 s")
                .unwrap();
            if started.is_some_and(|line| line.starts_with("Serving SCIM on")) {
                let server = Self {
                    port,
                    client: reqwest::Client::new(),
                    child: Some(child),
                    _dir: dir,
                };
                server.wait_until_answering().await;
                return server;
            }
        }
        panic!("scim2-server did not start on any of 5 ports");
    }

    /// `http://127.0.0.1:PORT/v2`: the base URL a source names.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    async fn wait_until_answering(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = self
                .client
                .get(format!("{}/ServiceProviderConfig", self.base_url()))
                .bearer_auth(TOKEN)
                .send()
                .await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(Instant::now() < deadline, "scim2-server does not answer");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Creates one user with `POST /Users`; answers its id.
    pub async fn add(&self, user: &Value) -> String {
        let r = self
            .client
            .post(format!("{}/Users", self.base_url()))
            .bearer_auth(TOKEN)
            .header("content-type", "application/scim+json")
            .body(user.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Creates these users through `/Bulk`, 500 a request (well under its 1 MiB payload limit).
    pub async fn add_all(&self, users: &[Value]) {
        for chunk in users.chunks(500) {
            let operations: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, user)| {
                    json!({"method": "POST", "path": "/Users", "bulkId": format!("u{i}"), "data": user})
                })
                .collect();
            let r = self
                .client
                .post(format!("{}/Bulk", self.base_url()))
                .bearer_auth(TOKEN)
                .header("content-type", "application/scim+json")
                .body(
                    json!({
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                        "Operations": operations,
                    })
                    .to_string(),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let body: Value = r.json().await.unwrap();
            let answers = body["Operations"].as_array().unwrap();
            assert_eq!(answers.len(), chunk.len(), "{body}");
            for answer in answers {
                assert_eq!(answer["status"], "201", "{answer}");
            }
        }
    }

    /// Kills the service now, as a crash would: no goodbye to connections in flight.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }
}

fn service_provider_config(max_results: u32) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": true},
        "bulk": {"supported": true, "maxOperations": 1000, "maxPayloadSize": 1048576},
        "filter": {"supported": true, "maxResults": max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true}
    })
}

/// User `i`: `user{i}@example.com`, with a home address first and the work one (the login)
/// marked primary, a title and a department.
pub fn user(i: usize) -> Value {
    json!({
        "schemas": [CORE, ENTERPRISE],
        "userName": format!("user{i}@example.com"),
        "name": {"givenName": format!("Given{i}"), "familyName": format!("Family{i}")},
        "emails": [
            {"value": format!("user{i}@home.example"), "type": "home"},
            {"value": format!("user{i}@example.com"), "type": "work", "primary": true}
        ],
        "active": true,
        "title": if i.is_multiple_of(2) { "Engineer" } else { "Manager" },
        ENTERPRISE: {"department": format!("Dept{}", i % 7)}
    })
}

/// Users `range`, as [`user`] makes them.
pub fn users(range: std::ops::Range<usize>) -> Vec<Value> {
    range.map(user).collect()
}
