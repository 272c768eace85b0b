//! The body of `PUT /api/v1/safeguards` on arbitrary bytes: deserialising and validating never
//! panic, and accepted settings are in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_rules::api::SafeguardsUpdate;

fuzz_target!(|bytes: &[u8]| {
    let Ok(update) = serde_json::from_slice::<SafeguardsUpdate>(bytes) else {
        return;
    };
    match update.validate() {
        Ok((settings, _version)) => {
            assert!(settings.app_level.percent <= 100);
            assert!(settings.org_level.percent <= 100);
        }
        Err(errors) => assert!(!errors.is_empty(), "a refusal names at least one field"),
    }
});
