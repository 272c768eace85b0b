//! The planner: what a full import would change, each change named, and what the safeguards
//! count of it.

#[path = "fixtures/org.rs"]
mod org;

use org::{Org, new_snapshot_user, snapshot_user};
use safeguard_rules::plan::{AppImpact, Cause, Change, ChangeKind, Counts, Plan};
use safeguard_rules::{AppId, UserId};

/// The changes of one kind, as (login, app name, cause).
fn of_kind(plan: &Plan, kind: ChangeKind) -> Vec<(&str, Option<&str>, Option<Cause>)> {
    plan.changes
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| (c.login.as_str(), c.app_name.as_deref(), c.cause))
        .collect()
}

fn impact_of(plan: &Plan) -> Vec<(&str, u64, u64)> {
    plan.impact
        .apps
        .iter()
        .map(|a| (a.app_name.as_str(), a.unassignments, a.population))
        .collect()
}

// --- Users of the snapshot ---

#[test]
fn a_snapshot_that_lists_every_app_user_as_they_are_changes_nothing() {
    let mut org = Org::new();
    let app = org.app_with_users("Okta", "u", 5);
    let plan = org.plan(&app, &org.snapshot_of(&app));
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(
        plan.counts,
        Counts {
            scanned: 5,
            unchanged: 5,
            ..Counts::default()
        }
    );
    assert!(plan.impact.apps.is_empty());
}

#[test]
fn a_new_login_creates_the_user_and_assigns_it_to_the_app() {
    let mut org = Org::new();
    let app = org.app("Okta");
    let newcomer = new_snapshot_user("grace@example.com", &[("department", "Navy")]);
    let plan = org.plan(&app, std::slice::from_ref(&newcomer));

    assert_eq!(plan.changes.len(), 2);
    let create = &plan.changes[0];
    assert_eq!(
        (create.kind, create.login.as_str()),
        (ChangeKind::Create, "grace@example.com")
    );
    assert_eq!(
        create.user_id, None,
        "a user the import creates has no id yet"
    );
    assert_eq!(create.profile, Some(newcomer.profile()));
    let assign = &plan.changes[1];
    assert_eq!(assign.kind, ChangeKind::Assign);
    assert_eq!(assign.app_id.as_ref(), Some(&app));
    assert_eq!(assign.app_name.as_deref(), Some("Okta"));
    assert_eq!((plan.counts.created, plan.counts.assigned), (1, 1));
}

#[test]
fn a_known_login_in_another_case_is_the_same_user() {
    let mut org = Org::new();
    let app = org.app("Okta");
    let ada = org.user("ada@example.com");
    let mut snap = snapshot_user(org.user_by_id(&ada));
    snap.login = "ADA@Example.COM".to_owned();
    let plan = org.plan(&app, &[snap]);

    assert_eq!(plan.counts.created, 0, "no second Ada");
    assert_eq!(plan.counts.unchanged, 1);
    let assign = &plan.changes[0];
    assert_eq!(assign.kind, ChangeKind::Assign);
    assert_eq!(assign.user_id.as_ref(), Some(&ada));
    assert_eq!(
        assign.login, "ada@example.com",
        "the change names the user by its login"
    );
}

#[test]
fn a_non_ascii_login_is_matched_without_regard_to_case() {
    let mut org = Org::new();
    let app = org.app("Okta");
    let user = org.user("ÉMILE@example.com");
    org.assign(&user, &app);
    let mut snap = snapshot_user(org.user_by_id(&user));
    snap.login = "émile@EXAMPLE.com".to_owned();
    let plan = org.plan(&app, &[snap]);
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(plan.counts.unchanged, 1);
}

#[test]
fn a_changed_profile_is_an_update_carrying_the_new_profile() {
    let mut org = Org::new();
    let app = org.app("Okta");
    let ada = org.user("ada@example.com");
    org.assign(&ada, &app);
    let mut snap = snapshot_user(org.user_by_id(&ada));
    snap.last_name = Some("King".to_owned());
    let plan = org.plan(&app, std::slice::from_ref(&snap));

    assert_eq!(plan.changes.len(), 1, "already assigned: no assign");
    let update = &plan.changes[0];
    assert_eq!(update.kind, ChangeKind::Update);
    assert_eq!(update.user_id.as_ref(), Some(&ada));
    assert_eq!(
        update.profile.as_ref().and_then(|p| p.last_name.as_deref()),
        Some("King")
    );
    assert_eq!((plan.counts.updated, plan.counts.unchanged), (1, 0));
}

