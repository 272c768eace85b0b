//! The arithmetic of a safeguard: when a count trips it, and the limit people are shown.
//!
//! Everything is compared in integers exactly as the rule book writes it; a percentage is never
//! rounded.

use crate::settings::Limit;
use serde::{Deserialize, Serialize};

/// What gave a limit its value: its percent of the population, or its count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Basis {
    #[default]
    Percent,
    Count,
}

/// The limit `rule` sets on `population`, and what gave it: the smaller of its percent's
/// (`floor(percent * population / 100)`, only from the activation minimum up) and its count (at
/// any population: it is absolute). A tie is the percent's. `None`: the rule is off, or has
/// only a percent and the population is below the minimum.
pub fn limit_of(rule: Limit, population: u64) -> Option<(u64, Basis)> {
    if !rule.enabled {
        return None;
    }
    let by_percent = rule
        .percent
        .filter(|_| is_checked(population))
        .map(|percent| (limit(percent, population), Basis::Percent));
    let by_count = rule.count.map(|count| (count, Basis::Count));
    match (by_percent, by_count) {
        (Some(p), Some(c)) => Some(if c.0 < p.0 { c } else { p }),
        (p, c) => p.or(c),
    }
}

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
    // Below 2^56 the product fits in u64 (a percent is at most 255 as a u8): the preview asks
    // this for every import it decides, and WebAssembly emulates 128-bit division.
    if population < 1 << 56 {
        return u64::from(percent) * population / 100;
    }
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

    fn rule(percent: Option<u8>, count: Option<u64>) -> Limit {
        Limit {
            enabled: true,
            percent,
            count,
        }
    }

    #[test]
    fn the_smaller_of_percent_and_count_holds_and_says_which() {
        assert_eq!(
            limit_of(rule(Some(20), Some(50)), 1000),
            Some((50, Basis::Count))
        );
        assert_eq!(
            limit_of(rule(Some(20), Some(500)), 1000),
            Some((200, Basis::Percent))
        );
        assert_eq!(
            limit_of(rule(Some(20), Some(200)), 1000),
            Some((200, Basis::Percent))
        );
        assert_eq!(limit_of(rule(None, None), 1000), None);
    }

    #[test]
    fn a_count_applies_below_the_activation_minimum_and_a_percent_does_not() {
        assert_eq!(limit_of(rule(None, Some(5)), 40), Some((5, Basis::Count)));
        assert_eq!(
            limit_of(rule(Some(20), Some(5)), 40),
            Some((5, Basis::Count))
        );
        assert_eq!(limit_of(rule(Some(20), None), 40), None);
        let off = Limit {
            enabled: false,
            ..rule(Some(0), Some(0))
        };
        assert_eq!(limit_of(off, 1000), None);
    }

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
        assert_eq!(limit(255, (1 << 56) - 1), 255 * ((1u64 << 56) - 1) / 100);
        assert_eq!(limit(20, 1 << 56), (1u64 << 56) / 5);
    }
}
