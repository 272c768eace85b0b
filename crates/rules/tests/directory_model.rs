//! The directory model of `sources.md`: who owns a user's profile, what an import of each kind
//! of app changes, how an entry finds its user, and what happens to deactivated users. One test
//! per rule, each checking what an administrator sees of the import: its counts, its changes and
//! their causes, where each profile ends up, and its warnings. Every plan here is made by both
//! planners (`Org::plan` checks that the CSV planner plans the same from the file).

#[path = "fixtures/org.rs"]
mod org;

use org::{Org, csv::to_csv, new_snapshot_user, on, snapshot_user};
use safeguard_rules::evaluator::Verdict;
use safeguard_rules::org::{Profile, UserStatus};
use safeguard_rules::plan::{Cause, ChangeKind, Counts, Plan};
use safeguard_rules::settings::Settings;
use safeguard_rules::snapshot::SnapshotUser;
use safeguard_rules::snapshot_csv::read_csv;
use safeguard_rules::{AppId, UserId};

/// Plans with both planners: the snapshot must read back from its CSV file unchanged, so the
/// CSV planner's plan is compared too.
fn plan_both(org: &Org, app: &AppId, snapshot: &[SnapshotUser]) -> Plan {
    let file = to_csv(snapshot);
    assert_eq!(
        read_csv(&file).as_deref(),
        Ok(snapshot),
        "the snapshot reads back from its file"
    );
    let plan = org.plan(app, snapshot);
    assert_eq!(org.plan_csv(app, &file), Ok(plan.clone()));
    plan
}

fn kinds(plan: &Plan) -> Vec<ChangeKind> {
    plan.changes.iter().map(|c| c.kind).collect()
}

fn set_email(org: &mut Org, user: &UserId, email: &str) {
    let user = org
        .users
        .iter_mut()
        .find(|u| u.id == *user)
        .expect("known user");
    user.profile.email = Some(email.to_owned());
}

/// Workday, the profile source, lists Ada and Bob; Okta is an app that is not one.
fn workday_and_okta() -> (Org, AppId, AppId, UserId, UserId) {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", false);
    let okta = org.app("Okta");
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    let bob = org.user_with("bob@example.com", &[("department", "Eng")]);
    for user in [&ada, &bob] {
        org.assign(user, &workday);
    }
    (org, workday, okta, ada, bob)
}

// --- The directory model ---

#[test]
fn a_non_profile_source_import_of_the_same_snapshot_twice_reports_0_updated_the_second_time() {
    let (mut org, _, okta, ada, bob) = workday_and_okta();
    org.assign_with_id(&ada, &okta, "okta-1");
    // Okta has its own id and its own name for Ada, lists Bob for the first time, and a
    // newcomer.
    let mut ada_in_okta = snapshot_user(org.user_by_id(&ada));
    ada_in_okta.external_id = "okta-2".to_owned();
    ada_in_okta.first_name = Some("Ada L.".to_owned());
    let mut bob_in_okta = snapshot_user(org.user_by_id(&bob));
    bob_in_okta.external_id = "okta-3".to_owned();
    bob_in_okta.last_name = Some("Builder".to_owned());
    let grace = new_snapshot_user("grace@example.com", &[]);
    let snapshot = [ada_in_okta, bob_in_okta, grace];

    let first = plan_both(&org, &okta, &snapshot);
    assert_eq!(
        kinds(&first),
        [
            ChangeKind::Update,
            ChangeKind::Assign,
            ChangeKind::Create,
            ChangeKind::Assign
        ]
    );
    assert_eq!(
        (
            first.counts.created,
            first.counts.updated,
            first.counts.unchanged
        ),
        (1, 1, 1),
        "Ada's app user changes; Bob's is new, which is no update"
    );

    org.apply(&okta, &first);
    let second = plan_both(&org, &okta, &snapshot);
    assert!(second.changes.is_empty(), "{:?}", second.changes);
    assert_eq!(
        second.counts,
        Counts {
            scanned: 3,
            unchanged: 3,
            ..Counts::default()
        }
    );
    assert_eq!(
        org.app_user(&ada, &okta)
            .and_then(|a| a.external_id.as_deref()),
        Some("okta-2")
    );
}

