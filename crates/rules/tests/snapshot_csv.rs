//! Reading a CSV snapshot as spreadsheets and HR systems actually write them.

use safeguard_rules::snapshot_csv::read_csv;

#[test]
fn a_byte_order_mark_before_the_header_is_ignored() {
    let users = read_csv(b"\xef\xbb\xbfexternalId,login\n1,ada@example.com\n").unwrap();
    assert_eq!(users[0].external_id, "1");
    assert_eq!(users[0].login, "ada@example.com");
}

#[test]
fn quoted_fields_keep_their_commas_quotes_and_line_breaks() {
    let csv = "externalId,login,lastName,title\n\
               1,ada@example.com,\"Lovelace, Countess\",\"Analyst\nof \"\"Engines\"\"\"\n\
               2,bob@example.com,Babbage,\n";
    let users = read_csv(csv.as_bytes()).unwrap();
    assert_eq!(
        users.len(),
        2,
        "the line break inside quotes is not a new row"
    );
    assert_eq!(users[0].last_name.as_deref(), Some("Lovelace, Countess"));
    assert_eq!(users[0].attributes["title"], "Analyst\nof \"Engines\"");
    assert_eq!(users[1].login, "bob@example.com");
}

#[test]
fn known_columns_are_recognised_whatever_their_case_and_attributes_keep_theirs() {
    let csv = "ExternalID, LOGIN ,FirstName,lastname,EMAIL,Cost Center\n\
               e1,ada@example.com,Ada,Lovelace,ada@example.com,CC-7\n";
    let users = read_csv(csv.as_bytes()).unwrap();
    let ada = &users[0];
    assert_eq!(
        (ada.external_id.as_str(), ada.login.as_str()),
        ("e1", "ada@example.com")
    );
    assert_eq!(ada.first_name.as_deref(), Some("Ada"));
    assert_eq!(ada.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(ada.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        ada.attributes.get("Cost Center").map(String::as_str),
        Some("CC-7")
    );
}

#[test]
fn spaces_around_values_are_trimmed_and_empty_optional_cells_are_no_value() {
    let users = read_csv(b"externalId,login,firstName,email\n 7 , ada@example.com ,  ,\n").unwrap();
    assert_eq!(users[0].external_id, "7");
    assert_eq!(users[0].login, "ada@example.com");
    assert_eq!(users[0].first_name, None);
    assert_eq!(users[0].email, None);
}

#[test]
fn windows_line_endings_read_like_unix_ones() {
    let users = read_csv(b"externalId,login\r\n1,a@x\r\n2,b@x\r\n").unwrap();
    let logins: Vec<_> = users.iter().map(|u| u.login.as_str()).collect();
    assert_eq!(logins, ["a@x", "b@x"]);
}

#[test]
fn a_header_without_rows_is_an_empty_snapshot() {
    // An empty snapshot is a full import that removes everyone: the safeguards are what stop it.
    assert_eq!(read_csv(b"externalId,login\n").unwrap(), []);
}

#[test]
fn an_empty_file_is_refused_for_its_missing_columns() {
    let errors = read_csv(b"").unwrap_err();
    assert!(
        errors.iter().any(|e| e.message.contains("externalId")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.message.contains("login")),
        "{errors:?}"
    );
}

#[test]
fn every_problem_is_reported_with_its_row_and_column() {
    let csv = "externalId,login\n1,a@x\n,b@x\n3,\n1,A@X\n";
    let errors = read_csv(csv.as_bytes()).unwrap_err();
    let places: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        places,
        [
            "row 3, column externalId",
            "row 4, column login",
            "row 5, column externalId",
            "row 5, column login",
        ]
    );
}

#[test]
fn a_long_row_names_its_row() {
    let errors = read_csv(b"externalId,login\n1,a@x,extra\n").unwrap_err();
    assert_eq!(errors[0].field, "row 2");
    assert!(
        errors[0]
            .message
            .contains("3 fields where the header has 2"),
        "{errors:?}"
    );
}
