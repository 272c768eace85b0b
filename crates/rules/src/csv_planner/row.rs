//! One row of a CSV snapshot, read in place: its cells borrowed from the reader's record,
//! trimmed, and compared with a stored profile without building a `SnapshotUser`. The record is
//! the `csv` crate's (a single pass) or `part_reader`'s (a part of a large file).
//!
//! What a row means is what `snapshot_csv::read_user` makes of it: the five known columns, every
//! other non-empty cell an attribute; an empty optional cell is no value.

use crate::org::Profile;
use crate::org_index::StoredUser;
use crate::snapshot::{
    Origin, SnapshotLimits, check_attribute_length, field_too_long, longer_than,
    too_many_attributes,
};
use crate::snapshot_csv::Column;
use crate::validation::FieldError;
use csv::StringRecord;
use std::collections::BTreeMap;

/// A record read from the file, whichever reader read it.
pub(super) trait Record {
    /// Cell `column`, or `None` past the last.
    fn cell(&self, column: usize) -> Option<&str>;
    /// The length in bytes of all its cells together.
    fn cells_len(&self) -> usize;
}

impl Record for StringRecord {
    fn cell(&self, column: usize) -> Option<&str> {
        self.get(column)
    }

    fn cells_len(&self) -> usize {
        self.as_byte_record().as_slice().len()
    }
}

/// Where each field of a row is, from the header.
#[derive(Clone, Debug)]
pub(super) struct Layout {
    external_id: usize,
    login: usize,
    first_name: Option<usize>,
    last_name: Option<usize>,
    email: Option<usize>,
    /// The attribute columns, sorted by name: the order of a profile's `BTreeMap`, so a row's
    /// attributes are compared with a profile's in one pass.
    attributes: Vec<(String, usize)>,
    /// Whether an attribute's name is over its limit (the header's checks refuse such a file,
    /// so never, but the rows check it as `validate_with` does).
    long_name: bool,
}

impl Layout {
    /// The header checks (`snapshot_csv::open`) have made sure `externalId` and `login` are
    /// there and no column repeats.
    pub(super) fn new(columns: &[Column], limits: &SnapshotLimits) -> Self {
        let find = |wanted: &Column| columns.iter().position(|c| c == wanted);
        let mut attributes: Vec<(String, usize)> = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c {
                Column::Attribute(name) => Some((name.clone(), i)),
                _ => None,
            })
            .collect();
        attributes.sort();
        let long_name = attributes
            .iter()
            .any(|(name, _)| longer_than(name, limits.max_attribute_name_chars));
        Self {
            // A missing column reads as empty cells (`Record::cell` past the end).
            external_id: find(&Column::ExternalId).unwrap_or(usize::MAX),
            login: find(&Column::Login).unwrap_or(usize::MAX),
            first_name: find(&Column::FirstName),
            last_name: find(&Column::LastName),
            email: find(&Column::Email),
            attributes,
            long_name,
        }
    }
}

/// One row's values, trimmed, borrowed from the record.
pub(super) struct Row<'r, R> {
    record: &'r R,
    layout: &'r Layout,
    pub(super) external_id: &'r str,
    pub(super) login: &'r str,
    first_name: Option<&'r str>,
    last_name: Option<&'r str>,
    email: Option<&'r str>,
}

/// How a row differs from a stored profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Difference {
    Same,
    /// The profile changes; `attributes` says whether its attributes do (group rules care).
    Changed {
        attributes: bool,
    },
}

impl<'r, R: Record> Row<'r, R> {
    pub(super) fn read(record: &'r R, layout: &'r Layout) -> Self {
        let cell = |column: usize| trim(record.cell(column).unwrap_or(""));
        let optional = |column: Option<usize>| column.map(cell).filter(|v| !v.is_empty());
        Self {
            record,
            layout,
            external_id: cell(layout.external_id),
            login: cell(layout.login),
            first_name: optional(layout.first_name),
            last_name: optional(layout.last_name),
            email: optional(layout.email),
        }
    }

    /// The row's attributes, name and value, by name: its non-empty attribute cells.
    fn attributes(&self) -> impl Iterator<Item = (&'r str, &'r str)> + 'r {
        let (record, layout) = (self.record, self.layout);
        layout.attributes.iter().filter_map(move |(name, column)| {
            let value = trim(record.cell(*column).unwrap_or(""));
            (!value.is_empty()).then_some((name.as_str(), value))
        })
    }

    /// The length limits, as `snapshot::validate_with` checks them for user `i`, in its order.
    pub(super) fn check_lengths(
        &self,
        errors: &mut Vec<FieldError>,
        i: usize,
        limits: &SnapshotLimits,
    ) {
        // A value is too long only if the whole row is: the usual row is far shorter than any
        // one limit, and needs no look at its cells. (The count of attributes does not depend
        // on lengths, and is checked below only when the header allows too many.)
        let shortest = limits.shortest_value_limit();
        let can_be_too_long = self.record.cells_len() > shortest;
        let can_have_too_many = self.layout.attributes.len() > limits.max_attributes;
        if !can_be_too_long && !can_have_too_many && !self.layout.long_name {
            return;
        }
        let origin = Origin::CsvRow;
        let fields = [
            ("externalId", Some(self.external_id)),
            ("login", Some(self.login)),
            ("firstName", self.first_name),
            ("lastName", self.last_name),
            ("email", self.email),
        ];
        for (field, value) in fields {
            let max = limits.max_chars_of(field);
            if value.is_some_and(|v| longer_than(v, max)) {
                errors.push(field_too_long(origin, i, field, max));
            }
        }
        // Only a header with more attribute columns than the limit can give a row too many.
        if self.layout.attributes.len() > limits.max_attributes {
            let count = self.attributes().count();
            if count > limits.max_attributes {
                errors.push(too_many_attributes(origin, i, count, limits.max_attributes));
            }
        }
        for (name, value) in self.attributes() {
            check_attribute_length(errors, name, value, i, origin, limits);
        }
    }

    /// How this row differs from `current`: what `SnapshotUser::changes` answers for the user
    /// `read_user` would build from the row, or a different external id of the user's app user,
    /// compared in place in the index's stored form.
    pub(super) fn compare(&self, current: &StoredUser<'_>) -> Difference {
        let attributes = !current.same_attributes(self.attributes());
        let fields = [
            Some(self.external_id),
            self.first_name,
            self.last_name,
            self.email,
        ];
        if attributes || !current.same_fields(fields) {
            Difference::Changed { attributes }
        } else {
            Difference::Same
        }
    }

    /// The profile this row gives its user (`SnapshotUser::profile`).
    pub(super) fn profile(&self) -> Profile {
        let mut attributes = BTreeMap::new();
        for (name, value) in self.attributes() {
            attributes.insert(name.to_owned(), value.to_owned());
        }
        Profile {
            first_name: self.first_name.map(str::to_owned),
            last_name: self.last_name.map(str::to_owned),
            email: self.email.map(str::to_owned),
            attributes,
        }
    }
}

/// `str::trim`, answering at once for the usual cell that starts and ends with an ASCII
/// character other than white space (`str::trim` walks characters to decide the same).
fn trim(cell: &str) -> &str {
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r');
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if plain(first) && plain(last) => cell,
        _ => cell.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trims_as_str_trim_does() {
        for cell in [
            "",
            " ",
            "a",
            " a ",
            "\ta\r",
            "a\u{a0}",
            "\u{3000}a",
            "\u{85}",
            "\x0ba\x0c",
            "\x1fa",
            "é",
            " é ",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }
}
