//! The server's configuration: what the command line and the environment set, read by the
//! pipeline, the email worker and the handlers alike.
//!
//! It sits below everything that reads it (it names only its own value types and the input
//! limits), so that the email worker, the pipeline and the handlers' state can each depend on it
//! without depending on one another.

mod email_retry;
mod smtp_ca;
mod smtp_url;
mod throttle_policy;
mod webhook_policy;

pub use email_retry::RetryPolicy;
pub use smtp_ca::SmtpCa;
pub use smtp_url::{SmtpLogin, SmtpSecurity, SmtpUrl};
pub use throttle_policy::ThrottlePolicy;
pub use webhook_policy::WebhookPolicy;

use crate::limits::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SNAPSHOT_ROWS, SnapshotLimits, snapshot_limits,
};
use crate::secrets::SecretKey;
use lettre::Address;
use lettre::message::Mailbox;
use std::path::PathBuf;
use std::time::Duration;

/// Sessions end after 30 minutes without a request, as admin consoles commonly do.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

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
    /// A CA the SMTP server's certificate may be issued by, beside the system's roots
    /// (`--smtp-ca-file`): a private relay's own CA.
    pub smtp_ca: Option<SmtpCa>,
    /// The sender of notification email (`--mail-from`).
    pub mail_from: Mailbox,
    /// Who hears of a roadblock besides the super-administrators (`--notify`).
    pub notify: Vec<String>,
    /// The console's address as administrators reach it, for the links in email
    /// (`--public-url`, else the address the server bound).
    pub public_url: String,
    /// Retries of email the SMTP server cannot take now.
    pub email_retry: RetryPolicy,
    /// How webhook deliveries are sent and retried.
    pub webhooks: WebhookPolicy,
    /// Seals the secrets of sources (LDAP passwords, SCIM tokens) at rest; `None` only when no
    /// random key could be made, and then no secret can be stored.
    pub secret_key: Option<SecretKey>,
    /// How long one step of reading a live source may take (connect, bind, one page).
    pub source_timeout: Duration,
    /// How often the schedules are looked at: the most a scheduled import starts late.
    pub schedule_poll: Duration,
}

/// A directory or SCIM service that takes longer than this for one page is treated as down.
pub const DEFAULT_SOURCE_TIMEOUT: Duration = Duration::from_secs(30);

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
            smtp_ca: None,
            mail_from: default_mail_from(),
            notify: Vec::new(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            email_retry: RetryPolicy::default(),
            webhooks: WebhookPolicy::default(),
            secret_key: SecretKey::random().ok(),
            source_timeout: DEFAULT_SOURCE_TIMEOUT,
            schedule_poll: Duration::from_secs(5),
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
