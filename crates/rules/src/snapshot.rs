//! A snapshot: the full list of users a source says it has, as an import reads it.

use crate::org::Profile;
use crate::org::fold_login;
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
    /// The profile this entry gives the user (or the app user's app profile).
    pub fn profile(&self) -> Profile {
        Profile {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// Whether this entry would change the profile `current` (compared field by field, without
    /// cloning).
    pub fn changes(&self, current: &Profile) -> bool {
        current.first_name != self.first_name
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
    pub(crate) fn place(self, index: usize, field: &str) -> String {
        match self {
            Origin::JsonIndex => format!("users[{index}].{field}"),
            // Row 1 is the header, so the first user is on row 2.
            Origin::CsvRow => format!("row {}, column {field}", index + 2),
        }
    }

    /// The place of one attribute. A very long name is cut, so the error stays readable.
    pub(crate) fn attribute(self, index: usize, name: &str) -> String {
        let shown: String = name.chars().take(64).collect();
        let cut = if shown.len() < name.len() { "..." } else { "" };
        match self {
            Origin::JsonIndex => format!("users[{index}].attributes.{shown}{cut}"),
            Origin::CsvRow => format!("row {}, column {shown}{cut}", index + 2),
        }
    }

    /// The place of a user's attributes as a whole.
    pub(crate) fn attributes(self, index: usize) -> String {
        match self {
            Origin::JsonIndex => format!("users[{index}].attributes"),
            Origin::CsvRow => self.user(index),
        }
    }

    /// The place of a whole user: its index, or its row.
    pub fn user(self, index: usize) -> String {
        match self {
            Origin::JsonIndex => format!("users[{index}]"),
            Origin::CsvRow => format!("row {}", index + 2),
        }
    }
}

/// The most a snapshot may hold. Each bound keeps one request's memory and time, and what it
/// stores, proportionate to a real directory; none is near what a real source sends. Checked by
/// [`validate_with`] (and the CSV reader) for both upload forms, so the console and the server
/// refuse the same snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotLimits {
    /// Users in one snapshot. 2,000,000: the largest orgs have about a million users, and
    /// reading, planning and checking that many takes seconds and a few hundred MiB; twice that
    /// leaves room to grow without letting one upload hold the server for minutes.
    pub max_users: usize,
    /// Columns of a CSV header. 200: an HR export has a few dozen; a wider file is a mistake
    /// (a transposed sheet) and each column multiplies the memory per user.
    pub max_columns: usize,
    /// Attributes of one user: as many as a CSV can carry beside its two required columns
    /// (`externalId`, `login`), so a snapshot accepted as CSV is accepted as JSON too.
    pub max_attributes: usize,
    /// Characters of `externalId`, `login` and `email`. 256: an email address is at most 254,
    /// and ids are shorter still.
    pub max_field_chars: usize,
    /// Characters of `firstName` and `lastName`. 128: longer than any real name, short enough
    /// for a list's column.
    pub max_name_chars: usize,
    /// Characters of an attribute name. 128: names are identifiers such as `costCenter`, and a
    /// group rule or filter has to repeat them.
    pub max_attribute_name_chars: usize,
    /// Characters of an attribute value. 1,024: room for a free-text title or an address, not a
    /// document.
    pub max_attribute_value_chars: usize,
}

/// The columns every CSV snapshot has; every column but the five known ones is an attribute.
const REQUIRED_COLUMNS: usize = 2;

impl SnapshotLimits {
    /// The most characters `field` (`externalId`, `login`, `firstName`, `lastName`, `email`)
    /// may have.
    pub fn max_chars_of(&self, field: &str) -> usize {
        match field {
            "firstName" | "lastName" => self.max_name_chars,
            _ => self.max_field_chars,
        }
    }

    /// The shortest limit of any one value: a row no longer than this has no value too long.
    pub fn shortest_value_limit(&self) -> usize {
        self.max_field_chars
            .min(self.max_name_chars)
            .min(self.max_attribute_value_chars)
    }

    pub const DEFAULT: SnapshotLimits = SnapshotLimits {
        max_users: 2_000_000,
        max_columns: 200,
        max_attributes: 200 - REQUIRED_COLUMNS,
        max_field_chars: 256,
        max_name_chars: 128,
        max_attribute_name_chars: 128,
        max_attribute_value_chars: 1024,
    };
}

impl Default for SnapshotLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why a snapshot was refused; the kind decides how the server answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotRejection {
    /// The bytes are not the format they claim (CSV structure, UTF-8, header cells).
    Malformed(Vec<FieldError>),
    /// Well-formed, but values break the snapshot's rules: an empty or repeated `externalId` or
    /// `login`, a value longer than its limit, too many attributes.
    Invalid(Vec<FieldError>),
    /// More users or columns than [`SnapshotLimits`] allows. Reading stopped there.
    TooLarge(Vec<FieldError>),
}

impl SnapshotRejection {
    /// Every problem found, each naming its place.
    pub fn into_errors(self) -> Vec<FieldError> {
        match self {
            SnapshotRejection::Malformed(e)
            | SnapshotRejection::Invalid(e)
            | SnapshotRejection::TooLarge(e) => e,
        }
    }
}

/// The answer when a snapshot has more users than `limits` allow.
pub fn too_many_users(field: impl Into<String>, limits: &SnapshotLimits) -> FieldError {
    FieldError::new(
        field,
        format!(
            "the snapshot has more than {} users, the most one import accepts; split the source or raise the server's --max-snapshot-rows",
            limits.max_users
        ),
    )
}

/// Checks what the planner relies on: every user has an `externalId` and a `login`, and neither
/// repeats (logins compared without regard to case, as users are matched). Answers every
/// problem found, not only the first, each naming where it is. The length limits are the
/// defaults; see [`validate_with`].
pub fn validate(users: &[SnapshotUser], origin: Origin) -> Result<(), Vec<FieldError>> {
    validate_with(users, origin, &SnapshotLimits::DEFAULT).map_err(SnapshotRejection::into_errors)
}

/// [`validate`], plus the bounds of `limits`: the number of users, the length of every value
/// and the number of attributes of each user.
pub fn validate_with(
    users: &[SnapshotUser],
    origin: Origin,
    limits: &SnapshotLimits,
) -> Result<(), SnapshotRejection> {
    if users.len() > limits.max_users {
        return Err(SnapshotRejection::TooLarge(vec![too_many_users(
            origin.user(limits.max_users),
            limits,
        )]));
    }
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
        check_lengths(&mut errors, user, i, origin, limits);
        if user.external_id.trim().is_empty() {
            errors.push(empty(origin, i, "externalId"));
        } else if let Some(previous) = external_ids.insert(&user.external_id, i) {
            errors.push(repeated_external_id(origin, i, &user.external_id, previous));
        }
        if user.login.trim().is_empty() {
            errors.push(empty(origin, i, "login"));
        } else if let Some(previous) = logins.insert(fold_login(&user.login), i) {
            errors.push(repeated_login(origin, i, &user.login, previous));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SnapshotRejection::Invalid(errors))
    }
}

