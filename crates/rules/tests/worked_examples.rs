//! The rule book's worked examples (`shared/spec/safeguards.md`), one test each, built through the
//! planner: an org, a snapshot that removes users, the plan, and the verdict on it.
//!
//! Unless an example says otherwise the org has 10 apps x 100 users = 1,000 app users and both
//! safeguards are on. Examples 9 to 14 are version 2's; 13 (the roadblock's scope) is the
//! server's behaviour and is tested there. Their settings are read from the bodies the rule book
//! gives, through the API's validation.

#[path = "fixtures/org.rs"]
mod org;

use org::{Org, both_on, exceeded_list, on, paused, ten_apps_of_100};
use safeguard_rules::AppId;
use safeguard_rules::api::safeguards::{AppOverrideUpdate, SafeguardsUpdate};
use safeguard_rules::evaluator::{Scope, Verdict, decide, evaluate};
use safeguard_rules::limits::Basis;
use safeguard_rules::org::UserStatus;
use safeguard_rules::plan::{Cause, ChangeKind};
use safeguard_rules::resume::{ResumeChoice, skipped, totals};
use safeguard_rules::settings::{AppOverride, Settings};
use safeguard_rules::snapshot::SnapshotUser;
use serde_json::{Value, json};

/// 10 apps of 100 app users, where one import can unassign more than one app holds: "Workday"
/// is a profile source that deactivates; its users w00..w79 are also in each of the 9 other
/// apps, w80..w99 only in Workday; each other app has 20 contractors of its own.
fn org_with_a_deactivating_source() -> Org {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let others: Vec<_> = (1..10).map(|i| org.app(&format!("App {i}"))).collect();
    for i in 0..100 {
        let user = org.user(&format!("w{i:02}@example.com"));
        org.assign(&user, &workday);
        if i < 80 {
            for app in &others {
                org.assign(&user, app);
            }
        }
    }
    for (n, app) in others.iter().enumerate() {
        for i in 0..20 {
            let contractor = org.user(&format!("c{n}-{i:02}@example.com"));
            org.assign(&contractor, app);
        }
    }
    assert_eq!(org.org_population(), 1_000);
    org
}

fn logins(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("w{i:02}@example.com")).collect()
}

#[test]
fn worked_example_1_org_level_20_percent_200_proceed_201_pause() {
    let org = org_with_a_deactivating_source();
    let workday = org.app_id("Workday");
    // The app level is on but at 50 %, so no app-level limit is exceeded first.
    let settings = both_on(50, 20);

    // 20 users in all 10 apps: 200 unassignments, 20 in each app.
    let twenty = logins(0..20);
    let removed: Vec<&str> = twenty.iter().map(String::as_str).collect();
    let snapshot = org.snapshot_without(&workday, &removed);
    assert_eq!(
        org.plan(&workday, &snapshot).impact.total_unassignments(),
        200
    );
    assert_eq!(org.check(&workday, &snapshot, &settings), Verdict::Proceed);

    // One more user, assigned only to Workday: 201.
    let mut removed = removed;
    removed.push("w80@example.com");
    let snapshot = org.snapshot_without(&workday, &removed);
    let plan = org.plan(&workday, &snapshot);
    assert_eq!(plan.impact.total_unassignments(), 201);
    let verdict = org.check(&workday, &snapshot, &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::Org);
    assert_eq!(
        (
            cause.percent,
            cause.population,
            cause.limit,
            cause.unassignments
        ),
        (Some(20), 1_000, 200, 201)
    );
    assert_eq!(cause.app_id, None);
    assert_eq!(exceeded_list(&verdict), [(Scope::Org, None, 200, 201)]);
}

#[test]
fn at_equal_percents_an_app_limit_is_reached_before_the_org_limit() {
    // The "when no app-level limit is exceeded first" of example 1: at 20 % for both, 21 users
    // in every app (210 unassignments) exceed each app's limit of 20 before the org's 200.
    let org = org_with_a_deactivating_source();
    let workday = org.app_id("Workday");
    let removed = logins(0..21);
    let removed: Vec<&str> = removed.iter().map(String::as_str).collect();
    let verdict = org.check(
        &workday,
        &org.snapshot_without(&workday, &removed),
        &both_on(20, 20),
    );
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::App);
    assert_eq!(
        cause.app_name.as_deref(),
        Some("Workday"),
        "the import's own app first"
    );
    assert_eq!((cause.limit, cause.unassignments), (20, 21));
    let exceeded = exceeded_list(&verdict);
    assert_eq!(exceeded.len(), 11, "10 apps and the org");
    assert_eq!(exceeded.last(), Some(&(Scope::Org, None, 200, 210)));
}