#[test]
fn a_known_user_not_yet_in_a_profile_source_is_assigned_and_updated() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", false);
    let ada = org.user("ada@example.com");
    let mut snap = snapshot_user(org.user_by_id(&ada));
    snap.email = Some("ada@example.com".to_owned());
    let plan = org.plan(&workday, &[snap]);
    let kinds: Vec<_> = plan.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Update, ChangeKind::Assign]);
    assert_eq!((plan.counts.updated, plan.counts.assigned), (1, 1));
}

#[test]
fn a_known_user_not_yet_in_another_app_is_assigned_with_its_app_profile() {
    let mut org = Org::new();
    let okta = org.app("Okta");
    let ada = org.user("ada@example.com");
    let mut snap = snapshot_user(org.user_by_id(&ada));
    snap.email = Some("ada@example.com".to_owned());
    let plan = org.plan(&okta, std::slice::from_ref(&snap));
    let kinds: Vec<_> = plan.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Assign]);
    assert_eq!(plan.changes[0].profile, Some(snap.profile()));
    assert_eq!(
        (
            plan.counts.updated,
            plan.counts.unchanged,
            plan.counts.assigned
        ),
        (0, 1, 1)
    );
}

// --- Users removed from the source ---

#[test]
fn a_user_missing_from_the_snapshot_is_unassigned_as_removed_from_source() {
    let mut org = Org::new();
    let okta = org.app("Okta");
    let slack = org.app("Slack");
    let ada = org.user("ada@example.com");
    let bob = org.user("bob@example.com");
    for user in [&ada, &bob] {
        org.assign(user, &okta);
        org.assign(user, &slack);
    }
    let plan = org.plan(&okta, &org.snapshot_without(&okta, &["bob@example.com"]));

    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [(
            "bob@example.com",
            Some("Okta"),
            Some(Cause::RemovedFromSource)
        )]
    );
    assert_eq!(plan.changes[0].user_id.as_ref(), Some(&bob));
    assert!(
        of_kind(&plan, ChangeKind::Deactivate).is_empty(),
        "not a profile source"
    );
    assert_eq!(impact_of(&plan), [("Okta", 1, 2)]);
}

#[test]
fn a_deactivating_profile_source_deactivates_and_unassigns_from_every_app() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let slack = org.app("Slack");
    let zoom = org.app("Zoom");
    let ada = org.user("ada@example.com");
    let bob = org.user("bob@example.com");
    for user in [&ada, &bob] {
        org.assign(user, &workday);
        org.assign(user, &slack);
        org.assign(user, &zoom);
    }
    let plan = org.plan(
        &workday,
        &org.snapshot_without(&workday, &["bob@example.com"]),
    );

    let deactivate = &plan.changes[0];
    assert_eq!(
        (deactivate.kind, deactivate.user_id.as_ref()),
        (ChangeKind::Deactivate, Some(&bob))
    );
    assert_eq!(deactivate.cause, Some(Cause::RemovedFromSource));
    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [
            (
                "bob@example.com",
                Some("Workday"),
                Some(Cause::RemovedFromSource)
            ),
            ("bob@example.com", Some("Slack"), Some(Cause::Deactivated)),
            ("bob@example.com", Some("Zoom"), Some(Cause::Deactivated)),
        ]
    );
    assert_eq!((plan.counts.deactivated, plan.counts.unassigned), (1, 3));
    // Each app's check sees its own one; the org sees all three.
    assert_eq!(
        impact_of(&plan),
        [("Slack", 1, 2), ("Workday", 1, 2), ("Zoom", 1, 2)]
    );
    assert_eq!(plan.impact.total_unassignments(), 3);
}

#[test]
fn with_deactivation_off_a_profile_source_only_unassigns_its_own_app() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", false);
    let slack = org.app("Slack");
    let bob = org.user("bob@example.com");
    org.assign(&bob, &workday);
    org.assign(&bob, &slack);
    let plan = org.plan(&workday, &[]);

    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [(
            "bob@example.com",
            Some("Workday"),
            Some(Cause::RemovedFromSource)
        )]
    );
    assert!(of_kind(&plan, ChangeKind::Deactivate).is_empty());
    assert_eq!(plan.counts.deactivated, 0);
}

