//! What the rows read so far have claimed, to find a repeated `login` or `externalId` the way
//! `snapshot::validate_with` does, naming the last row before with the same value.
//!
//! Almost every row names a user the org already has: for those, the row is remembered in an
//! array over the org's users (no hashing, no copy). Only values the org does not know (new
//! hires' logins and ids) are copied, into one arena, and found through a [`HashSlots`].

use crate::hash_slots::{HashSlots, NONE, hash_str, position};

/// Values the org does not know, each with the last row that had it.
#[derive(Default)]
pub(super) struct NewValues {
    slots: HashSlots,
    /// Every value, one after another; `entries` says where each is.
    arena: String,
    /// (start, end) in `arena`, and the last row.
    entries: Vec<(usize, usize, u32)>,
}

impl NewValues {
    pub(super) fn with_capacity(values: usize) -> Self {
        Self {
            slots: HashSlots::with_capacity(values),
            arena: String::new(),
            entries: Vec::new(),
        }
    }

    /// Records that row `row` has `value` (filed under `hash`), and answers the last row before
    /// that had it, or [`NONE`].
    pub(super) fn see(&mut self, hash: u64, value: &str, row: u32) -> u32 {
        let found = self.slots.candidates(hash).find(|&e| {
            let (start, end, _) = self.entries[e as usize];
            &self.arena[start..end] == value
        });
        match found {
            Some(e) => std::mem::replace(&mut self.entries[e as usize].2, row),
            None => {
                let start = self.arena.len();
                self.arena.push_str(value);
                self.slots.insert(hash, position(self.entries.len()));
                self.entries.push((start, self.arena.len(), row));
                NONE
            }
        }
    }
}

impl NewValues {
    fn values(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter_map(|&(start, end, _)| self.arena.get(start..end))
    }

    fn contains(&self, hash: u64, value: &str) -> bool {
        self.slots.candidates(hash).any(|e| {
            self.entries
                .get(e as usize)
                .is_some_and(|&(start, end, _)| self.arena.get(start..end) == Some(value))
        })
    }

    /// Whether no value of `other` is one of these.
    pub(super) fn is_disjoint(&self, other: &NewValues) -> bool {
        !other.values().any(|v| self.contains(hash_str(v), v))
    }
}

/// For each org user (by position), the last row that claimed it, or [`NONE`].
pub(super) struct Claims(Vec<u32>);

impl Claims {
    pub(super) fn new(users: usize) -> Self {
        Self(vec![NONE; users])
    }

    /// Row `row` claims `user`; answers the last row before that did, or [`NONE`].
    pub(super) fn claim(&mut self, user: u32, row: u32) -> u32 {
        match self.0.get_mut(user as usize) {
            Some(last) => std::mem::replace(last, row),
            None => NONE,
        }
    }

    /// Takes in the claims of rows read after these (their row numbers are not kept: a merge
    /// only happens when no row repeats another). False when both claimed one user.
    pub(super) fn absorb(&mut self, later: &Claims) -> bool {
        for (mine, &theirs) in self.0.iter_mut().zip(&later.0) {
            if theirs != NONE {
                if *mine != NONE {
                    return false;
                }
                *mine = theirs;
            }
        }
        true
    }

    pub(super) fn is_claimed(&self, user: usize) -> bool {
        self.0.get(user).is_some_and(|&row| row != NONE)
    }
}
