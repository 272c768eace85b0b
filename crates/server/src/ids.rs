//! New opaque ids: a prefix naming the kind of thing (`app_`, `usr_`, `imp_`, `grp_`), then 26
//! characters of Crockford base32 holding the time in milliseconds and 80 random bits, as a ULID
//! does. Nothing may parse them; the API promises only that they are strings.
//!
//! The random bits come from a SplitMix64 stream seeded by the standard library's per-process
//! random hasher keys, so no extra crate is needed and two processes never share a stream.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(now_millis().into());
        hasher.finish()
    })
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// 64 random-looking bits, different on every call.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    splitmix64(seed().wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A new id such as `imp_01JDXKQ2M3...`.
pub fn new_id(prefix: &str) -> String {
    let value: u128 = (u128::from(now_millis()) << 80)
        | (u128::from(random_u64()) << 16)
        | u128::from(random_u64() & 0xFFFF);
    let mut id = String::with_capacity(prefix.len() + 27);
    id.push_str(prefix);
    id.push('_');
    for i in (0..26).rev() {
        id.push(char::from(CROCKFORD[((value >> (i * 5)) & 31) as usize]));
    }
    id
}

/// A random (version 4) UUID, for System Log events.
pub fn new_uuid() -> String {
    let hi = (random_u64() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (random_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_distinct() {
        let a = new_id("imp");
        let b = new_id("imp");
        assert!(a.starts_with("imp_"));
        assert_eq!(a.len(), 30);
        assert_ne!(a, b);
    }

    #[test]
    fn uuids_have_the_version_4_shape() {
        let u = new_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
