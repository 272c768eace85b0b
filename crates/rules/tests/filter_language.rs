//! The System Log filter language, as an administrator uses it: what a filter matches, how it
//! prints, and what it says when it is wrong.

use proptest::prelude::*;
use safeguard_rules::filter::{Filter, FilterError, MAX_FILTER_LENGTH, MAX_NESTING_DEPTH, parse};
use serde_json::{Value, json};

fn filter(text: &str) -> Filter {
    match parse(text) {
        Ok(filter) => filter,
        Err(error) => panic!("{text:?} should parse: {error}"),
    }
}

fn matches(text: &str, event: &Value) -> bool {
    filter(text).matches(event)
}

fn error(text: &str) -> FilterError {
    match parse(text) {
        Ok(filter) => panic!("{text:?} should not parse, but gave {filter}"),
        Err(error) => error,
    }
}

/// The roadblock event of an import that tripped the app-level safeguard.
fn roadblock() -> Value {
    json!({
        "uuid": "8a2ec325-690a-4c16-9d1f-5cc86eced8ff",
        "published": "2026-03-02T10:15:30.123Z",
        "eventType": "system.import.roadblock",
        "severity": "WARN",
        "displayMessage": "Import paused: app-level unassignment safeguard exceeded",
        "actor": {"id": "0oa1workday", "type": "AppInstance", "displayName": "Workday"},
        "target": [
            {"id": "0oa1workday", "type": "AppInstance", "displayName": "Workday"},
            {"id": "imp_42", "type": "Import", "displayName": "Workday import 42"}
        ],
        "outcome": {"result": "FAILURE", "reason": "241 of 1204 app users would be unassigned; the limit is 240"},
        "debugContext": {"debugData": {
            "category": "email.bulkAppUnassignmentAppLevelRoadblock",
            "unassignments": 241,
            "population": 1204,
            "percent": 20,
            "orgLevel": false,
            "previousImport": null
        }}
    })
}

/// The notification email about that roadblock, which bounced.
fn bounced_email() -> Value {
    json!({
        "uuid": "5cc86ece-d8ff-4a2e-8c32-5690a1c16d00",
        "published": "2026-03-02T10:15:31Z",
        "eventType": "system.email.delivery",
        "severity": "INFO",
        "displayMessage": "Email delivery FAILURE: bounce",
        "actor": {"id": "system", "type": "System", "displayName": "Okta System"},
        "target": [{"id": "00u1admin", "type": "User", "displayName": "Ada Admin"}],
        "outcome": {"result": "FAILURE", "reason": "bounce"},
        "debugContext": {"debugData": {"category": "email.bulkAppUnassignmentAppLevelRoadblock"}}
    })
}

/// An import that completed, with no reason and no targets.
fn completed_import() -> Value {
    json!({
        "uuid": "0d1f5cc8-6ece-48ff-9a2e-c325690a1c16",
        "published": "2025-12-31T23:59:59Z",
        "eventType": "system.import.complete",
        "severity": "INFO",
        "displayMessage": "Import completed",
        "actor": {"id": "0oa1workday", "type": "AppInstance", "displayName": "Workday"},
        "target": [],
        "outcome": {"result": "SUCCESS"},
        "debugContext": {"debugData": {}}
    })
}

// --- Operators -----------------------------------------------------------------------------