#[test]
fn worked_example_2_app_level_50_percent_51_pause_50_proceed() {
    let (org, apps) = ten_apps_of_100();
    let settings = both_on(50, 20);

    let verdict = org.check(&apps[0], &org.snapshot_removing(&apps[0], 51), &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::App);
    assert_eq!(cause.app_id.as_ref(), Some(&apps[0]));
    assert_eq!(cause.app_name.as_deref(), Some("App 0"));
    assert_eq!(
        (
            cause.percent,
            cause.population,
            cause.limit,
            cause.unassignments
        ),
        (Some(50), 100, 50, 51)
    );
    // 51 of the org's 1,000 is within its limit of 200.
    assert_eq!(exceeded_list(&verdict).len(), 1);

    let verdict = org.check(&apps[0], &org.snapshot_removing(&apps[0], 50), &settings);
    assert_eq!(verdict, Verdict::Proceed);
}

#[test]
fn worked_example_3_app_level_20_percent_21_pause_at_app_level_org_not_exceeded() {
    let (org, apps) = ten_apps_of_100();
    let settings = both_on(20, 20);

    let verdict = org.check(&apps[3], &org.snapshot_removing(&apps[3], 21), &settings);
    let roadblock = paused(&verdict);
    assert_eq!(roadblock.cause.scope, Scope::App);
    assert_eq!(roadblock.cause.app_name.as_deref(), Some("App 3"));
    assert_eq!(
        (roadblock.cause.limit, roadblock.cause.unassignments),
        (20, 21)
    );
    assert!(
        roadblock.exceeded.iter().all(|c| c.scope == Scope::App),
        "the org limit of 200 is not exceeded by 21: {:?}",
        roadblock.exceeded
    );
    assert_eq!(
        exceeded_list(&verdict),
        [(Scope::App, Some("App 3".to_owned()), 20, 21)]
    );

    assert_eq!(
        org.check(&apps[3], &org.snapshot_removing(&apps[3], 20), &settings),
        Verdict::Proceed
    );
}

#[test]
fn worked_example_4_equal_limits_pause_at_app_level_with_org_listed() {
    let mut org = Org::new();
    let app = org.app_with_users("Directory", "d", 1_000);
    assert_eq!(org.org_population(), 1_000, "the one app is the whole org");
    let settings = both_on(20, 20);

    let verdict = org.check(&app, &org.snapshot_removing(&app, 201), &settings);
    let roadblock = paused(&verdict);
    assert_eq!(
        roadblock.cause.scope,
        Scope::App,
        "app level takes priority on equal limits"
    );
    assert_eq!(
        (roadblock.cause.limit, roadblock.cause.unassignments),
        (200, 201)
    );
    assert_eq!(
        exceeded_list(&verdict),
        [
            (Scope::App, Some("Directory".to_owned()), 200, 201),
            (Scope::Org, None, 200, 201),
        ]
    );

    assert_eq!(
        org.check(&app, &org.snapshot_removing(&app, 200), &settings),
        Verdict::Proceed
    );
}

#[test]
fn worked_example_5_app_of_99_losing_all_is_not_checked_at_app_level_but_org_level_applies() {
    let mut org = Org::new();
    let small = org.app_with_users("Small", "s", 99);
    for i in 1..10 {
        org.app_with_users(&format!("App {i}"), &format!("a{i}-"), 100);
    }
    assert_eq!(org.org_population(), 999);
    let everyone_removed = Vec::new();

    let plan = org.plan(&small, &everyone_removed);
    assert_eq!(plan.impact.total_unassignments(), 99);
    // 99 of 99 is far over any app-level percent, but Small is below the minimum of 100; 99 of
    // the org's 999 is within the org's 20 % (limit 199).
    assert_eq!(
        org.check(&small, &everyone_removed, &Settings::default()),
        Verdict::Proceed
    );
    assert_eq!(
        org.check(&small, &everyone_removed, &both_on(0, 20)),
        Verdict::Proceed
    );

    // The org level still applies to the org's population: at 5 % its limit is 49.
    let verdict = org.check(&small, &everyone_removed, &both_on(20, 5));
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::Org);
    assert_eq!(
        (cause.population, cause.limit, cause.unassignments),
        (999, 49, 99)
    );
    assert_eq!(
        exceeded_list(&verdict),
        [(Scope::Org, None, 49, 99)],
        "no app-level entry"
    );
}

