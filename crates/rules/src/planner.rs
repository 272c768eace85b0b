//! The planner: a snapshot and the org as it is -> the [`Plan`], every change named.
//!
//! A full import brings the app in line with its source: every user of the snapshot ends up
//! assigned to the app (created first when the login is new to the org, updated when the profile
//! differs), and every app user missing from the snapshot is *removed from the source*: unassigned
//! from the app, or, when the app is a profile source that deactivates, deactivated, which takes
//! away every app assignment in every app. Changed attributes move users in and out of group
//! rules, and the assignments those rules give go with them.
//!
//! The planner works in a few linear passes over its input and allocates per change, not per
//! user, so a snapshot of a million users plans in well under two seconds (see BENCHMARKS.md).

mod changes;

pub(crate) use changes::ChangeWriter;
pub(crate) use changes::Who;

use crate::ids::AppId;
use crate::org::{App, AppPopulation, Assignment, AssignmentSource, GroupRule, User, fold_login};
use crate::plan::{AppImpact, Cause, Change, ChangeKind, Impact, Plan};
use crate::snapshot::SnapshotUser;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

/// Everything the planner reads. The caller gives at least: every user assigned to `app`, every
/// org user whose login the snapshot names, and every assignment of those users in every app.
/// More users or assignments than that do no harm.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The app the import reads from, with its profile-source and deactivation settings.
    pub app: &'a App,
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
    /// The user's assignment to the import's app, when there is one.
    in_app: Option<&'a AssignmentSource>,
    /// The snapshot user it matched.
    matched: Option<&'a SnapshotUser>,
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
    let mut states = vec![UserState::default(); input.users.len()];
    for assignment in input.assignments {
        if assignment.app_id == app.id
            && let Some(&i) = by_id.get(assignment.user_id.as_str())
        {
            states[i].in_app = Some(&assignment.source);
        }
    }

    // Users whose attributes change are re-checked against the group rules once their other
    // assignments are known (the second pass below).
    let mut regrouped: Vec<usize> = Vec::new();
    for snap in input.snapshot {
        match by_login.get(&*fold_login(&snap.login)) {
            Some(&i) if states[i].matched.is_none() => {
                let user = &input.users[i];
                states[i].matched = Some(snap);
                if snap.changes(&user.profile) {
                    if snap.attributes != user.profile.attributes && writer.has_group_rules() {
                        regrouped.push(i);
                    }
                    writer.update(user.into(), snap.profile());
                } else {
                    writer.counts.unchanged += 1;
                }
                if states[i].in_app.is_none() {
                    writer.own_assign(Some(user.id.as_str()), &user.login);
                }
            }
            // Two snapshot logins that fold to one user: the snapshot's validation rejects
            // this, so a caller that skipped it gets the first one only.
            Some(_) => {}
            None => writer.create(&snap.login, snap.profile()),
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
    for &i in &regrouped {
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
    writer.finish(input.snapshot.len() as u64, input.populations)
}

/// The counted unassignments per app, against populations before the import. Apps are listed
/// with the most unassignments first, then by name, so the list reads the same every time.
pub fn impact_of(changes: &[Change], populations: &[AppPopulation]) -> Impact {
    let mut per_app: HashMap<&AppId, u64> = HashMap::default();
    for change in changes {
        if change.kind != ChangeKind::Unassign || !change.cause.is_some_and(Cause::is_counted) {
            continue;
        }
        if let Some(app_id) = &change.app_id {
            *per_app.entry(app_id).or_default() += 1;
        }
    }
    impact_from(&per_app, populations)
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
    }
}
