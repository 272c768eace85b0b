//! Properties of resuming part of a paused import (version 2 of the rule book), checked with
//! generated plans: an excluded user keeps everything, `skipDeactivations` deactivates no one
//! and keeps the removals from the source, and the totals add up to what is applied. The last
//! property plans real imports of a small org and applies what the resume keeps.

#[path = "fixtures/org.rs"]
mod org;

use org::Org;
use proptest::prelude::*;
use safeguard_rules::AppId;
use safeguard_rules::UserId;
use safeguard_rules::org::UserStatus;
use safeguard_rules::plan::{Cause, Change, ChangeKind};
use safeguard_rules::resume::{ResumeChoice, skipped, totals};

fn user_id(n: usize) -> UserId {
    UserId::from(format!("user-{n}"))
}

/// One change: its kind, its user (none for a user the plan creates), its cause and its app.
fn change() -> impl Strategy<Value = Change> {
    (
        prop::sample::select(ChangeKind::ALL.to_vec()),
        prop::option::weighted(0.9, 0usize..12),
        prop::option::of(prop::sample::select(Cause::ALL.to_vec())),
        0usize..3,
    )
        .prop_map(|(kind, user, cause, app)| Change {
            kind,
            user_id: user.map(user_id),
            login: format!("{}@example.com", user.map_or(99, |u| u)),
            app_id: Some(AppId::from(format!("app-{app}"))),
            app_name: Some(format!("App {app}")),
            cause,
            profile: None,
            external_id: None,
            group_rule_id: None,
        })
}

