//! The arithmetic of a safeguard: when a count trips it, and the limit people are shown.
//!
//! Everything is compared in integers exactly as the rule book writes it; a percentage is never
//! rounded.

/// A safeguard only applies to a population of at least this many app users: an app with fewer
/// is never checked at app level, an org with fewer app assignments never at org level.
pub const ACTIVATION_MINIMUM: u64 = 100;

/// Whether `unassignments` out of `population` trip a safeguard at `percent`:
/// `100 * unassignments > percent * population`. "More than" is strict.
pub fn exceeds(percent: u8, population: u64, unassignments: u64) -> bool {
    // Both products fit in u64 for any real org; u128 is kept for the rest because WebAssembly
    // emulates 128-bit multiplication, and the preview runs this half a million times a keystroke.
    match (
        unassignments.checked_mul(100),
        population.checked_mul(u64::from(percent)),
    ) {
        (Some(counted), Some(allowed)) => counted > allowed,
        _ => 100 * u128::from(unassignments) > u128::from(percent) * u128::from(population),
    }
}

/// The largest count that passes: `floor(percent * population / 100)`.
pub fn limit(percent: u8, population: u64) -> u64 {
    // percent <= 100, so the quotient is at most `population` and fits.
    (u128::from(percent) * u128::from(population) / 100) as u64
}

/// Whether a population is large enough for a safeguard to be checked at all.
pub fn is_checked(population: u64) -> bool {
    population >= ACTIVATION_MINIMUM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_is_strict() {
        assert!(!exceeds(20, 1000, 200));
        assert!(exceeds(20, 1000, 201));
        assert_eq!(limit(20, 1000), 200);
    }

    #[test]
    fn the_limit_rounds_down() {
        assert_eq!(limit(20, 1204), 240);
        assert_eq!(limit(15, 99), 14);
        // 14 of 99 at 15 % passes (1400 <= 1485), 15 trips (1500 > 1485).
        assert!(!exceeds(15, 99, 14));
        assert!(exceeds(15, 99, 15));
    }

    #[test]
    fn zero_trips_on_any_and_one_hundred_never() {
        assert!(exceeds(0, 1000, 1));
        assert!(!exceeds(0, 1000, 0));
        assert!(!exceeds(100, 1000, 1000));
    }

    #[test]
    fn no_overflow_at_the_extremes() {
        assert!(exceeds(100, u64::MAX - 1, u64::MAX));
        assert_eq!(limit(100, u64::MAX), u64::MAX);
    }
}
