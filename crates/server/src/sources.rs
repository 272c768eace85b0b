//! Sources: where an import's snapshot comes from.
//!
//! A [`Source`] reads the full list of users of one source app: from the request body (CSV or
//! JSON), or live, read by the server ([`ldap`], [`scim`], [`csv_file`]), feeding the same
//! pipeline. A live read is all or nothing: any failure is [`SourceError::Unreadable`], never a
//! shorter list of users, which would plan as users removed.

pub mod csv_file;
pub mod ldap;
pub mod scim;

use crate::storage::IndexedOrg;
use axum::body::Bytes;
use safeguard_rules::api::{ImportWarnings, SnapshotBody, SourceSettings};
use safeguard_rules::org::App;
use safeguard_rules::snapshot::{
    Origin, SnapshotLimits, SnapshotRejection, SnapshotUser, validate_with,
};
use safeguard_rules::snapshot_csv::read_csv_with;
use safeguard_rules::validation::FieldError;
use safeguard_rules::{CsvPlanInput, Plan, PlanInput, plan_csv_with, plan_import};

/// Why a snapshot could not be read. Nothing is imported from a snapshot with any problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The bytes are not the format they claim (JSON syntax, CSV structure, UTF-8).
    #[error("{detail}")]
    Malformed {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Well-formed, but values break the snapshot's rules (an empty or repeated `externalId` or
    /// `login`, a value over its length limit, too many attributes).
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// More users or columns than the server's [`SnapshotLimits`] allow.
    #[error("{detail}")]
    TooLarge {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A live source could not be read whole: unreachable, TLS or sign-in refused, a page that
    /// failed midway, a timeout, a file missing or still being written. `detail` says what and
    /// where ("LDAP ldaps://dir.example.com:636: the bind as cn=reader,... was refused: invalid
    /// credentials"); nothing was imported.
    #[error("{detail}")]
    Unreadable { detail: String },
}

impl SourceError {
    pub fn from_rejection(rejection: SnapshotRejection, format: &str) -> Self {
        match rejection {
            SnapshotRejection::Malformed(errors) => SourceError::Malformed {
                detail: format!("The {format} snapshot cannot be read; nothing was imported."),
                errors,
            },
            SnapshotRejection::Invalid(errors) => SourceError::Invalid {
                detail: format!(
                    "The {format} snapshot has values that break its rules (an empty or repeated externalId or login, a value over its length limit, too many attributes); nothing was imported."
                ),
                errors,
            },
            SnapshotRejection::TooLarge(errors) => SourceError::TooLarge {
                detail: format!(
                    "The {format} snapshot is larger than this server accepts: {}; nothing was imported.",
                    errors.first().map_or("", |e| e.message.as_str())
                ),
                errors,
            },
        }
    }
}

/// What a live source read: every user in it, and the entries it could not import (an entry
/// without the login or externalId the mapping names), which are left out, not removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRead {
    pub users: Vec<SnapshotUser>,
    pub warnings: ImportWarnings,
}

/// A live source read whole, ready for the pipeline.
pub struct LiveSnapshot {
    pub snapshot: Snapshot,
    pub warnings: ImportWarnings,
}

/// How long one step of a live read may take, and how much it may bring.
#[derive(Clone, Copy, Debug)]
pub struct ReadBounds {
    pub limits: SnapshotLimits,
    /// Each network step (connect, bind, one page).
    pub timeout: std::time::Duration,
    /// The largest file a `csvFile` source may be.
    pub max_file_bytes: u64,
}

/// Reads the whole of a live source (`settings` with its secret opened). An `upload` source has
/// nothing to read.
pub async fn read_live(
    settings: &SourceSettings,
    bounds: ReadBounds,
) -> Result<LiveSnapshot, SourceError> {
    let read = match settings {
        SourceSettings::Upload(_) => {
            return Err(SourceError::Unreadable {
                detail: "This app takes its snapshot with each request (an upload source): there is no source to read.".to_owned(),
            });
        }
        SourceSettings::CsvFile(file) => {
            let bytes = csv_file::read(file, bounds.max_file_bytes).await?;
            return Ok(LiveSnapshot {
                snapshot: Snapshot::Csv {
                    bytes,
                    limits: bounds.limits,
                },
                warnings: ImportWarnings::default(),
            });
        }
        SourceSettings::Ldap(ldap) => ldap::read(ldap, &bounds.limits, bounds.timeout).await?,
        SourceSettings::Scim(scim) => scim::read(scim, &bounds.limits, bounds.timeout).await?,
    };
    // The same rules as an upload: a repeated login or externalId makes the read unusable, as a
    // repeated row makes a file unusable.
    let kind = if matches!(settings, SourceSettings::Ldap(_)) {
        "LDAP"
    } else {
        "SCIM"
    };
    validate_with(&read.users, Origin::JsonIndex, &bounds.limits)
        .map_err(|rejection| SourceError::from_rejection(rejection, kind))?;
    Ok(LiveSnapshot {
        snapshot: Snapshot::Users(read.users),
        warnings: read.warnings,
    })
}

/// Reads a full snapshot of a source's users.
pub trait Source {
    /// Every user of the source, validated: each has an `externalId` and a `login`, neither
    /// repeats, and the snapshot is within its limits.
    fn snapshot(&self) -> Result<Vec<SnapshotUser>, SourceError>;
}

