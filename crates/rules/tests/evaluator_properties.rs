//! Properties of the threshold evaluator that must hold for every impact and every setting, checked
//! with generated inputs: the safeguards only ever get stricter with more unassignments or lower
//! percents, a disabled safeguard never trips, and the cause is the limit reached first.

use proptest::prelude::*;
use safeguard_rules::AppId;
use safeguard_rules::evaluator::{Scope, Verdict, decide, evaluate};
use safeguard_rules::limits::{exceeds, limit};
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::settings::{Safeguard, Settings};

fn safeguard() -> impl Strategy<Value = Safeguard> {
    (any::<bool>(), 0u8..=100).prop_map(|(enabled, percent)| {
        Safeguard::new(enabled, percent).expect("a percent within 0..=100")
    })
}

fn settings() -> impl Strategy<Value = Settings> {
    (safeguard(), safeguard())
        .prop_map(|(app_level, org_level)| Settings::levels(app_level, org_level))
}

/// Populations that make ties and the activation minimum likely, with arbitrary ones beside.
fn population() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(99u64),
        Just(100u64),
        Just(200u64),
        Just(1_000u64),
        0u64..5_000,
    ]
}

/// An impact of up to 8 apps (names from a small set so that ties happen) and the import's app:
/// one of the listed apps, or an app the impact does not list.
fn impact_and_import() -> impl Strategy<Value = (Impact, AppId)> {
    let app = (
        population(),
        0u64..=1_000,
        prop::sample::select(vec!["Asana", "Box", "Zoom"]),
    );
    (prop::collection::vec(app, 0..8), 0u64..10_000, 0usize..10).prop_map(
        |(apps, elsewhere, import)| {
            let apps: Vec<AppImpact> = apps
                .into_iter()
                .enumerate()
                .map(|(i, (population, permille, name))| AppImpact {
                    app_id: AppId::from(format!("app-{i}")),
                    app_name: name.to_owned(),
                    population,
                    unassignments: population * permille / 1_000,
                })
                .collect();
            let org_population = apps.iter().map(|a| a.population).sum::<u64>() + elsewhere;
            let import = apps
                .get(import)
                .map_or_else(|| AppId::from("hr"), |a| a.app_id.clone());
            (
                Impact {
                    org_population,
                    apps,
                    ..Impact::default()
                },
                import,
            )
        },
    )
}

/// Every exceeded limit as the rule book states it, computed without the evaluator:
/// (scope, app id, limit).
fn rule_book_exceeded(settings: &Settings, impact: &Impact) -> Vec<(Scope, Option<AppId>, u64)> {
    let trips = |percent: u8, population: u64, unassignments: u64| {
        100 * u128::from(unassignments) > u128::from(percent) * u128::from(population)
    };
    let floor =
        |percent: u8, population: u64| (u128::from(percent) * u128::from(population) / 100) as u64;
    let mut all = Vec::new();
    if settings.app_level.enabled {
        for app in &impact.apps {
            if app.population >= 100
                && trips(
                    settings.app_level.percent,
                    app.population,
                    app.unassignments,
                )
            {
                all.push((
                    Scope::App,
                    Some(app.app_id.clone()),
                    floor(settings.app_level.percent, app.population),
                ));
            }
        }
    }
    let total: u64 = impact.apps.iter().map(|a| a.unassignments).sum();
    if settings.org_level.enabled
        && impact.org_population >= 100
        && trips(settings.org_level.percent, impact.org_population, total)
    {
        all.push((
            Scope::Org,
            None,
            floor(settings.org_level.percent, impact.org_population),
        ));
    }
    all
}

