//! The CSV snapshot reader on arbitrary bytes: it must answer users or errors, never panic, and
//! what it accepts must satisfy the snapshot's rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_rules::snapshot::{Origin, validate};
use safeguard_rules::snapshot_csv::read_csv;

fuzz_target!(|bytes: &[u8]| {
    match read_csv(bytes) {
        Ok(users) => {
            // Whatever was read passes the same validation the JSON form goes through.
            assert!(validate(&users, Origin::CsvRow).is_ok());
        }
        Err(errors) => assert!(!errors.is_empty(), "a refusal names at least one problem"),
    }
});