#[test]
fn deactivation_on_an_app_that_is_not_a_profile_source_does_not_cascade() {
    let mut org = Org::new();
    let app = org.add_app("Box", false, true);
    let slack = org.app("Slack");
    let bob = org.user("bob@example.com");
    org.assign(&bob, &app);
    org.assign(&bob, &slack);
    let plan = org.plan(&app, &[]);
    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [(
            "bob@example.com",
            Some("Box"),
            Some(Cause::RemovedFromSource)
        )]
    );
    assert!(of_kind(&plan, ChangeKind::Deactivate).is_empty());
}

#[test]
fn a_user_already_deactivated_is_not_deactivated_again() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let bob = org.user("bob@example.com");
    org.assign(&bob, &workday);
    org.deactivate(&bob);
    let plan = org.plan(&workday, &[]);
    assert!(of_kind(&plan, ChangeKind::Deactivate).is_empty());
    assert_eq!(plan.counts.deactivated, 0);
    assert_eq!(of_kind(&plan, ChangeKind::Unassign).len(), 1);
}

#[test]
fn org_users_outside_the_app_are_left_alone() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let slack = org.app("Slack");
    let carol = org.user("carol@example.com");
    org.assign(&carol, &slack);
    let plan = org.plan(&workday, &[]);
    assert!(
        plan.changes.is_empty(),
        "Carol was never in Workday: {:?}",
        plan.changes
    );
}

// --- Group rules ---

/// HR (the import's app, the profile source) with Ada, who is in Sales; the rule "Sales team"
/// gives Salesforce.
fn org_with_a_sales_rule() -> (Org, AppId, AppId, UserId) {
    let mut org = Org::new();
    let hr = org.profile_source("HR", false);
    let salesforce = org.app("Salesforce");
    let rule = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    org.assign(&ada, &hr);
    org.assign_by_rule(&ada, &salesforce, &rule);
    (org, hr, salesforce, ada)
}

fn moved_to(org: &Org, user: &UserId, department: &str) -> safeguard_rules::snapshot::SnapshotUser {
    let mut snap = snapshot_user(org.user_by_id(user));
    snap.attributes
        .insert("department".into(), department.into());
    snap
}

#[test]
fn leaving_a_group_rule_unassigns_its_app_with_cause_group_rule_and_is_not_counted() {
    let (org, hr, _, ada) = org_with_a_sales_rule();
    let plan = org.plan(&hr, &[moved_to(&org, &ada, "Support")]);

    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [(
            "ada@example.com",
            Some("Salesforce"),
            Some(Cause::GroupRule)
        )]
    );
    assert_eq!(plan.counts.unassigned, 1, "counts list it");
    assert!(
        plan.impact.apps.is_empty(),
        "the safeguards do not count it"
    );
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn a_direct_assignment_is_not_taken_away_by_a_group_rule() {
    let mut org = Org::new();
    let hr = org.profile_source("HR", false);
    let salesforce = org.app("Salesforce");
    org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    org.assign(&ada, &hr);
    org.assign(&ada, &salesforce);
    let plan = org.plan(&hr, &[moved_to(&org, &ada, "Support")]);
    assert!(of_kind(&plan, ChangeKind::Unassign).is_empty());
}

#[test]
fn newly_matching_a_group_rule_assigns_its_apps() {
    let mut org = Org::new();
    let hr = org.profile_source("HR", false);
    let salesforce = org.app("Salesforce");
    let gong = org.app("Gong");
    let rule = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        &[salesforce.clone(), gong.clone()],
    );
    let bob = org.user_with("bob@example.com", &[("department", "Support")]);
    org.assign(&bob, &hr);
    let plan = org.plan(&hr, &[moved_to(&org, &bob, "Sales")]);

    let assigns: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Assign)
        .collect();
    assert_eq!(assigns.len(), 2);
    for (change, app) in assigns.iter().zip([&salesforce, &gong]) {
        assert_eq!(change.app_id.as_ref(), Some(app));
        assert_eq!(
            change.group_rule_id.as_ref(),
            Some(&rule),
            "the assignment records its rule"
        );
        assert_eq!(change.user_id.as_ref(), Some(&bob));
    }
    assert_eq!(plan.counts.assigned, 2);
}

