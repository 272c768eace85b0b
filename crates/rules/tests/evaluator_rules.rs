//! The threshold rules of the rule book, one behaviour per test, on a plan's impact: when a
//! safeguard trips, when it is not checked at all, and which exceeded limit is the cause.

use safeguard_rules::evaluator::{LimitCheck, Scope, Verdict, decide, evaluate};
use safeguard_rules::limits::Basis;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::settings::{Safeguard, Settings};
use safeguard_rules::{AppId, limits};

/// One app of an impact: (id, name, population, counted unassignments).
type App<'a> = (&'a str, &'a str, u64, u64);

fn impact(org_population: u64, apps: &[App<'_>]) -> Impact {
    Impact {
        org_population,
        apps: apps
            .iter()
            .map(|&(id, name, population, unassignments)| AppImpact {
                app_id: AppId::from(id),
                app_name: name.to_owned(),
                population,
                unassignments,
            })
            .collect(),
        ..Impact::default()
    }
}

fn settings(app_level: (bool, u8), org_level: (bool, u8)) -> Settings {
    let safeguard = |(enabled, percent)| Safeguard::new(enabled, percent).expect("valid percent");
    Settings::levels(safeguard(app_level), safeguard(org_level))
}

fn check(settings: &Settings, impact: &Impact, import_app: &str) -> Verdict {
    evaluate(settings, impact, &AppId::from(import_app))
}

fn cause(verdict: &Verdict) -> &LimitCheck {
    &verdict.roadblock().expect("the import is paused").cause
}

/// The exceeded list as (scope, app id or "org", limit), cause first.
fn exceeded(verdict: &Verdict) -> Vec<(Scope, String, u64)> {
    verdict
        .roadblock()
        .expect("the import is paused")
        .exceeded
        .iter()
        .map(|c| {
            let id = c.app_id.as_ref().map_or("org", AppId::as_str).to_owned();
            (c.scope, id, c.limit)
        })
        .collect()
}

const APP_ONLY: ((bool, u8), (bool, u8)) = ((true, 20), (false, 20));
const ORG_ONLY: ((bool, u8), (bool, u8)) = ((false, 20), (true, 20));

// --- "More than" is strict, in integers ---

#[test]
fn at_the_limit_the_import_proceeds_and_one_more_pauses_at_app_level() {
    let s = settings(APP_ONLY.0, APP_ONLY.1);
    let at = impact(10_000, &[("a", "Slack", 1_000, 200)]);
    let over = impact(10_000, &[("a", "Slack", 1_000, 201)]);
    assert_eq!(check(&s, &at, "a"), Verdict::Proceed);
    let c = check(&s, &over, "a");
    assert_eq!((cause(&c).limit, cause(&c).unassignments), (200, 201));
}

#[test]
fn at_the_limit_the_import_proceeds_and_one_more_pauses_at_org_level() {
    let s = settings(ORG_ONLY.0, ORG_ONLY.1);
    let at = impact(1_000, &[("a", "Slack", 500, 150), ("b", "Zoom", 500, 50)]);
    let over = impact(1_000, &[("a", "Slack", 500, 150), ("b", "Zoom", 500, 51)]);
    assert_eq!(check(&s, &at, "a"), Verdict::Proceed);
    let c = check(&s, &over, "a");
    assert_eq!(cause(&c).scope, Scope::Org);
    assert_eq!((cause(&c).limit, cause(&c).unassignments), (200, 201));
}

#[test]
fn a_fractional_limit_is_never_rounded_up() {
    // 15 % of 999 is 149.85: 149 pass, 150 trip (rounding would have let 150 through).
    let s = settings((true, 15), (false, 15));
    assert_eq!(
        check(&s, &impact(999, &[("a", "A", 999, 149)]), "a"),
        Verdict::Proceed
    );
    let c = check(&s, &impact(999, &[("a", "A", 999, 150)]), "a");
    assert_eq!(cause(&c).limit, 149);
    // 20 % of 1,204 is 240.8: the limit shown is 240, and 241 trips.
    let s = settings((true, 20), (false, 20));
    assert_eq!(
        check(&s, &impact(1_204, &[("a", "A", 1_204, 240)]), "a"),
        Verdict::Proceed
    );
    assert_eq!(
        cause(&check(&s, &impact(1_204, &[("a", "A", 1_204, 241)]), "a")).limit,
        240
    );
}

// --- Activation minimum: populations of at least 100 ---

#[test]
fn an_app_of_99_is_never_checked_and_an_app_of_exactly_100_is() {
    let s = settings((true, 0), (false, 0));
    let app_99 = impact(10_000, &[("a", "Small", 99, 99)]);
    assert_eq!(check(&s, &app_99, "a"), Verdict::Proceed);

    let app_100 = impact(10_000, &[("a", "Small", 100, 1)]);
    let c = check(&s, &app_100, "a");
    assert_eq!(
        (cause(&c).scope, cause(&c).population, cause(&c).limit),
        (Scope::App, 100, 0)
    );
}

#[test]
fn an_org_of_99_app_assignments_is_never_checked_and_an_org_of_exactly_100_is() {
    let s = settings((false, 0), (true, 0));
    let org_99 = impact(99, &[("a", "A", 50, 50), ("b", "B", 49, 49)]);
    assert_eq!(check(&s, &org_99, "a"), Verdict::Proceed);

    let org_100 = impact(100, &[("a", "A", 50, 1), ("b", "B", 50, 0)]);
    let c = check(&s, &org_100, "a");
    assert_eq!(
        (cause(&c).scope, cause(&c).population, cause(&c).limit),
        (Scope::Org, 100, 0)
    );
}

#[test]
fn a_small_app_inside_a_large_org_is_still_counted_at_org_level() {
    // The app is below the minimum, but its unassignments are the org's unassignments.
    let s = settings((true, 20), (true, 5));
    let v = check(&s, &impact(1_000, &[("a", "Small", 60, 60)]), "a");
    assert_eq!(exceeded(&v), [(Scope::Org, "org".to_owned(), 50)]);
}

// --- Disabled, 0 % and 100 % ---

#[test]
fn a_disabled_safeguard_never_trips() {
    let everything = impact(1_000, &[("a", "A", 500, 500), ("b", "B", 500, 500)]);
    let app_off = settings((false, 0), (true, 100));
    assert_eq!(check(&app_off, &everything, "a"), Verdict::Proceed);
    let org_off = settings((true, 100), (false, 0));
    assert_eq!(check(&org_off, &everything, "a"), Verdict::Proceed);
    let both_off = settings((false, 0), (false, 0));
    assert_eq!(check(&both_off, &everything, "a"), Verdict::Proceed);

    // With only the org level off, the app level still trips and the org is not listed.
    let v = check(&settings((true, 20), (false, 0)), &everything, "a");
    assert!(
        exceeded(&v)
            .iter()
            .all(|(scope, _, _)| *scope == Scope::App)
    );
    assert_eq!(exceeded(&v).len(), 2);
}

#[test]
fn zero_percent_trips_on_a_single_counted_unassignment() {
    let s = settings((true, 0), (true, 0));
    let v = check(&s, &impact(100_000, &[("a", "A", 50_000, 1)]), "a");
    assert_eq!(
        exceeded(&v),
        [
            (Scope::App, "a".to_owned(), 0),
            (Scope::Org, "org".to_owned(), 0)
        ]
    );
    // No counted unassignment: nothing to trip on, even at 0 %.
    assert_eq!(check(&s, &impact(100_000, &[]), "a"), Verdict::Proceed);
    assert_eq!(
        check(&s, &impact(100_000, &[("a", "A", 50_000, 0)]), "a"),
        Verdict::Proceed
    );
}

#[test]
fn one_hundred_percent_never_trips_even_when_everyone_goes() {
    let s = settings((true, 100), (true, 100));
    let everyone = impact(1_000, &[("a", "A", 600, 600), ("b", "B", 400, 400)]);
    assert_eq!(check(&s, &everyone, "a"), Verdict::Proceed);
}

// --- Which safeguard stopped it ---

#[test]
fn the_smallest_limit_is_the_cause_not_the_largest_share() {
    // Big loses half its users (limit 200), Small loses 21 % of its 100 (limit 20).
    let s = settings((true, 20), (true, 20));
    let v = check(
        &s,
        &impact(
            10_000,
            &[("big", "Big", 1_000, 500), ("small", "Small", 100, 21)],
        ),
        "big",
    );
    assert_eq!(cause(&v).app_id, Some(AppId::from("small")));
    assert_eq!(cause(&v).limit, 20);
}

#[test]
fn an_org_limit_smaller_than_every_app_limit_is_the_cause() {
    // Org at 5 % of 1,100 = 55; the app at 20 % of 1,000 = 200.
    let s = settings((true, 20), (true, 5));
    let v = check(&s, &impact(1_100, &[("a", "A", 1_000, 300)]), "a");
    assert_eq!(cause(&v).scope, Scope::Org);
    assert_eq!(
        exceeded(&v),
        [
            (Scope::Org, "org".to_owned(), 55),
            (Scope::App, "a".to_owned(), 200)
        ]
    );
}

#[test]
fn on_equal_limits_the_app_level_beats_the_org_level() {
    // App at 40 % of 500 = 200; org at 20 % of 1,000 = 200.
    let s = settings((true, 40), (true, 20));
    let v = check(&s, &impact(1_000, &[("a", "A", 500, 250)]), "a");
    assert_eq!(cause(&v).scope, Scope::App);
    assert_eq!(
        exceeded(&v),
        [
            (Scope::App, "a".to_owned(), 200),
            (Scope::Org, "org".to_owned(), 200)
        ]
    );
}

#[test]
fn among_apps_with_equal_limits_the_imports_own_app_comes_first() {
    let s = settings((true, 20), (false, 20));
    // The import's own app has the fewest unassignments and the last name, and still comes first.
    let i = impact(
        10_000,
        &[
            ("other", "Asana", 100, 90),
            ("own", "Zoom", 100, 21),
            ("third", "Box", 100, 50),
        ],
    );
    let v = check(&s, &i, "own");
    assert_eq!(cause(&v).app_id, Some(AppId::from("own")));
    assert_eq!(
        exceeded(&v)
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["own", "other", "third"]
    );
}

#[test]
fn among_other_apps_with_equal_limits_the_most_unassignments_come_first() {
    let s = settings((true, 20), (false, 20));
    let i = impact(
        10_000,
        &[
            ("a", "Asana", 100, 30),
            ("b", "Box", 100, 70),
            ("c", "Confluence", 100, 50),
        ],
    );
    // Imported from an app the impact does not list (its own app lost nobody).
    let v = check(&s, &i, "hr");
    assert_eq!(
        exceeded(&v)
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["b", "c", "a"]
    );
}

#[test]
fn among_other_apps_with_equal_limits_and_counts_the_app_name_decides() {
    let s = settings((true, 20), (false, 20));
    // Ids and listing order disagree with the names on purpose: the name decides.
    let i = impact(
        10_000,
        &[
            ("id-1", "Zoom", 100, 40),
            ("id-2", "Asana", 100, 40),
            ("id-3", "Miro", 100, 40),
        ],
    );
    let v = check(&s, &i, "hr");
    assert_eq!(cause(&v).app_name.as_deref(), Some("Asana"));
    assert_eq!(
        exceeded(&v)
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["id-2", "id-3", "id-1"]
    );
}

#[test]
fn every_exceeded_limit_is_listed_cause_first_in_the_order_they_are_reached() {
    let s = settings((true, 20), (true, 10));
    let i = impact(
        2_000,
        &[
            ("big", "Big", 1_000, 300),  // limit 200, exceeded
            ("fine", "Fine", 400, 80),   // limit 80, not exceeded
            ("small", "Small", 100, 30), // limit 20, exceeded
            ("tiny", "Tiny", 50, 50),    // below the minimum
            ("mid", "Mid", 500, 101),    // limit 100, exceeded
        ],
    );
    // Org: 561 of 2,000 at 10 % (limit 200) -> exceeded, tied with Big: app first.
    let v = check(&s, &i, "big");
    assert_eq!(
        exceeded(&v),
        [
            (Scope::App, "small".to_owned(), 20),
            (Scope::App, "mid".to_owned(), 100),
            (Scope::App, "big".to_owned(), 200),
            (Scope::Org, "org".to_owned(), 200),
        ]
    );
    let roadblock = v.roadblock().expect("paused");
    assert_eq!(
        roadblock.exceeded[0], roadblock.cause,
        "the cause is listed first"
    );
    let org = &roadblock.exceeded[3];
    assert_eq!(
        (org.percent, org.population, org.unassignments),
        (Some(10), 2_000, 561)
    );
    assert_eq!((org.app_id.as_ref(), org.app_name.as_ref()), (None, None));
}

#[test]
fn an_app_level_cause_names_its_app_and_its_numbers() {
    let s = settings((true, 25), (true, 25));
    let v = check(&s, &impact(5_000, &[("slack", "Slack", 400, 101)]), "hr");
    assert_eq!(
        *cause(&v),
        LimitCheck {
            scope: Scope::App,
            app_id: Some(AppId::from("slack")),
            app_name: Some("Slack".to_owned()),
            percent: Some(25),
            count: None,
            basis: Basis::Percent,
            population: 400,
            limit: 100,
            unassignments: 101,
        }
    );
}

#[test]
fn decide_names_the_same_cause_as_evaluate() {
    let s = settings((true, 20), (true, 10));
    let i = impact(2_000, &[("a", "A", 1_000, 300), ("b", "B", 100, 30)]);
    let import_app = AppId::from("a");
    let decided = decide(&s, &i, &import_app).expect("paused").to_check();
    assert_eq!(&decided, cause(&evaluate(&s, &i, &import_app)));
    assert!(decide(&settings((false, 0), (false, 0)), &i, &import_app).is_none());
}

#[test]
fn the_limit_shown_is_the_largest_count_that_passes() {
    assert_eq!(limits::limit(20, 1_000), 200);
    assert_eq!(limits::limit(20, 1_204), 240);
    assert_eq!(limits::limit(0, 1_000), 0);
    assert_eq!(limits::limit(100, 1_000), 1_000);
    assert!(!limits::exceeds(20, 1_204, 240));
    assert!(limits::exceeds(20, 1_204, 241));
}
