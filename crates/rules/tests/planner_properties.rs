//! Properties of the planner for generated orgs and snapshots: a full import leaves every snapshot
//! user assigned to the app, unassigns every app user the snapshot no longer lists exactly once,
//! cascades deactivation to every app, never plans the same change twice, and counts what it plans.

#[path = "fixtures/org.rs"]
mod org;

use org::{Org, new_snapshot_user, snapshot_user};
use proptest::prelude::*;
use safeguard_rules::plan::{Cause, ChangeKind};
use safeguard_rules::{AppId, UserId};
use std::collections::BTreeSet;

/// An org of up to 4 apps and 40 users with random assignments, the import's app (app 0, a
/// profile source that may deactivate), and a snapshot that keeps some of its users (some with a
/// login in upper case, some with a new last name) and adds new ones.
#[derive(Debug, Clone)]
struct Case {
    org: Org,
    app: AppId,
    snapshot: Vec<safeguard_rules::snapshot::SnapshotUser>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1usize..=4,
        prop::collection::vec((prop::collection::vec(any::<bool>(), 4), 0u8..4), 0..40),
        any::<bool>(),
        0usize..5,
    )
        .prop_map(|(app_count, users, deactivate, new_users)| {
            let mut org = Org::new();
            let app = org.profile_source("Source", deactivate);
            for i in 1..app_count {
                org.app(&format!("App {i}"));
            }
            let apps: Vec<AppId> = org.apps.iter().map(|a| a.id.clone()).collect();
            let mut snapshot = Vec::new();
            for (n, (assigned, fate)) in users.iter().enumerate() {
                let user = org.user(&format!("user{n}@example.com"));
                for (app_id, _) in apps.iter().zip(assigned).filter(|(_, on)| **on) {
                    org.assign(&user, app_id);
                }
                let mut snap = snapshot_user(org.user_by_id(&user));
                match fate {
                    0 => continue, // not in the snapshot
                    1 => snap.login = snap.login.to_uppercase(),
                    2 => snap.last_name = Some("Renamed".to_owned()),
                    _ => {}
                }
                snapshot.push(snap);
            }
            snapshot.extend(
                (0..new_users).map(|i| new_snapshot_user(&format!("new{i}@example.com"), &[])),
            );
            Case { org, app, snapshot }
        })
}

fn in_snapshot(case: &Case, login: &str) -> bool {
    case.snapshot
        .iter()
        .any(|s| s.login.eq_ignore_ascii_case(login))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn every_snapshot_user_ends_up_assigned_to_the_app_once(case in case()) {
        let plan = case.org.plan(&case.app, &case.snapshot);
        let already: BTreeSet<&str> = case.org.app_users(&case.app).iter().map(|u| u.login.as_str()).collect();
        for snap in &case.snapshot {
            let known = case.org.users.iter().find(|u| u.login.eq_ignore_ascii_case(&snap.login));
            let assigns = plan
                .changes
                .iter()
                .filter(|c| {
                    c.kind == ChangeKind::Assign
                        && c.app_id.as_ref() == Some(&case.app)
                        && c.login.eq_ignore_ascii_case(&snap.login)
                })
                .count();
            let was_assigned = known.is_some_and(|u| already.contains(u.login.as_str()));
            prop_assert_eq!(assigns, usize::from(!was_assigned), "{}", snap.login);
        }
    }

    #[test]
    fn every_app_user_missing_from_the_snapshot_is_unassigned_once(case in case()) {
        let plan = case.org.plan(&case.app, &case.snapshot);
        for user in case.org.app_users(&case.app) {
            let removals: Vec<_> = plan
                .changes
                .iter()
                .filter(|c| c.kind == ChangeKind::Unassign && c.app_id.as_ref() == Some(&case.app) && c.user_id.as_ref() == Some(&user.id))
                .collect();
            if in_snapshot(&case, &user.login) {
                prop_assert!(removals.is_empty());
            } else {
                prop_assert_eq!(removals.len(), 1);
                prop_assert_eq!(removals[0].cause, Some(Cause::RemovedFromSource));
            }
        }
    }

    #[test]
    fn deactivation_reaches_every_app_and_only_when_the_source_deactivates(case in case()) {
        let plan = case.org.plan(&case.app, &case.snapshot);
        let deactivates = case.org.app_by_id(&case.app).deactivates_removed_users();
        let removed: BTreeSet<&UserId> = case
            .org
            .app_users(&case.app)
            .into_iter()
            .filter(|u| !in_snapshot(&case, &u.login))
            .map(|u| &u.id)
            .collect();
        let deactivated: BTreeSet<&UserId> = plan
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Deactivate)
            .filter_map(|c| c.user_id.as_ref())
            .collect();
        prop_assert_eq!(&deactivated, &if deactivates { removed.clone() } else { BTreeSet::new() });
        for assignment in case.org.assignments.iter().filter(|a| a.app_id != case.app) {
            let unassigned = plan.changes.iter().any(|c| {
                c.kind == ChangeKind::Unassign
                    && c.app_id.as_ref() == Some(&assignment.app_id)
                    && c.user_id.as_ref() == Some(&assignment.user_id)
                    && c.cause == Some(Cause::Deactivated)
            });
            prop_assert_eq!(unassigned, deactivates && removed.contains(&assignment.user_id));
        }
    }

    #[test]
    fn no_change_is_planned_twice_and_the_counts_match_the_changes(case in case()) {
        let plan = case.org.plan(&case.app, &case.snapshot);
        let mut seen = BTreeSet::new();
        for c in &plan.changes {
            prop_assert!(seen.insert((c.kind.as_str(), c.login.to_lowercase(), c.app_id.clone())), "twice: {:?}", c);
        }
        let count = |kind| plan.changes.iter().filter(|c| c.kind == kind).count() as u64;
        prop_assert_eq!(plan.counts.created, count(ChangeKind::Create));
        prop_assert_eq!(plan.counts.updated, count(ChangeKind::Update));
        prop_assert_eq!(plan.counts.assigned, count(ChangeKind::Assign));
        prop_assert_eq!(plan.counts.unassigned, count(ChangeKind::Unassign));
        prop_assert_eq!(plan.counts.deactivated, count(ChangeKind::Deactivate));
        prop_assert_eq!(plan.counts.scanned, case.snapshot.len() as u64);
        prop_assert_eq!(plan.counts.created + plan.counts.updated + plan.counts.unchanged, plan.counts.scanned);
        // No group rules here: every unassignment is counted, against the app it is in.
        prop_assert_eq!(plan.impact.total_unassignments(), plan.counts.unassigned);
        prop_assert_eq!(plan.impact.org_population, case.org.org_population());
    }
}
