//! `/api/v1/group-rules`: users whose profile attribute matches are assigned to the rule's apps.

use crate::ids::{AppId, GroupRuleId};
use serde::{Deserialize, Serialize};

/// A group rule as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupRuleView {
    pub id: GroupRuleId,
    pub name: String,
    /// The profile attribute the rule reads (`department`).
    pub attribute: String,
    /// The value that makes a user a member.
    pub equals: String,
    /// The apps every member is assigned to.
    pub app_ids: Vec<AppId>,
    pub created_at: String,
}

/// `POST /api/v1/group-rules`. On creation every active user whose attribute matches is assigned
/// to the rule's apps, with the rule as the assignment's source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewGroupRule {
    pub name: String,
    pub attribute: String,
    pub equals: String,
    pub app_ids: Vec<AppId>,
}
