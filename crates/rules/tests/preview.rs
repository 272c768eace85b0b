//! The console's preview: what proposed settings would have decided for past imports, beside what
//! the saved settings decided, and every app's limit before and after.

use safeguard_rules::AppId;
use safeguard_rules::evaluator::{Scope, evaluate};
use safeguard_rules::org::AppPopulation;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::preview::{app_limits, compare, limit_for};
use safeguard_rules::settings::{AppOverride, Limit, Safeguard, Settings};

fn settings(app: Option<u8>, org: Option<u8>) -> Settings {
    let safeguard = |p: Option<u8>| Safeguard::new(p.is_some(), p.unwrap_or(20)).expect("valid");
    Settings::levels(safeguard(app), safeguard(org))
}

fn one_app(id: &str, population: u64, unassignments: u64) -> Impact {
    Impact {
        org_population: 1_000,
        apps: vec![AppImpact {
            app_id: AppId::from(id),
            app_name: id.to_owned(),
            population,
            unassignments,
        }],
        ..Impact::default()
    }
}

#[test]
fn a_looser_proposal_turns_pauses_into_passes_and_says_how_many() {
    let saved = settings(Some(20), Some(20));
    let proposed = settings(Some(30), Some(20));
    let a = AppId::from("a");
    let b = AppId::from("b");
    let c = AppId::from("c");
    let imports = [
        (&a, one_app("a", 100, 25)), // pauses at 20 %, passes at 30 %
        (&b, one_app("b", 100, 35)), // pauses under both
        (&c, one_app("c", 100, 10)), // passes under both
    ];
    let comparison = compare(&saved, &proposed, imports.iter().map(|(id, i)| (*id, i)));

    assert_eq!(
        (comparison.would_now_pass, comparison.would_now_pause),
        (1, 0)
    );
    let changed: Vec<bool> = comparison.outcomes.iter().map(|o| o.changed()).collect();
    assert_eq!(changed, [true, false, false]);
    let limits: Vec<_> = comparison
        .outcomes
        .iter()
        .map(|o| (o.saved.map(|e| e.limit), o.proposed.map(|e| e.limit)))
        .collect();
    assert_eq!(
        limits,
        [(Some(20), None), (Some(20), Some(30)), (None, None)]
    );
}

#[test]
fn a_stricter_proposal_turns_passes_into_pauses() {
    let saved = settings(Some(20), Some(20));
    let proposed = settings(Some(5), Some(20));
    let a = AppId::from("a");
    let impact = one_app("a", 100, 10);
    let comparison = compare(&saved, &proposed, [(&a, &impact)]);
    assert_eq!(
        (comparison.would_now_pass, comparison.would_now_pause),
        (0, 1)
    );
    let proposed = comparison.outcomes[0].proposed.expect("pauses under 5 %");
    assert_eq!((proposed.scope, proposed.limit), (Scope::App, 5));
}

#[test]
fn the_preview_decides_exactly_what_the_evaluator_enforces() {
    let saved = settings(Some(20), Some(10));
    let proposed = settings(None, Some(3));
    let impacts: Vec<(AppId, Impact)> = (0..50u64)
        .map(|n| {
            (
                AppId::from(format!("app-{n}")),
                one_app(&format!("app-{n}"), 100 + n * 7, n * 3),
            )
        })
        .collect();
    let comparison = compare(&saved, &proposed, impacts.iter().map(|(id, i)| (id, i)));
    for ((id, impact), outcome) in impacts.iter().zip(&comparison.outcomes) {
        let enforced = |s: &Settings| evaluate(s, impact, id).roadblock().map(|r| r.cause.clone());
        assert_eq!(outcome.saved.map(|e| e.to_check()), enforced(&saved));
        assert_eq!(outcome.proposed.map(|e| e.to_check()), enforced(&proposed));
    }
}

