//! A snapshot: the full list of users a source says it has, as an import reads it.

use crate::org::Profile;
use crate::planner::fold_login;
use crate::validation::FieldError;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One user of a snapshot. `external_id` and `login` are required and unique in the snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotUser {
    pub external_id: String,
    pub login: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl SnapshotUser {
    /// The profile this snapshot gives the user.
    pub fn profile(&self) -> Profile {
        Profile {
            external_id: Some(self.external_id.clone()),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// Whether this snapshot would change `current` (compared field by field, without cloning).
    pub fn changes(&self, current: &Profile) -> bool {
        current.external_id.as_deref() != Some(self.external_id.as_str())
            || current.first_name != self.first_name
            || current.last_name != self.last_name
            || current.email != self.email
            || current.attributes != self.attributes
    }
}

/// Where a user sits in the source, for error messages: the index in a JSON `users` array, or
/// the row of a CSV file (the header is row 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    JsonIndex,
    CsvRow,
}

impl Origin {
    fn place(self, index: usize, field: &str) -> String {
        match self {
            Origin::JsonIndex => format!("users[{index}].{field}"),
            // Row 1 is the header, so the first user is on row 2.
            Origin::CsvRow => format!("row {}, column {field}", index + 2),
        }
    }
}

/// Checks what the planner relies on: every user has an `externalId` and a `login`, and neither
/// repeats (logins compared without regard to case, as users are matched). Answers every
/// problem found, not only the first, each naming where it is.
pub fn validate(users: &[SnapshotUser], origin: Origin) -> Result<(), Vec<FieldError>> {
    const MAX_REPORTED: usize = 100;
    let mut errors = Vec::new();
    let mut external_ids: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(users.len(), Default::default());
    // Folded the way the planner folds them, borrowing the (usual) already-lowercase logins.
    let mut logins: HashMap<std::borrow::Cow<'_, str>, usize> =
        HashMap::with_capacity_and_hasher(users.len(), Default::default());
    for (i, user) in users.iter().enumerate() {
        if errors.len() >= MAX_REPORTED {
            break;
        }
        if user.external_id.trim().is_empty() {
            errors.push(FieldError::new(origin.place(i, "externalId"), "is empty"));
        } else if let Some(first) = external_ids.insert(&user.external_id, i) {
            errors.push(FieldError::new(
                origin.place(i, "externalId"),
                format!(
                    "\"{}\" repeats {}",
                    user.external_id,
                    origin.place(first, "externalId")
                ),
            ));
        }
        if user.login.trim().is_empty() {
            errors.push(FieldError::new(origin.place(i, "login"), "is empty"));
        } else if let Some(first) = logins.insert(fold_login(&user.login), i) {
            errors.push(FieldError::new(
                origin.place(i, "login"),
                format!(
                    "\"{}\" repeats {} (logins are compared without regard to case)",
                    user.login,
                    origin.place(first, "login")
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(ext: &str, login: &str) -> SnapshotUser {
        SnapshotUser {
            external_id: ext.into(),
            login: login.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_snapshot_of_distinct_users_is_valid() {
        assert!(validate(&[user("1", "a@x"), user("2", "b@x")], Origin::JsonIndex).is_ok());
    }

    #[test]
    fn empty_and_repeated_ids_are_named_where_they_are() {
        let errors = validate(
            &[user("1", "a@x"), user("1", "A@X"), user("", "c@x")],
            Origin::JsonIndex,
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "users[1].externalId",
                "users[1].login",
                "users[2].externalId"
            ]
        );
        assert!(errors[1].message.contains("repeats users[0].login"));
    }

    #[test]
    fn csv_places_count_the_header_line() {
        let errors = validate(&[user("1", "a@x"), user("1", "b@x")], Origin::CsvRow).unwrap_err();
        assert_eq!(errors[0].field, "row 3, column externalId");
    }
}
