//! The console's preview: what proposed settings would have decided for past imports, beside what
//! the saved settings decided, and every app's limit before and after.

use safeguard_rules::AppId;
use safeguard_rules::evaluator::{Scope, evaluate};
use safeguard_rules::org::AppPopulation;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::preview::{app_limits, compare, limit_for};
use safeguard_rules::settings::{Safeguard, Settings};

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
    assert_eq!((proposed.scope(), proposed.limit), (Scope::App, 5));
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
