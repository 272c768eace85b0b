//! Who hears of a roadblock: every super-administrator and every `--notify` address, each once.

use crate::storage::{Db, StorageError};
use safeguard_rules::api::email::fold_address;
use std::collections::HashSet;

/// An ordered list of addresses without repeats, compared folded ([`fold_address`]); the first
/// spelling of an address is the one kept.
#[derive(Debug, Default)]
struct Recipients {
    seen: HashSet<String>,
    addresses: Vec<String>,
}

impl Recipients {
    fn add(&mut self, address: &str) {
        let address = address.trim();
        if !address.is_empty() && self.seen.insert(fold_address(address)) {
            self.addresses.push(address.to_owned());
        }
    }
}

/// The recipients of a roadblock email. Read inside the transaction that records the
/// roadblock, so the list is the one in force when the import paused.
pub fn for_roadblock(db: &Db<'_>, notify: &[String]) -> Result<Vec<String>, StorageError> {
    let mut recipients = Recipients::default();
    for address in db.super_admin_emails()? {
        recipients.add(&address);
    }
    for address in notify {
        recipients.add(address);
    }
    Ok(recipients.addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_is_kept_once_in_its_first_spelling() {
        let mut r = Recipients::default();
        for a in [
            "Ops@Example.com",
            "sec@example.com",
            "ops@example.COM ",
            " ",
            "sec@example.com",
        ] {
            r.add(a);
        }
        assert_eq!(r.addresses, ["Ops@Example.com", "sec@example.com"]);
    }
}
