//! Inputs the fuzz targets (`fuzz/`, `make fuzz`) found, kept so the finding cannot come back.
//! Each test names its target and what went wrong.
#![allow(clippy::unwrap_used)]

#[path = "fixtures/org.rs"]
mod org;

use safeguard_rules::csv_planner::{CsvPlanInput, plan_csv_in_parts};
use safeguard_rules::filter::{self, MAX_FILTER_LENGTH};
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::{PlanInput, plan_import};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_rules::snapshot_csv::read_csv_with;

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

/// Target `csv_planner`: a quoted cell opened and never closed. A single pass reads the rest of
/// the file into that cell; read in parts, the part holding the opening quote ended at the end
/// of the file, and the parts after it were read as rows of their own, so the plan had a user
/// the file does not list. A part before the last that meets the end of the file now reads the
/// file again in one pass.
#[test]
fn a_quote_never_closed_is_read_in_parts_as_in_one_pass() {
    let mut org = org::Org::new();
    let hr = org.profile_source("HR", true);
    for login in ["a@x", "b@x"] {
        let user = org.user(login);
        org.assign(&user, &hr);
    }
    let bytes = b"externalId,login\n1,a@x\n2,\"@X\nexternalId,f\"\"@x\n";
    let limits = SnapshotLimits::DEFAULT;
    let app = org.app_by_id(&hr).clone();
    let populations = org.populations();
    let expected = read_csv_with(bytes, &limits).map(|snapshot| {
        plan_import(PlanInput {
            app: &app,
            apps: &org.apps,
            users: &org.users,
            assignments: &org.assignments,
            populations: &populations,
            group_rules: &org.group_rules,
            snapshot: &snapshot,
        })
    });
    assert_eq!(expected.as_ref().map(|p| p.counts.scanned), Ok(2));
    let index = OrgIndex::new(&org.users, &org.assignments, &org.apps);
    let input = CsvPlanInput {
        app: &app,
        apps: &org.apps,
        users: &org.users,
        assignments: &org.assignments,
        populations: &populations,
        group_rules: &org.group_rules,
        index: &index,
    };
    assert_eq!(plan_csv_in_parts(bytes, &limits, input, 0), expected);
}
