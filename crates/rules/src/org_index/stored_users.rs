//! A compact copy of what an import compares for each user: the folded login, the profile's
//! fields and attributes, and the owner of its external id, one record after another in one
//! byte arena.
//!
//! A `User` keeps each of those in its own allocation, so comparing a row with one is about ten
//! scattered cache misses; on a million users that was most of an import's time. A record here
//! is one short run of bytes (about 120 for a typical profile), so a comparison reads one or two
//! cache lines, and reading users in order streams. A row is compared with a record in place
//! ([`StoredUser::same_fields`], [`StoredUser::same_attributes`]), one short slice after
//! another.
//!
//! A record: the owner as 4 little-endian bytes; the folded login; the length of the fields;
//! the fields (external id, first name, last name, email, each present or absent); then the
//! attributes to the end of the record, each name and value in the profile's (sorted) order.
//! Lengths are LEB128 varints; an optional value's length is stored plus one, 0 meaning absent.

use crate::org::{User, UserStatus};
use crate::planner::Who;

#[derive(Clone, Debug, Default)]
pub(crate) struct StoredUsers {
    bytes: Vec<u8>,
    /// Where each user's record starts, then where the last one ends: user `u`'s record is
    /// `starts[u]..starts[u + 1]`, readable as soon as it is pushed.
    starts: Vec<usize>,
}

impl StoredUsers {
    pub(crate) fn with_capacity(users: usize) -> Self {
        let mut starts = Vec::with_capacity(users + 1);
        starts.push(0);
        Self {
            bytes: Vec::with_capacity(users.saturating_mul(128)),
            starts,
        }
    }

    pub(crate) fn push(
        &mut self,
        user: &User,
        folded_login: &str,
        owner: u32,
        external_id: Option<&str>,
        scratch: &mut Vec<u8>,
    ) {
        let out = &mut self.bytes;
        out.extend_from_slice(&owner.to_le_bytes());
        put_bytes(out, folded_login.as_bytes());
        let profile = &user.profile;
        scratch.clear();
        encode_fields(
            scratch,
            [
                external_id,
                profile.first_name.as_deref(),
                profile.last_name.as_deref(),
                profile.email.as_deref(),
            ],
        );
        put_bytes(out, scratch);
        for (name, value) in &profile.attributes {
            encode_attribute(out, name, value);
        }
        self.starts.push(self.bytes.len());
    }

    /// Gives back the room reserved for users that were not pushed.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    pub(crate) fn first_byte(&self, user: u32) -> u8 {
        self.starts
            .get(user as usize)
            .and_then(|&start| self.bytes.get(start))
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn get(&self, user: u32) -> Option<StoredUser<'_>> {
        let u = user as usize;
        let (&start, &end) = (self.starts.get(u)?, self.starts.get(u + 1)?);
        let record = self.bytes.get(start..end)?;
        let (owner, rest) = record.split_first_chunk::<4>()?;
        let mut reader = Reader(rest);
        let folded_login = reader.bytes()?;
        let fields = reader.bytes()?;
        Some(StoredUser {
            owner: u32::from_le_bytes(*owner),
            folded_login,
            fields,
            attributes: reader.0,
        })
    }
}

/// What a change names of each user (id, login, status), apart from the records a row is
/// compared with: only the users an import changes or removes are read here, and the records
/// stay short for the many it only compares. Reading it beats reaching the `User`'s own
/// strings, each its own allocation.
#[derive(Clone, Debug, Default)]
pub(crate) struct StoredNames {
    bytes: Vec<u8>,
    /// As [`StoredUsers`]'s.
    starts: Vec<usize>,
}

impl StoredNames {
    pub(crate) fn with_capacity(users: usize) -> Self {
        let mut starts = Vec::with_capacity(users + 1);
        starts.push(0);
        Self {
            bytes: Vec::with_capacity(users.saturating_mul(40)),
            starts,
        }
    }

    pub(crate) fn push(&mut self, user: &User) {
        self.bytes.push(match user.status {
            UserStatus::Active => 0,
            UserStatus::Deactivated => 1,
        });
        put_bytes(&mut self.bytes, user.id.as_str().as_bytes());
        put_bytes(&mut self.bytes, user.login.as_bytes());
        self.starts.push(self.bytes.len());
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    pub(crate) fn get(&self, user: u32) -> Option<Who<'_>> {
        let u = user as usize;
        let (&start, &end) = (self.starts.get(u)?, self.starts.get(u + 1)?);
        let (&status, rest) = self.bytes.get(start..end)?.split_first()?;
        let mut reader = Reader(rest);
        // Written from `&str`s, so always UTF-8; checking costs little on a few dozen bytes.
        let id = std::str::from_utf8(reader.bytes()?).ok()?;
        let login = std::str::from_utf8(reader.bytes()?).ok()?;
        Some(Who {
            id,
            login,
            status: if status == 0 {
                UserStatus::Active
            } else {
                UserStatus::Deactivated
            },
        })
    }
}

