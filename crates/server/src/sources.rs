//! Sources: where an import's snapshot comes from.
//!
//! A [`Source`] reads the full list of users of one source app. Today the snapshot arrives in
//! the request body, as CSV or JSON; live directories (LDAP, SCIM) will implement the same trait
//! and feed the same pipeline.

use safeguard_rules::api::SnapshotBody;
use safeguard_rules::snapshot::{Origin, SnapshotUser, validate};
use safeguard_rules::snapshot_csv::read_csv;
use safeguard_rules::validation::FieldError;

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
    /// `login`).
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<FieldError>,
    },
}

/// Reads a full snapshot of a source's users.
pub trait Source {
    /// Every user of the source, validated: each has an `externalId` and a `login`, and neither
    /// repeats.
    fn snapshot(&self) -> Result<Vec<SnapshotUser>, SourceError>;
}

/// A CSV file uploaded with the request (`Content-Type: text/csv`).
pub struct CsvUpload<'a> {
    pub bytes: &'a [u8],
}

/// A JSON document uploaded with the request (`Content-Type: application/json`).
pub struct JsonUpload<'a> {
    pub bytes: &'a [u8],
}

impl Source for CsvUpload<'_> {
    fn snapshot(&self) -> Result<Vec<SnapshotUser>, SourceError> {
        read_csv(self.bytes).map_err(|errors| {
            // `read_csv` answers structural problems and value problems alike; the value
            // problems are the ones its final validation finds (an empty or repeated id).
            if errors.iter().all(is_value_problem) {
                SourceError::Invalid {
                    detail: "The CSV snapshot has empty or repeated externalId or login values; nothing was imported.".to_owned(),
                    errors,
                }
            } else {
                SourceError::Malformed {
                    detail: "The CSV snapshot cannot be read; nothing was imported.".to_owned(),
                    errors,
                }
            }
        })
    }
}

fn is_value_problem(error: &FieldError) -> bool {
    let about_id =
        error.field.ends_with("column externalId") || error.field.ends_with("column login");
    about_id && (error.message == "is empty" || error.message.contains(" repeats "))
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
        validate(&body.users, Origin::JsonIndex).map_err(|errors| SourceError::Invalid {
            detail: "The JSON snapshot has empty or repeated externalId or login values; nothing was imported.".to_owned(),
            errors,
        })?;
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
        }
        .snapshot()
        .unwrap_err();
        assert!(matches!(err, SourceError::Invalid { .. }));
    }

    #[test]
    fn a_short_csv_row_is_malformed() {
        let err = CsvUpload {
            bytes: b"externalId,login\n1\n",
        }
        .snapshot()
        .unwrap_err();
        assert!(matches!(err, SourceError::Malformed { .. }));
    }

    #[test]
    fn json_syntax_errors_name_line_and_column() {
        let err = JsonUpload {
            bytes: b"{\"users\": [\n  {\"externalId\": 1,}\n]}",
        }
        .snapshot()
        .unwrap_err();
        let SourceError::Malformed { detail, .. } = err else {
            panic!("expected malformed")
        };
        assert!(detail.contains("line 2"), "{detail}");
    }
}
