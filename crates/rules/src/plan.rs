//! The plan: every change an import would make, computed before anything is changed.

use crate::ids::{AppId, GroupRuleId, UserId};
use crate::org::Profile;
use crate::warnings::ImportWarnings;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    Create,
    Update,
    Assign,
    Unassign,
    Deactivate,
    /// A deactivated user a profile source lists again is active again.
    Reactivate,
    /// An entry the import leaves alone: its user is deactivated, and this app does not
    /// reactivate (cause [`Cause::UserDeactivated`]).
    Skip,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 7] = [
        ChangeKind::Create,
        ChangeKind::Update,
        ChangeKind::Assign,
        ChangeKind::Unassign,
        ChangeKind::Deactivate,
        ChangeKind::Reactivate,
        ChangeKind::Skip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Assign => "assign",
            ChangeKind::Unassign => "unassign",
            ChangeKind::Deactivate => "deactivate",
            ChangeKind::Reactivate => "reactivate",
            ChangeKind::Skip => "skip",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Why a user loses an app assignment (or, for `deactivate`, why the user is deactivated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Cause {
    /// The user was assigned to the import's app and is missing from the snapshot.
    RemovedFromSource,
    /// The user is deactivated (removed from a profile source that deactivates), and loses this
    /// assignment with every other one.
    Deactivated,
    /// The import changed an attribute a group rule uses; the rule took the user out of its
    /// group and the group's app assignment went with it. Not counted by the safeguards.
    GroupRule,
    /// For `skip`: the entry's user is deactivated, and only a profile source that reactivates
    /// brings them back.
    UserDeactivated,
}

impl Cause {
    pub const ALL: [Cause; 4] = [
        Cause::RemovedFromSource,
        Cause::Deactivated,
        Cause::GroupRule,
        Cause::UserDeactivated,
    ];

    /// Whether the safeguards count an unassignment with this cause.
    pub fn is_counted(self) -> bool {
        !matches!(self, Cause::GroupRule | Cause::UserDeactivated)
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cause::RemovedFromSource => "removedFromSource",
            Cause::Deactivated => "deactivated",
            Cause::GroupRule => "groupRule",
            Cause::UserDeactivated => "userDeactivated",
        }
    }
}

/// One change of a plan. It names its user by `login`, and by `user_id` when the user exists;
/// a user the import creates has no id yet, and whoever applies the plan gives it one.
///
/// An `update` without `app_id` changes the user's profile (the import's app owns it) and the
/// `external_id` of the user's app user in the import's app; one with `app_id` changes only
/// that app user: its `external_id`, and its app profile to `profile`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub kind: ChangeKind,
    pub user_id: Option<UserId>,
    pub login: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// For `create` and `update`: the profile the user will have. For the `assign` of the
    /// import's own app, or an `update` with `app_id`: the app profile, when the app does not
    /// own the user's profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// For the `assign` of the import's own app and for `update`: the app's id for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// For an `assign` a group rule makes: the rule, so the assignment's source is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_rule_id: Option<GroupRuleId>,
}

/// How many of each change a plan holds. `unassigned` counts every planned unassignment, group
/// rule ones included; [`Impact`] holds what the safeguards count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub scanned: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub assigned: u64,
    pub unassigned: u64,
    pub deactivated: u64,
    /// Deactivated users a profile source listed again. Never counted by the safeguards.
    #[serde(default)]
    pub reactivated: u64,
}

/// The counted unassignments of one app, against its population before the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppImpact {
    pub app_id: AppId,
    pub app_name: String,
    pub population: u64,
    pub unassignments: u64,
}

/// What the safeguards see of a plan: the org's population before the import, and the counted
/// unassignments of every app the plan unassigns users from (apps with none are not listed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    pub org_population: u64,
    pub apps: Vec<AppImpact>,
    /// Users the plan deactivates, each once: what the deactivation budget counts.
    #[serde(default)]
    pub deactivations: u64,
    /// The org's active users before the import: the deactivation budget's population.
    #[serde(default)]
    pub active_users: u64,
}

impl Impact {
    /// Every counted unassignment of the plan, over all apps.
    pub fn total_unassignments(&self) -> u64 {
        self.apps.iter().map(|a| a.unassignments).sum()
    }
}

/// Every change an import would make, with its counts and the counted impact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub changes: Vec<Change>,
    pub counts: Counts,
    pub impact: Impact,
    /// Entries the planner could not match to one user, left out of the plan.
    #[serde(default, skip_serializing_if = "ImportWarnings::is_empty")]
    pub warnings: ImportWarnings,
}
