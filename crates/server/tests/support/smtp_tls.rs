//! A real SMTP server with TLS and AUTH for the email tests: aiosmtpd (the Python package the
//! install script puts in the tools' virtual environment), started as a plain child process on
//! a free loopback port with a certificate for 127.0.0.1 issued by a CA made here by
//! `openssl`, as a relay with a private CA has.

use super::certificates;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const USER: &str = "alerts@example.com";
pub const PASSWORD: &str = "relay-password-1";

/// How the server secures its connections.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// Plain, STARTTLS required before anything else (a submission relay on 587).
    StartTls,
    /// TLS from the first byte (smtps, 465).
    Tls,
}

pub struct TlsSmtpServer {
    pub port: u16,
    dir: TempDir,
    _child: Child,
}

pub fn python() -> PathBuf {
    let tools = std::env::var_os("SAFEGUARD_TOOLS_DIR").map_or_else(
        || {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/safeguard-tools")
        },
        PathBuf::from,
    );
    tools.join("venv/bin/python")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl TlsSmtpServer {
    pub async fn start(mode: Mode) -> Self {
        let dir = tempfile::tempdir().unwrap();
        certificates::make(dir.path());
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_tls_server.py");
        let python = python();
        assert!(
            python.exists(),
            "{} is missing: run scripts/install-tools.sh (aiosmtpd)",
            python.display()
        );
        let port = free_port();
        let mut child = Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path().join("cert.pem"))
            .arg(dir.path().join("key.pem"))
            .arg(match mode {
                Mode::StartTls => "starttls",
                Mode::Tls => "tls",
            })
            .args([USER, PASSWORD])
            .arg(dir.path().join("received.jsonl"))
            .stdout(Stdio::piped())
            // Its own log (a refused handshake is logged as an exception) stays beside it.
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the SMTP server starts within 30 s")
            .unwrap();
        assert_eq!(ready.as_deref(), Some("READY"));
        Self {
            port,
            dir,
            _child: child,
        }
    }

    /// The CA that issued the server's certificate (`--smtp-ca-file`).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Every message accepted so far: `{"from", "to", "data", "tls", "login"}`.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("received.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// Waits until `count` messages have been accepted.
    pub async fn wait_for(&self, count: usize, wait: Duration) -> Vec<Value> {
        let deadline = Instant::now() + wait;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} messages, wanted {count}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