/// A snapshot as the pipeline takes it: users already read, or a CSV file not read yet.
///
/// A CSV file is read while it is planned ([`plan_csv_with`]): one pass over its bytes against
/// the org's index, about ten times faster than reading every row into a [`SnapshotUser`] and
/// then planning, and without holding them all. It is read into users only when they must be
/// kept (an import queued behind a roadblock stores its snapshot).
pub enum Snapshot {
    Users(Vec<SnapshotUser>),
    Csv {
        bytes: Bytes,
        limits: SnapshotLimits,
    },
}

impl Snapshot {
    /// How many users it lists, when known before it is read (a CSV file's rows are counted by
    /// reading it).
    pub fn known_len(&self) -> Option<usize> {
        match self {
            Snapshot::Users(users) => Some(users.len()),
            Snapshot::Csv { .. } => None,
        }
    }

    /// Plans the snapshot for `app` against `org`: the rules crate's plan, or the reason the
    /// snapshot cannot be imported. Either way, the answer is the one reading the users first
    /// and planning them would give.
    pub fn plan(&self, app: &App, org: &IndexedOrg) -> Result<Plan, SourceError> {
        match self {
            Snapshot::Users(users) => Ok(plan_import(PlanInput {
                app,
                apps: &org.org.apps,
                users: &org.org.users,
                assignments: &org.org.assignments,
                populations: &org.org.populations,
                group_rules: &org.org.group_rules,
                snapshot: users,
            })),
            Snapshot::Csv { bytes, limits } => plan_csv_with(
                bytes,
                limits,
                CsvPlanInput {
                    app,
                    apps: &org.org.apps,
                    users: &org.org.users,
                    assignments: &org.org.assignments,
                    populations: &org.org.populations,
                    group_rules: &org.org.group_rules,
                    index: &org.index,
                },
            )
            .map_err(|rejection| SourceError::from_rejection(rejection, "CSV")),
        }
    }

    /// Every user it lists, read and validated.
    pub fn into_users(self) -> Result<Vec<SnapshotUser>, SourceError> {
        match self {
            Snapshot::Users(users) => Ok(users),
            Snapshot::Csv { bytes, limits } => CsvUpload {
                bytes: &bytes,
                limits,
            }
            .snapshot(),
        }
    }
}

/// A CSV file uploaded with the request (`Content-Type: text/csv`).
pub struct CsvUpload<'a> {
    pub bytes: &'a [u8],
    pub limits: SnapshotLimits,
}

/// A JSON document uploaded with the request (`Content-Type: application/json`).
pub struct JsonUpload<'a> {
    pub bytes: &'a [u8],
    pub limits: SnapshotLimits,
}

impl Source for CsvUpload<'_> {
    fn snapshot(&self) -> Result<Vec<SnapshotUser>, SourceError> {
        read_csv_with(self.bytes, &self.limits)
            .map_err(|rejection| SourceError::from_rejection(rejection, "CSV"))
    }
}

impl Source for JsonUpload<'_> {
    fn snapshot(&self) -> Result<Vec<SnapshotUser>, SourceError> {
        if let Err(e) = std::str::from_utf8(self.bytes) {
            return Err(SourceError::Malformed {
                detail: format!(
                    "The body is not valid UTF-8 (at byte {}); nothing was imported.",
                    e.valid_up_to()
                ),
                errors: Vec::new(),
            });
        }
        // The body limit bounds what this parse can take; the row limit is checked after it.
        let body: SnapshotBody = serde_json::from_slice(self.bytes).map_err(|e| {
            SourceError::Malformed {
                detail: format!(
                    "The JSON snapshot cannot be read at line {}, column {}: {}; nothing was imported.",
                    e.line(),
                    e.column(),
                    json_reason(&e)
                ),
                errors: Vec::new(),
            }
        })?;
        validate_with(&body.users, Origin::JsonIndex, &self.limits)
            .map_err(|rejection| SourceError::from_rejection(rejection, "JSON"))?;
        Ok(body.users)
    }
}

/// serde_json's message without its trailing "at line L column C", which the caller says itself.
pub fn json_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_login_in_csv_is_invalid_not_malformed() {
        let err = CsvUpload {
            bytes: b"externalId,login\n1,a@x\n2,A@x\n",
            limits: SnapshotLimits::DEFAULT,
        }
        .snapshot()
        .unwrap_err();
        assert!(matches!(err, SourceError::Invalid { .. }));
    }

    #[test]
    fn a_short_csv_row_is_malformed() {
        let err = CsvUpload {
            bytes: b"externalId,login\n1\n",
            limits: SnapshotLimits::DEFAULT,
        }
        .snapshot()
        .unwrap_err();
        assert!(matches!(err, SourceError::Malformed { .. }));
    }

    #[test]
    fn json_syntax_errors_name_line_and_column() {
        let err = JsonUpload {
            bytes: b"{\"users\": [\n  {\"externalId\": 1,}\n]}",
            limits: SnapshotLimits::DEFAULT,
        }
        .snapshot()
        .unwrap_err();
        let SourceError::Malformed { detail, .. } = err else {
            panic!("expected malformed")
        };
        assert!(detail.contains("line 2"), "{detail}");
    }
}
