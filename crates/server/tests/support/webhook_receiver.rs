//! A webhook receiver for the tests (`webhook_receiver.py`): a plain HTTP server on a free
//! loopback port that verifies each delivery with the `standardwebhooks` package, the
//! specification's own library, and answers as told: a status per request, or a hang.

use super::smtp_tls::python;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Receiver {
    pub port: u16,
    client: reqwest::Client,
    _child: Child,
}

impl Receiver {
    pub async fn start() -> Self {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/webhook_receiver.py");
        let python = python();
        assert!(
            python.exists(),
            "{} is missing: run scripts/install-tools.sh (standardwebhooks)",
            python.display()
        );
        let mut child = Command::new(python)
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the receiver starts within 30 s")
            .unwrap()
            .unwrap();
        let port = ready
            .strip_prefix("listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the receiver said {ready:?}"));
        Self {
            port,
            client: reqwest::Client::new(),
            _child: child,
        }
    }

    /// The URL of the hook called `name`.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/hooks/{name}", self.port)
    }

    /// Tells the receiver how to treat `name`: the secrets to verify with, the statuses to
    /// answer in turn (the last repeats), seconds to hang before answering.
    pub async fn control(&self, name: &str, secrets: &[&str], answers: &[u16], hang: f64) {
        let r = self
            .client
            .put(format!("http://127.0.0.1:{}/control/{name}", self.port))
            .json(&json!({"secrets": secrets, "answers": answers, "hang": hang}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    /// Every request to `name` so far: `{"headers", "body", "verified": {secret: true or
    /// why not}, "answered"}`.
    pub async fn received(&self, name: &str) -> Vec<Value> {
        let all: Value = self
            .client
            .get(format!("http://127.0.0.1:{}/received", self.port))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["name"] == name)
            .cloned()
            .collect()
    }

    /// Waits until `name` has had `count` requests.
    pub async fn wait_for(&self, name: &str, count: usize, wait: Duration) -> Vec<Value> {
        let deadline = Instant::now() + wait;
        loop {
            let received = self.received(name).await;
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{name}: {} requests, wanted {count}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