#[test]
fn a_new_user_matching_a_group_rule_is_assigned_its_apps() {
    let mut org = Org::new();
    let hr = org.app("HR");
    let salesforce = org.app("Salesforce");
    let rule = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        &[salesforce.clone(), hr.clone()],
    );
    let plan = org.plan(
        &hr,
        &[new_snapshot_user(
            "new@example.com",
            &[("department", "Sales")],
        )],
    );

    let assigns: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Assign)
        .map(|c| (c.app_name.as_deref(), c.group_rule_id.as_ref()))
        .collect();
    // The import's own app once (the import assigns it), Salesforce through the rule.
    assert_eq!(
        assigns,
        [(Some("HR"), None), (Some("Salesforce"), Some(&rule))]
    );
}

#[test]
fn two_rules_giving_the_same_app_assign_it_once() {
    let mut org = Org::new();
    let hr = org.profile_source("HR", false);
    let slack = org.app("Slack");
    org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&slack),
    );
    org.group_rule(
        "Berlin office",
        "city",
        "Berlin",
        std::slice::from_ref(&slack),
    );
    let newcomer = new_snapshot_user(
        "new@example.com",
        &[("department", "Sales"), ("city", "Berlin")],
    );
    let bob = org.user_with(
        "bob@example.com",
        &[("department", "Support"), ("city", "Paris")],
    );
    org.assign(&bob, &hr);
    let mut bob_moves = snapshot_user(org.user_by_id(&bob));
    bob_moves.attributes = org::attributes(&[("department", "Sales"), ("city", "Berlin")]);
    let plan = org.plan(&hr, &[newcomer, bob_moves]);

    let slack_assigns: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Assign && c.app_id.as_ref() == Some(&slack))
        .map(|c| c.login.as_str())
        .collect();
    assert_eq!(slack_assigns, ["new@example.com", "bob@example.com"]);
    assert_eq!(
        plan.counts.assigned, 3,
        "HR for the newcomer, Slack once for each"
    );
}

#[test]
fn moving_between_two_rules_that_give_the_same_app_keeps_the_app() {
    let mut org = Org::new();
    let hr = org.profile_source("HR", false);
    let slack = org.app("Slack");
    let sales = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&slack),
    );
    org.group_rule(
        "Support team",
        "department",
        "Support",
        std::slice::from_ref(&slack),
    );
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    org.assign(&ada, &hr);
    org.assign_by_rule(&ada, &slack, &sales);
    let plan = org.plan(&hr, &[moved_to(&org, &ada, "Support")]);

    assert!(
        of_kind(&plan, ChangeKind::Unassign).is_empty(),
        "Support still gives Slack: {:?}",
        plan.changes
    );
    assert_eq!(plan.counts.unassigned, 0);
}

#[test]
fn a_removed_users_group_rule_assignments_are_counted_as_deactivated() {
    // The group-rule exception is for attribute changes; a deactivated user loses every app.
    let (mut org, _, salesforce, ada) = org_with_a_sales_rule();
    let workday = org.profile_source("Workday", true);
    org.assign(&ada, &workday);
    let plan = org.plan(&workday, &[]);
    assert_eq!(
        of_kind(&plan, ChangeKind::Unassign),
        [
            (
                "ada@example.com",
                Some("Workday"),
                Some(Cause::RemovedFromSource)
            ),
            ("ada@example.com", Some("HR"), Some(Cause::Deactivated)),
            (
                "ada@example.com",
                Some("Salesforce"),
                Some(Cause::Deactivated)
            ),
        ]
    );
    assert!(
        plan.impact
            .apps
            .iter()
            .any(|a| a.app_id == salesforce && a.unassignments == 1)
    );
    assert_eq!(plan.impact.total_unassignments(), 3);
}

// --- Counts and impact ---

