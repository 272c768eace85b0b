//! The changes of a plan, written the same way by both planners: [`super::plan_import`] over a
//! snapshot in memory and [`crate::csv_planner`] over a CSV file read row by row. They differ
//! only in how they find each user; what a user's match or absence plans is decided here once.

use crate::ids::{AppId, GroupRuleId, UserId};
use crate::org::{
    App, AppPopulation, Assignment, AssignmentSource, GroupRule, Profile, User, UserStatus,
};
use crate::plan::{Cause, Change, ChangeKind, Counts, Plan};
use crate::warnings::ImportWarnings;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// What a change says of an existing user: borrowed from a [`User`], or from a copy kept where
/// it is quicker to reach (the CSV planner's org index).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Who<'u> {
    pub(crate) id: &'u str,
    pub(crate) login: &'u str,
    pub(crate) status: UserStatus,
}

impl<'u> From<&'u User> for Who<'u> {
    fn from(user: &'u User) -> Self {
        Who {
            id: user.id.as_str(),
            login: &user.login,
            status: user.status,
        }
    }
}

pub(crate) struct ChangeWriter<'a> {
    pub(crate) app: &'a App,
    app_names: HashMap<&'a AppId, &'a str>,
    group_rules: &'a [GroupRule],
    /// Rules by id; of rules sharing an id, the last.
    rules: HashMap<&'a GroupRuleId, &'a GroupRule>,
    /// The import's own app name, cloned into most changes.
    own_app_name: String,
    pub(crate) changes: Vec<Change>,
    pub(crate) counts: Counts,
    pub(crate) warnings: ImportWarnings,
    /// Counted as the changes are written, so the plan's counts and impact need no pass over
    /// them: assignments, unassignments, and the counted unassignments of each app.
    assigned: u64,
    unassigned: u64,
    counted: HashMap<AppId, u64>,
}

impl<'a> ChangeWriter<'a> {
    pub(crate) fn new(
        app: &'a App,
        populations: &'a [AppPopulation],
        group_rules: &'a [GroupRule],
    ) -> Self {
        let app_names: HashMap<&AppId, &str> = populations
            .iter()
            .map(|p| (&p.app_id, p.app_name.as_str()))
            .collect();
        let own_app_name = name_of(&app_names, &app.id);
        Self {
            app,
            app_names,
            group_rules,
            rules: group_rules.iter().map(|r| (&r.id, r)).collect(),
            own_app_name,
            changes: Vec::new(),
            counts: Counts::default(),
            warnings: ImportWarnings::default(),
            assigned: 0,
            unassigned: 0,
            counted: HashMap::default(),
        }
    }

    pub(crate) fn has_group_rules(&self) -> bool {
        !self.group_rules.is_empty()
    }

    fn app_name(&self, id: &AppId) -> String {
        if *id == self.app.id {
            self.own_app_name.clone()
        } else {
            name_of(&self.app_names, id)
        }
    }

    /// A user of the org whose profile the import's app owns, listed with another profile or
    /// another external id: the profile is the entry's, and so is the app user's id.
    pub(crate) fn update(&mut self, user: Who<'_>, profile: Profile, external_id: &str) {
        self.counts.updated += 1;
        self.push(Change {
            kind: ChangeKind::Update,
            user_id: Some(UserId::from(user.id)),
            login: user.login.to_owned(),
            app_id: None,
            app_name: None,
            cause: None,
            profile: Some(profile),
            group_rule_id: None,
            external_id: Some(external_id.to_owned()),
        });
    }

    /// A user whose profile another app owns, whose app user in the import's app the entry
    /// changes: its external id and app profile become the entry's. The profile is left alone.
    pub(crate) fn update_app_user(&mut self, user: Who<'_>, external_id: &str, profile: Profile) {
        self.counts.updated += 1;
        self.push(Change {
            kind: ChangeKind::Update,
            user_id: Some(UserId::from(user.id)),
            login: user.login.to_owned(),
            app_id: Some(self.app.id.clone()),
            app_name: Some(self.own_app_name.clone()),
            cause: None,
            profile: Some(profile),
            group_rule_id: None,
            external_id: Some(external_id.to_owned()),
        });
    }

    /// The assignment to the import's app of a user who does not have it yet: a new app user
    /// with the entry's id, and its app profile when the app does not own the user's profile.
    pub(crate) fn own_assign(
        &mut self,
        user_id: Option<&str>,
        login: &str,
        external_id: &str,
        app_profile: Option<Profile>,
    ) {
        self.push(Change {
            kind: ChangeKind::Assign,
            user_id: user_id.map(UserId::from),
            login: login.to_owned(),
            app_id: Some(self.app.id.clone()),
            app_name: Some(self.own_app_name.clone()),
            cause: None,
            profile: app_profile,
            group_rule_id: None,
            external_id: Some(external_id.to_owned()),
        });
    }

