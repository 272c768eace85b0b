//! `/api/v1/org/email`: roadblock notification email, the outbox the console shows, and the
//! bounce list.

use serde::{Deserialize, Serialize};

/// The subject of the email a roadblock sends.
pub const ROADBLOCK_SUBJECT: &str = "High number of app unassignments";

/// `debugContext.debugData.category` of a delivery event for an app-level roadblock.
pub const CATEGORY_APP_LEVEL_ROADBLOCK: &str = "email.bulkAppUnassignmentAppLevelRoadblock";

/// `debugContext.debugData.category` of a delivery event for an org-level roadblock.
pub const CATEGORY_ORG_LEVEL_ROADBLOCK: &str = "email.bulkAppUnassignmentOrgLevelRoadblock";
/// The email of an import stopped by the deactivation budget.
pub const CATEGORY_DEACTIVATION_ROADBLOCK: &str = "email.bulkDeactivationRoadblock";

/// `debugContext.debugData.category` of a delivery event for the email that tells of a webhook
/// the server turned off.
pub const CATEGORY_WEBHOOK_DISABLED: &str = "email.webhookDisabled";

/// Where one message (one recipient) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// No SMTP server is configured: the console's Notifications page is where it is read.
    Outbox,
    /// The SMTP server refused the address permanently (a bounce); it is on the bounce list.
    Failed,
    /// Not sent: the address is on the bounce list, or the retries ran out.
    Dropped,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sent,
        DeliveryStatus::Outbox,
        DeliveryStatus::Failed,
        DeliveryStatus::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Outbox => "outbox",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One message of `GET /api/v1/org/email/outbox`: one email to one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: String,
    /// The import whose roadblock the message tells of; none for email about something else
    /// (a webhook turned off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
    /// The app of that import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// `email.bulkAppUnassignmentAppLevelRoadblock`, `email.bulkAppUnassignmentOrgLevelRoadblock`
    /// or `email.webhookDisabled`.
    pub category: String,
    pub recipient: String,
    pub subject: String,
    /// The plain-text body, as sent.
    pub body: String,
    pub status: DeliveryStatus,
    /// SMTP attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due, while `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    /// The last SMTP error or refusal, or why it was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: String,
    /// When the SMTP server accepted it, or when it was put in the outbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

/// One address of `GET /api/v1/org/email/bounces`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Bounce {
    pub email_address: String,
    pub added_at: String,
    /// The SMTP server's refusal that put the address on the list.
    pub reason: String,
}

/// `POST /api/v1/org/email/bounces/remove-list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BounceRemoval {
    pub email_addresses: Vec<String>,
}

/// The answer of `POST /api/v1/org/email/bounces/remove-list`: each address given is either
/// removed or named in `errors`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BounceRemovalResult {
    pub removed_email_addresses: Vec<String>,
    pub errors: Vec<BounceRemovalError>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BounceRemovalError {
    pub email_address: String,
    pub reason: String,
}

/// The reason of an address that a remove-list request named but the list does not hold.
pub const NOT_ON_BOUNCE_LIST: &str = "not on the bounce list";

/// Email addresses compared as the bounce list and the recipient list compare them: without
/// regard to case or surrounding spaces. (The local part may be case-sensitive by the letter of
/// RFC 5321, but no mail system in use treats it so, and an administrator typing an address
/// from a bounce notice must find it.)
pub fn fold_address(address: &str) -> String {
    address.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::json!(status.as_str()))
            );
        }
    }

    #[test]
    fn addresses_fold_without_case_or_spaces() {
        assert_eq!(fold_address(" Ada@Example.COM "), "ada@example.com");
    }
}
