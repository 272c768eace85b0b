//! `scim`: a SCIM 2.0 service's /Users, paged. Not built yet.

use super::{SourceError, SourceRead};
use safeguard_rules::api::ScimSettings;
use safeguard_rules::snapshot::SnapshotLimits;
use std::time::Duration;

/// Every user of the service, or why the service could not be read whole.
pub async fn read(
    settings: &ScimSettings,
    _limits: &SnapshotLimits,
    _timeout: Duration,
) -> Result<SourceRead, SourceError> {
    Err(SourceError::Unreadable {
        detail: format!("SCIM {}: this server cannot read SCIM yet", settings.base_url),
    })
}