#[test]
fn eq_matches_equal_text_only() {
    let event = roadblock();
    assert!(matches(r#"eventType eq "system.import.roadblock""#, &event));
    assert!(!matches(r#"eventType eq "system.import.complete""#, &event));
    assert!(!matches(r#"eventType eq "system.import""#, &event));
}

#[test]
fn ne_matches_different_text_only() {
    let event = roadblock();
    assert!(matches(r#"severity ne "INFO""#, &event));
    assert!(!matches(r#"severity ne "WARN""#, &event));
}

#[test]
fn co_matches_text_containing_the_value() {
    let event = roadblock();
    assert!(matches(r#"displayMessage co "unassignment""#, &event));
    assert!(matches(r#"displayMessage co """#, &event));
    assert!(!matches(r#"displayMessage co "deactivation""#, &event));
}

#[test]
fn sw_matches_text_starting_with_the_value() {
    let event = roadblock();
    assert!(matches(r#"eventType sw "system.import.""#, &event));
    assert!(!matches(r#"eventType sw "import""#, &event));
}

#[test]
fn ew_matches_text_ending_with_the_value() {
    let event = roadblock();
    assert!(matches(r#"eventType ew ".roadblock""#, &event));
    assert!(!matches(r#"eventType ew ".resume""#, &event));
}

#[test]
fn gt_ge_lt_le_order_numbers() {
    let event = roadblock();
    let count = "debugContext.debugData.unassignments";
    assert!(matches(&format!("{count} gt 240"), &event));
    assert!(!matches(&format!("{count} gt 241"), &event));
    assert!(matches(&format!("{count} ge 241"), &event));
    assert!(!matches(&format!("{count} ge 242"), &event));
    assert!(matches(&format!("{count} lt 241.5"), &event));
    assert!(!matches(&format!("{count} lt 241"), &event));
    assert!(matches(&format!("{count} le 241"), &event));
    assert!(!matches(&format!("{count} le 240.99"), &event));
}

#[test]
fn gt_ge_lt_le_order_timestamps_as_text() {
    let event = roadblock();
    assert!(matches(r#"published gt "2026-01-01T00:00:00Z""#, &event));
    assert!(!matches(r#"published gt "2026-04-01T00:00:00Z""#, &event));
    assert!(matches(
        r#"published ge "2026-03-02T10:15:30.123Z""#,
        &event
    ));
    assert!(matches(r#"published lt "2026-03-03""#, &event));
    assert!(!matches(r#"published lt "2026-03-02""#, &event));
    assert!(matches(
        r#"published le "2026-03-02T10:15:30.123Z""#,
        &event
    ));
    assert!(matches(
        r#"published ge "2026-03-02T00:00:00Z" and published lt "2026-03-03T00:00:00Z""#,
        &event
    ));
}

#[test]
fn ordering_text_against_a_number_is_false() {
    let event = roadblock();
    assert!(!matches(
        r#"debugContext.debugData.unassignments gt "1""#,
        &event
    ));
    assert!(!matches("published gt 1", &event));
}

#[test]
fn pr_is_true_for_values_that_are_there() {
    let event = roadblock();
    assert!(matches("outcome.reason pr", &event));
    assert!(matches("actor pr", &event));
    assert!(matches("target pr", &event));
    assert!(matches("debugContext.debugData.orgLevel pr", &event));
    assert!(matches("debugContext.debugData.percent pr", &event));
}

#[test]
fn pr_is_false_for_missing_null_empty_text_and_empty_arrays() {
    let event = json!({"reason": "", "tags": [], "previous": null, "nulls": [null]});
    assert!(!matches("outcome.reason pr", &completed_import()));
    assert!(!matches("target pr", &completed_import()));
    assert!(!matches("target.id pr", &completed_import()));
    assert!(!matches("reason pr", &event));
    assert!(!matches("tags pr", &event));
    assert!(!matches("previous pr", &event));
    assert!(!matches("nulls pr", &event));
    assert!(!matches("missing pr", &event));
}

// --- Case ----------------------------------------------------------------------------------

#[test]
fn keywords_and_operators_ignore_case() {
    let event = roadblock();
    let shouted = r#"eventType EQ "system.import.roadblock" AND NOT (severity Eq "INFO") Or outcome.reason PR"#;
    assert!(matches(shouted, &event));
    assert_eq!(
        filter(shouted),
        filter(
            r#"eventType eq "system.import.roadblock" and not (severity eq "INFO") or outcome.reason pr"#
        )
    );
    assert!(matches("debugContext.debugData.orgLevel eq FALSE", &event));
    assert!(matches(
        "debugContext.debugData.previousImport eq Null",
        &event
    ));
}

#[test]
fn attribute_paths_are_case_sensitive() {
    let event = roadblock();
    assert!(!matches(
        r#"EventType eq "system.import.roadblock""#,
        &event
    ));
    assert!(!matches("actor.displayname pr", &event));
    assert!(matches("actor.displayName pr", &event));
}

#[test]
fn text_comparisons_ignore_case() {
    let event = roadblock();
    assert!(matches(r#"severity eq "warn""#, &event));
    assert!(!matches(r#"severity ne "Warn""#, &event));
    assert!(matches(r#"displayMessage co "SAFEGUARD""#, &event));
    assert!(matches(r#"eventType sw "SYSTEM.Import""#, &event));
    assert!(matches(r#"actor.displayName ew "DAY""#, &event));
    assert!(matches(r#"published gt "2026-01-01t00:00:00z""#, &event));
    assert!(matches(
        r#"displayMessage co "ÜBER""#,
        &json!({"displayMessage": "über"})
    ));
}

// --- Values --------------------------------------------------------------------------------

#[test]
fn numbers_compare_numerically() {
    let event = json!({"count": 42, "ratio": -1.5, "big": 9_007_199_254_740_993_u64});
    assert!(matches("count eq 42", &event));
    assert!(matches("count eq 42.0", &event));
    assert!(matches("count eq 4.2e1", &event));
    assert!(!matches("count eq 43", &event));
    assert!(matches("ratio eq -1.5", &event));
    assert!(matches("ratio lt -1", &event));
    assert!(matches("big gt 9007199254740992", &event));
    assert!(!matches("big eq 9007199254740992", &event));
}

#[test]
fn text_and_numbers_never_equal_each_other() {
    let event = json!({"count": 42, "code": "42"});
    assert!(!matches(r#"count eq "42""#, &event));
    assert!(!matches("code eq 42", &event));
    assert!(matches(r#"code eq "42""#, &event));
}

#[test]
fn booleans_and_null_equal_only_themselves() {
    let event = json!({"flag": true, "off": false, "nothing": null, "zero": 0, "empty": ""});
    assert!(matches("flag eq true", &event));
    assert!(!matches("flag eq false", &event));
    assert!(matches("off eq false", &event));
    assert!(!matches("off eq null", &event));
    assert!(matches("nothing eq null", &event));
    assert!(!matches("zero eq false", &event));
    assert!(!matches("empty eq null", &event));
    assert!(!matches(r#"flag eq "true""#, &event));
}

#[test]
fn text_values_take_escapes() {
    let event = json!({"message": "say \"hi\"\\bye\n\tdone é"});
    assert!(matches(
        r#"message eq "say \"hi\"\\bye\n\tdone \u00e9""#,
        &event
    ));
    assert!(matches(r#"message co "\"hi\"""#, &event));
}

// --- Arrays and missing attributes -----------------------------------------------------------

#[test]
fn a_condition_on_an_array_holds_if_any_element_satisfies_it() {
    let event = roadblock();
    assert!(matches(r#"target.displayName eq "Workday""#, &event));
    assert!(matches(r#"target.id eq "imp_42""#, &event));
    assert!(matches(r#"target.type eq "import""#, &event));
    assert!(!matches(r#"target.displayName eq "Okta""#, &event));
    assert!(matches(r#"target.displayName co "import 42""#, &event));
}

#[test]
fn an_array_of_values_at_the_end_of_the_path_counts_each_value() {
    let event = json!({"tags": ["safeguard", "roadblock"], "counts": [1, 5]});
    assert!(matches(r#"tags eq "roadblock""#, &event));
    assert!(!matches(r#"tags eq "resume""#, &event));
    assert!(matches("counts gt 4", &event));
    assert!(!matches("counts gt 5", &event));
}

#[test]
fn ne_on_an_array_means_no_element_equals() {
    let event = roadblock();
    assert!(!matches(r#"target.displayName ne "Workday""#, &event));
    assert!(matches(r#"target.displayName ne "Okta""#, &event));
    assert_eq!(
        matches(r#"target.displayName ne "Workday""#, &event),
        matches(r#"not (target.displayName eq "Workday")"#, &event)
    );
}

#[test]
fn conditions_on_missing_attributes_are_false_except_ne() {
    let event = completed_import();
    for operator in ["eq", "co", "sw", "ew", "gt", "ge", "lt", "le"] {
        let text = format!(r#"outcome.reason {operator} "bounce""#);
        assert!(!matches(&text, &event), "{text}");
    }
    assert!(matches(r#"outcome.reason ne "bounce""#, &event));
    assert!(matches("nowhere.at.all ne null", &event));
    assert!(!matches("nowhere.at.all eq null", &event));
    assert!(!matches(r#"target.displayName eq "Workday""#, &event));
    assert!(!matches(r#"eventType.name eq "x""#, &event));
}

// --- Structure -----------------------------------------------------------------------------

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(
        filter("a pr or b pr and c pr"),
        filter("a pr or (b pr and c pr)")
    );
    assert_ne!(
        filter("a pr or b pr and c pr"),
        filter("(a pr or b pr) and c pr")
    );
    let only_a = json!({"a": 1});
    assert!(matches("a pr or b pr and c pr", &only_a));
    assert!(!matches("(a pr or b pr) and c pr", &only_a));
    assert!(matches("b pr and c pr or a pr", &only_a));
}

#[test]
fn and_and_or_are_left_associative_and_chain() {
    let event = json!({"a": 1, "b": 2});
    assert!(matches("a pr and b pr and a eq 1", &event));
    assert!(!matches("a pr and b pr and c pr", &event));
    assert!(matches("c pr or d pr or b eq 2", &event));
}

#[test]
fn not_binds_tightest() {
    let only_b = json!({"b": 1});
    assert_eq!(
        filter("not (a pr) and b pr"),
        filter("(not (a pr)) and b pr")
    );
    assert!(matches("not (a pr) and b pr", &only_b));
    assert!(!matches("not (a pr and b pr) and a pr", &only_b));
    assert!(matches("not (not (b pr))", &only_b));
    assert!(matches("NOT(a pr)", &only_b));
}

#[test]
fn parentheses_group() {
    let event = roadblock();
    assert!(matches(
        r#"((severity eq "WARN")) and ((eventType sw "system." or actor pr))"#,
        &event
    ));
    assert_eq!(filter("((a pr))"), filter("a pr"));
    assert!(!matches(
        r#"severity eq "INFO" and (eventType sw "system." or actor pr)"#,
        &event
    ));
}

// --- The filters administrators run ---------------------------------------------------------

#[test]
fn the_bulk_unassignment_email_filter_finds_the_roadblock_and_its_email() {
    let text = r#"debugContext.debugData.category eq "email.bulkAppUnassignmentAppLevelRoadblock""#;
    assert!(matches(text, &roadblock()));
    assert!(matches(text, &bounced_email()));
    assert!(!matches(text, &completed_import()));
}

#[test]
fn roadblocks_that_warn_or_did_not_succeed() {
    let text = r#"eventType eq "system.import.roadblock" and (severity eq "WARN" or not (outcome.result eq "SUCCESS"))"#;
    assert!(matches(text, &roadblock()));
    assert!(!matches(text, &bounced_email()));
    assert!(!matches(text, &completed_import()));

    let quiet_roadblock = {
        let mut event = roadblock();
        event["severity"] = json!("INFO");
        event["outcome"] = json!({"result": "SUCCESS"});
        event
    };
    assert!(!matches(text, &quiet_roadblock));
}

#[test]
fn bounced_notification_emails() {
    let text = r#"eventType eq "system.email.delivery" and outcome.result eq "FAILURE" and (outcome.reason eq "bounce" or outcome.reason eq "dropped")"#;
    assert!(matches(text, &bounced_email()));
    assert!(!matches(text, &roadblock()));
}

#[test]
fn everything_about_one_app_this_year() {
    let text = r#"(actor.displayName eq "Workday" or target.displayName eq "Workday") and published ge "2026-01-01T00:00:00Z""#;
    assert!(matches(text, &roadblock()));
    assert!(!matches(text, &bounced_email()));
    assert!(!matches(text, &completed_import()));
}

// --- Canonical form ------------------------------------------------------------------------

#[test]
fn display_prints_the_canonical_form() {
    let cases = [
        (
            r#"  eventType   EQ "system.import.roadblock"AND(severity eq "WARN" OR NOT(outcome.result eq "SUCCESS"))"#,
            r#"eventType eq "system.import.roadblock" and (severity eq "WARN" or not (outcome.result eq "SUCCESS"))"#,
        ),
        ("a pr or (b pr and c pr)", "a pr or b pr and c pr"),
        ("(a pr or b pr) and c pr", "(a pr or b pr) and c pr"),
        ("a pr and (b pr and c pr)", "a pr and (b pr and c pr)"),
        ("a pr or (b pr or c pr)", "a pr or (b pr or c pr)"),
        ("((a pr))", "a pr"),
        ("not ((a pr))", "not (a pr)"),
        ("x eq TRUE or y eq NULL", "x eq true or y eq null"),
        ("n eq 1E3 or n eq -0.50", "n eq 1000.0 or n eq -0.5"),
        (
            r#"m eq "tab\there \"q\" back\\slash \u00E9 \u0001 \/""#,
            r#"m eq "tab\there \"q\" back\\slash é \u0001 /""#,
        ),
    ];
    for (written, canonical) in cases {
        assert_eq!(filter(written).to_string(), canonical, "{written}");
    }
}

#[test]
fn display_parses_back_to_an_equal_filter() {
    let texts = [
        r#"debugContext.debugData.category eq "email.bulkAppUnassignmentAppLevelRoadblock""#,
        r#"eventType eq "system.import.roadblock" and (severity eq "WARN" or not (outcome.result eq "SUCCESS"))"#,
        "a pr and (b pr and (c pr or d pr)) or not (not (e eq -1.5e-7))",
        r#"x eq "emoji \ud83d\ude00 and \"quotes\"" or y ne 18446744073709551615"#,
        "x lt -9223372036854775808 and y gt 1e300 and z eq 5e-324",
    ];
    for text in texts {
        let parsed = filter(text);
        let shown = parsed.to_string();
        assert_eq!(parse(&shown), Ok(parsed), "{text} -> {shown}");
    }
}

#[test]
fn filters_parse_through_from_str_too() {
    let parsed: Filter = r#"severity eq "WARN""#.parse().unwrap();
    assert_eq!(parsed, filter(r#"severity eq "WARN""#));
}

// --- Errors --------------------------------------------------------------------------------

/// Each malformed filter, where the caret goes, and words the message must contain.
const MALFORMED: &[(&str, usize, &str)] = &[
    (
        r#"eventType equals "x""#,
        10,
        r#"expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after "eventType", found "equals""#,
    ),
    (
        "eventType",
        9,
        "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after \"eventType\", found the end of the filter",
    ),
    (
        r#"eventType eq "system.import"#,
        13,
        "unterminated string starting here",
    ),
    (
        r#"x eq "ends in a backslash\"#,
        5,
        "unterminated string starting here",
    ),
    (
        r#"eventType pr and (severity eq "WARN""#,
        36,
        r#"expected ")" to close the "(" at position 17, found the end of the filter"#,
    ),
    (
        r#"(a pr or (b pr) c pr"#,
        16,
        r#"expected ")" to close the "(" at position 0, found "c""#,
    ),
    (
        "and severity pr",
        0,
        r#"unexpected "and": a condition must come first"#,
    ),
    (
        "severity pr and OR x pr",
        16,
        r#"unexpected "or": a condition must come after "and""#,
    ),
    (
        "severity pr and",
        15,
        r#"expected a condition after "and", found the end of the filter"#,
    ),
    ("", 0, "filter is empty"),
    (" \t\n ", 0, "filter is empty"),
    ("()", 1, r#"expected a condition, found ")""#),
    ("severity pr)", 11, r#"unexpected ")""#),
    (
        r#"severity eq "WARN" outcome.result pr"#,
        19,
        r#"expected "and", "or" or the end of the filter after a condition, found "outcome.result""#,
    ),
    (
        "severity eq WARN",
        12,
        r#"found "WARN"; put text in double quotes: "WARN""#,
    ),
    ("severity eq", 11, r#"expected a value after "eq""#),
    ("severity eq (", 12, r#"expected a value after "eq""#),
    ("severity = \"WARN\"", 9, "use eq"),
    ("severity == \"WARN\"", 9, "use eq"),
    ("severity != \"WARN\"", 9, "use ne"),
    ("a pr && b pr", 5, "use and"),
    ("a pr || b pr", 5, "use or"),
    ("!(a pr)", 0, "use not"),
    ("severity eq 'WARN'", 12, "double quotes"),
    ("a pr # comment", 5, r##"unexpected character "#""##),
    ("not severity pr", 4, r#"expected "(" after "not""#),
    ("not", 3, r#"expected "(" after "not""#),
    ("actor.displayName co 42", 21, r#""co" compares text"#),
    ("actor.displayName sw true", 21, r#""sw" compares text"#),
    (
        "published gt null",
        13,
        r#""gt" compares text in double quotes or a number"#,
    ),
    ("\"WARN\" eq severity", 0, "expected an attribute name"),
    ("42 eq count", 0, "expected an attribute name"),
    ("debugContext. eq \"x\"", 13, r#"after ".""#),
    ("a..b pr", 2, r#"after ".""#),
    ("x pr \"y\"", 5, r#""pr" takes no value"#),
    (r#"x eq "bad \q escape""#, 10, r#"unknown escape "\q""#),
    (r#"x eq "\u12""#, 6, "four hex digits"),
    (r#"x eq "\ud83d""#, 6, "surrogate pair"),
    ("x eq 01", 5, r#""01" is not a valid number"#),
    ("x eq 42abc", 5, r#""42abc" is not a valid number"#),
    ("x eq 1e400", 5, r#""1e400" is not a valid number"#),
    ("x eq -", 5, r#"unexpected character "-""#),
    // Positions count characters: "Zoë" is one character shorter in characters than in bytes.
    (
        r#"actor.displayName eq "Zoë" und x pr"#,
        27,
        r#"found "und""#,
    ),
    (
        r#"x eq "日本語" and (y pr"#,
        20,
        r#"to close the "(" at position 15"#,
    ),
];

#[test]
fn malformed_filters_say_where_and_what() {
    for &(text, position, words) in MALFORMED {
        let error = error(text);
        assert_eq!(error.position, position, "{text:?}: {error}");
        assert!(
            error.message.contains(words),
            "{text:?}: message {:?} should contain {words:?}",
            error.message
        );
        assert!(error.position <= text.chars().count(), "{text:?}");
    }
}

#[test]
fn errors_display_their_position() {
    assert_eq!(
        error("severity eq WARN").to_string(),
        r#"at position 12: expected a value after "eq", found "WARN"; put text in double quotes: "WARN""#
    );
}

#[test]
fn the_first_problem_in_reading_order_is_reported() {
    // A wrong operator before an unterminated string: the operator is what the administrator
    // reads first.
    let error = error(r#"eventType equals "system.import"#);
    assert_eq!(error.position, 10);
}

// --- Limits --------------------------------------------------------------------------------

#[test]
fn filters_up_to_the_length_limit_parse() {
    let padding = "a".repeat(MAX_FILTER_LENGTH - r#"x eq """#.len());
    let longest = format!(r#"x eq "{padding}""#);
    assert_eq!(longest.len(), MAX_FILTER_LENGTH);
    assert!(parse(&longest).is_ok());
}

#[test]
fn a_filter_over_the_length_limit_is_refused_where_it_overflows() {
    let padding = "a".repeat(MAX_FILTER_LENGTH - r#"x eq "#.len());
    let too_long = format!("x eq {padding}\"");
    assert_eq!(too_long.len(), MAX_FILTER_LENGTH + 1);
    let refused = error(&too_long);
    assert_eq!(refused.position, MAX_FILTER_LENGTH);
    assert!(refused.message.contains("too long"), "{}", refused.message);
    assert!(refused.message.contains("4096"), "{}", refused.message);
}

#[test]
fn the_length_limit_counts_bytes_but_points_at_a_character() {
    // "é" is two bytes: 6 + 2 * 2045 = 4096 bytes fit, so the 2046th "é" is the first one over.
    let too_long = format!("x eq \"{}\"", "é".repeat(2046));
    let refused = error(&too_long);
    assert!(refused.message.contains("too long"), "{}", refused.message);
    assert_eq!(refused.position, 6 + 2045);
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let deepest = format!(
        "{}x pr{}",
        "(".repeat(MAX_NESTING_DEPTH),
        ")".repeat(MAX_NESTING_DEPTH)
    );
    assert!(matches(&deepest, &json!({"x": 1})));

    let deepest_not = format!(
        "{}x pr{}",
        "not (".repeat(MAX_NESTING_DEPTH),
        ")".repeat(MAX_NESTING_DEPTH)
    );
    assert!(matches(&deepest_not, &json!({"x": 1})));
    assert_eq!(
        parse(&filter(&deepest_not).to_string()),
        parse(&deepest_not)
    );
}

#[test]
fn nesting_past_the_limit_is_refused_at_the_first_level_too_many() {
    let too_deep = format!(
        "{}x pr{}",
        "(".repeat(MAX_NESTING_DEPTH + 1),
        ")".repeat(MAX_NESTING_DEPTH + 1)
    );
    let refused = error(&too_deep);
    assert_eq!(refused.position, MAX_NESTING_DEPTH);
    assert!(
        refused.message.contains("nested too deeply"),
        "{}",
        refused.message
    );
    assert!(refused.message.contains("32"), "{}", refused.message);

    let too_deep_not = format!("{}x pr", "not (".repeat(MAX_NESTING_DEPTH + 1));
    assert_eq!(
        error(&too_deep_not).position,
        MAX_NESTING_DEPTH * "not (".len()
    );
}

#[test]
fn hostile_nesting_returns_an_error_instead_of_crashing() {
    for text in [
        "(".repeat(10_000),
        "(".repeat(4_000),
        "not (".repeat(800),
        "not (".repeat(10_000),
        format!("{}x pr{}", "(".repeat(2_000), ")".repeat(2_000)),
        ")".repeat(4_000),
    ] {
        let refused = error(&text);
        assert!(refused.position <= text.chars().count());
    }
}

#[test]
fn long_flat_chains_are_fine() {
    let chain = vec!["x pr"; 400].join(" and ");
    assert!(chain.len() <= MAX_FILTER_LENGTH);
    assert!(matches(&chain, &json!({"x": 1})));
    let either = vec!["x pr"; 400].join(" or ");
    assert!(!matches(&either, &json!({})));
}

// --- Properties ----------------------------------------------------------------------------

/// A keyword as an administrator might type it: lower, upper or mixed case.
fn keyword(word: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(word.to_owned()),
        Just(word.to_uppercase()),
        Just(
            word.chars()
                .enumerate()
                .map(|(i, c)| if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                })
                .collect::<String>()
        ),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "eventType",
            "severity",
            "published",
            "actor.displayName",
            "target.id",
            "target.displayName",
            "outcome.result",
            "debugContext.debugData.category",
            "debugContext.debugData.unassignments",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z_][a-zA-Z0-9_]{0,4}(\\.[a-zA-Z0-9_]{1,4}){0,3}".prop_filter(
            "and, or and not are keywords where a condition starts",
            |path| !["and", "or", "not"]
                .iter()
                .any(|keyword| path.eq_ignore_ascii_case(keyword))
        ),
    ]
}

/// Text in double quotes, escaped as a person would, sometimes with `\u` escapes.
fn quoted_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(any::<char>(), 0..12), any::<bool>()).prop_map(|(chars, escape_all)| {
        let mut quoted = String::from("\"");
        for c in chars {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                c if escape_all || c.is_control() => {
                    let mut units = [0_u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        quoted.push_str(&format!("\\u{unit:04X}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        quoted
    })
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("numbers in a filter are finite", |n| n.is_finite())
            .prop_map(|n| format!("{n:?}")),
        (-1000_i32..1000, -20_i32..20)
            .prop_map(|(mantissa, exponent)| format!("{mantissa}e{exponent}")),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    let text_operator =
        prop::sample::select(vec!["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
    let number_operator = prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"]);
    let plain_value = prop::sample::select(vec!["true", "false", "null", "TRUE", "Null"]);
    prop_oneof![
        (path(), text_operator, quoted_text())
            .prop_map(|(path, operator, value)| format!("{path} {operator} {value}")),
        (path(), number_operator, number())
            .prop_map(|(path, operator, value)| format!("{path} {operator} {value}")),
        (path(), keyword("eq"), plain_value)
            .prop_map(|(path, operator, value)| format!("{path} {operator} {value}")),
        (path(), keyword("pr")).prop_map(|(path, pr)| format!("{path} {pr}")),
    ]
}

/// Filter text with random structure, case and spacing. Joining valid filters with `and` or `or`
/// always gives a valid filter, whatever the precedence makes of it.
fn filter_text() -> impl Strategy<Value = String> {
    condition().prop_recursive(5, 24, 3, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 2..4), keyword("and"))
                .prop_map(|(terms, and)| terms.join(&format!(" {and} "))),
            (prop::collection::vec(inner.clone(), 2..4), keyword("or"))
                .prop_map(|(terms, or)| terms.join(&format!(" {or} "))),
            (inner.clone(), keyword("not")).prop_map(|(term, not)| format!("{not} ({term})")),
            inner.prop_map(|term| format!("( {term} )")),
        ]
    })
}

proptest! {
    #[test]
    fn generated_filters_round_trip_through_display(text in filter_text()) {
        prop_assume!(text.len() <= MAX_FILTER_LENGTH);
        let parsed = match parse(&text) {
            Ok(parsed) => parsed,
            Err(error) => return Err(TestCaseError::fail(format!("{text:?}: {error}"))),
        };
        let shown = parsed.to_string();
        // Canonical numbers can be longer than written ones (5e15 prints all its digits).
        prop_assume!(shown.len() <= MAX_FILTER_LENGTH);
        let again = parse(&shown);
        prop_assert_eq!(again.as_ref(), Ok(&parsed), "{} -> {}", text, shown);
        if let Ok(again) = again {
            prop_assert_eq!(&again.to_string(), &shown);
        }
        // Matching an event neither panics nor depends on which of the two was parsed.
        prop_assert_eq!(parsed.matches(&roadblock()), filter(&shown).matches(&roadblock()));
    }

    #[test]
    fn arbitrary_text_never_panics_and_what_parses_round_trips(
        text in prop_oneof![
            any::<String>(),
            "[()a-zA-Z. \"\\\\=!<>&|0-9eE+-]{0,80}",
            "((and|or|not|eq|pr|x|\\(|\\)|\"v\"|1) ){0,40}",
        ]
    ) {
        match parse(&text) {
            Ok(parsed) => {
                let shown = parsed.to_string();
                prop_assert_eq!(parse(&shown), Ok(parsed.clone()), "{} -> {}", text, shown);
                let _ = parsed.matches(&roadblock());
            }
            Err(error) => {
                prop_assert!(error.position <= text.chars().count(), "{:?}: {}", text, error);
                prop_assert!(!error.message.is_empty());
            }
        }
    }
}