#[test]
fn a_non_profile_source_import_never_changes_the_profile_nor_regroups() {
    let (mut org, _, okta, ada, _) = workday_and_okta();
    let salesforce = org.app("Salesforce");
    let rule = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    org.assign_by_rule(&ada, &salesforce, &rule);
    org.assign(&ada, &okta);
    let mut moved = snapshot_user(org.user_by_id(&ada));
    moved
        .attributes
        .insert("department".into(), "Support".into());
    let plan = plan_both(&org, &okta, std::slice::from_ref(&moved));

    assert_eq!(kinds(&plan), [ChangeKind::Update]);
    let update = &plan.changes[0];
    assert_eq!(
        update.app_id.as_ref(),
        Some(&okta),
        "only Okta's app user changes"
    );
    assert_eq!(update.profile, Some(moved.profile()));
    assert_eq!(plan.counts.unassigned, 0, "Salesforce stays: no regroup");

    let before = org.user_by_id(&ada).profile.clone();
    org.apply(&okta, &plan);
    assert_eq!(
        org.user_by_id(&ada).profile,
        before,
        "Ada's profile is Workday's"
    );
    assert!(org.app_user(&ada, &salesforce).is_some());
}

#[test]
fn the_highest_ranked_profile_source_owns_the_profile_and_a_lower_one_changes_only_its_app_user() {
    let mut org = Org::new();
    let bamboo = org.ranked_profile_source("BambooHR", 2, false);
    let workday = org.ranked_profile_source("Workday", 1, false);
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    org.assign(&ada, &workday);
    org.assign(&ada, &bamboo);
    let mut renamed = snapshot_user(org.user_by_id(&ada));
    renamed.last_name = Some("King".to_owned());

    let from_workday = plan_both(&org, &workday, std::slice::from_ref(&renamed));
    assert_eq!(kinds(&from_workday), [ChangeKind::Update]);
    assert_eq!(from_workday.changes[0].app_id, None, "the profile changes");
    assert_eq!(from_workday.counts.updated, 1);

    let from_bamboo = plan_both(&org, &bamboo, std::slice::from_ref(&renamed));
    assert_eq!(kinds(&from_bamboo), [ChangeKind::Update]);
    assert_eq!(
        from_bamboo.changes[0].app_id.as_ref(),
        Some(&bamboo),
        "only BambooHR's app user changes"
    );
    assert_eq!(from_bamboo.counts.updated, 1);

    let mut org_after = org.clone();
    org_after.apply(&bamboo, &from_bamboo);
    assert_eq!(org_after.user_by_id(&ada).profile.last_name, None);
    org.apply(&workday, &from_workday);
    assert_eq!(
        org.user_by_id(&ada).profile.last_name.as_deref(),
        Some("King")
    );
}

#[test]
fn a_lower_ranked_profile_source_owns_the_profile_of_a_user_no_higher_one_lists() {
    let mut org = Org::new();
    let workday = org.ranked_profile_source("Workday", 1, false);
    let bamboo = org.ranked_profile_source("BambooHR", 2, false);
    let salesforce = org.app("Salesforce");
    org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    // Only BambooHR lists Carol; Workday's rule-made app user was never listed by Workday.
    let carol = org.user_with("carol@example.com", &[("department", "Eng")]);
    org.assign(&carol, &bamboo);
    let rule = org.group_rules[0].id.clone();
    org.assign_by_rule(&carol, &workday, &rule);
    let mut moved = snapshot_user(org.user_by_id(&carol));
    moved.attributes.insert("department".into(), "Sales".into());
    let plan = plan_both(&org, &bamboo, std::slice::from_ref(&moved));

    assert_eq!(kinds(&plan), [ChangeKind::Update, ChangeKind::Assign]);
    assert_eq!(
        plan.changes[0].app_id, None,
        "BambooHR owns Carol's profile"
    );
    assert_eq!(
        plan.changes[1].app_id.as_ref(),
        Some(&salesforce),
        "her new department regroups her"
    );
}