#[test]
fn app_limits_show_each_apps_limit_and_which_apps_are_below_the_minimum() {
    let populations = [
        AppPopulation {
            app_id: AppId::from("big"),
            app_name: "Big".into(),
            population: 1_204,
        },
        AppPopulation {
            app_id: AppId::from("small"),
            app_name: "Small".into(),
            population: 99,
        },
    ];
    let limits = app_limits(
        &settings(Some(20), Some(20)),
        &settings(Some(50), Some(20)),
        &populations,
    );
    let shown: Vec<_> = limits
        .iter()
        .map(|l| {
            (
                l.app.app_name.as_str(),
                l.below_minimum,
                l.saved,
                l.proposed,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Big", false, Some(240), Some(602)),
            ("Small", true, None, None)
        ]
    );

    // Turning the app level off shows no limit for any app.
    let off = app_limits(
        &settings(Some(20), Some(20)),
        &settings(None, Some(20)),
        &populations,
    );
    assert_eq!(off[0].proposed, None);
}

#[test]
fn limit_for_is_none_when_the_safeguard_is_off_or_the_population_too_small() {
    let on = Safeguard::new(true, 20).expect("valid");
    let off = Safeguard::new(false, 20).expect("valid");
    assert_eq!(limit_for(on.limit(), 100), Some(20));
    assert_eq!(limit_for(on.limit(), 99), None);
    assert_eq!(limit_for(off.limit(), 1_000), None);
}

fn with_overrides(mut settings: Settings, overrides: &[(&str, Limit)]) -> Settings {
    settings.set_overrides(
        overrides
            .iter()
            .map(|(id, limit)| AppOverride {
                app_id: AppId::from(*id),
                limit: *limit,
            })
            .collect(),
    );
    settings
}

fn rule(enabled: bool, percent: Option<u8>, count: Option<u64>) -> Limit {
    Limit {
        enabled,
        percent,
        count,
    }
}

#[test]
fn app_limits_use_each_apps_override_and_a_count_applies_below_the_minimum() {
    let population = |id: &str, population| AppPopulation {
        app_id: AppId::from(id),
        app_name: id.to_owned(),
        population,
    };
    let populations = [
        population("big", 1_204),
        population("small", 40),
        population("plain", 500),
        population("off", 500),
    ];
    let saved = settings(Some(20), Some(20));
    let proposed = with_overrides(
        settings(Some(10), Some(20)),
        &[
            ("big", rule(true, Some(50), None)),
            ("small", rule(true, None, Some(5))),
            ("off", rule(false, Some(0), Some(0))),
        ],
    );
    let shown: Vec<_> = app_limits(&saved, &proposed, &populations)
        .iter()
        .map(|l| (l.app.app_name.as_str(), l.saved, l.proposed))
        .collect();
    assert_eq!(
        shown,
        [
            ("big", Some(240), Some(602)),
            ("small", None, Some(5)),
            ("plain", Some(100), Some(50)),
            ("off", Some(100), None),
        ]
    );
    assert_eq!(limit_for(rule(true, Some(20), Some(5)), 40), Some(5));
    assert_eq!(limit_for(rule(true, Some(20), Some(500)), 1_000), Some(200));
    assert_eq!(limit_for(rule(true, None, None), 1_000), None);
}

#[test]
fn the_preview_decides_what_the_evaluator_enforces_with_overrides_counts_and_the_budget() {
    let saved = settings(Some(20), Some(10));
    let mut proposed = with_overrides(
        settings(Some(5), Some(3)),
        &[
            ("app-3", rule(true, None, Some(2))),
            ("app-7", rule(true, Some(50), Some(30))),
            ("app-11", rule(false, None, None)),
        ],
    );
    proposed.org_level.count = Some(40);
    proposed.deactivations = rule(true, Some(1), Some(12));
    let impacts: Vec<(AppId, Impact)> = (0..50u64)
        .map(|n| {
            let id = format!("app-{n}");
            let mut impact = one_app(&id, 20 + n * 7, n * 3 % 41);
            impact.deactivations = n % 17;
            impact.active_users = 900;
            (AppId::from(id), impact)
        })
        .collect();
    let comparison = compare(&saved, &proposed, impacts.iter().map(|(id, i)| (id, i)));
    let mut scopes = Vec::new();
    for ((id, impact), outcome) in impacts.iter().zip(&comparison.outcomes) {
        let enforced = |s: &Settings| evaluate(s, impact, id).roadblock().map(|r| r.cause.clone());
        assert_eq!(outcome.saved.map(|e| e.to_check()), enforced(&saved));
        assert_eq!(outcome.proposed.map(|e| e.to_check()), enforced(&proposed));
        scopes.extend(outcome.proposed.map(|e| e.scope));
    }
    for scope in [Scope::App, Scope::Org, Scope::Deactivations] {
        assert!(scopes.contains(&scope), "no cause at {scope:?}: {scopes:?}");
    }
}