#[test]
fn worked_example_6_org_of_99_app_assignments_cannot_trip() {
    // One app of 99.
    let mut org = Org::new();
    let app = org.app_with_users("Only", "o", 99);
    let strictest = both_on(0, 0);
    assert_eq!(org.check(&app, &[], &strictest), Verdict::Proceed);

    // Three apps of 33 whose users all leave a deactivating profile source: 99 unassignments
    // out of 99 app assignments.
    let mut org = Org::new();
    let hr = org.profile_source("HR", true);
    let chat = org.app("Chat");
    let mail = org.app("Mail");
    for i in 0..33 {
        let user = org.user(&format!("u{i}@example.com"));
        for app in [&hr, &chat, &mail] {
            org.assign(&user, app);
        }
    }
    let plan = org.plan(&hr, &[]);
    assert_eq!(plan.counts.deactivated, 33);
    assert_eq!(plan.impact.total_unassignments(), 99);
    assert_eq!(plan.impact.org_population, 99);
    assert_eq!(org.check(&hr, &[], &strictest), Verdict::Proceed);
}

/// Example 7's org: "Workday", a profile source that deactivates, of 1,000 users, the first 100
/// of whom (w0000..w0099) are also in "Jira" and "Slack", 100 users each.
fn example_7_org() -> (Org, AppId) {
    let mut org = Org::new();
    let workday = org.profile_source("Workday", true);
    let jira = org.app("Jira");
    let slack = org.app("Slack");
    for i in 0..1_000 {
        let user = org.user(&format!("w{i:04}@example.com"));
        org.assign(&user, &workday);
        if i < 100 {
            org.assign(&user, &jira);
            org.assign(&user, &slack);
        }
    }
    (org, workday)
}

#[test]
fn worked_example_7_deactivation_180_unassignments_other_apps_60_of_100_pause_at_app_level() {
    let (org, workday) = example_7_org();
    // The first 60 users, each in Workday, Jira and Slack, leave the source.
    let snapshot = org.snapshot_removing(&workday, 60);
    let plan = org.plan(&workday, &snapshot);

    assert_eq!(plan.counts.deactivated, 60);
    assert_eq!(plan.counts.unassigned, 180);
    assert_eq!(plan.impact.total_unassignments(), 180);
    let seen: Vec<_> = plan
        .impact
        .apps
        .iter()
        .map(|a| (a.app_name.as_str(), a.unassignments, a.population))
        .collect();
    assert_eq!(
        seen,
        [
            ("Jira", 60, 100),
            ("Slack", 60, 100),
            ("Workday", 60, 1_000)
        ]
    );
    let deactivated_elsewhere = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Unassign && c.cause == Some(Cause::Deactivated))
        .count();
    assert_eq!(deactivated_elsewhere, 120);

    // Workday loses 60 of 1,000 (limit 200) and the org 180 of 1,200 (limit 240): only the two
    // other apps trip, each 60 of its 100 against a limit of 20.
    let verdict = org.check(&workday, &snapshot, &both_on(20, 20));
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::App);
    assert_eq!(
        cause.app_name.as_deref(),
        Some("Jira"),
        "equal limits and counts: by name"
    );
    assert_eq!(
        exceeded_list(&verdict),
        [
            (Scope::App, Some("Jira".to_owned()), 20, 60),
            (Scope::App, Some("Slack".to_owned()), 20, 60),
        ]
    );
}

