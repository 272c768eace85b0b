//! The bounds of a snapshot (`SnapshotLimits`): the same for the CSV and JSON forms, each
//! refusal naming the limit and where it was crossed.
#![allow(clippy::unwrap_used)]

use safeguard_rules::snapshot::{
    Origin, SnapshotLimits, SnapshotRejection, SnapshotUser, validate_with,
};
use safeguard_rules::snapshot_csv::{read_csv, read_csv_with};

fn user(i: usize) -> SnapshotUser {
    SnapshotUser {
        external_id: i.to_string(),
        login: format!("user{i}@example.com"),
        ..Default::default()
    }
}

fn small(max_users: usize) -> SnapshotLimits {
    SnapshotLimits {
        max_users,
        ..SnapshotLimits::DEFAULT
    }
}

#[test]
fn the_defaults_are_the_documented_values() {
    let limits = SnapshotLimits::default();
    assert_eq!(limits.max_users, 2_000_000);
    assert_eq!(limits.max_columns, 200);
    // Every column but externalId and login can be an attribute.
    assert_eq!(limits.max_attributes, 198);
    assert_eq!(limits.max_field_chars, 256);
    assert_eq!(limits.max_name_chars, 128);
    assert_eq!(limits.max_attribute_name_chars, 128);
    assert_eq!(limits.max_attribute_value_chars, 1024);
}

#[test]
fn csv_reading_stops_at_the_first_row_past_the_user_limit() {
    let csv = "externalId,login\n1,a@x\n2,b@x\n3,c@x\n";
    assert_eq!(read_csv_with(csv.as_bytes(), &small(3)).unwrap().len(), 3);
    let Err(SnapshotRejection::TooLarge(errors)) = read_csv_with(csv.as_bytes(), &small(2)) else {
        panic!("expected too large")
    };
    assert_eq!(errors[0].field, "row 4");
    assert!(errors[0].message.contains("more than 2 users"));
}

#[test]
fn json_users_past_the_limit_are_too_large() {
    let users: Vec<SnapshotUser> = (0..3).map(user).collect();
    let Err(SnapshotRejection::TooLarge(errors)) =
        validate_with(&users, Origin::JsonIndex, &small(2))
    else {
        panic!("expected too large")
    };
    assert_eq!(errors[0].field, "users[2]");
}

#[test]
fn lengths_are_counted_in_characters() {
    let mut at_limit = user(1);
    at_limit.first_name = Some("é".repeat(128));
    at_limit.login = "é".repeat(256);
    assert!(
        validate_with(
            &[at_limit.clone()],
            Origin::JsonIndex,
            &SnapshotLimits::DEFAULT
        )
        .is_ok()
    );
    at_limit.first_name = Some("é".repeat(129));
    let Err(SnapshotRejection::Invalid(errors)) =
        validate_with(&[at_limit], Origin::JsonIndex, &SnapshotLimits::DEFAULT)
    else {
        panic!("expected invalid")
    };
    assert_eq!(errors[0].field, "users[0].firstName");
    assert!(errors[0].message.contains("128 characters"));
}

#[test]
fn a_long_value_in_csv_names_its_row_and_column() {
    let csv = format!("externalId,login,department\n1,a@x,{}\n", "d".repeat(1025));
    let errors = read_csv(csv.as_bytes()).unwrap_err();
    assert_eq!(errors[0].field, "row 2, column department");
    assert!(errors[0].message.contains("1024 characters"));
}

#[test]
fn a_long_attribute_name_in_json_is_cut_in_the_error() {
    let mut wide = user(1);
    wide.attributes.insert("n".repeat(500), "v".to_owned());
    let Err(SnapshotRejection::Invalid(errors)) =
        validate_with(&[wide], Origin::JsonIndex, &SnapshotLimits::DEFAULT)
    else {
        panic!("expected invalid")
    };
    assert_eq!(
        errors[0].field,
        format!("users[0].attributes.{}...", "n".repeat(64))
    );
    assert!(errors[0].message.contains("128 characters"));
}

#[test]
fn a_header_wider_than_the_limit_is_too_large_before_any_row_is_read() {
    let header = std::iter::once("externalId,login".to_owned())
        .chain((0..199).map(|i| format!("a{i}")))
        .collect::<Vec<_>>()
        .join(",");
    let Err(SnapshotRejection::TooLarge(errors)) =
        read_csv_with(format!("{header}\n").as_bytes(), &SnapshotLimits::DEFAULT)
    else {
        panic!("expected too large")
    };
    assert_eq!(errors[0].field, "row 1");
    assert!(
        errors[0]
            .message
            .contains("201 columns; a snapshot may have at most 200")
    );
}
