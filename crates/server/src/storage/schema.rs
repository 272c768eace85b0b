//! The schema, as numbered migrations embedded in the binary. A database records the last one
//! applied in `schema_version`; on start every later one runs, each in its own transaction.
//! Never edit a migration that has shipped: add the next one.

use super::{Result, StorageError};
use rusqlite::{Connection, OptionalExtension};

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    V1_INITIAL,
    V2_ADMINS,
    V3_EMAIL,
    V4_WEBHOOKS,
    V5_SOURCES,
    V6_DIRECTORY,
    V7_SAFEGUARDS_V2,
];

const V1_INITIAL: &str = r#"
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    app_enabled INTEGER NOT NULL,
    app_percent INTEGER NOT NULL CHECK (app_percent BETWEEN 0 AND 100),
    org_enabled INTEGER NOT NULL,
    org_percent INTEGER NOT NULL CHECK (org_percent BETWEEN 0 AND 100),
    version INTEGER NOT NULL,
    updated_at TEXT,
    updated_by TEXT
);
INSERT INTO settings (id, app_enabled, app_percent, org_enabled, org_percent, version)
VALUES (1, 1, 20, 1, 20, 1);

CREATE TABLE apps (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    profile_source INTEGER NOT NULL,
    deactivate_on_remove INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    login TEXT NOT NULL,
    login_folded TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    external_id TEXT,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE group_rules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    attribute TEXT NOT NULL,
    equals TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE group_rule_apps (
    rule_id TEXT NOT NULL REFERENCES group_rules (id),
    app_id TEXT NOT NULL REFERENCES apps (id),
    PRIMARY KEY (rule_id, app_id)
);

-- One row per app user. `rule_id` is set when a group rule made the assignment.
CREATE TABLE assignments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users (id),
    app_id TEXT NOT NULL REFERENCES apps (id),
    rule_id TEXT REFERENCES group_rules (id),
    assigned_at TEXT NOT NULL,
    UNIQUE (app_id, user_id)
);
CREATE INDEX assignments_by_user ON assignments (user_id);

CREATE TABLE imports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    app_id TEXT NOT NULL REFERENCES apps (id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    counts TEXT NOT NULL,
    impact TEXT NOT NULL,
    roadblock TEXT,
    resolved_action TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    error TEXT,
    actor TEXT NOT NULL
);
CREATE INDEX imports_by_status ON imports (status, seq);
CREATE INDEX imports_by_app ON imports (app_id, seq);
-- The rule book's "at most one import is paused at any time", kept by the database itself.
CREATE UNIQUE INDEX imports_one_paused ON imports (status) WHERE status = 'paused';

-- The snapshot of a queued import, kept until it is planned.
CREATE TABLE import_snapshots (
    import_id TEXT PRIMARY KEY REFERENCES imports (id),
    users TEXT NOT NULL
);

-- The stored plan: one row per change, in plan order. `user_id` of a user the plan creates is
-- given when the plan is stored; that user exists only once the plan is applied.
CREATE TABLE plan_changes (
    import_seq INTEGER NOT NULL REFERENCES imports (seq),
    n INTEGER NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    login TEXT NOT NULL,
    app_id TEXT,
    app_name TEXT,
    cause TEXT,
    profile TEXT,
    rule_id TEXT,
    PRIMARY KEY (import_seq, n)
) WITHOUT ROWID;
CREATE INDEX plan_changes_by_kind ON plan_changes (import_seq, kind, n);
CREATE INDEX plan_changes_by_app ON plan_changes (import_seq, app_id, n);

CREATE TABLE log_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    published TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX log_events_by_published ON log_events (published);
"#;

