//! `ldap`: an LDAP v3 directory read with a paged search. Not built yet.

use super::{SourceError, SourceRead};
use safeguard_rules::api::LdapSettings;
use safeguard_rules::snapshot::SnapshotLimits;
use std::time::Duration;

/// Every user under the base DN, or why the directory could not be read whole.
pub async fn read(
    settings: &LdapSettings,
    _limits: &SnapshotLimits,
    _timeout: Duration,
) -> Result<SourceRead, SourceError> {
    Err(SourceError::Unreadable {
        detail: format!("LDAP {}: this server cannot read LDAP yet", settings.url),
    })
}
