//! The harness for end-to-end tests: the real `safeguard` binary serving the built console over
//! a temporary SQLite file on a free port, and headless Chromium driven through chromedriver.
//!
//! The binary and the console must be built first; `make test` does both (`make console`, then
//! `cargo build -p safeguard-server`). `SAFEGUARD_BIN` and `SAFEGUARD_CONSOLE_DIR` override where
//! they are looked for; `CHROMEDRIVER` and `CHROME_BIN` where the browser is.

use fantoccini::{Client, ClientBuilder};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The super-administrator every test server starts with (`SAFEGUARD_ADMIN_EMAIL` and
/// `SAFEGUARD_ADMIN_PASSWORD`).
pub const ADMIN: (&str, &str) = ("e2e-admin@example.com", "e2e-admin-password");
/// The server's `SAFEGUARD_ADMIN_TOKEN`: what [`Server::get`] and [`Server::post`] send.
pub const ADMIN_TOKEN: &str = "e2e-admin-token-0123456789";
/// The demo org's administrators (`--demo`), as README.md documents them.
pub const DEMO_SUPER_ADMIN: (&str, &str) = ("admin@demo.safeguard.test", "demo-super-admin-1");
pub const DEMO_READ_ONLY_ADMIN: (&str, &str) = ("auditor@demo.safeguard.test", "demo-read-only-1");

/// The checkout the tests run in. `cargo test` sets `CARGO_MANIFEST_DIR` when it runs a test,
/// which is read first: a test binary built in another checkout sharing the build directory
/// (cargo reuses it when the sources are the same) would otherwise look in that checkout.
fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../..")
}

/// The server binary `cargo build -p safeguard-server` made beside this test binary
/// (`<target>/debug/deps/<test>` -> `<target>/debug/safeguard`), wherever the build directory is.
fn server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SAFEGUARD_BIN") {
        return bin.into();
    }
    let beside_tests = std::env::current_exe().ok().and_then(|exe| {
        let profile_dir = exe.parent()?.parent()?;
        Some(profile_dir.join("safeguard"))
    });
    if let Some(bin) = beside_tests.filter(|bin| bin.exists()) {
        return bin;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug/safeguard")
}

fn console_dir() -> PathBuf {
    std::env::var_os("SAFEGUARD_CONSOLE_DIR")
        .map_or_else(|| workspace_root().join("dist"), PathBuf::from)
}

/// Where tests leave what a person may want to look at (screenshots).
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("artifacts");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A running `safeguard serve` on a temporary database. Killed when dropped.
pub struct Server {
    pub url: String,
    child: Child,
    _db_dir: tempfile::TempDir,
}

impl Server {
    /// Starts the server with `--demo` when `demo` is true, and waits for its URL.
    pub async fn start(demo: bool) -> Result<Self, Error> {
        Self::start_with(demo, &[]).await
    }

    /// As [`Server::start`], with more of `safeguard serve`'s arguments (`--smtp-url`, ...).
    pub async fn start_with(demo: bool, args: &[&str]) -> Result<Self, Error> {
        let bin = server_binary();
        if !bin.exists() {
            return Err(format!(
                "{} is missing: run `cargo build -p safeguard-server` (make test does)",
                bin.display()
            )
            .into());
        }
        let console = console_dir();
        if !console.join("index.html").exists() {
            return Err(format!(
                "{} has no index.html: run `make console` (make test does)",
                console.display()
            )
            .into());
        }
        let db_dir = tempfile::tempdir()?;
        let mut command = Command::new(bin);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(db_dir.path().join("safeguard.db"))
            .arg("--console-dir")
            .arg(console)
            .env("SAFEGUARD_ADMIN_EMAIL", ADMIN.0)
            .env("SAFEGUARD_ADMIN_PASSWORD", ADMIN.1)
            .env("SAFEGUARD_ADMIN_TOKEN", ADMIN_TOKEN)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        if demo {
            command.arg("--demo");
        }
        command.args(args);
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("Safeguard listening on ") {
                    return Ok::<_, Error>(url.trim().to_owned());
                }
            }
            Err("the server exited before printing its URL".into())
        })
        .await??;
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            url,
            child,
            _db_dir: db_dir,
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

/// Headless Chromium through chromedriver on a free port. Call [`Browser::close`] at the end.
/// One browser runs at a time: tests in one binary run in parallel, and two Chromiums on a
/// two-core machine make timings flaky for no gain.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _turn: tokio::sync::SemaphorePermit<'static>,
}

