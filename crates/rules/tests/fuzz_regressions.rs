//! Inputs the fuzz targets (`fuzz/`, `make fuzz`) found, kept so the finding cannot come back.
//! Each test names its target and what went wrong.
#![allow(clippy::unwrap_used)]

use safeguard_rules::filter::{self, MAX_FILTER_LENGTH};

/// Target `filter`: a filter within [`MAX_FILTER_LENGTH`] whose canonical form is longer than
/// the limit (each raw control character is written `\u0000`, and spaces go between tokens), so
/// the canonical form, which must parse back to an equal filter, was refused as too long. Now
/// such a filter is refused when first parsed, with a message naming the limit; every filter
/// that is accepted round-trips.
#[test]
fn a_filter_is_accepted_only_if_its_canonical_form_parses_back() {
    let control_characters = format!("a eq \"{}\"", "\0".repeat(700));
    let tight = "a eq\"x\"or ".repeat(MAX_FILTER_LENGTH / 11) + "a pr";
    for text in [tight, control_characters] {
        assert!(text.len() <= MAX_FILTER_LENGTH);
        let error = filter::parse(&text).unwrap_err();
        assert!(error.message.contains("canonical form"), "{error}");
        assert!(
            error.message.contains(&MAX_FILTER_LENGTH.to_string()),
            "{error}"
        );
    }
    // Just under the limit once canonical: accepted, and the canonical form parses back.
    let fits = "a eq \"x\" or ".repeat(MAX_FILTER_LENGTH / 13 - 1) + "a pr";
    let parsed = filter::parse(&fits).unwrap();
    assert_eq!(filter::parse(&parsed.to_string()).unwrap(), parsed);
}