fn exceeded_set(verdict: &Verdict) -> Vec<(Scope, Option<AppId>, u64)> {
    let mut all: Vec<_> = verdict
        .roadblock()
        .map(|r| {
            r.exceeded
                .iter()
                .map(|c| (c.scope, c.app_id.clone(), c.limit))
                .collect()
        })
        .unwrap_or_default();
    all.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn the_exceeded_list_is_exactly_the_rule_books(s in settings(), (impact, app) in impact_and_import()) {
        let verdict = evaluate(&s, &impact, &app);
        let mut expected = rule_book_exceeded(&s, &impact);
        expected.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        prop_assert_eq!(exceeded_set(&verdict), expected.clone());
        prop_assert_eq!(verdict.is_pause(), !expected.is_empty());
    }

    #[test]
    fn the_cause_is_the_smallest_exceeded_limit_and_the_app_level_wins_ties(
        s in settings(),
        (impact, app) in impact_and_import(),
    ) {
        let verdict = evaluate(&s, &impact, &app);
        if let Some(roadblock) = verdict.roadblock() {
            let expected = rule_book_exceeded(&s, &impact);
            let smallest = expected.iter().map(|e| e.2).min();
            prop_assert_eq!(Some(roadblock.cause.limit), smallest);
            let an_app_at_the_smallest = expected
                .iter()
                .any(|e| e.0 == Scope::App && Some(e.2) == smallest);
            if an_app_at_the_smallest {
                prop_assert_eq!(roadblock.cause.scope, Scope::App);
            }
            // The import's own app, when it is at the smallest limit, is the cause.
            let own_at_smallest = expected
                .iter()
                .any(|e| e.1.as_ref() == Some(&app) && Some(e.2) == smallest);
            if own_at_smallest {
                prop_assert_eq!(roadblock.cause.app_id.as_ref(), Some(&app));
            }
            prop_assert_eq!(&roadblock.exceeded[0], &roadblock.cause);
            prop_assert!(roadblock.exceeded.windows(2).all(|w| w[0].limit <= w[1].limit));
        }
    }

    #[test]
    fn decide_agrees_with_evaluates_cause(s in settings(), (impact, app) in impact_and_import()) {
        let decided = decide(&s, &impact, &app).map(|e| e.to_check());
        let evaluated = evaluate(&s, &impact, &app).roadblock().map(|r| r.cause.clone());
        prop_assert_eq!(decided, evaluated);
    }

    #[test]
    fn more_unassignments_never_turn_a_pause_into_a_pass(
        s in settings(),
        (impact, app) in impact_and_import(),
        which in any::<prop::sample::Index>(),
        more in 1u64..500,
    ) {
        prop_assume!(!impact.apps.is_empty());
        let mut worse = impact.clone();
        let grown = &mut worse.apps[which.index(impact.apps.len())];
        grown.unassignments = (grown.unassignments + more).min(grown.population.max(grown.unassignments));
        if evaluate(&s, &impact, &app).is_pause() {
            prop_assert!(evaluate(&s, &worse, &app).is_pause());
        }
    }

    #[test]
    fn a_lower_percent_never_turns_a_pause_into_a_pass(
        s in settings(),
        (impact, app) in impact_and_import(),
        app_lower in 0u8..=100,
        org_lower in 0u8..=100,
    ) {
        // Lowering either percent (or both) keeps every pause: raising one never adds a pause.
        let mut stricter = s.clone();
        stricter.app_level.percent = s.app_level.percent.min(app_lower);
        let mut org_stricter = s.clone();
        org_stricter.org_level.percent = s.org_level.percent.min(org_lower);
        if evaluate(&s, &impact, &app).is_pause() {
            prop_assert!(evaluate(&stricter, &impact, &app).is_pause());
            prop_assert!(evaluate(&org_stricter, &impact, &app).is_pause());
        }
    }

    #[test]
    fn a_disabled_safeguard_never_trips(s in settings(), (impact, app) in impact_and_import()) {
        let mut app_off = s.clone();
        app_off.app_level.enabled = false;
        let mut org_off = s.clone();
        org_off.org_level.enabled = false;
        let no_app = evaluate(&app_off, &impact, &app);
        prop_assert!(exceeded_set(&no_app).iter().all(|e| e.0 == Scope::Org));
        let no_org = evaluate(&org_off, &impact, &app);
        prop_assert!(exceeded_set(&no_org).iter().all(|e| e.0 == Scope::App));
        let mut both_off = app_off;
        both_off.org_level.enabled = false;
        prop_assert_eq!(evaluate(&both_off, &impact, &app), Verdict::Proceed);
    }

    #[test]
    fn the_order_apps_are_listed_in_does_not_change_the_verdict(
        s in settings(),
        (impact, app) in impact_and_import(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = impact.clone();
        // A rotation and a reversal, both chosen by the seed.
        if !shuffled.apps.is_empty() {
            let by = (seed as usize) % shuffled.apps.len();
            shuffled.apps.rotate_left(by);
        }
        if seed % 2 == 0 {
            shuffled.apps.reverse();
        }
        prop_assert_eq!(evaluate(&s, &impact, &app), evaluate(&s, &shuffled, &app));
    }

    #[test]
    fn the_limit_passes_and_one_more_trips_at_app_level(
        population in 100u64..10_000_000,
        percent in 0u8..100,
    ) {
        let settings = Settings::levels(on_at(percent), off_at(percent));
        let l = limit(percent, population);
        let at = one_app(population, l);
        prop_assert_eq!(evaluate(&settings, &at, &app_id()), Verdict::Proceed);
        let over = one_app(population, l + 1);
        let verdict = evaluate(&settings, &over, &app_id());
        prop_assert_eq!(verdict.roadblock().map(|r| r.cause.limit), Some(l));
    }

    #[test]
    fn the_limit_passes_and_one_more_trips_at_org_level(
        population in 100u64..10_000_000,
        percent in 0u8..100,
    ) {
        let settings = Settings::levels(off_at(percent), on_at(percent));
        let l = limit(percent, population);
        prop_assert_eq!(evaluate(&settings, &one_app(population, l), &app_id()), Verdict::Proceed);
        let verdict = evaluate(&settings, &one_app(population, l + 1), &app_id());
        prop_assert_eq!(verdict.roadblock().map(|r| (r.cause.scope, r.cause.limit)), Some((Scope::Org, l)));
    }

    #[test]
    fn the_limit_is_the_largest_count_that_passes(population in any::<u64>(), percent in 0u8..=100) {
        let l = limit(percent, population);
        prop_assert!(!exceeds(percent, population, l));
        prop_assert!(l == u64::MAX || exceeds(percent, population, l + 1));
    }
}

fn app_id() -> AppId {
    AppId::from("app")
}

/// An org that is one app of `population`, of which the plan unassigns `unassignments`.
fn one_app(population: u64, unassignments: u64) -> Impact {
    Impact {
        org_population: population,
        apps: vec![AppImpact {
            app_id: app_id(),
            app_name: "App".to_owned(),
            population,
            unassignments,
        }],
        ..Impact::default()
    }
}

fn on_at(percent: u8) -> Safeguard {
    Safeguard::new(true, percent).expect("a percent within 0..=100")
}

fn off_at(percent: u8) -> Safeguard {
    Safeguard::new(false, percent).expect("a percent within 0..=100")
}