/// A plan and a choice whose excluded users are among those it changes.
fn plan_and_choice() -> impl Strategy<Value = (Vec<Change>, ResumeChoice)> {
    prop::collection::vec(change(), 0..40).prop_flat_map(|changes| {
        let mut changed: Vec<UserId> = changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Skip)
            .filter_map(|c| c.user_id.clone())
            .collect();
        changed.sort();
        changed.dedup();
        let most = changed.len();
        (
            Just(changes),
            prop::sample::subsequence(changed, 0..=most),
            any::<bool>(),
        )
            .prop_map(|(changes, exclude_user_ids, skip_deactivations)| {
                (
                    changes,
                    ResumeChoice {
                        exclude_user_ids,
                        skip_deactivations,
                    },
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn no_change_to_an_excluded_user_is_applied(
        (changes, choice) in plan_and_choice(),
    ) {
        let skips = skipped(&changes, &choice).expect("every excluded user is in the plan");
        prop_assert_eq!(skips.len(), changes.len());
        for (change, &skip) in changes.iter().zip(&skips) {
            let excluded = change
                .user_id
                .as_ref()
                .is_some_and(|u| choice.exclude_user_ids.contains(u));
            if excluded {
                prop_assert!(skip, "applied to an excluded user: {:?}", change);
            }
        }
    }

    #[test]
    fn skipping_deactivations_applies_no_deactivate_and_keeps_removals_from_the_source(
        (changes, choice) in plan_and_choice(),
    ) {
        let choice = ResumeChoice { skip_deactivations: true, ..choice };
        let skips = skipped(&changes, &choice).expect("every excluded user is in the plan");
        for (change, &skip) in changes.iter().zip(&skips) {
            if change.kind == ChangeKind::Deactivate {
                prop_assert!(skip, "a deactivate applied: {:?}", change);
            }
            if change.kind == ChangeKind::Unassign && change.cause == Some(Cause::Deactivated) {
                prop_assert!(skip, "an unassignment by deactivation applied: {:?}", change);
            }
        }
        prop_assert_eq!(totals(&changes, &skips).deactivations, 0);
    }

    #[test]
    fn only_what_the_choice_names_is_skipped_and_the_totals_add_up(
        (changes, choice) in plan_and_choice(),
    ) {
        let skips = skipped(&changes, &choice).expect("every excluded user is in the plan");
        for (change, &skip) in changes.iter().zip(&skips) {
            let excluded = change
                .user_id
                .as_ref()
                .is_some_and(|u| choice.exclude_user_ids.contains(u));
            let by_deactivation = choice.skip_deactivations
                && (change.kind == ChangeKind::Deactivate
                    || (change.kind == ChangeKind::Unassign
                        && change.cause == Some(Cause::Deactivated)));
            prop_assert_eq!(skip, excluded || by_deactivation, "{:?}", change);
        }
        let t = totals(&changes, &skips);
        let applied = |kind: ChangeKind| {
            changes
                .iter()
                .zip(&skips)
                .filter(|(c, s)| !**s && c.kind == kind)
                .count() as u64
        };
        prop_assert_eq!(t.deactivations, applied(ChangeKind::Deactivate));
        prop_assert_eq!(t.unassignments, applied(ChangeKind::Unassign));
        prop_assert!(t.counted <= t.unassignments);
        prop_assert_eq!(t.skipped, skips.iter().filter(|s| **s).count() as u64);
        if !choice.skip_deactivations && choice.exclude_user_ids.is_empty() {
            prop_assert!(choice.is_whole());
            prop_assert_eq!(t.skipped, 0);
        }
    }

    #[test]
    fn an_id_the_plan_does_not_change_refuses_the_whole_resume(
        (changes, choice) in plan_and_choice(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut exclude = choice.exclude_user_ids.clone();
        let k = at.index(exclude.len() + 1);
        exclude.insert(k, UserId::from("nobody"));
        let choice = ResumeChoice { exclude_user_ids: exclude, ..choice };
        let errors = skipped(&changes, &choice).expect_err("an unknown id is refused");
        let expected = format!("excludeUserIds[{k}]");
        prop_assert!(errors.iter().any(|e| e.field == expected), "{:?}", errors);
    }
}

/// A profile source "HR" that deactivates, and "Chat" and "Mail": each of 16 users is in HR and
/// in the other apps `others` gives (bit 0 Chat, bit 1 Mail).
fn small_org(others: &[u8]) -> (Org, AppId, Vec<UserId>) {
    let mut org = Org::new();
    let hr = org.profile_source("HR", true);
    let chat = org.app("Chat");
    let mail = org.app("Mail");
    let users = others
        .iter()
        .enumerate()
        .map(|(i, bits)| {
            let user = org.user(&format!("u{i:02}@example.com"));
            org.assign(&user, &hr);
            if bits & 1 != 0 {
                org.assign(&user, &chat);
            }
            if bits & 2 != 0 {
                org.assign(&user, &mail);
            }
            user
        })
        .collect();
    (org, hr, users)
}

/// A user's status and app users.
fn state(org: &Org, user: &UserId) -> (UserStatus, Vec<AppId>) {
    let mut apps: Vec<AppId> = org
        .assignments
        .iter()
        .filter(|a| a.user_id == *user)
        .map(|a| a.app_id.clone())
        .collect();
    apps.sort();
    (org.user_by_id(user).status, apps)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_partial_resume_of_a_planned_import_leaves_the_excluded_users_as_they_were(
        others in prop::collection::vec(0u8..4, 16),
        removed in prop::sample::subsequence((0..16).collect::<Vec<usize>>(), 1..=16),
        excluded in any::<prop::sample::Index>(),
        excluded_count in 0usize..=4,
        skip_deactivations in any::<bool>(),
    ) {
        let (mut org, hr, users) = small_org(&others);
        let removed_logins: Vec<String> =
            removed.iter().map(|i| format!("u{i:02}@example.com")).collect();
        let removed_refs: Vec<&str> = removed_logins.iter().map(String::as_str).collect();
        let snapshot = org.snapshot_without(&hr, &removed_refs);
        let plan = org.plan(&hr, &snapshot);
        let first = excluded.index(removed.len());
        let exclude: Vec<UserId> = (0..excluded_count.min(removed.len()))
            .map(|k| users[removed[(first + k) % removed.len()]].clone())
            .collect();
        let choice = ResumeChoice { exclude_user_ids: exclude.clone(), skip_deactivations };
        let skips = skipped(&plan.changes, &choice).expect("every removed user is in the plan");

        let before: Vec<_> = users.iter().map(|u| state(&org, u)).collect();
        let mut kept = plan.clone();
        kept.changes = plan
            .changes
            .iter()
            .zip(&skips)
            .filter(|(_, s)| !**s)
            .map(|(c, _)| c.clone())
            .collect();
        org.apply(&hr, &kept);

        for (i, user) in users.iter().enumerate() {
            let after = state(&org, user);
            if exclude.contains(user) || !removed.contains(&i) {
                prop_assert_eq!(&after, &before[i], "u{:02} changed", i);
            } else if skip_deactivations {
                // Removed from the source: still active, out of HR only.
                let mut others_only = before[i].1.clone();
                others_only.retain(|a| *a != hr);
                prop_assert_eq!(after, (UserStatus::Active, others_only), "u{:02}", i);
            } else {
                prop_assert_eq!(after, (UserStatus::Deactivated, Vec::new()), "u{:02}", i);
            }
        }
    }
}
