//! What every handler shares: the pipeline (and through it the store and the clock) and the
//! server's configuration.

use crate::email::{RetryPolicy, SmtpUrl};
use crate::error::AppError;
use crate::pipeline::{Pipeline, PipelineError};
use crate::storage::{Db, Store};
use lettre::Address;
use lettre::message::Mailbox;
use safeguard_rules::api::ImportView;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::throttle::{Throttle, ThrottlePolicy};

/// Sessions end after 30 minutes without a request, as admin consoles commonly do.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

use crate::limits::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SNAPSHOT_ROWS, SnapshotLimits, snapshot_limits,
};

#[derive(Clone, Debug)]
pub struct Config {
    /// Requests with a larger body are answered 413.
    pub max_body_bytes: usize,
    /// Snapshots with more users are answered 413.
    pub max_snapshot_rows: usize,
    /// The built console (Trunk's `dist`): static files, and `index.html` for deep links.
    pub console_dir: PathBuf,
    /// `SAFEGUARD_ADMIN_TOKEN`: when set, a super-administrator API token.
    pub admin_token: Option<String>,
    /// A session unused for this long has ended.
    pub session_idle: Duration,
    /// How failed sign-ins slow down and lock.
    pub throttle: ThrottlePolicy,
    /// Where notification email is sent (`--smtp-url`); without one it stays in the outbox,
    /// which the console shows.
    pub smtp_url: Option<SmtpUrl>,
    /// The sender of notification email (`--mail-from`).
    pub mail_from: Mailbox,
    /// Who hears of a roadblock besides the super-administrators (`--notify`).
    pub notify: Vec<String>,
    /// The console's address as administrators reach it, for the links in email
    /// (`--public-url`, else the address the server bound).
    pub public_url: String,
    /// Retries of email the SMTP server cannot take now.
    pub email_retry: RetryPolicy,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_snapshot_rows: DEFAULT_MAX_SNAPSHOT_ROWS,
            console_dir: PathBuf::from("dist"),
            admin_token: None,
            session_idle: DEFAULT_SESSION_IDLE,
            throttle: ThrottlePolicy::default(),
            smtp_url: None,
            mail_from: default_mail_from(),
            notify: Vec::new(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            email_retry: RetryPolicy::default(),
        }
    }
}

/// `Safeguard <safeguard@localhost>`: what `--mail-from` is unless given.
pub fn default_mail_from() -> Mailbox {
    Mailbox::new(
        Some("Safeguard".to_owned()),
        // A fixed, valid address: nothing to check.
        Address::new_dangerous("safeguard", "localhost"),
    )
}

impl Config {
    /// What a snapshot may hold on this server.
    pub fn snapshot_limits(&self) -> SnapshotLimits {
        snapshot_limits(self.max_snapshot_rows)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pipeline: Arc<Pipeline>,
    pub config: Arc<Config>,
    /// Failed sign-ins, per account and per address.
    pub throttle: Arc<Throttle>,
}

/// How a pipeline call answers: once, with the import, possibly before it has finished.
pub type Reply = Box<dyn FnOnce(Result<ImportView, PipelineError>) + Send>;

impl AppState {
    pub fn new(pipeline: Pipeline, config: Config) -> Self {
        Self {
            pipeline: Arc::new(pipeline),
            throttle: Arc::new(Throttle::new(config.throttle.clone())),
            config: Arc::new(config),
        }
    }

    pub fn store(&self) -> &Store {
        self.pipeline.store()
    }

    /// Runs a read on a blocking thread, on a read-only connection.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db<'_>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || pipeline.store().read(f)).await?
    }

    /// Runs `f` on a blocking thread with the pipeline.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Pipeline) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || f(&pipeline)).await?
    }

    /// Runs a pipeline step that replies before it is done (a large plan is applied after the
    /// answer; resolving a roadblock drains the queue after it). Answers as soon as `reply` is
    /// called; the step goes on on its blocking thread.
    pub async fn with_reply(
        &self,
        f: impl FnOnce(&Pipeline, Reply) + Send + 'static,
    ) -> Result<ImportView, AppError> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || {
            let reply: Reply = Box::new(move |result| {
                // The client may have gone away; the step goes on regardless.
                let _ = sender.send(result);
            });
            f(&pipeline, reply);
        });
        Ok(receiver.await.map_err(AppError::internal)??)
    }
}
