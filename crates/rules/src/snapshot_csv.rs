//! Reads a CSV snapshot: a header row naming at least `externalId` and `login`; `firstName`,
//! `lastName` and `email` are read as such and every other column becomes an attribute. UTF-8.
//!
//! Errors name the row (the header is row 1) and, where there is one, the column, so an
//! administrator can find the cell in a spreadsheet.

use crate::snapshot::{
    Origin, SnapshotLimits, SnapshotRejection, SnapshotUser, too_many_users, validate_with,
};
use crate::validation::FieldError;
use std::collections::BTreeMap;

/// What a column of the file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    ExternalId,
    Login,
    FirstName,
    LastName,
    Email,
    Attribute(String),
}

impl Column {
    fn from_header(name: &str) -> Self {
        // The five known columns are recognised whatever their case ("ExternalID" from a
        // spreadsheet); attribute names are kept exactly as written.
        match name.to_ascii_lowercase().as_str() {
            "externalid" => Column::ExternalId,
            "login" => Column::Login,
            "firstname" => Column::FirstName,
            "lastname" => Column::LastName,
            "email" => Column::Email,
            _ => Column::Attribute(name.to_owned()),
        }
    }
}

/// Reads and validates a whole CSV snapshot within the default [`SnapshotLimits`]. On any
/// problem answers every one found (up to a hundred), each naming its row and column; nothing is
/// returned half-read.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<SnapshotUser>, Vec<FieldError>> {
    read_csv_with(bytes, &SnapshotLimits::DEFAULT).map_err(SnapshotRejection::into_errors)
}

/// [`read_csv`] within `limits`, saying what kind of problem refused the file. Reading stops at
/// the first row past `limits.max_users`, so an oversized file costs no more than a full one.
pub fn read_csv_with(
    bytes: &[u8],
    limits: &SnapshotLimits,
) -> Result<Vec<SnapshotUser>, SnapshotRejection> {
    let OpenCsv {
        mut reader,
        names,
        columns,
    } = open(bytes, limits)?;
    let mut users = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) if users.len() == limits.max_users => {
                return Err(SnapshotRejection::TooLarge(vec![too_many_users(
                    Origin::CsvRow.user(users.len()),
                    limits,
                )]));
            }
            Ok(true) => users.push(read_user(&record, &columns)),
            Err(e) => return Err(SnapshotRejection::Malformed(vec![csv_error(&e, &names)])),
        }
    }
    validate_with(&users, Origin::CsvRow, limits)?;
    Ok(users)
}

/// A CSV file whose header has been read and checked, ready for its rows.
pub(crate) struct OpenCsv<'a> {
    pub(crate) reader: csv::Reader<&'a [u8]>,
    /// The header's cells, trimmed.
    pub(crate) names: Vec<String>,
    pub(crate) columns: Vec<Column>,
}

/// Reads the header of a CSV snapshot: every problem of the header is answered here, before any
/// row is read, the same way for every reader of the rows.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    limits: &SnapshotLimits,
) -> Result<OpenCsv<'a>, SnapshotRejection> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| SnapshotRejection::Malformed(vec![csv_error(&e, &[])]))?;
    if header.len() > limits.max_columns {
        return Err(SnapshotRejection::TooLarge(vec![FieldError::new(
            "row 1",
            format!(
                "the header has {} columns; a snapshot may have at most {}",
                header.len(),
                limits.max_columns
            ),
        )]));
    }
    let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let columns = read_header(&names, limits)?;
    Ok(OpenCsv {
        reader,
        names,
        columns,
    })
}

