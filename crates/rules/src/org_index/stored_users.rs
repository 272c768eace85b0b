//! A compact copy of what an import compares for each user: the folded login, the profile's
//! fields and attributes, and the owner of its external id, one record after another in one
//! byte arena.
//!
//! A `User` keeps each of those in its own allocation, so comparing a row with one is about ten
//! scattered cache misses; on a million users that was most of an import's time. A record here
//! is one short run of bytes (about 120 for a typical profile), so a comparison reads one or two
//! cache lines, and reading users in order streams.
//!
//! A record: the owner as 4 little-endian bytes; the folded login; the external id, first name,
//! last name and email, each present or absent; the number of attributes, then each name and
//! value in the profile's (sorted) order. Lengths are LEB128 varints; an optional value's length
//! is stored plus one, 0 meaning absent.

use crate::org::User;

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

    pub(crate) fn push(&mut self, user: &User, folded_login: &str, owner: u32) {
        let out = &mut self.bytes;
        out.extend_from_slice(&owner.to_le_bytes());
        put_text(out, folded_login);
        let profile = &user.profile;
        for field in [
            &profile.external_id,
            &profile.first_name,
            &profile.last_name,
            &profile.email,
        ] {
            match field {
                Some(text) => {
                    put_varint(out, text.len() + 1);
                    out.extend_from_slice(text.as_bytes());
                }
                None => put_varint(out, 0),
            }
        }
        put_varint(out, profile.attributes.len());
        for (name, value) in &profile.attributes {
            put_text(out, name);
            put_text(out, value);
        }
        self.starts.push(self.bytes.len());
    }

    /// Gives back the room reserved for users that were not pushed.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    pub(crate) fn get(&self, user: u32) -> Option<StoredUser<'_>> {
        let u = user as usize;
        let (&start, &end) = (self.starts.get(u)?, self.starts.get(u + 1)?);
        let record = self.bytes.get(start..end)?;
        let (owner, rest) = record.split_first_chunk::<4>()?;
        let mut reader = Reader(rest);
        let folded_login = reader.text()?;
        Some(StoredUser {
            owner: u32::from_le_bytes(*owner),
            folded_login,
            rest: reader,
        })
    }
}

/// One user's record, read lazily: the login first (every lookup checks it), the profile only
/// when a row is compared with it.
#[derive(Clone, Copy)]
pub(crate) struct StoredUser<'a> {
    pub(crate) owner: u32,
    pub(crate) folded_login: &'a [u8],
    rest: Reader<'a>,
}

/// A stored profile's fields as bytes; `None` is an absent field.
pub(crate) struct StoredProfile<'a> {
    pub(crate) external_id: Option<&'a [u8]>,
    pub(crate) first_name: Option<&'a [u8]>,
    pub(crate) last_name: Option<&'a [u8]>,
    pub(crate) email: Option<&'a [u8]>,
    attributes: Reader<'a>,
    attribute_count: usize,
}

impl<'a> StoredUser<'a> {
    /// The profile; `None` only for a damaged record, which [`StoredUsers`] never writes.
    pub(crate) fn profile(&self) -> Option<StoredProfile<'a>> {
        let mut reader = self.rest;
        let external_id = reader.optional()?;
        let first_name = reader.optional()?;
        let last_name = reader.optional()?;
        let email = reader.optional()?;
        let attribute_count = reader.varint()?;
        Some(StoredProfile {
            external_id,
            first_name,
            last_name,
            email,
            attributes: reader,
            attribute_count,
        })
    }
}

impl<'a> StoredProfile<'a> {
    /// The attributes, name and value, in the profile's order.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> {
        let mut reader = self.attributes;
        (0..self.attribute_count).map_while(move |_| Some((reader.text()?, reader.text()?)))
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

#[derive(Clone, Copy)]
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<usize> {
        let mut value = 0usize;
        let mut shift = 0;
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

    fn text(&mut self) -> Option<&'a [u8]> {
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
    use crate::org::{Profile, UserStatus};

    #[test]
    fn a_record_reads_back_what_was_stored() {
        let long = "x".repeat(300);
        let user = User {
            id: "u1".into(),
            login: "Ada@Example.com".into(),
            status: UserStatus::Active,
            profile: Profile {
                external_id: Some("e1".into()),
                first_name: None,
                last_name: Some(long.clone()),
                email: Some(String::new()),
                attributes: [("a".to_owned(), "1".to_owned()), ("b".to_owned(), long)]
                    .into_iter()
                    .collect(),
            },
        };
        let mut stored = StoredUsers::with_capacity(1);
        stored.push(&user, "ada@example.com", 7);
        let record = stored.get(0).unwrap();
        assert_eq!(record.owner, 7);
        assert_eq!(record.folded_login, b"ada@example.com");
        let profile = record.profile().unwrap();
        assert_eq!(profile.external_id, Some(&b"e1"[..]));
        assert_eq!(profile.first_name, None);
        assert_eq!(profile.last_name.map(<[u8]>::len), Some(300));
        assert_eq!(profile.email, Some(&b""[..]));
        let attributes: Vec<_> = profile.attributes().map(|(n, v)| (n, v.len())).collect();
        assert_eq!(attributes, [(&b"a"[..], 1), (&b"b"[..], 300)]);
        assert!(stored.get(1).is_none());
    }
}