#[test]
fn a_profile_source_takes_over_the_profile_of_a_user_another_app_created() {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", false);
    let okta = org.app("Okta");
    let mut grace = new_snapshot_user("grace@example.com", &[]);
    grace.first_name = Some("G.".to_owned());
    let created = plan_both(&org, &okta, std::slice::from_ref(&grace));
    org.apply(&okta, &created);

    let mut from_workday = grace.clone();
    from_workday.first_name = Some("Grace".to_owned());
    let plan = plan_both(&org, &workday, std::slice::from_ref(&from_workday));
    assert_eq!(kinds(&plan), [ChangeKind::Update, ChangeKind::Assign]);
    assert_eq!(plan.changes[0].app_id, None, "Workday owns it now");
    org.apply(&workday, &plan);
    let user = org.user_by_login("grace@example.com");
    assert_eq!(user.profile.first_name.as_deref(), Some("Grace"));
    let id = user.id.clone();
    assert_eq!(
        org.app_user(&id, &okta)
            .and_then(|a| a.app_profile.as_ref())
            .and_then(|p| p.first_name.as_deref()),
        Some("G."),
        "Okta keeps what its source said"
    );
}

// --- Matching an entry of a snapshot to a user ---

#[test]
fn matching_by_external_id_survives_a_login_rename() {
    let (mut org, workday, okta, ada, _) = workday_and_okta();
    org.assign_with_id(&ada, &okta, "okta-7");
    let mut renamed = snapshot_user(org.user_by_id(&ada));
    renamed.login = "ada.king@example.com".to_owned();
    renamed.external_id = "okta-7".to_owned();
    let plan = plan_both(&org, &okta, std::slice::from_ref(&renamed));
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!((plan.counts.created, plan.counts.unchanged), (0, 1));

    // The profile source too, where the CSV planner cannot plan row by row.
    let mut renamed = snapshot_user(org.user_by_id(&ada));
    renamed.login = "ada.king@example.com".to_owned();
    let mut snapshot = org.snapshot_of(&workday);
    snapshot[0] = renamed;
    let plan = plan_both(&org, &workday, &snapshot);
    assert_eq!(plan.counts.created, 0, "{:?}", plan.changes);
    assert_eq!(plan.counts.unassigned, 0, "Ada is still listed");
}

#[test]
fn login_matching_is_case_insensitive() {
    let (org, workday, okta, ada, _) = workday_and_okta();
    let mut shouted = snapshot_user(org.user_by_id(&ada));
    shouted.login = "ADA@Example.COM".to_owned();
    let plan = plan_both(
        &org,
        &workday,
        &[
            shouted.clone(),
            snapshot_user(org.user_by_login("bob@example.com")),
        ],
    );
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(plan.counts.unchanged, 2);

    let plan = plan_both(&org, &okta, std::slice::from_ref(&shouted));
    assert_eq!(kinds(&plan), [ChangeKind::Assign]);
    assert_eq!(plan.changes[0].user_id.as_ref(), Some(&ada));
    assert_eq!(plan.changes[0].login, "ada@example.com");
    assert_eq!(plan.counts.created, 0);
}

#[test]
fn email_matching_only_when_the_app_matches_by_email() {
    let (mut org, workday, okta, ada, _) = workday_and_okta();
    set_email(&mut org, &ada, "Ada@Example.com");
    let mut entry = new_snapshot_user("a.lovelace@corp.example", &[]);
    entry.email = Some("ada@example.com".to_owned());

    let by_login = plan_both(&org, &okta, std::slice::from_ref(&entry));
    assert_eq!(by_login.counts.created, 1, "matchBy is login only");

    org.app_mut(&okta).match_by_email = true;
    let by_email = plan_both(&org, &okta, std::slice::from_ref(&entry));
    assert_eq!(kinds(&by_email), [ChangeKind::Assign]);
    assert_eq!(by_email.changes[0].user_id.as_ref(), Some(&ada));
    assert_eq!(
        by_email.changes[0].external_id.as_deref(),
        Some("ext-a.lovelace@corp.example")
    );
    assert_eq!((by_email.counts.created, by_email.counts.unchanged), (0, 1));

    // A profile source matching by email is planned from the snapshot, to the same answer.
    org.app_mut(&workday).match_by_email = true;
    let mut snapshot = org.snapshot_of(&workday);
    snapshot.push(entry);
    let plan = plan_both(&org, &workday, &snapshot);
    assert_eq!(plan.counts.created, 0, "{:?}", plan.changes);
    assert_eq!(
        plan.warnings.count, 1,
        "Ada's login entry matched her already: {:?}",
        plan.warnings
    );
}

