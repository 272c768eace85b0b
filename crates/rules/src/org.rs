//! The org as the planner sees it: apps, users, their app assignments and group rules.
//!
//! These are plain values the server loads from storage (or a test builds by hand); nothing here
//! knows where they came from.

use crate::ids::{AppId, GroupRuleId, UserId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// An app of the org and its import settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub id: AppId,
    pub name: String,
    /// Imports from this app own the users' lifecycle.
    pub profile_source: bool,
    /// With `profile_source`: a user removed from this source is deactivated, and so loses every
    /// app assignment in every app.
    pub deactivate_on_remove: bool,
}

impl App {
    /// Whether a user removed from this source is deactivated, not only unassigned.
    pub fn deactivates_removed_users(&self) -> bool {
        self.profile_source && self.deactivate_on_remove
    }
}

/// A user's profile: what an import may update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UserStatus {
    Active,
    Deactivated,
}

/// Logins are matched without regard to case. Most logins are lowercase already, so this borrows
/// them and allocates only for the few that are not.
pub fn fold_login(login: &str) -> Cow<'_, str> {
    // One pass: ASCII and no capital.
    if login
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(login)
    } else {
        Cow::Owned(login.to_lowercase())
    }
}

/// A user of the org. Logins are unique in the org, compared without regard to case
/// ([`fold_login`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub status: UserStatus,
    pub profile: Profile,
}

/// How a user came to be assigned to an app. Only the cause of a later *removal* depends on it:
/// an assignment a group rule made and then took away is not counted by the safeguards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "ruleId")]
pub enum AssignmentSource {
    Direct,
    GroupRule(GroupRuleId),
}

/// One user assigned to one app: one app user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub user_id: UserId,
    pub app_id: AppId,
    pub source: AssignmentSource,
}

/// A group rule: users whose profile attribute `attribute` equals `equals` are members of the
/// rule's group, and the group is assigned to `app_ids`. When an import changes that attribute
/// so the user no longer matches, the user leaves the group and loses those assignments; those
/// unassignments appear in the plan with the cause "group rule" and are not counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRule {
    pub id: GroupRuleId,
    pub name: String,
    pub attribute: String,
    pub equals: String,
    pub app_ids: Vec<AppId>,
}

impl GroupRule {
    pub fn matches(&self, profile: &Profile) -> bool {
        self.matches_attributes(&profile.attributes)
    }

    pub fn matches_attributes(&self, attributes: &BTreeMap<String, String>) -> bool {
        attributes.get(&self.attribute) == Some(&self.equals)
    }
}

/// An app's population (its number of app users) before the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppPopulation {
    pub app_id: AppId,
    pub app_name: String,
    pub population: u64,
}