#[test]
fn worked_example_8_300_group_rule_unassignments_trip_nothing() {
    let mut org = Org::new();
    // The HR system owns the profiles: only a profile source's import changes the attribute the
    // rule reads (sources.md, "The directory model").
    let hr = org.profile_source("BambooHR", false);
    let salesforce = org.app("Salesforce");
    let sales = org.group_rule(
        "Sales team",
        "department",
        "Sales",
        std::slice::from_ref(&salesforce),
    );
    for i in 0..300 {
        let user = org.user_with(&format!("s{i:03}@example.com"), &[("department", "Sales")]);
        org.assign(&user, &hr);
        org.assign_by_rule(&user, &salesforce, &sales);
    }
    // The source moves all 300 to Support: the rule drops them, and Salesforce with it.
    let snapshot: Vec<_> = org
        .snapshot_of(&hr)
        .into_iter()
        .map(|mut s| {
            s.attributes.insert("department".into(), "Support".into());
            s
        })
        .collect();
    let plan = org.plan(&hr, &snapshot);

    let by_rule: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Unassign)
        .collect();
    assert_eq!(by_rule.len(), 300);
    assert!(
        by_rule
            .iter()
            .all(|c| c.cause == Some(Cause::GroupRule) && c.app_id.as_ref() == Some(&salesforce))
    );
    assert_eq!(
        plan.counts.unassigned, 300,
        "counts show every planned unassignment"
    );
    assert_eq!(plan.counts.updated, 300);
    assert!(
        plan.impact.apps.is_empty(),
        "none is counted: {:?}",
        plan.impact.apps
    );
    assert_eq!(plan.impact.total_unassignments(), 0);

    assert_eq!(
        evaluate_all(&org, &hr, &snapshot),
        [Verdict::Proceed, Verdict::Proceed]
    );
}

/// The verdict at the defaults and at the strictest settings (0 % for both).
fn evaluate_all(
    org: &Org,
    app: &safeguard_rules::AppId,
    snapshot: &[safeguard_rules::snapshot::SnapshotUser],
) -> [Verdict; 2] {
    [
        org.check(app, snapshot, &Settings::default()),
        org.check(app, snapshot, &Settings::levels(on(0), on(0))),
    ]
}

/// The settings a `PUT /api/v1/safeguards` with `body` makes of the defaults.
fn put(body: Value) -> Settings {
    let (change, _) = serde_json::from_value::<SafeguardsUpdate>(body)
        .expect("a body of the right shape")
        .validate()
        .expect("valid settings");
    change.applied_to(&Settings::default())
}

/// `settings` with the override a `PUT /api/v1/apps/{app}/safeguard` with `body` sets.
fn with_override(mut settings: Settings, app: &AppId, body: Value) -> Settings {
    let limit = serde_json::from_value::<AppOverrideUpdate>(body)
        .expect("a body of the right shape")
        .validate()
        .expect("a valid override");
    let mut overrides = settings.overrides.clone();
    overrides.push(AppOverride {
        app_id: app.clone(),
        limit,
    });
    settings.set_overrides(overrides);
    settings
}

/// [`Org::check`], and the preview's `decide` naming the same cause.
fn check(org: &Org, app: &AppId, snapshot: &[SnapshotUser], settings: &Settings) -> Verdict {
    let plan = org.plan(app, snapshot);
    let verdict = evaluate(settings, &plan.impact, app);
    assert_eq!(
        decide(settings, &plan.impact, app).map(|e| e.to_check()),
        verdict.roadblock().map(|r| r.cause.clone()),
        "decide and evaluate disagree"
    );
    verdict
}