#[test]
fn two_users_with_one_email_is_a_warning_and_nothing_is_planned_for_the_entry() {
    let (mut org, _, okta, ada, bob) = workday_and_okta();
    set_email(&mut org, &ada, "team@example.com");
    set_email(&mut org, &bob, "team@example.com");
    org.app_mut(&okta).match_by_email = true;
    let mut entry = new_snapshot_user("someone@corp.example", &[]);
    entry.email = Some("TEAM@example.com".to_owned());
    let plan = plan_both(&org, &okta, std::slice::from_ref(&entry));

    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(
        plan.counts,
        Counts {
            scanned: 1,
            ..Counts::default()
        }
    );
    assert_eq!(plan.warnings.count, 1);
    let warning = &plan.warnings.first[0];
    assert!(
        warning.entry.contains("someone@corp.example"),
        "{warning:?}"
    );
    assert!(
        warning.reason.to_lowercase().contains("team@example.com"),
        "{warning:?}"
    );
}

#[test]
fn an_entry_matching_a_user_another_entry_matched_is_a_warning_and_not_imported() {
    let (mut org, _, okta, ada, _) = workday_and_okta();
    org.assign_with_id(&ada, &okta, "okta-1");
    let mut renamed = new_snapshot_user("ada.king@example.com", &[]);
    renamed.external_id = "okta-1".to_owned();
    renamed.attributes = org.user_by_id(&ada).profile.attributes.clone();
    let mut by_login = snapshot_user(org.user_by_id(&ada));
    by_login.external_id = "okta-9".to_owned();
    let plan = plan_both(&org, &okta, &[renamed, by_login]);

    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!((plan.counts.scanned, plan.counts.unchanged), (2, 1));
    assert_eq!(plan.warnings.count, 1);
    assert!(plan.warnings.first[0].entry.contains("okta-9"));
}

// --- Deactivated users ---

/// Workday (deactivating) with Ada deactivated: her assignments went with it. The rule "Sales
/// team" gives Salesforce.
fn deactivated_ada() -> (Org, AppId, AppId, UserId) {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let salesforce = org.app("Salesforce");
    org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    let ada = org.user_with("ada@example.com", &[("department", "Sales")]);
    org.deactivate(&ada);
    let bob = org.user("bob@example.com");
    org.assign(&bob, &workday);
    org.assign(&bob, &salesforce);
    (org, workday, salesforce, ada)
}

#[test]
fn a_profile_source_reactivates_a_deactivated_user_it_lists_and_assigns_their_rule_apps_again() {
    let (mut org, workday, salesforce, ada) = deactivated_ada();
    let mut snapshot = org.snapshot_of(&workday);
    snapshot.push(snapshot_user(org.user_by_id(&ada)));
    let plan = plan_both(&org, &workday, &snapshot);

    let ada_changes: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.login == "ada@example.com")
        .map(|c| (c.kind, c.app_id.clone(), c.group_rule_id.is_some()))
        .collect();
    assert_eq!(
        ada_changes,
        [
            (ChangeKind::Reactivate, Some(workday.clone()), false),
            // Her first app user in Workday: its external id is new.
            (ChangeKind::Update, None, false),
            (ChangeKind::Assign, Some(workday.clone()), false),
            (ChangeKind::Assign, Some(salesforce.clone()), true),
        ]
    );
    assert_eq!(plan.counts.reactivated, 1);
    assert_eq!(plan.counts.assigned, 2);
    assert!(plan.impact.apps.is_empty(), "{:?}", plan.impact);
    let strictest = Settings::levels(on(0), on(0));
    assert_eq!(org.check(&workday, &snapshot, &strictest), Verdict::Proceed);

    org.apply(&workday, &plan);
    assert_eq!(org.user_by_id(&ada).status, UserStatus::Active);
    assert!(org.app_user(&ada, &salesforce).is_some());
}

