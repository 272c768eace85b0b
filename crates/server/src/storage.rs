//! Storage: every SQL statement of the server lives under this module.
//!
//! The rest of the server sees [`Store`], [`Db`] (one connection, inside or outside a transaction)
//! and plain domain values; no SQL and no SQLite type crosses this boundary, so a PostgreSQL
//! backend can later implement the same methods.
//!
//! Concurrency model: one **writer** connection behind a mutex, used from blocking threads; every
//! change is made in a `BEGIN IMMEDIATE` transaction on it, and each decision (is this import
//! still paused?) is taken by re-reading inside that transaction. Reads use separate read-only
//! connections; with the WAL journal they see the last committed state and never wait for the
//! writer.
//!
//! The writer also keeps the org it last loaded, indexed, for the planner ([`Db::indexed_org`],
//! `org_cache.rs`): loading a large org costs seconds, planning against it a fraction of that.

mod admins;
mod apps;
mod bounces;
mod group_rules;
mod imports;
mod org_cache;
mod outbox;
mod plans;
mod schema;
mod settings;
mod sources;
mod system_log;
mod users;
mod webhooks;

pub use admins::{StoredAdmin, fold_email};
pub use imports::{ImportFilter, ImportOrigin, ImportRow, NewImport};
pub use org_cache::IndexedOrg;
pub use outbox::NewMessage;
pub use plans::{ChangeFilter, StoredChange};
pub use sources::{NewSource, StoredSource};
pub use system_log::EventQuery;
pub use users::Org;
pub use webhooks::{
    DueDelivery, NewWebhookRow, StoredWebhook, WebhookChange, delivery_id as webhooks_delivery_id,
};

use org_cache::{ForgetUnlessCommitted, OrgCache};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What storage can fail with. Callers treat every variant as an internal error: the details go
/// to the server's log, never to a client.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored value could not be read: {0}")]
    Corrupt(String),
    #[error(
        "the database was written by a newer Safeguard (schema version {found}, this one knows {known})"
    )]
    TooNew { found: i64, known: i64 },
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        StorageError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// The database: one writer, a few readers.
pub struct Store {
    path: PathBuf,
    writer: Mutex<WriterState>,
    readers: Mutex<Vec<Connection>>,
}

/// One connection, in a transaction (writes) or not (reads). Every query is a method on it,
/// grouped by resource in the files of this module.
pub struct Db<'c> {
    conn: &'c Connection,
    /// The writer's loaded org; `None` on read-only connections.
    org_cache: Option<&'c OrgCache>,
    /// Set when the transaction queued a webhook delivery, so the commit wakes the worker.
    queued_deliveries: Option<&'c Cell<bool>>,
}

/// The writer connection and what is kept beside it between transactions.
struct WriterState {
    conn: Connection,
    org: OrgCache,
    /// Notified after a commit that queued webhook deliveries.
    deliveries_queued: Arc<tokio::sync::Notify>,
}

/// Exclusive use of the writer connection. Hold it across several transactions when what
/// happens between them must not be interleaved with other writes (a plan committed as
/// `running`, then applied).
pub struct Writer<'s> {
    state: MutexGuard<'s, WriterState>,
}

impl Store {
    /// Opens (creating when missing) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let writer = Connection::open(path)?;
        configure(&writer)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&writer)?;
        Ok(Self {
            path: path.to_owned(),
            writer: Mutex::new(WriterState {
                conn: writer,
                org: OrgCache::default(),
                deliveries_queued: Arc::new(tokio::sync::Notify::new()),
            }),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Takes the writer connection, waiting for whoever holds it.
    pub fn writer(&self) -> Writer<'_> {
        // A panic while holding the writer rolled its transaction back (the transaction guard
        // is dropped on unwind), so the connection is still sound.
        let state = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        Writer { state }
    }

    /// What the webhook worker waits on: notified after every commit that queued a delivery.
    pub fn deliveries_queued(&self) -> Arc<tokio::sync::Notify> {
        self.writer().state.deliveries_queued.clone()
    }

    /// Runs `f` on a read-only connection.
    pub fn read<T, E: From<StorageError>>(
        &self,
        f: impl FnOnce(&Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        // A read sees one committed state from start to end.
        conn.execute_batch("BEGIN DEFERRED")
            .map_err(StorageError::from)?;
        let result = f(&Db {
            conn: &conn,
            org_cache: None,
            queued_deliveries: None,
        });
        let ended = conn.execute_batch("COMMIT");
        if ended.is_ok() {
            let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            if readers.len() < 8 {
                readers.push(conn);
            }
        }
        result
    }

    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        configure(&conn)?;
        Ok(conn)
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Writer<'_> {
    /// The org the writer keeps loaded, if it has one; loads nothing.
    pub fn kept_org(&self) -> Option<std::sync::Arc<IndexedOrg>> {
        self.state.org.kept()
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed when `f` answers `Ok`, rolled back
    /// otherwise (and when the process dies before the commit).
    pub fn transaction<T, E: From<StorageError>>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let state = &mut *self.state;
        let tx = state
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StorageError::from)?;
        let kept = ForgetUnlessCommitted::new(&state.org);
        let queued = Cell::new(false);
        let value = f(&Db {
            conn: &tx,
            org_cache: Some(&state.org),
            queued_deliveries: Some(&queued),
        })?;
        tx.commit().map_err(StorageError::from)?;
        kept.committed();
        if queued.get() {
            state.deliveries_queued.notify_one();
        }
        Ok(value)
    }
}

/// Booleans are stored as 0 and 1.
fn flag(value: bool) -> i64 {
    i64::from(value)
}
