//! What the rows read so far have claimed, to find a repeated `login` or `externalId` the way
//! `snapshot::validate_with` does, naming the last row before with the same value.
//!
//! Almost every row names a user the org already has: for those, the row is remembered in an
//! array over the org's users (no hashing, no copy). Only values the org does not know (new
//! hires' logins and ids) are copied, into one arena, and found through a [`HashSlots`].

use crate::hash_slots::{HashSlots, NONE, hash_str, position};
use std::sync::atomic::{AtomicU64, Ordering};

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

    /// Takes in the values of `later`; false when one of them is one of these already.
    pub(super) fn absorb(&mut self, later: &NewValues) -> bool {
        for value in later.values() {
            let hash = hash_str(value);
            if self.contains(hash, value) {
                return false;
            }
            self.see(hash, value, 0);
        }
        true
    }
}

/// For each org user (by position), who claimed it.
pub(super) enum Claims<'a> {
    /// The last row that claimed each user, or [`NONE`]: a single pass, which names repeats.
    Rows(Vec<u32>),
    /// One bit per user, shared by the threads reading parts of one file. A part only needs to
    /// know that a user was claimed twice (the file is then read again in one pass, which names
    /// the rows), not by which rows.
    Shared(&'a [AtomicU64]),
}

impl<'a> Claims<'a> {
    pub(super) fn rows(users: usize) -> Self {
        Claims::Rows(vec![NONE; users])
    }

    /// Bits for `users` users, to share with [`Claims::Shared`].
    pub(super) fn shared_bits(users: usize) -> Vec<AtomicU64> {
        (0..users.div_ceil(64)).map(|_| AtomicU64::new(0)).collect()
    }

    /// Row `row` claims `user`; answers the last row before that did, or [`NONE`]. Shared
    /// claims answer row 0 for any earlier claim.
    pub(super) fn claim(&mut self, user: u32, row: u32) -> u32 {
        let u = user as usize;
        match self {
            Claims::Rows(rows) => match rows.get_mut(u) {
                Some(last) => std::mem::replace(last, row),
                None => NONE,
            },
            Claims::Shared(bits) => match bits.get(u / 64) {
                // Relaxed: the bits are read again only after the threads are joined.
                Some(word)
                    if word.fetch_or(1 << (u % 64), Ordering::Relaxed) & (1 << (u % 64)) != 0 =>
                {
                    0
                }
                _ => NONE,
            },
        }
    }

    pub(super) fn is_claimed(&self, user: usize) -> bool {
        match self {
            Claims::Rows(rows) => rows.get(user).is_some_and(|&row| row != NONE),
            Claims::Shared(bits) => bits
                .get(user / 64)
                .is_some_and(|word| word.load(Ordering::Relaxed) & (1 << (user % 64)) != 0),
        }
    }
}
