//! The planner: a snapshot and the org as it is -> the [`Plan`], every change named.
//!
//! A full import brings the app in line with its source (`sources.md`): each entry of the
//! snapshot is matched to a user (by this app's external id, then login, then, when the app
//! asks, email) or creates one, and ends up assigned to the app. Where the import's app owns the
//! user's profile (the highest-ranked profile source listing the user) the entry is the profile;
//! elsewhere it is only this app's app user. A deactivated user comes back only through a
//! profile source that reactivates; other apps skip the entry. Every app user missing from the
//! snapshot is *removed from the source*: unassigned from the app, or, when the app is a profile
//! source that deactivates, deactivated, which takes away every app assignment in every app.
//! Changed attributes move users in and out of group rules, and the assignments those rules
//! give go with them.
//!
//! The planner works in a few linear passes over its input and allocates per change, not per
//! user, so a snapshot of a million users plans in well under two seconds (see BENCHMARKS.md).

mod changes;

pub(crate) use changes::ChangeWriter;
pub(crate) use changes::Who;

use crate::ids::AppId;
use crate::org::{App, AppPopulation, Assignment, GroupRule, User, UserStatus, fold_login};
use crate::plan::{AppImpact, Cause, Change, ChangeKind, Impact, Plan};
use crate::snapshot::SnapshotUser;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

/// Everything the planner reads. The caller gives at least: every user assigned to `app`, every
/// org user the snapshot's logins, external ids or (with `matchBy` email) emails name, and every
/// assignment of those users in every app. More users or assignments than that do no harm.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The app the import reads from, with its profile-source and directory settings.
    pub app: &'a App,
    /// Every app of the org, `app` among them: the profile sources' ranks decide who owns a
    /// profile.
    pub apps: &'a [App],
    pub users: &'a [User],
    pub assignments: &'a [Assignment],
    /// Every app's population before the import: the denominators of the safeguards.
    pub populations: &'a [AppPopulation],
    pub group_rules: &'a [GroupRule],
    pub snapshot: &'a [SnapshotUser],
}

/// What the planner learns about one existing user while matching the snapshot.
#[derive(Clone, Copy, Default)]
struct UserState<'a> {
    /// The user's app user in the import's app, when there is one.
    in_app: Option<&'a Assignment>,
    /// The snapshot user it matched.
    matched: Option<&'a SnapshotUser>,
    /// A profile source that outranks the import's app has an app user for this user: the
    /// profile is owned there.
    owned_elsewhere: bool,
}

/// How an entry found its user ("Matching an entry of a snapshot to a user" in `sources.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MatchedBy {
    ExternalId,
    Login,
    Email,
}

impl MatchedBy {
    fn as_str(self) -> &'static str {
        match self {
            MatchedBy::ExternalId => "externalId",
            MatchedBy::Login => "login",
            MatchedBy::Email => "email",
        }
    }
}

