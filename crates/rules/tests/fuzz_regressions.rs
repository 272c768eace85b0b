//! Inputs the fuzz targets (`fuzz/`, `make fuzz`) found, kept so the finding cannot come back.
//! Each test names its target and what went wrong.
#![allow(clippy::unwrap_used)]

use safeguard_rules::filter::{self, MAX_FILTER_LENGTH};

/// Target `filter`: a filter within [`MAX_FILTER_LENGTH`] whose canonical form is longer than
/// the limit, so the canonical form (which `filter.rs` promises "parses back to an equal
/// filter") is refused as too long. The canonical form escapes each raw control character as
/// `\u0000` (one byte becomes six) and puts a space where the input had none.
///
/// Ignored until the filter module is fixed (it was outside the fuzzing change); see the report
/// of that change for the two fixes proposed: refuse raw control characters in quoted text, as
/// JSON does, and bound the round trip by the limit.
#[test]
#[ignore = "known: a canonical form can exceed MAX_FILTER_LENGTH (fuzz finding, filter module)"]
fn the_canonical_form_of_a_filter_within_the_limit_parses_back() {
    let control_characters = format!("a eq \"{}\"", "\0".repeat(700));
    let tight = "a eq\"x\"or ".repeat(MAX_FILTER_LENGTH / 11) + "a pr";
    for text in [tight, control_characters] {
        assert!(text.len() <= MAX_FILTER_LENGTH);
        let parsed = filter::parse(&text).unwrap();
        let canonical = parsed.to_string();
        assert_eq!(
            filter::parse(&canonical).map_err(|e| e.to_string()),
            Ok(parsed),
            "canonical form of {} bytes",
            canonical.len()
        );
    }
}