/// Administrators, their sessions and their API tokens. Sessions and tokens are stored as
/// SHA-256 hashes of their secrets: a copy of the database does not let anyone sign in.
const V2_ADMINS: &str = r#"
CREATE TABLE admins (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_folded TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('SUPER_ADMIN', 'READ_ONLY_ADMIN')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE sessions (
    secret_hash TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL REFERENCES admins (id),
    created_at TEXT NOT NULL,
    -- Unix seconds, so idle expiry is one comparison.
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_admin ON sessions (admin_id);

CREATE TABLE api_tokens (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    admin_id TEXT NOT NULL REFERENCES admins (id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
"#;

/// Roadblock notification email: the outbox and the bounce list.
const V3_EMAIL: &str = r#"
-- One row per message per recipient. Written in the transaction that records its cause (the
-- roadblock), so a message is never lost and never sent for a change that rolled back; the
-- background worker delivers it and records each outcome here.
CREATE TABLE email_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    import_id TEXT NOT NULL REFERENCES imports (id),
    app_name TEXT NOT NULL,
    category TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'outbox', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';

-- Addresses an SMTP server refused permanently: they get nothing until an administrator
-- removes them. `address_folded` is the address compared without case.
CREATE TABLE email_bounces (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    address TEXT NOT NULL,
    address_folded TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
"#;

/// Webhooks, their subscriptions, deliveries and attempts; and email that is not about an
/// import (a webhook turned off), so the outbox's import and app become optional.
const V4_WEBHOOKS: &str = r#"
-- The secret is kept as given out: signing needs the key itself, so unlike a token it cannot
-- be stored as a hash. `failing_since` is the first failed attempt after the last success.
CREATE TABLE webhooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('standard', 'slack')),
    event_types TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    disabled_reason TEXT,
    failing_since TEXT,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Which hooks hear of which event type: what the System Log consults on every event, so one
-- indexed lookup decides whether an event is sent anywhere.
CREATE TABLE webhook_subscriptions (
    event_type TEXT NOT NULL,
    hook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (event_type, hook_id)
) WITHOUT ROWID;
CREATE INDEX webhook_subscriptions_by_hook ON webhook_subscriptions (hook_id);

-- One row per event per hook, written in the transaction that writes the event. `body` is the
-- event as the System Log stores it; the worker formats and signs it at each attempt.
CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    hook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_uuid TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    response_code INTEGER,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (hook_id, seq);

CREATE TABLE webhook_attempts (
    delivery_seq INTEGER NOT NULL REFERENCES webhook_deliveries (seq) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    at TEXT NOT NULL,
    response_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    PRIMARY KEY (delivery_seq, n)
) WITHOUT ROWID;

CREATE TABLE email_outbox_v4 (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    import_id TEXT REFERENCES imports (id),
    app_name TEXT,
    category TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'outbox', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
INSERT INTO email_outbox_v4 SELECT * FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_v4 RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
"#;

const V5_SOURCES: &str = r#"
-- Where each app's snapshot comes from. An app without a row takes uploads. `settings` is the
-- source's JSON without its secret; the secret (an LDAP password, a SCIM bearer token) is
-- `secret`, sealed with the server's secret key (secrets.rs). `next_run_at` is when the
-- schedule starts the next import; it outlives a restart.
CREATE TABLE app_sources (
    app_id TEXT PRIMARY KEY REFERENCES apps (id),
    kind TEXT NOT NULL CHECK (kind IN ('upload', 'ldap', 'scim', 'csvFile')),
    settings TEXT NOT NULL,
    secret BLOB,
    every_minutes INTEGER CHECK (every_minutes >= 1),
    next_run_at TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX app_sources_due ON app_sources (next_run_at) WHERE every_minutes IS NOT NULL;

-- What started each import and what its source could not import. Imports before this
-- migration were all uploads through the API.
ALTER TABLE imports ADD COLUMN trigger TEXT NOT NULL DEFAULT 'api';
ALTER TABLE imports ADD COLUMN source TEXT NOT NULL DEFAULT 'upload';
ALTER TABLE imports ADD COLUMN warnings TEXT;
"#;

const V6_DIRECTORY: &str = r#"
-- The directory model (sources.md). Profile sources are ranked: the existing ones in the order
-- they were added, 1 the first. Every app may match by email too; profile sources reactivate
-- returning users unless told not to.
ALTER TABLE apps ADD COLUMN profile_source_priority INTEGER CHECK (profile_source_priority >= 1);
ALTER TABLE apps ADD COLUMN match_by_email INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN reactivate_on_return INTEGER NOT NULL DEFAULT 1;
UPDATE apps SET profile_source_priority = (
    SELECT COUNT(*) FROM apps b WHERE b.profile_source = 1 AND b.seq <= apps.seq
) WHERE profile_source = 1;
CREATE UNIQUE INDEX apps_by_profile_rank ON apps (profile_source_priority)
    WHERE profile_source_priority IS NOT NULL;

-- An app user keeps its app's own id for the user and, where the app does not own the user's
-- profile, the app profile its source last gave (JSON; NULL: the user's profile). The one
-- external id a user had goes to each of its app users a source listed (the direct ones); an
-- app whose id differs finds the user by login at its next import and takes its own.
ALTER TABLE assignments ADD COLUMN external_id TEXT;
ALTER TABLE assignments ADD COLUMN app_profile TEXT;
UPDATE assignments SET external_id = (
    SELECT u.external_id FROM users u WHERE u.id = assignments.user_id
) WHERE rule_id IS NULL;
CREATE INDEX assignments_by_external_id ON assignments (app_id, external_id)
    WHERE external_id IS NOT NULL;

-- A stored plan's changes name the app user's id. Only a paused import's plan is applied
-- later (a queued one is planned again from its snapshot), so only its changes are given one:
-- a create or update said it in its profile, and an assignment of the import's own app takes
-- its user's.
ALTER TABLE plan_changes ADD COLUMN external_id TEXT;
CREATE TEMP TABLE paused_ids AS
    SELECT c.import_seq, c.user_id, json_extract(c.profile, '$.externalId') AS external_id
    FROM plan_changes c
    WHERE c.kind IN ('create', 'update') AND c.profile IS NOT NULL
      AND c.import_seq IN (SELECT seq FROM imports WHERE status = 'paused');
CREATE INDEX temp.paused_ids_by_user ON paused_ids (import_seq, user_id);
UPDATE plan_changes SET external_id = COALESCE(
    (SELECT p.external_id FROM paused_ids p
     WHERE p.import_seq = plan_changes.import_seq AND p.user_id = plan_changes.user_id),
    (SELECT u.external_id FROM users u WHERE u.id = plan_changes.user_id)
) WHERE kind = 'assign' AND rule_id IS NULL
  AND import_seq IN (SELECT seq FROM imports WHERE status = 'paused');
UPDATE plan_changes SET external_id = json_extract(profile, '$.externalId')
WHERE kind = 'update' AND profile IS NOT NULL
  AND import_seq IN (SELECT seq FROM imports WHERE status = 'paused');
DROP TABLE temp.paused_ids;

ALTER TABLE users DROP COLUMN external_id;
"#;

const V7_SAFEGUARDS_V2: &str = r#"
-- Version 2 of the rule book: counts beside the percents, the deactivation budget, the
-- roadblock's scope. Every addition is off or empty, so existing settings decide as before.
ALTER TABLE settings ADD COLUMN app_count INTEGER CHECK (app_count >= 0);
ALTER TABLE settings ADD COLUMN org_count INTEGER CHECK (org_count >= 0);
ALTER TABLE settings ADD COLUMN deactivations_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN deactivations_percent INTEGER
    CHECK (deactivations_percent BETWEEN 0 AND 100);
ALTER TABLE settings ADD COLUMN deactivations_count INTEGER CHECK (deactivations_count >= 0);
ALTER TABLE settings ADD COLUMN roadblock_scope TEXT NOT NULL DEFAULT 'org'
    CHECK (roadblock_scope IN ('org', 'app'));

-- An app's own app-level limit, used instead of the org-wide one for that app.
CREATE TABLE app_safeguards (
    app_id TEXT PRIMARY KEY REFERENCES apps (id),
    enabled INTEGER NOT NULL,
    percent INTEGER CHECK (percent BETWEEN 0 AND 100),
    count INTEGER CHECK (count >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Under scope `app` each app may have one paused import; under `org` the pipeline keeps it to
-- one in all (every import waits while one is paused).
DROP INDEX imports_one_paused;
CREATE UNIQUE INDEX imports_one_paused_per_app ON imports (app_id) WHERE status = 'paused';

-- A change a partial resume left out: it stays in the plan, marked.
ALTER TABLE plan_changes ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
"#;

/// Brings the database to the newest schema this binary knows.
pub fn migrate(conn: &Connection) -> Result<()> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Brings the database to schema `target` (a database an older build made, in the tests).
fn migrate_to(conn: &Connection, target: usize) -> Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let known = MIGRATIONS.len() as i64;
    let current: i64 = conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    if current > known {
        return Err(StorageError::TooNew {
            found: current,
            known,
        });
    }
    for (i, migration) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target)
        .skip(current as usize)
    {
        let version = i as i64 + 1;
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(migration)?;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
        tx.commit()?;
        tracing::info!(version, "database schema migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_changes_nothing() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    /// A database of schema 5, as the build before the directory model left it: one external
    /// id per user, two profile sources and a chat app, a paused import's stored plan.
    fn schema_5_database() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 5).unwrap();
        conn.execute_batch(
            r#"
            INSERT INTO apps (id, name, profile_source, deactivate_on_remove, created_at, created_by)
            VALUES ('app_hr', 'HR', 1, 1, 't', 'sys'), ('app_chat', 'Chat', 0, 0, 't', 'sys'),
                   ('app_payroll', 'Payroll', 1, 0, 't', 'sys');
            INSERT INTO users (id, login, login_folded, status, external_id, first_name, last_name,
                               email, attributes, created_at, updated_at)
            VALUES ('usr_ada', 'Ada@example.com', 'ada@example.com', 'active', 'e-ada', 'Ada',
                    'Lovelace', 'ada@example.com', '{"department":"Eng"}', 't', 't'),
                   ('usr_bo', 'bo@example.com', 'bo@example.com', 'deactivated', 'e-bo', 'Bo',
                    NULL, NULL, '{}', 't', 't');
            INSERT INTO group_rules (id, name, attribute, equals, created_at, created_by)
            VALUES ('grp_eng', 'Engineers', 'department', 'Eng', 't', 'sys');
            INSERT INTO group_rule_apps (rule_id, app_id) VALUES ('grp_eng', 'app_chat');
            INSERT INTO assignments (user_id, app_id, rule_id, assigned_at)
            VALUES ('usr_ada', 'app_hr', NULL, 't'), ('usr_ada', 'app_chat', 'grp_eng', 't');
            INSERT INTO imports (id, app_id, status, created_at, counts, impact, actor)
            VALUES ('imp_done', 'app_hr', 'completed', 't', '{"scanned":2,"created":2,"updated":0,"unchanged":0,"assigned":2,"unassigned":0,"deactivated":0}', '{"orgPopulation":0,"apps":[]}', '{}'),
                   ('imp_paused', 'app_hr', 'paused', 't', '{"scanned":1,"created":1,"updated":1,"unchanged":0,"assigned":1,"unassigned":0,"deactivated":0}', '{"orgPopulation":2,"apps":[]}', '{}');
            INSERT INTO plan_changes (import_seq, n, kind, user_id, login, app_id, app_name, cause,
                                      profile, rule_id)
            VALUES (2, 0, 'update', 'usr_ada', 'Ada@example.com', NULL, NULL, NULL,
                    '{"externalId":"e-ada-2","firstName":"Ada"}', NULL),
                   (2, 1, 'create', 'usr_cy', 'cy@example.com', NULL, NULL, NULL,
                    '{"externalId":"e-cy","firstName":"Cy"}', NULL),
                   (2, 2, 'assign', 'usr_cy', 'cy@example.com', 'app_hr', 'HR', NULL, NULL, NULL);
            "#,
        )
        .unwrap();
        conn
    }

    #[test]
    fn a_database_of_the_build_before_the_directory_model_keeps_its_users_assignments_and_history()
    {
        let conn = schema_5_database();
        migrate(&conn).unwrap();
        let ranks: Vec<(String, Option<i64>, i64, i64)> = conn
            .prepare(
                "SELECT id, profile_source_priority, match_by_email, reactivate_on_return
                 FROM apps ORDER BY seq",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            ranks,
            [
                ("app_hr".to_owned(), Some(1), 0, 1),
                ("app_chat".to_owned(), None, 0, 1),
                ("app_payroll".to_owned(), Some(2), 0, 1),
            ],
            "profile sources ranked in the order they were added"
        );
        let users: Vec<(String, String, Option<String>)> = conn
            .prepare("SELECT id, status, first_name FROM users ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].1, "deactivated");
        // The user's one id went to the app user its source listed, not to the rule's.
        let app_users: Vec<(String, Option<String>, Option<String>)> = conn
            .prepare("SELECT app_id, rule_id, external_id FROM assignments ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            app_users,
            [
                ("app_hr".to_owned(), None, Some("e-ada".to_owned())),
                ("app_chat".to_owned(), Some("grp_eng".to_owned()), None),
            ]
        );
        // The paused plan names each app user's id: an update's from its profile, a new
        // user's assignment from its create.
        let ids: Vec<(String, Option<String>)> = conn
            .prepare("SELECT kind, external_id FROM plan_changes ORDER BY n")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            ids,
            [
                ("update".to_owned(), Some("e-ada-2".to_owned())),
                ("create".to_owned(), None),
                ("assign".to_owned(), Some("e-cy".to_owned())),
            ]
        );
        let imports: i64 = conn
            .query_row("SELECT COUNT(*) FROM imports", [], |r| r.get(0))
            .unwrap();
        assert_eq!(imports, 2, "the history is kept");
        let has_old_column: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'external_id'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has_old_column, 0, "one external id per user is gone");
    }
}