    /// The group rules' apps for a user with `attributes`, other than the import's app and
    /// `held` (apps the user is assigned already). Two rules may give the same app: it is
    /// assigned once, by the first.
    fn rule_apps<'h>(
        &self,
        attributes: &BTreeMap<String, String>,
        held: impl Iterator<Item = &'h AppId> + Clone,
    ) -> Vec<(&'a GroupRule, &'a AppId)> {
        let mut rule_apps: Vec<(&GroupRule, &AppId)> = Vec::new();
        for rule in self.group_rules {
            if rule.matches_attributes(attributes) {
                for rule_app in &rule.app_ids {
                    if *rule_app != self.app.id
                        && !held.clone().any(|h| h == rule_app)
                        && !rule_apps.iter().any(|(_, a)| *a == rule_app)
                    {
                        rule_apps.push((rule, rule_app));
                    }
                }
            }
        }
        rule_apps
    }

    /// A login new to the org: the user is created, assigned to the app, and to the apps of the
    /// group rules its attributes match. A profile source owns the profile of a user it
    /// creates; any other app keeps the entry as its app profile too.
    pub(crate) fn create(&mut self, login: &str, profile: Profile, external_id: &str) {
        self.counts.created += 1;
        let rule_apps = self.rule_apps(&profile.attributes, std::iter::empty());
        let app_profile = (!self.app.profile_source).then(|| profile.clone());
        self.push(Change {
            kind: ChangeKind::Create,
            user_id: None,
            login: login.to_owned(),
            app_id: None,
            app_name: None,
            cause: None,
            profile: Some(profile),
            group_rule_id: None,
            external_id: None,
        });
        self.own_assign(None, login, external_id, app_profile);
        for (rule, rule_app) in rule_apps {
            let change = self.rule_assign(None, login, rule, rule_app);
            self.push(change);
        }
    }

    /// A deactivated user a profile source that reactivates lists again: active again.
    pub(crate) fn reactivate(&mut self, user: Who<'_>) {
        self.counts.reactivated += 1;
        self.push(Change {
            kind: ChangeKind::Reactivate,
            user_id: Some(UserId::from(user.id)),
            login: user.login.to_owned(),
            app_id: Some(self.app.id.clone()),
            app_name: Some(self.own_app_name.clone()),
            cause: None,
            profile: None,
            group_rule_id: None,
            external_id: None,
        });
    }

    /// After a reactivation: the apps of the group rules the user's attributes (as the import
    /// leaves them) match, other than those in `held`. Deactivation took them away.
    pub(crate) fn rules_after_reactivation<'h>(
        &mut self,
        user: Who<'_>,
        attributes: &BTreeMap<String, String>,
        held: impl Iterator<Item = &'h AppId> + Clone,
    ) {
        for (rule, rule_app) in self.rule_apps(attributes, held) {
            let change = self.rule_assign(Some(user.id), user.login, rule, rule_app);
            self.push(change);
        }
    }

    /// An entry whose user is deactivated, from an app that does not reactivate: nothing
    /// changes, and the plan says so.
    pub(crate) fn skip_deactivated(&mut self, user: Who<'_>) {
        self.counts.unchanged += 1;
        self.push(Change {
            kind: ChangeKind::Skip,
            user_id: Some(UserId::from(user.id)),
            login: user.login.to_owned(),
            app_id: Some(self.app.id.clone()),
            app_name: Some(self.own_app_name.clone()),
            cause: Some(Cause::UserDeactivated),
            profile: None,
            group_rule_id: None,
            external_id: None,
        });
    }

    /// A user assigned to the app whom the snapshot no longer lists. `others` are the user's
    /// assignments to other apps, which a deactivation takes away too.
    pub(crate) fn removed<'o>(
        &mut self,
        user: Who<'_>,
        deactivates: bool,
        others: impl Iterator<Item = &'o Assignment>,
    ) {
        if deactivates && user.status == UserStatus::Active {
            self.counts.deactivated += 1;
            self.push(Change {
                kind: ChangeKind::Deactivate,
                user_id: Some(UserId::from(user.id)),
                login: user.login.to_owned(),
                app_id: Some(self.app.id.clone()),
                app_name: Some(self.own_app_name.clone()),
                cause: Some(Cause::RemovedFromSource),
                profile: None,
                group_rule_id: None,
                external_id: None,
            });
        }
        let own = self.unassign(user, &self.app.id, Cause::RemovedFromSource);
        self.push(own);
        if deactivates {
            for other in others {
                let change = self.unassign(user, &other.app_id, Cause::Deactivated);
                self.push(change);
            }
        }
    }

    /// A user whose attributes the import changes, while group rules exist: assignments a rule
    /// gave and the new attributes no longer earn go, and rules the user newly matches assign
    /// their apps. `others` are the user's assignments to other apps, in the org's order.
    pub(crate) fn regroup(
        &mut self,
        user: &User,
        attributes: &BTreeMap<String, String>,
        others: &[&Assignment],
    ) {
        // An app that another rule the user now matches also gives stays assigned.
        let given_by_a_matching_rule = |app_id: &AppId| {
            self.group_rules
                .iter()
                .any(|r| r.app_ids.contains(app_id) && r.matches_attributes(attributes))
        };
        let mut lost = Vec::new();
        for other in others {
            if let AssignmentSource::GroupRule(rule_id) = &other.source {
                let still_matches = self
                    .rules
                    .get(rule_id)
                    .is_some_and(|r| r.matches_attributes(attributes));
                if !still_matches && !given_by_a_matching_rule(&other.app_id) {
                    lost.push(self.unassign(user.into(), &other.app_id, Cause::GroupRule));
                }
            }
        }
        for change in lost {
            self.push(change);
        }
        // Two rules may give the same app: it is assigned once, by the first.
        let mut assigned: BTreeSet<&AppId> = others.iter().map(|a| &a.app_id).collect();
        for rule in self.group_rules {
            if rule.matches_attributes(attributes) && !rule.matches(&user.profile) {
                for rule_app in rule.app_ids.iter() {
                    if *rule_app != self.app.id && assigned.insert(rule_app) {
                        let change =
                            self.rule_assign(Some(user.id.as_str()), &user.login, rule, rule_app);
                        self.push(change);
                    }
                }
            }
        }
    }

    fn push(&mut self, change: Change) {
        match change.kind {
            ChangeKind::Assign => self.assigned += 1,
            ChangeKind::Unassign => {
                self.unassigned += 1;
                if change.cause.is_some_and(Cause::is_counted)
                    && let Some(app_id) = &change.app_id
                {
                    match self.counted.get_mut(app_id) {
                        Some(count) => *count += 1,
                        None => {
                            self.counted.insert(app_id.clone(), 1);
                        }
                    }
                }
            }
            _ => {}
        }
        self.changes.push(change);
    }

    fn unassign(&self, user: Who<'_>, app_id: &AppId, cause: Cause) -> Change {
        Change {
            kind: ChangeKind::Unassign,
            user_id: Some(UserId::from(user.id)),
            login: user.login.to_owned(),
            app_id: Some(app_id.clone()),
            app_name: Some(self.app_name(app_id)),
            cause: Some(cause),
            profile: None,
            group_rule_id: None,
            external_id: None,
        }
    }

    fn rule_assign(
        &self,
        user_id: Option<&str>,
        login: &str,
        rule: &GroupRule,
        app_id: &AppId,
    ) -> Change {
        Change {
            kind: ChangeKind::Assign,
            user_id: user_id.map(UserId::from),
            login: login.to_owned(),
            app_id: Some(app_id.clone()),
            app_name: Some(self.app_name(app_id)),
            cause: None,
            profile: None,
            group_rule_id: Some(rule.id.clone()),
            external_id: None,
        }
    }

    /// Takes in the changes other writers wrote for later rows of the same import, in order.
    pub(crate) fn absorb(&mut self, later: Vec<ChangeWriter<'_>>) {
        // One allocation for all: the changes are large, and growing copies them each time.
        self.changes
            .reserve(later.iter().map(|w| w.changes.len()).sum());
        for writer in later {
            self.changes.extend(writer.changes);
            self.counts.created += writer.counts.created;
            self.counts.updated += writer.counts.updated;
            self.counts.unchanged += writer.counts.unchanged;
            self.counts.deactivated += writer.counts.deactivated;
            self.counts.reactivated += writer.counts.reactivated;
            self.warnings.extend(writer.warnings);
            self.assigned += writer.assigned;
            self.unassigned += writer.unassigned;
            for (app_id, count) in writer.counted {
                *self.counted.entry(app_id).or_default() += count;
            }
        }
    }

    /// The plan: the changes, their counts, and the counted impact against `populations`.
    /// `active_users`: the org's active users before the import, the deactivation budget's
    /// population.
    pub(crate) fn finish(
        self,
        scanned: u64,
        populations: &[AppPopulation],
        active_users: u64,
    ) -> Plan {
        let mut counts = self.counts;
        counts.scanned = scanned;
        counts.assigned = self.assigned;
        counts.unassigned = self.unassigned;
        let per_app: HashMap<&AppId, u64> = self.counted.iter().map(|(a, &n)| (a, n)).collect();
        let mut impact = super::impact_from(&per_app, populations);
        impact.deactivations = counts.deactivated;
        impact.active_users = active_users;
        Plan {
            changes: self.changes,
            counts,
            impact,
            warnings: self.warnings,
        }
    }
}

fn name_of(app_names: &HashMap<&AppId, &str>, id: &AppId) -> String {
    app_names
        .get(id)
        .map_or_else(|| id.as_str().to_owned(), |n| (*n).to_owned())
}