#[test]
fn worked_example_9_an_override_of_50_percent_lets_30_pass_in_its_app_only() {
    let (org, apps) = ten_apps_of_100();
    let (a, b) = (&apps[0], &apps[1]);
    let settings = with_override(
        Settings::default(),
        a,
        json!({"enabled": true, "percent": 50}),
    );

    assert_eq!(
        check(&org, a, &org.snapshot_removing(a, 30), &settings),
        Verdict::Proceed
    );
    // Without the override, A is held to the org-wide 20 % like every other app.
    assert!(check(&org, a, &org.snapshot_removing(a, 30), &Settings::default()).is_pause());

    let verdict = check(&org, b, &org.snapshot_removing(b, 30), &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::App);
    assert_eq!(cause.app_id.as_ref(), Some(b));
    assert_eq!(
        (cause.percent, cause.count, cause.basis),
        (Some(20), None, Basis::Percent)
    );
    assert_eq!(
        (cause.population, cause.limit, cause.unassignments),
        (100, 20, 30)
    );
    assert_eq!(
        exceeded_list(&verdict),
        [(Scope::App, Some("App 1".to_owned()), 20, 30)]
    );

    // A's own limit is its override's: 50 pass, 51 pause.
    assert_eq!(
        check(&org, a, &org.snapshot_removing(a, 50), &settings),
        Verdict::Proceed
    );
    let verdict = check(&org, a, &org.snapshot_removing(a, 51), &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(
        (cause.app_id.as_ref(), cause.percent, cause.limit),
        (Some(a), Some(50), 50)
    );
}

#[test]
fn worked_example_10_org_level_count_50_pauses_51_spread_over_10_apps_basis_count() {
    let org = org_with_a_deactivating_source();
    let workday = org.app_id("Workday");
    let settings = put(json!({
        "appLevel": {"enabled": true, "percent": 20},
        "orgLevel": {"enabled": true, "percent": 20, "count": 50},
        "version": 1
    }));

    // 5 users in all 10 apps and one in Workday only: 51 unassignments, 6 in Workday and 5 in
    // each other app.
    let mut removed = logins(0..5);
    removed.push("w80@example.com".to_owned());
    let removed: Vec<&str> = removed.iter().map(String::as_str).collect();
    let snapshot = org.snapshot_without(&workday, &removed);
    let plan = org.plan(&workday, &snapshot);
    assert_eq!(plan.impact.total_unassignments(), 51);
    assert_eq!(plan.impact.apps.len(), 10);
    assert!(plan.impact.apps.iter().all(|a| a.unassignments <= 6));

    let verdict = check(&org, &workday, &snapshot, &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::Org);
    assert_eq!(
        (cause.percent, cause.count, cause.basis),
        (Some(20), Some(50), Basis::Count)
    );
    assert_eq!(
        (cause.population, cause.limit, cause.unassignments),
        (1_000, 50, 51)
    );
    assert_eq!(exceeded_list(&verdict), [(Scope::Org, None, 50, 51)]);

    // 50 pass; and without the count the org's limit is its 20 %, 200.
    let fifty = logins(0..5);
    let fifty: Vec<&str> = fifty.iter().map(String::as_str).collect();
    assert_eq!(
        check(
            &org,
            &workday,
            &org.snapshot_without(&workday, &fifty),
            &settings
        ),
        Verdict::Proceed
    );
    assert_eq!(
        check(&org, &workday, &snapshot, &Settings::default()),
        Verdict::Proceed
    );
}

#[test]
fn worked_example_11_an_app_of_40_with_an_override_count_of_5_pauses_at_6() {
    let (mut org, _) = ten_apps_of_100();
    let small = org.app_with_users("Small", "s", 40);
    assert_eq!(org.org_population(), 1_040);
    let settings = with_override(
        Settings::default(),
        &small,
        json!({"enabled": true, "count": 5}),
    );

    let verdict = check(&org, &small, &org.snapshot_removing(&small, 6), &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::App);
    assert_eq!(cause.app_name.as_deref(), Some("Small"));
    assert_eq!(
        (cause.percent, cause.count, cause.basis),
        (None, Some(5), Basis::Count)
    );
    assert_eq!(
        (cause.population, cause.limit, cause.unassignments),
        (40, 5, 6)
    );
    assert_eq!(
        exceeded_list(&verdict),
        [(Scope::App, Some("Small".to_owned()), 5, 6)]
    );
    assert_eq!(
        check(&org, &small, &org.snapshot_removing(&small, 5), &settings),
        Verdict::Proceed
    );

    // Without the override an app of 40 is never checked at app level, even at 0 %.
    for strict in [Settings::default(), both_on(0, 20)] {
        assert_eq!(
            check(&org, &small, &org.snapshot_removing(&small, 6), &strict),
            Verdict::Proceed
        );
        assert_eq!(check(&org, &small, &[], &strict), Verdict::Proceed);
    }
}

#[test]
fn worked_example_12_a_deactivation_budget_of_10_pauses_11_deactivations_alone() {
    let (mut org, _) = ten_apps_of_100();
    let p = org.profile_source("P", true);
    for i in 0..1_000 {
        let user = org.user(&format!("p{i:04}@example.com"));
        org.assign(&user, &p);
    }
    assert_eq!(org.org_population(), 2_000);
    let settings = put(json!({
        "appLevel": {"enabled": true, "percent": 20},
        "orgLevel": {"enabled": true, "percent": 20},
        "deactivations": {"enabled": true, "percent": null, "count": 10},
        "version": 1
    }));

    let snapshot = org.snapshot_removing(&p, 11);
    let plan = org.plan(&p, &snapshot);
    assert_eq!(plan.counts.deactivated, 11);
    assert_eq!(
        (plan.impact.deactivations, plan.impact.active_users),
        (11, 2_000)
    );
    let seen: Vec<_> = plan
        .impact
        .apps
        .iter()
        .map(|a| (a.app_name.as_str(), a.unassignments, a.population))
        .collect();
    assert_eq!(seen, [("P", 11, 1_000)]);

    // 11 of 1,000 at app level (limit 200) and 11 of 2,000 at org level (limit 400) pass.
    let verdict = check(&org, &p, &snapshot, &settings);
    let cause = &paused(&verdict).cause;
    assert_eq!(cause.scope, Scope::Deactivations);
    assert_eq!(
        (cause.app_id.as_ref(), cause.app_name.as_ref()),
        (None, None)
    );
    assert_eq!(
        (cause.percent, cause.count, cause.basis),
        (None, Some(10), Basis::Count)
    );
    assert_eq!(
        (cause.population, cause.limit, cause.unassignments),
        (2_000, 10, 11)
    );
    assert_eq!(
        exceeded_list(&verdict),
        [(Scope::Deactivations, None, 10, 11)]
    );

    assert_eq!(
        check(&org, &p, &org.snapshot_removing(&p, 10), &settings),
        Verdict::Proceed
    );
    // The budget is off by default.
    assert_eq!(
        check(&org, &p, &snapshot, &Settings::default()),
        Verdict::Proceed
    );
}

#[test]
fn worked_example_14_example_7_resumed_without_10_users_skips_all_their_changes() {
    let (mut org, workday) = example_7_org();
    let jira = org.app_id("Jira");
    let slack = org.app_id("Slack");
    let snapshot = org.snapshot_removing(&workday, 60);
    let plan = org.plan(&workday, &snapshot);
    assert!(check(&org, &workday, &snapshot, &Settings::default()).is_pause());
    assert_eq!((plan.counts.deactivated, plan.counts.unassigned), (60, 180));

    let excluded: Vec<_> = (0..10)
        .map(|i| {
            org.user_by_login(&format!("w{i:04}@example.com"))
                .id
                .clone()
        })
        .collect();
    let choice = ResumeChoice {
        exclude_user_ids: excluded.clone(),
        skip_deactivations: false,
    };
    let skips = skipped(&plan.changes, &choice).expect("every excluded user is in the plan");
    let resumed = totals(&plan.changes, &skips);
    assert_eq!(
        (
            resumed.deactivations,
            resumed.unassignments,
            resumed.counted
        ),
        (50, 150, 150)
    );
    assert_eq!(resumed.skipped, 40);

    // Every change to the 10 is skipped, and nothing else: their 10 deactivations and 30
    // unassignments.
    let mut skipped_kinds = (0, 0);
    for (change, &skip) in plan.changes.iter().zip(&skips) {
        let of_excluded = change
            .user_id
            .as_ref()
            .is_some_and(|u| excluded.contains(u));
        assert_eq!(skip, of_excluded, "{change:?}");
        if skip {
            match change.kind {
                ChangeKind::Deactivate => skipped_kinds.0 += 1,
                ChangeKind::Unassign => skipped_kinds.1 += 1,
                other => panic!("an unexpected skipped change: {other:?}"),
            }
        }
    }
    assert_eq!(skipped_kinds, (10, 30));

    // Applying what is not skipped: the 10 keep their status and their three app users; the 50
    // others are deactivated and lose all of theirs.
    let mut applied = plan.clone();
    applied.changes = plan
        .changes
        .iter()
        .zip(&skips)
        .filter(|(_, skip)| !**skip)
        .map(|(c, _)| c.clone())
        .collect();
    org.apply(&workday, &applied);
    assert_eq!(org.org_population(), 1_200 - 150);
    for i in 0..60 {
        let user = org
            .user_by_login(&format!("w{i:04}@example.com"))
            .id
            .clone();
        let kept = i < 10;
        let status = org.user_by_id(&user).status;
        assert_eq!(
            status,
            if kept {
                UserStatus::Active
            } else {
                UserStatus::Deactivated
            }
        );
        for app in [&workday, &jira, &slack] {
            assert_eq!(
                org.app_user(&user, app).is_some(),
                kept,
                "w{i:04} in {app:?}"
            );
        }
    }
}