#[test]
fn counts_add_up_every_kind_of_change() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let slack = org.app("Slack");
    let sf = org.app("Salesforce");
    let rule = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&sf),
    );
    // Two unchanged, one updated (and leaving Sales), two removed (in Slack too), one known user
    // newly in Workday, two new users.
    let mut in_workday = Vec::new();
    for login in ["a", "b", "c", "d", "e"] {
        let user = org.user_with(&format!("{login}@example.com"), &[("department", "Sales")]);
        org.assign(&user, &workday);
        org.assign(&user, &slack);
        org.assign_by_rule(&user, &sf, &rule);
        in_workday.push(user);
    }
    let outsider = org.user("f@example.com");
    let mut snapshot: Vec<_> = in_workday[..3]
        .iter()
        .map(|u| snapshot_user(org.user_by_id(u)))
        .collect();
    snapshot[2]
        .attributes
        .insert("department".into(), "Support".into());
    snapshot.push(snapshot_user(org.user_by_id(&outsider)));
    snapshot.push(new_snapshot_user("g@example.com", &[]));
    snapshot.push(new_snapshot_user("h@example.com", &[]));
    let plan = org.plan(&workday, &snapshot);

    assert_eq!(
        plan.counts,
        Counts {
            scanned: 6,
            created: 2,
            // c's department, and f's first app user in Workday (its external id is new).
            updated: 2,
            unchanged: 2,
            assigned: 3,
            // 2 removed x 3 apps, and c's Salesforce through the rule.
            unassigned: 7,
            deactivated: 2,
            reactivated: 0,
        }
    );
    let counted_by_app: Vec<_> = plan
        .impact
        .apps
        .iter()
        .map(|a: &AppImpact| (a.app_name.as_str(), a.unassignments))
        .collect();
    assert_eq!(
        counted_by_app,
        [("Salesforce", 2), ("Slack", 2), ("Workday", 2)]
    );
}

#[test]
fn impact_populations_are_those_before_the_import() {
    let mut org = Org::new();
    let app = org.app_with_users("Okta", "u", 100);
    // 30 leave, 50 join: after the import Okta would have 120 app users.
    let mut snapshot = org.snapshot_removing(&app, 30);
    snapshot.extend((0..50).map(|i| new_snapshot_user(&format!("new{i}@example.com"), &[])));
    let plan = org.plan(&app, &snapshot);
    assert_eq!(impact_of(&plan), [("Okta", 30, 100)]);
    assert_eq!(plan.impact.org_population, 100);
}

#[test]
fn impact_lists_apps_with_the_most_unassignments_first() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let zoom = org.app("Zoom");
    let asana = org.app("Asana");
    for i in 0..4 {
        let user = org.user(&format!("u{i}@example.com"));
        org.assign(&user, &workday);
        org.assign(&user, &asana);
        if i < 2 {
            org.assign(&user, &zoom);
        }
    }
    let keep = org.user("keep@example.com");
    org.assign(&keep, &workday);
    org.assign(&keep, &zoom);
    let plan = org.plan(
        &workday,
        &org.snapshot_without(
            &workday,
            &["u0@example.com", "u1@example.com", "u2@example.com"],
        ),
    );
    assert_eq!(
        impact_of(&plan),
        [("Asana", 3, 4), ("Workday", 3, 5), ("Zoom", 2, 3)]
    );
}

#[test]
fn the_plan_is_deterministic() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let apps: Vec<_> = (0..12).map(|i| org.app(&format!("App {i}"))).collect();
    let rule = org.group_rule("Sales team", "department", "Sales", &apps[..3]);
    for i in 0..200 {
        let user = org.user_with(&format!("u{i:03}@example.com"), &[("department", "Sales")]);
        org.assign(&user, &workday);
        for app in apps.iter().skip(i % 12).step_by(5) {
            org.assign(&user, app);
        }
        org.assign_by_rule(&user, &apps[i % 3], &rule);
    }
    let mut snapshot = org.snapshot_removing(&workday, 40);
    for snap in snapshot.iter_mut().step_by(3) {
        snap.attributes
            .insert("department".into(), "Support".into());
    }
    snapshot.push(new_snapshot_user(
        "new@example.com",
        &[("department", "Sales")],
    ));

    let first = org.plan(&workday, &snapshot);
    assert!(
        first.counts.unassigned > 100,
        "a plan with every kind of change: {:?}",
        first.counts
    );
    // Hash maps are seeded afresh on each run: the plan must not depend on their order.
    for _ in 0..20 {
        assert_eq!(org.plan(&workday, &snapshot), first);
    }
}