/// Plans a full import. Pure: the same input always gives the same plan, in the same order.
pub fn plan_import(input: PlanInput<'_>) -> Plan {
    let app = input.app;
    let mut writer = ChangeWriter::new(app, input.populations, input.group_rules);

    // Index the users by id and by login. A user listed twice keeps its first entry.
    let mut by_id: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(input.users.len(), Default::default());
    let mut by_login: HashMap<Cow<'_, str>, usize> =
        HashMap::with_capacity_and_hasher(input.users.len(), Default::default());
    for (i, user) in input.users.iter().enumerate() {
        by_id.entry(user.id.as_str()).or_insert(i);
        by_login.entry(fold_login(&user.login)).or_insert(i);
    }
    // Users by email, only when the app matches by it: `None` where two or more share one.
    let mut by_email: HashMap<Cow<'_, str>, Option<usize>> = HashMap::default();
    if app.match_by_email {
        for (i, user) in input.users.iter().enumerate() {
            if let Some(email) = user
                .profile
                .email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
            {
                by_email
                    .entry(fold_login(email.trim()))
                    .and_modify(|found| *found = None)
                    .or_insert(Some(i));
            }
        }
    }
    let outranking: HashSet<&AppId> = if app.profile_source {
        app.outranked_by(input.apps).into_iter().collect()
    } else {
        HashSet::default()
    };
    let mut states = vec![UserState::default(); input.users.len()];
    // This app's app users by their external id: the first match of an entry.
    let mut by_external_id: HashMap<&str, usize> = HashMap::default();
    for assignment in input.assignments {
        let Some(&i) = by_id.get(assignment.user_id.as_str()) else {
            continue;
        };
        if assignment.app_id == app.id {
            states[i].in_app = Some(assignment);
            if let Some(id) = &assignment.external_id {
                by_external_id.entry(id.as_str()).or_insert(i);
            }
        } else if assignment.listed_by_source() && outranking.contains(&assignment.app_id) {
            states[i].owned_elsewhere = true;
        }
    }

    // Users whose attributes change are re-checked against the group rules once their other
    // assignments are known (the second pass below).
    let mut regrouped: Vec<usize> = Vec::new();
    let mut reactivated: Vec<usize> = Vec::new();
    for snap in input.snapshot {
        let found = by_external_id
            .get(snap.external_id.as_str())
            .map(|&i| (i, MatchedBy::ExternalId))
            .or_else(|| {
                by_login
                    .get(&*fold_login(&snap.login))
                    .map(|&i| (i, MatchedBy::Login))
            });
        let found = match found {
            Some(found) => Some(found),
            None => match snap
                .email
                .as_deref()
                .map(|e| by_email.get(&*fold_login(e.trim())))
            {
                Some(Some(Some(i))) => Some((*i, MatchedBy::Email)),
                Some(Some(None)) => {
                    writer.warnings.push(
                        entry_name(snap),
                        format!(
                            "two or more users have the email {}: matched to none, not imported",
                            snap.email.as_deref().unwrap_or_default().trim()
                        ),
                    );
                    continue;
                }
                _ => None,
            },
        };
        let Some((i, how)) = found else {
            writer.create(&snap.login, snap.profile(), &snap.external_id);
            continue;
        };
        let user = &input.users[i];
        if let Some(earlier) = states[i].matched {
            // Two entries, one user: the snapshot's validation refuses two entries with one
            // login or one external id, so these found the user in two ways (a login the
            // source gave to another person, say). The first keeps it.
            writer.warnings.push(
                entry_name(snap),
                format!(
                    "matches by {} the user {}, whom the entry {} matched already: not imported",
                    how.as_str(),
                    user.login,
                    entry_name(earlier)
                ),
            );
            continue;
        }
        states[i].matched = Some(snap);
        let in_app = states[i].in_app;
        if user.status == UserStatus::Deactivated {
            if !app.reactivates_returning_users() {
                writer.skip_deactivated(user.into());
                continue;
            }
            writer.reactivate(user.into());
            reactivated.push(i);
        }
        if app.profile_source && !states[i].owned_elsewhere {
            // The import's app owns the profile: any difference is an update of it.
            let app_user_id = in_app.and_then(|a| a.external_id.as_deref());
            if snap.changes(&user.profile) || app_user_id != Some(snap.external_id.as_str()) {
                let reactivating = user.status == UserStatus::Deactivated;
                if snap.attributes != user.profile.attributes
                    && writer.has_group_rules()
                    && !reactivating
                {
                    regrouped.push(i);
                }
                writer.update(user.into(), snap.profile(), &snap.external_id);
            } else {
                writer.counts.unchanged += 1;
            }
            if in_app.is_none() {
                writer.own_assign(Some(user.id.as_str()), &user.login, &snap.external_id, None);
            }
        } else {
            // Another app owns the profile, or none does: only this app's app user changes.
            match in_app {
                Some(app_user) => {
                    let app_profile = app_user.app_profile.as_deref().unwrap_or(&user.profile);
                    if app_user.external_id.as_deref() != Some(snap.external_id.as_str())
                        || snap.changes(app_profile)
                    {
                        writer.update_app_user(user.into(), &snap.external_id, snap.profile());
                    } else {
                        writer.counts.unchanged += 1;
                    }
                }
                None => {
                    writer.counts.unchanged += 1;
                    writer.own_assign(
                        Some(user.id.as_str()),
                        &user.login,
                        &snap.external_id,
                        Some(snap.profile()),
                    );
                }
            }
        }
    }

    // Users removed from the source, in the order the caller listed them.
    let deactivates = app.deactivates_removed_users();
    let removed: Vec<usize> = (0..states.len())
        .filter(|&i| states[i].in_app.is_some() && states[i].matched.is_none())
        .collect();

    // Second pass: the other assignments of the users the cascades reach.
    let mut reached: HashMap<usize, Vec<&Assignment>> = HashMap::default();
    if deactivates {
        for &i in &removed {
            reached.insert(i, Vec::new());
        }
    }
    for &i in regrouped.iter().chain(&reactivated) {
        reached.insert(i, Vec::new());
    }
    if !reached.is_empty() {
        for assignment in input.assignments {
            if assignment.app_id == app.id {
                continue;
            }
            if let Some(&i) = by_id.get(assignment.user_id.as_str())
                && let Some(list) = reached.get_mut(&i)
            {
                list.push(assignment);
            }
        }
    }
    let others_of = |i: usize| reached.get(&i).map(Vec::as_slice).unwrap_or_default();

    for &i in &removed {
        writer.removed(
            (&input.users[i]).into(),
            deactivates,
            others_of(i).iter().copied(),
        );
    }
    for &i in &regrouped {
        if let Some(snap) = states[i].matched {
            writer.regroup(&input.users[i], &snap.attributes, others_of(i));
        }
    }
    // A reactivated user's group rules assign their apps again, by the attributes the import
    // leaves: the entry's where this app owns the profile.
    for &i in &reactivated {
        let user = &input.users[i];
        let attributes = match states[i].matched {
            Some(snap) if !states[i].owned_elsewhere => &snap.attributes,
            _ => &user.profile.attributes,
        };
        let held = others_of(i).iter().map(|a| &a.app_id);
        writer.rules_after_reactivation(user.into(), attributes, held);
    }
    let active_users = input
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Active)
        .count() as u64;
    writer.finish(input.snapshot.len() as u64, input.populations, active_users)
}