/// Validation stops after this many problems: enough to fix a file by, few enough to read.
/// It is checked before each user, so the last user read may add a few more.
pub(crate) const MAX_REPORTED: usize = 100;

pub(crate) fn empty(origin: Origin, i: usize, field: &str) -> FieldError {
    FieldError::new(origin.place(i, field), "is empty")
}

/// `previous` is the last user before `i` with the same id (not necessarily the first).
pub(crate) fn repeated_external_id(
    origin: Origin,
    i: usize,
    external_id: &str,
    previous: usize,
) -> FieldError {
    FieldError::new(
        origin.place(i, "externalId"),
        format!(
            "\"{}\" repeats {}",
            external_id,
            origin.place(previous, "externalId")
        ),
    )
}

/// `previous` is the last user before `i` whose login folds to the same.
pub(crate) fn repeated_login(origin: Origin, i: usize, login: &str, previous: usize) -> FieldError {
    FieldError::new(
        origin.place(i, "login"),
        format!(
            "\"{}\" repeats {} (logins are compared without regard to case)",
            login,
            origin.place(previous, "login")
        ),
    )
}

pub(crate) fn field_too_long(origin: Origin, i: usize, field: &str, max: usize) -> FieldError {
    FieldError::new(
        origin.place(i, field),
        format!("is longer than {max} characters, the limit for this field"),
    )
}

pub(crate) fn too_many_attributes(
    origin: Origin,
    i: usize,
    count: usize,
    max: usize,
) -> FieldError {
    FieldError::new(
        origin.attributes(i),
        format!("has {count} attributes; a user may have at most {max}"),
    )
}

pub(crate) fn attribute_name_too_long(
    origin: Origin,
    i: usize,
    name: &str,
    max: usize,
) -> FieldError {
    FieldError::new(
        origin.attribute(i, name),
        format!(
            "the attribute name is longer than {max} characters, the limit for attribute names"
        ),
    )
}

pub(crate) fn attribute_value_too_long(
    origin: Origin,
    i: usize,
    name: &str,
    max: usize,
) -> FieldError {
    FieldError::new(
        origin.attribute(i, name),
        format!("is longer than {max} characters, the limit for attribute values"),
    )
}

/// Whether `text` is longer than `max` characters. Counting characters is only needed when the
/// bytes exceed the limit, which real values never do.
pub(crate) fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && text.chars().count() > max
}

fn check_lengths(
    errors: &mut Vec<FieldError>,
    user: &SnapshotUser,
    i: usize,
    origin: Origin,
    limits: &SnapshotLimits,
) {
    let fields = [
        ("externalId", Some(&user.external_id)),
        ("login", Some(&user.login)),
        ("firstName", user.first_name.as_ref()),
        ("lastName", user.last_name.as_ref()),
        ("email", user.email.as_ref()),
    ];
    for (field, value) in fields {
        let max = limits.max_chars_of(field);
        if value.is_some_and(|v| longer_than(v, max)) {
            errors.push(field_too_long(origin, i, field, max));
        }
    }
    if user.attributes.len() > limits.max_attributes {
        errors.push(too_many_attributes(
            origin,
            i,
            user.attributes.len(),
            limits.max_attributes,
        ));
    }
    for (name, value) in &user.attributes {
        check_attribute_length(errors, name, value, i, origin, limits);
    }
}

/// An attribute's name, and only when the name is within its limit its value, against their
/// length limits: one check for a snapshot's users and for CSV rows planned as they are read.
pub(crate) fn check_attribute_length(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: &str,
    i: usize,
    origin: Origin,
    limits: &SnapshotLimits,
) {
    if longer_than(name, limits.max_attribute_name_chars) {
        errors.push(attribute_name_too_long(
            origin,
            i,
            name,
            limits.max_attribute_name_chars,
        ));
    } else if longer_than(value, limits.max_attribute_value_chars) {
        errors.push(attribute_value_too_long(
            origin,
            i,
            name,
            limits.max_attribute_value_chars,
        ));
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
