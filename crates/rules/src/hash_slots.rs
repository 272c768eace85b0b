//! An open-addressing table from 64-bit hashes to `u32` positions (of a user, or of a string in
//! an arena), several positions per hash allowed.
//!
//! The CSV planner looks up a million logins per import, each in a table of a million users.
//! A standard `HashMap` keyed by the string costs two dependent cache misses per lookup (the
//! bucket, then the key's own allocation); here a slot is one `u64` (the hash's top 32 bits
//! beside the position), so a lookup is usually one miss, and the string is compared where it
//! already lives (the user's login). The table never decides equality: callers compare every
//! candidate with the real string, so two strings whose hashes collide are both found.

use rustc_hash::FxHasher;
use std::hash::Hasher;

/// A position no table holds: the "none" of the `u32` arrays beside these tables.
pub(crate) const NONE: u32 = u32::MAX;

/// The hash a string is filed under. FxHash: the keys are the org's own logins and external
/// ids and an administrator's upload, so protection against crafted collisions is not needed
/// (a collision costs one more string comparison, never a wrong answer).
pub(crate) fn hash_str(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// A position as the tables store it. Positions are users of an org or rows of a snapshot;
/// both stay far below four billion (a snapshot is capped at a few million rows), and a position
/// that does not fit becomes [`NONE`], which is never found.
pub(crate) fn position(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(NONE)
}

#[derive(Clone, Debug)]
pub(crate) struct HashSlots {
    /// `tag << 32 | (position + 1)`; 0 is an empty slot. The tag is the hash's top 32 bits,
    /// and an entry's home slot is taken from the tag too, so the table can grow without the
    /// hashes (up to 2^32 slots, far beyond any org).
    slots: Vec<u64>,
    len: usize,
}

impl Default for HashSlots {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl HashSlots {
    pub(crate) fn with_capacity(entries: usize) -> Self {
        // At most half full: probe sequences stay short, and a lookup rarely leaves the
        // cache line it starts in.
        let slots = entries.saturating_mul(2).next_power_of_two().max(16);
        Self {
            slots: vec![0; slots],
            len: 0,
        }
    }

    fn home(&self, tag: u64) -> usize {
        tag as usize & (self.slots.len() - 1)
    }

    /// Files `position` under `hash`, beside whatever is filed there already.
    pub(crate) fn insert(&mut self, hash: u64, position: u32) {
        if position == NONE {
            return;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.place((hash >> 32) << 32 | (u64::from(position) + 1));
        self.len += 1;
    }

    fn place(&mut self, entry: u64) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(entry >> 32);
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = entry;
    }

    fn grow(&mut self) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for entry in old.into_iter().filter(|&e| e != 0) {
            self.place(entry);
        }
    }

    /// The slot a lookup of `hash` starts at, read ahead of the lookup: reading the home slots
    /// of many hashes in a row, each read independent of the others, lets the processor wait
    /// for their cache misses together instead of one after another. A home slot that is empty
    /// also answers the lookup: nothing is filed under `hash`.
    pub(crate) fn home_slot(&self, hash: u64) -> u64 {
        self.slots[self.home(hash >> 32)]
    }

    /// Every position filed under `hash` (and, rarely, some filed under another hash with the
    /// same top bits): the caller compares each with the string it looks for.
    pub(crate) fn candidates(&self, hash: u64) -> Candidates<'_> {
        let tag = hash >> 32;
        Candidates {
            slots: &self.slots,
            at: self.home(tag),
            tag,
        }
    }
}

pub(crate) struct Candidates<'a> {
    slots: &'a [u64],
    at: usize,
    tag: u64,
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mask = self.slots.len() - 1;
        loop {
            let slot = self.slots[self.at];
            if slot == 0 {
                return None;
            }
            self.at = (self.at + 1) & mask;
            if slot >> 32 == self.tag {
                // The low half is position + 1, never 0 in an occupied slot.
                return Some((slot as u32).wrapping_sub(1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_position_filed_under_a_hash_also_after_growing() {
        let mut slots = HashSlots::with_capacity(1);
        for position in 0..100u32 {
            slots.insert(hash_str(&format!("key{}", position % 40)), position);
        }
        let found: Vec<u32> = slots.candidates(hash_str("key3")).collect();
        assert!(found.contains(&3) && found.contains(&43) && found.contains(&83));
        assert!(slots.candidates(hash_str("absent")).all(|p| p % 40 != 3));
    }

    #[test]
    fn the_none_position_is_never_filed() {
        let mut slots = HashSlots::with_capacity(4);
        slots.insert(7, NONE);
        assert_eq!(slots.candidates(7).count(), 0);
    }
}
