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
pub(super) struct NewValues<'a> {
    slots: HashSlots,
    /// Every value, one after another; `entries` says where each is.
    arena: String,
    /// (start, end) in `arena`, and the last row.
    entries: Vec<(usize, usize, u32)>,
    /// When parts of one file are read apart: bits of the hashes of the values every part
    /// has seen, shared by the threads.
    shared: Option<&'a [AtomicU64]>,
    /// The entries whose bit another part had set first: they may be in that part too.
    suspects: Vec<u32>,
}

/// Bits for [`NewValues::sharing`]: 2^24 of them (2 MiB), so values of different parts rarely
/// share one (a million new values would make a few hundred thousand suspects; the usual
/// hundred thousand, a few hundred).
pub(super) fn shared_value_bits() -> Vec<AtomicU64> {
    (0..(1 << 24) / 64).map(|_| AtomicU64::new(0)).collect()
}

impl<'a> NewValues<'a> {
    /// Values of one part of a file, whose other parts share `bits` (see
    /// [`NewValues::repeated_across`]).
    pub(super) fn sharing(bits: &'a [AtomicU64]) -> Self {
        Self {
            shared: Some(bits),
            ..Self::default()
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
                let entry = position(self.entries.len());
                self.arena.push_str(value);
                self.slots.insert(hash, entry);
                self.entries.push((start, self.arena.len(), row));
                if let Some(bits) = self.shared {
                    let bit = (hash >> 40) as usize;
                    if let Some(word) = bits.get(bit / 64) {
                        // Relaxed: the suspects are checked only after the threads are joined.
                        if word.fetch_or(1 << (bit % 64), Ordering::Relaxed) & (1 << (bit % 64))
                            != 0
                        {
                            self.suspects.push(entry);
                        }
                    }
                }
                NONE
            }
        }
    }
}

impl NewValues<'_> {
    fn value(&self, entry: u32) -> Option<&str> {
        let &(start, end, _) = self.entries.get(entry as usize)?;
        self.arena.get(start..end)
    }

    fn contains(&self, hash: u64, value: &str) -> bool {
        self.slots.candidates(hash).any(|e| {
            self.entries
                .get(e as usize)
                .is_some_and(|&(start, end, _)| self.arena.get(start..end) == Some(value))
        })
    }

    /// Whether a value is in two of `parts` (the values of the parts of one file, all
    /// [`NewValues::sharing`] the same bits). The second part to see a value found its bit set,
    /// so only those suspects need looking for in the other parts.
    pub(super) fn repeated_across(parts: &[&NewValues<'_>]) -> bool {
        parts.iter().enumerate().any(|(i, part)| {
            part.suspects
                .iter()
                .filter_map(|&e| part.value(e))
                .any(|value| {
                    let hash = hash_str(value);
                    parts
                        .iter()
                        .enumerate()
                        .any(|(j, other)| j != i && other.contains(hash, value))
                })
        })
    }
}

/// For each org user (by position), who claimed it.
pub(super) enum Claims {
    /// The last row that claimed each user, or [`NONE`]: a single pass, which names repeats.
    Rows(Vec<u32>),
    /// One bit per user, for the parts of one file one thread reads (each thread has its own,
    /// and the two are compared once both are done: see [`Claims::union_of_disjoint`]). A part
    /// only needs to know that a user was claimed twice (the file is then read again in one
    /// pass, which names the rows), not by which rows.
    Bits(Vec<u64>),
}

impl Claims {
    pub(super) fn rows(users: usize) -> Self {
        Claims::Rows(vec![NONE; users])
    }

    /// No bits set, for `users` users.
    pub(super) fn no_bits(users: usize) -> Vec<u64> {
        vec![0; users.div_ceil(64)]
    }

    /// The bits, taken out (for the next part the same thread reads).
    pub(super) fn take_bits(&mut self) -> Vec<u64> {
        match self {
            Claims::Bits(bits) => std::mem::take(bits),
            Claims::Rows(_) => Vec::new(),
        }
    }

    /// The users two threads claimed, or `None` when a user was claimed by both.
    pub(super) fn union_of_disjoint(mut mine: Vec<u64>, theirs: &[u64]) -> Option<Vec<u64>> {
        for (word, &other) in mine.iter_mut().zip(theirs) {
            if *word & other != 0 {
                return None;
            }
            *word |= other;
        }
        Some(mine)
    }

    /// Row `row` claims `user`; answers the last row before that did, or [`NONE`]. Bits answer
    /// row 0 for any earlier claim.
    pub(super) fn claim(&mut self, user: u32, row: u32) -> u32 {
        let u = user as usize;
        match self {
            Claims::Rows(rows) => match rows.get_mut(u) {
                Some(last) => std::mem::replace(last, row),
                None => NONE,
            },
            Claims::Bits(bits) => match bits.get_mut(u / 64) {
                Some(word) if *word & (1 << (u % 64)) != 0 => 0,
                Some(word) => {
                    *word |= 1 << (u % 64);
                    NONE
                }
                None => NONE,
            },
        }
    }

    pub(super) fn is_claimed(&self, user: usize) -> bool {
        match self {
            Claims::Rows(rows) => rows.get(user).is_some_and(|&row| row != NONE),
            Claims::Bits(bits) => bits
                .get(user / 64)
                .is_some_and(|word| word & (1 << (user % 64)) != 0),
        }
    }
}