/// The columns the header names. Structural problems (an empty, repeated or missing column)
/// make the file malformed; an attribute name longer than its limit makes it invalid.
fn read_header(
    names: &[String],
    limits: &SnapshotLimits,
) -> Result<Vec<Column>, SnapshotRejection> {
    let mut errors = Vec::new();
    let columns: Vec<Column> = names.iter().map(|n| Column::from_header(n)).collect();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            errors.push(FieldError::new(
                format!("row 1, column {}", i + 1),
                "the header names no column here",
            ));
        } else if columns[..i].contains(&columns[i]) {
            errors.push(FieldError::new(
                format!("row 1, column {name}"),
                "this column appears twice in the header",
            ));
        }
    }
    for (required, column) in [("externalId", Column::ExternalId), ("login", Column::Login)] {
        if !columns.contains(&column) {
            errors.push(FieldError::new(
                "row 1",
                format!("the header has no \"{required}\" column; it needs externalId and login"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(SnapshotRejection::Malformed(errors));
    }
    let max = limits.max_attribute_name_chars;
    let too_long: Vec<FieldError> = names
        .iter()
        .enumerate()
        .filter(|(_, name)| name.chars().count() > max)
        .map(|(i, _)| {
            FieldError::new(
                format!("row 1, column {}", i + 1),
                format!(
                    "the column name is longer than {max} characters, the limit for attribute names"
                ),
            )
        })
        .collect();
    if too_long.is_empty() {
        Ok(columns)
    } else {
        Err(SnapshotRejection::Invalid(too_long))
    }
}

fn read_user(record: &csv::StringRecord, columns: &[Column]) -> SnapshotUser {
    let mut user = SnapshotUser::default();
    let mut attributes = BTreeMap::new();
    for (value, column) in record.iter().zip(columns) {
        let value = value.trim();
        let optional = || (!value.is_empty()).then(|| value.to_owned());
        match column {
            Column::ExternalId => user.external_id = value.to_owned(),
            Column::Login => user.login = value.to_owned(),
            Column::FirstName => user.first_name = optional(),
            Column::LastName => user.last_name = optional(),
            Column::Email => user.email = optional(),
            // An empty cell means the source has no value for this attribute.
            Column::Attribute(name) => {
                if !value.is_empty() {
                    attributes.insert(name.clone(), value.to_owned());
                }
            }
        }
    }
    user.attributes = attributes;
    user
}

pub(crate) fn csv_error(error: &csv::Error, names: &[String]) -> FieldError {
    let row = |pos: Option<&csv::Position>| {
        pos.map_or_else(
            || "the file".to_owned(),
            |p| format!("row {}", p.record() + 1),
        )
    };
    match error.kind() {
        csv::ErrorKind::Utf8 { pos, err } => {
            let column = names
                .get(err.field())
                .cloned()
                .unwrap_or_else(|| (err.field() + 1).to_string());
            FieldError::new(
                format!("{}, column {column}", row(pos.as_ref())),
                "is not valid UTF-8; save the file as UTF-8",
            )
        }
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => FieldError::new(
            row(pos.as_ref()),
            format!("has {len} fields where the header has {expected_len}"),
        ),
        _ => FieldError::new(
            row(error.position()),
            format!("cannot be read as CSV: {error}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_columns_and_keeps_the_rest_as_attributes() {
        let csv = "externalId,login,firstName,lastName,email,department,title\n\
                   e1,ada@example.com,Ada,Lovelace,ada@example.com,Engineering,\n";
        let users = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(users.len(), 1);
        let ada = &users[0];
        assert_eq!(ada.login, "ada@example.com");
        assert_eq!(ada.first_name.as_deref(), Some("Ada"));
        assert_eq!(
            ada.attributes.get("department").map(String::as_str),
            Some("Engineering")
        );
        assert!(
            !ada.attributes.contains_key("title"),
            "an empty cell is no value"
        );
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let errors = read_csv(b"externalId,email\n1,a@x\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("\"login\""));
    }

    #[test]
    fn a_short_row_names_its_row() {
        let errors = read_csv(b"externalId,login\n1,a@x\n2\n").unwrap_err();
        assert_eq!(errors[0].field, "row 3");
        assert!(
            errors[0]
                .message
                .contains("1 fields where the header has 2")
        );
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let errors = read_csv(b"externalId,login\n1,a@x\n2,b\xff@x\n").unwrap_err();
        assert_eq!(errors[0].field, "row 3, column login");
        assert!(errors[0].message.contains("UTF-8"));
    }

    #[test]
    fn repeated_logins_are_found_after_reading() {
        let errors = read_csv(b"externalId,login\n1,a@x\n2,A@x\n").unwrap_err();
        assert_eq!(errors[0].field, "row 3, column login");
    }

    #[test]
    fn duplicate_and_empty_header_cells_are_refused() {
        let errors = read_csv(b"externalId,login,login,\n").unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