/// One user's record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoredUser<'a> {
    pub(crate) owner: u32,
    pub(crate) folded_login: &'a [u8],
    /// The profile's fields, as [`encode_fields`] writes them.
    pub(crate) fields: &'a [u8],
    /// The profile's attributes, as [`encode_attribute`] writes them, one after another.
    pub(crate) attributes: &'a [u8],
}

impl<'a> StoredUser<'a> {
    /// The external id (`None` for none); read from the front of the fields.
    pub(crate) fn external_id(&self) -> Option<&'a [u8]> {
        Reader(self.fields).optional().flatten()
    }

    /// Whether the profile's fields are `fields` (external id, first name, last name, email),
    /// compared in place: what encoding `fields` as the record does and comparing the bytes
    /// would answer, without writing them.
    pub(crate) fn same_fields(&self, fields: [Option<&str>; 4]) -> bool {
        let mut reader = Reader(self.fields);
        for field in fields {
            match (reader.optional(), field) {
                (Some(None), None) => {}
                (Some(Some(stored)), Some(value)) if stored == value.as_bytes() => {}
                _ => return false,
            }
        }
        reader.0.is_empty()
    }

    /// Whether the profile's attributes are `attributes` (in the profile's order), compared in
    /// place as [`StoredUser::same_fields`] compares the fields.
    pub(crate) fn same_attributes<'v>(
        &self,
        attributes: impl Iterator<Item = (&'v str, &'v str)>,
    ) -> bool {
        let mut reader = Reader(self.attributes);
        for (name, value) in attributes {
            match (reader.bytes(), reader.bytes()) {
                (Some(n), Some(v)) if n == name.as_bytes() && v == value.as_bytes() => {}
                _ => return false,
            }
        }
        reader.0.is_empty()
    }
}

/// Writes a profile's fields (external id, first name, last name, email) in the stored form.
fn encode_fields(out: &mut Vec<u8>, fields: [Option<&str>; 4]) {
    for field in fields {
        match field {
            Some(text) => {
                put_varint(out, text.len() + 1);
                out.extend_from_slice(text.as_bytes());
            }
            None => put_varint(out, 0),
        }
    }
}

/// Writes one attribute in the stored form. A profile's attributes are written in its order.
fn encode_attribute(out: &mut Vec<u8>, name: &str, value: &str) {
    put_bytes(out, name.as_bytes());
    put_bytes(out, value.as_bytes());
}

fn put_varint(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len());
    out.extend_from_slice(bytes);
}

#[derive(Clone, Copy)]
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<usize> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        // Almost every length is under 128: one byte.
        if first < 0x80 {
            return Some(usize::from(first));
        }
        let mut value = usize::from(first & 0x7f);
        let mut shift = 7;
        loop {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            value |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(taken)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.varint()?;
        self.take(len)
    }

    fn optional(&mut self) -> Option<Option<&'a [u8]>> {
        match self.varint()? {
            0 => Some(None),
            len => self.take(len - 1).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Profile;

    #[test]
    fn a_record_reads_back_what_was_stored() {
        let long = "x".repeat(300);
        let user = User {
            id: "u1".into(),
            login: "Ada@Example.com".into(),
            status: UserStatus::Active,
            profile: Profile {
                first_name: None,
                last_name: Some(long.clone()),
                email: Some(String::new()),
                attributes: [
                    ("a".to_owned(), "1".to_owned()),
                    ("b".to_owned(), long.clone()),
                ]
                .into_iter()
                .collect(),
            },
        };
        let mut stored = StoredUsers::with_capacity(1);
        stored.push(&user, "ada@example.com", 7, Some("e1"), &mut Vec::new());
        let record = stored.get(0).unwrap();
        assert_eq!(record.owner, 7);
        assert_eq!(record.folded_login, b"ada@example.com");
        assert_eq!(record.external_id(), Some(&b"e1"[..]));
        let mut fields = Vec::new();
        encode_fields(&mut fields, [Some("e1"), None, Some(&long), Some("")]);
        assert_eq!(record.fields, fields);
        let mut attributes = Vec::new();
        encode_attribute(&mut attributes, "a", "1");
        encode_attribute(&mut attributes, "b", &long);
        assert_eq!(record.attributes, attributes);
        assert!(record.same_fields([Some("e1"), None, Some(&long), Some("")]));
        assert!(!record.same_fields([Some("e1"), None, Some(&long), None]));
        assert!(!record.same_fields([Some("e1"), Some(""), Some(&long), Some("")]));
        assert!(record.same_attributes([("a", "1"), ("b", long.as_str())].into_iter()));
        assert!(!record.same_attributes([("a", "1")].into_iter()));
        assert!(!record.same_attributes([("a", "1"), ("b", "x"), ("c", "y")].into_iter()));
        assert!(stored.get(1).is_none());
        let mut names = StoredNames::with_capacity(1);
        names.push(&user);
        let who = names.get(0).unwrap();
        assert_eq!(
            (who.id, who.login, who.status),
            ("u1", "Ada@Example.com", UserStatus::Active)
        );
    }

    #[test]
    fn a_value_with_a_long_length_reads_back() {
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        put_varint(&mut out, 5);
        let mut reader = Reader(&out);
        assert_eq!((reader.varint(), reader.varint()), (Some(300), Some(5)));
    }
}