/// How a warning names an entry: its login and the source's id for it.
pub(crate) fn entry_name(snap: &SnapshotUser) -> String {
    format!("{} (externalId {})", snap.login, snap.external_id)
}

/// The counted unassignments per app, against populations before the import, and the users
/// deactivated against `active_users`. Apps are listed with the most unassignments first, then
/// by name, so the list reads the same every time.
pub fn impact_of(changes: &[Change], populations: &[AppPopulation], active_users: u64) -> Impact {
    let mut per_app: HashMap<&AppId, u64> = HashMap::default();
    for change in changes {
        if change.kind != ChangeKind::Unassign || !change.cause.is_some_and(Cause::is_counted) {
            continue;
        }
        if let Some(app_id) = &change.app_id {
            *per_app.entry(app_id).or_default() += 1;
        }
    }
    let mut impact = impact_from(&per_app, populations);
    impact.deactivations = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Deactivate)
        .count() as u64;
    impact.active_users = active_users;
    impact
}

/// [`impact_of`] from the counted unassignments of each app.
pub(crate) fn impact_from(per_app: &HashMap<&AppId, u64>, populations: &[AppPopulation]) -> Impact {
    let known: HashSet<&AppId> = populations.iter().map(|p| &p.app_id).collect();
    let mut apps: Vec<AppImpact> = populations
        .iter()
        .filter_map(|p| {
            per_app.get(&p.app_id).map(|&unassignments| AppImpact {
                app_id: p.app_id.clone(),
                app_name: p.app_name.clone(),
                population: p.population,
                unassignments,
            })
        })
        .collect();
    // An app missing from the populations still shows its unassignments, against a population
    // of zero, rather than silently dropping out of the check.
    for (app_id, &unassignments) in per_app {
        if !known.contains(app_id) {
            apps.push(AppImpact {
                app_id: (*app_id).clone(),
                app_name: app_id.as_str().to_owned(),
                population: 0,
                unassignments,
            });
        }
    }
    apps.sort_by(|a, b| {
        b.unassignments
            .cmp(&a.unassignments)
            .then_with(|| a.app_name.cmp(&b.app_name))
            .then_with(|| a.app_id.cmp(&b.app_id))
    });
    Impact {
        org_population: populations.iter().map(|p| p.population).sum(),
        apps,
        ..Impact::default()
    }
}
