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
    /// Imports from this app own the users' lifecycle, and may own their profiles.
    pub profile_source: bool,
    /// With `profile_source`: a user removed from this source is deactivated, and so loses every
    /// app assignment in every app.
    pub deactivate_on_remove: bool,
    /// With `profile_source`: its rank among the profile sources, 1 the highest. Of the profile
    /// sources that have an app user for a user, the highest-ranked owns the user's profile.
    #[serde(default)]
    pub profile_source_priority: Option<u32>,
    /// An entry no app user and no login matches is matched by email too (`matchBy` holds
    /// `"email"`).
    #[serde(default)]
    pub match_by_email: bool,
    /// With `profile_source`: a deactivated user this source lists again is reactivated.
    #[serde(default = "yes")]
    pub reactivate_on_return: bool,
}

fn yes() -> bool {
    true
}

impl App {
    /// An app with the directory settings' defaults: ranked last among profile sources, matched
    /// by login only, reactivating returning users.
    pub fn new(id: AppId, name: &str, profile_source: bool, deactivate_on_remove: bool) -> Self {
        Self {
            id,
            name: name.to_owned(),
            profile_source,
            deactivate_on_remove,
            profile_source_priority: None,
            match_by_email: false,
            reactivate_on_return: true,
        }
    }

    /// Whether a user removed from this source is deactivated, not only unassigned.
    pub fn deactivates_removed_users(&self) -> bool {
        self.profile_source && self.deactivate_on_remove
    }

    /// Whether a deactivated user this source lists is reactivated.
    pub fn reactivates_returning_users(&self) -> bool {
        self.profile_source && self.reactivate_on_return
    }

    /// The rank that orders profile sources: the priority, and after every ranked source the
    /// unranked ones (a profile source stored before ranks existed). `None` for other apps.
    pub fn profile_rank(&self) -> Option<u32> {
        self.profile_source
            .then(|| self.profile_source_priority.unwrap_or(u32::MAX))
    }

    /// The profile sources of `apps` that outrank this app: a user with an app user in one of
    /// them has its profile owned there. Every profile source outranks an app that is not one.
    pub fn outranked_by<'a>(&self, apps: &'a [App]) -> Vec<&'a AppId> {
        let mine = self.profile_rank();
        apps.iter()
            .filter(|other| other.id != self.id)
            .filter(|other| match (other.profile_rank(), mine) {
                (Some(theirs), Some(mine)) => theirs < mine,
                (Some(_), None) => true,
                (None, _) => false,
            })
            .map(|other| &other.id)
            .collect()
    }

    /// Whether this app is a profile source no other profile source of `apps` outranks: it owns
    /// the profile of every user it lists.
    pub fn owns_every_profile(&self, apps: &[App]) -> bool {
        self.profile_source && self.outranked_by(apps).is_empty()
    }
}

/// A user's profile, which the profile source that owns it updates; or an app user's app profile,
/// what the app's source last said of the user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
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

/// One user assigned to one app: one app user, with what the app's source last said of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub user_id: UserId,
    pub app_id: AppId,
    pub source: AssignmentSource,
    /// The app's own id for the user, from its source; `None` until the source lists the user
    /// (an assignment a group rule made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The app profile, when it is not simply the user's profile: the source of an app that does
    /// not own the user's profile keeps its own. `None`: the user's profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_profile: Option<Box<Profile>>,
}

impl Assignment {
    /// A direct assignment with what a source said of the user: its id and nothing else.
    pub fn direct(user_id: UserId, app_id: AppId, external_id: Option<String>) -> Self {
        Self {
            user_id,
            app_id,
            source: AssignmentSource::Direct,
            external_id,
            app_profile: None,
        }
    }

    /// An assignment a group rule made.
    pub fn by_rule(user_id: UserId, app_id: AppId, rule: GroupRuleId) -> Self {
        Self {
            user_id,
            app_id,
            source: AssignmentSource::GroupRule(rule),
            external_id: None,
            app_profile: None,
        }
    }

    /// Whether the app's source has listed the user: the app user that ranks a profile source.
    pub fn listed_by_source(&self) -> bool {
        self.external_id.is_some()
    }
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