static ONE_BROWSER_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The screen a browser shows pages on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// A 1280 x 900 window.
    Desktop,
    /// A phone's screen, 390 x 844 CSS pixels at twice the pixel density. Headless Chromium keeps
    /// windows at least 500 px wide, so chromedriver's mobile emulation gives the page this
    /// viewport instead of the window.
    Phone,
}

impl Screen {
    pub const PHONE_WIDTH: u32 = 390;
    pub const PHONE_HEIGHT: u32 = 844;
}

impl Browser {
    /// A browser with a desktop window.
    pub async fn start() -> Result<Self, Error> {
        Self::start_on(Screen::Desktop).await
    }

    /// A browser that shows pages as a phone does: see [`Screen::Phone`].
    pub async fn start_phone() -> Result<Self, Error> {
        Self::start_on(Screen::Phone).await
    }

    pub async fn start_on(screen: Screen) -> Result<Self, Error> {
        let turn = ONE_BROWSER_AT_A_TIME.acquire().await?;
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_bin = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {driver_bin}: {e} (make test installs it)"))?;
        let profile = tempfile::tempdir()?;
        let mut options = serde_json::json!({
            "binary": chrome_bin,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--disable-quic",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.keep().display()),
            ]
        });
        if screen == Screen::Phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": {
                    "width": Screen::PHONE_WIDTH,
                    "height": Screen::PHONE_HEIGHT,
                    "pixelRatio": 2.0,
                }
            });
        }
        let capabilities = serde_json::json!({ "goog:chromeOptions": options });
        let serde_json::Value::Object(capabilities) = capabilities else {
            return Err("capabilities must be an object".into());
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::native()
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    return Err(format!("chromedriver did not answer: {e}").into());
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Ok(Self {
            client,
            _driver: driver,
            _turn: turn,
        })
    }

    /// Saves a PNG of the current page as `artifacts/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, Error> {
        let png = self.client.screenshot().await?;
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    pub async fn close(self) -> Result<(), Error> {
        self.client.close().await?;
        Ok(())
    }
}

/// A client that acts with the test server's `SAFEGUARD_ADMIN_TOKEN`.
pub fn api_client() -> Result<reqwest::Client, Error> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_str(&format!("SSWS {ADMIN_TOKEN}"))?,
    );
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .build()?)
}

impl Browser {
    /// Signs in on the console's sign-in page, and waits for the console to show who is signed
    /// in.
    pub async fn sign_in(
        &self,
        server: &Server,
        (email, password): (&str, &str),
    ) -> Result<(), Error> {
        self.client.goto(&format!("{}/signin", server.url)).await?;
        self.fill_sign_in(email, password).await?;
        wait_for_text(
            &self.client,
            "[data-testid=user-email]",
            email,
            Duration::from_secs(20),
        )
        .await?;
        Ok(())
    }

    /// Types into the sign-in form on the current page and submits it.
    pub async fn fill_sign_in(&self, email: &str, password: &str) -> Result<(), Error> {
        let wait = self.client.wait().at_most(Duration::from_secs(20));
        wait.for_element(fantoccini::Locator::Css("#signin-email"))
            .await?
            .send_keys(email)
            .await?;
        self.client
            .find(fantoccini::Locator::Css("#signin-password"))
            .await?
            .send_keys(password)
            .await?;
        click(&self.client, "#signin-submit").await
    }
}

/// Waits until an element matching `css` shows `needle` in its text; answers that text.
pub async fn wait_for_text(
    client: &Client,
    css: &str,
    needle: &str,
    within: Duration,
) -> Result<String, Error> {
    let deadline = Instant::now() + within;
    let mut last = String::new();
    loop {
        if let Ok(elements) = client.find_all(fantoccini::Locator::Css(css)).await {
            for element in elements {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no {css} showed {needle:?} within {within:?}; last text: {last:?}"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Clicks the element matching `css`, waiting for it to appear first (a page may still be
/// rendering it).
pub async fn click(client: &Client, css: &str) -> Result<(), Error> {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Css(css))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Waits until no element matches `css`.
pub async fn wait_gone(client: &Client, css: &str, within: Duration) -> Result<(), Error> {
    let deadline = Instant::now() + within;
    loop {
        let found = client.find_all(fantoccini::Locator::Css(css)).await?;
        if found.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{css} was still there after {within:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

impl Server {
    /// GETs an API path (`/api/v1/...`) and answers its JSON.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value, Error> {
        let response = api_client()?
            .get(format!("{}{path}", self.url))
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {path} answered {status}: {}", response.text().await?).into());
        }
        Ok(response.json().await?)
    }

    /// POSTs an API path with a JSON body and answers the status and JSON.
    pub async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(u16, serde_json::Value), Error> {
        let response = api_client()?
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        ))
    }
}