#[test]
fn a_reactivated_user_s_rule_apps_follow_the_profile_the_import_gives() {
    let (org, workday, salesforce, ada) = deactivated_ada();
    let mut moved = snapshot_user(org.user_by_id(&ada));
    moved.attributes.insert("department".into(), "Eng".into());
    let mut snapshot = org.snapshot_of(&workday);
    snapshot.push(moved);
    let plan = plan_both(&org, &workday, &snapshot);
    assert_eq!(plan.counts.reactivated, 1);
    assert!(
        !plan
            .changes
            .iter()
            .any(|c| c.app_id.as_ref() == Some(&salesforce)),
        "no longer in Sales: {:?}",
        plan.changes
    );
}

#[test]
fn with_reactivate_on_return_off_a_deactivated_user_is_a_skip_row_with_cause_user_deactivated() {
    let (mut org, workday, _, ada) = deactivated_ada();
    org.app_mut(&workday).reactivate_on_return = false;
    let mut snapshot = org.snapshot_of(&workday);
    snapshot.push(snapshot_user(org.user_by_id(&ada)));
    let plan = plan_both(&org, &workday, &snapshot);

    assert_eq!(kinds(&plan), [ChangeKind::Skip]);
    let skip = &plan.changes[0];
    assert_eq!(skip.user_id.as_ref(), Some(&ada));
    assert_eq!(skip.cause, Some(Cause::UserDeactivated));
    assert_eq!(
        (
            plan.counts.unchanged,
            plan.counts.assigned,
            plan.counts.reactivated
        ),
        (2, 0, 0)
    );
    assert!(plan.impact.apps.is_empty());
}

#[test]
fn a_non_profile_source_import_skips_a_deactivated_user_with_cause_user_deactivated() {
    let (mut org, _, _, ada) = deactivated_ada();
    let okta = org.app("Okta");
    let plan = plan_both(&org, &okta, &[snapshot_user(org.user_by_id(&ada))]);
    assert_eq!(kinds(&plan), [ChangeKind::Skip]);
    assert_eq!(plan.changes[0].cause, Some(Cause::UserDeactivated));
    assert_eq!(
        (plan.counts.unchanged, plan.counts.reactivated),
        (1, 0),
        "nothing changes"
    );
    org.apply(&okta, &plan);
    assert_eq!(org.user_by_id(&ada).status, UserStatus::Deactivated);
}

// --- Users created ---

#[test]
fn a_user_created_by_a_non_profile_source_carries_its_app_profile_on_the_assign() {
    let mut org = Org::new();
    let okta = org.app("Okta");
    let workday = org.profile_source("Workday", false);
    let mut grace = new_snapshot_user("grace@example.com", &[("title", "Admiral")]);
    grace.first_name = Some("Grace".to_owned());

    let from_okta = plan_both(&org, &okta, std::slice::from_ref(&grace));
    assert_eq!(kinds(&from_okta), [ChangeKind::Create, ChangeKind::Assign]);
    let profile: Profile = grace.profile();
    assert_eq!(from_okta.changes[0].profile.as_ref(), Some(&profile));
    assert_eq!(
        from_okta.changes[1].profile.as_ref(),
        Some(&profile),
        "Okta's app profile"
    );
    assert_eq!(
        from_okta.changes[1].external_id.as_deref(),
        Some("ext-grace@example.com")
    );

    let from_workday = plan_both(&org, &workday, std::slice::from_ref(&grace));
    assert_eq!(
        from_workday.changes[1].profile, None,
        "Workday owns the profile: no app profile of its own"
    );
}
