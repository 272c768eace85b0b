//! Properties of the threshold evaluator under version 2's settings, checked with generated
//! inputs: counts beside the percents, apps' own overrides and the deactivation budget. The
//! exceeded list is the rule book's, lowering any percent or count never turns a pause into a
//! pass, the budget is the cause only when it alone is exceeded, and the preview's `decide`
//! always names the cause `evaluate` names.

use proptest::prelude::*;
use safeguard_rules::AppId;
use safeguard_rules::evaluator::{Scope, Verdict, decide, evaluate};
use safeguard_rules::limits::Basis;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::settings::{AppOverride, Limit, Safeguard, Settings};

/// The apps an impact may list, and "hr", an import's app it does not list.
const APPS: usize = 8;

fn app_id(n: usize) -> AppId {
    if n < APPS {
        AppId::from(format!("app-{n}"))
    } else {
        AppId::from("hr")
    }
}

/// Counts that make small limits, ties with a percent's limit and large ones all likely.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10, Just(20u64), Just(50u64), 0u64..600, 0u64..5_000]
}

fn percent() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0u8), Just(20u8), Just(100u8), 0u8..=100]
}

fn safeguard() -> impl Strategy<Value = Safeguard> {
    (any::<bool>(), percent(), prop::option::of(count())).prop_map(|(enabled, percent, count)| {
        Safeguard::new(enabled, percent)
            .expect("a percent within 0..=100")
            .with_count(count)
    })
}

fn limit() -> impl Strategy<Value = Limit> {
    (
        any::<bool>(),
        prop::option::of(percent()),
        prop::option::of(count()),
    )
        .prop_map(|(enabled, percent, count)| Limit {
            enabled,
            percent,
            count,
        })
}

/// Settings with counts on either level, the budget, and overrides on some of the apps (the
/// import's app "hr" among them).
fn settings() -> impl Strategy<Value = Settings> {
    let overridden = prop::sample::subsequence((0..=APPS).collect::<Vec<_>>(), 0..=4);
    (
        safeguard(),
        safeguard(),
        limit(),
        overridden,
        prop::collection::vec(limit(), 4),
    )
        .prop_map(
            |(app_level, org_level, deactivations, overridden, limits)| {
                let mut settings = Settings::levels(app_level, org_level);
                settings.deactivations = deactivations;
                settings.set_overrides(
                    overridden
                        .into_iter()
                        .zip(limits)
                        .map(|(n, limit)| AppOverride {
                            app_id: app_id(n),
                            limit,
                        })
                        .collect(),
                );
                settings
            },
        )
}

/// Populations around the activation minimum and beside it, small ones for the counts.
fn population() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(40u64),
        Just(99u64),
        Just(100u64),
        Just(1_000u64),
        0u64..200,
        0u64..5_000,
    ]
}

/// An impact of up to 8 apps (names from a small set so that ties happen), the users it
/// deactivates against the org's active users, and the import's app: a listed one or "hr".
fn impact_and_import() -> impl Strategy<Value = (Impact, AppId)> {
    let app = (
        population(),
        prop_oneof![0u64..=1_000, 0u64..=60],
        prop::sample::select(vec!["Asana", "Box", "Zoom"]),
    );
    let budget = (population(), prop_oneof![0u64..=1_000, 0u64..=30], 0u64..30);
    (
        prop::collection::vec(app, 0..APPS),
        0u64..10_000,
        budget,
        0usize..10,
    )
        .prop_map(|(apps, elsewhere, (active_users, permille, few), import)| {
            let apps: Vec<AppImpact> = apps
                .into_iter()
                .enumerate()
                .map(|(i, (population, permille, name))| AppImpact {
                    app_id: app_id(i),
                    app_name: name.to_owned(),
                    population,
                    unassignments: population * permille / 1_000,
                })
                .collect();
            let org_population = apps.iter().map(|a| a.population).sum::<u64>() + elsewhere;
            let deactivations = (active_users * permille / 1_000).max(few.min(active_users));
            let import = apps
                .get(import)
                .map_or_else(|| app_id(APPS), |a| a.app_id.clone());
            (
                Impact {
                    org_population,
                    apps,
                    deactivations,
                    active_users,
                },
                import,
            )
        })
}

/// A limit as the rule book states it, computed without the crate: the smaller of the percent's
/// (`floor(percent * P / 100)`, from a population of 100) and the count (at any population), a
/// tie being the percent's. `None`: not checked.
fn rule_book_limit(rule: Limit, population: u64) -> Option<(u64, Basis)> {
    if !rule.enabled {
        return None;
    }
    let by_percent = rule
        .percent
        .filter(|_| population >= 100)
        .map(|p| (u128::from(p) * u128::from(population) / 100) as u64);
    match (by_percent, rule.count) {
        (Some(p), Some(c)) if c < p => Some((c, Basis::Count)),
        (Some(p), _) => Some((p, Basis::Percent)),
        (None, Some(c)) => Some((c, Basis::Count)),
        (None, None) => None,
    }
}

/// An app's rule as the rule book states it: its override, found by a linear search, or the
/// org-wide app level.
fn rule_book_app_rule(settings: &Settings, app: &AppId) -> Limit {
    settings.overrides.iter().find(|o| o.app_id == *app).map_or(
        Limit {
            enabled: settings.app_level.enabled,
            percent: Some(settings.app_level.percent),
            count: settings.app_level.count,
        },
        |o| o.limit,
    )
}

type Entry = (Scope, Option<AppId>, u64, Basis);

/// Every exceeded limit as the rule book states it: (scope, app id, limit, basis), sorted.
fn rule_book_exceeded(settings: &Settings, impact: &Impact) -> Vec<Entry> {
    let mut all = Vec::new();
    for app in &impact.apps {
        let rule = rule_book_app_rule(settings, &app.app_id);
        if let Some((limit, basis)) = rule_book_limit(rule, app.population)
            && app.unassignments > limit
        {
            all.push((Scope::App, Some(app.app_id.clone()), limit, basis));
        }
    }
    let org_rule = Limit {
        enabled: settings.org_level.enabled,
        percent: Some(settings.org_level.percent),
        count: settings.org_level.count,
    };
    let total: u64 = impact.apps.iter().map(|a| a.unassignments).sum();
    if let Some((limit, basis)) = rule_book_limit(org_rule, impact.org_population)
        && total > limit
    {
        all.push((Scope::Org, None, limit, basis));
    }
    if let Some((limit, basis)) = rule_book_limit(settings.deactivations, impact.active_users)
        && impact.deactivations > limit
    {
        all.push((Scope::Deactivations, None, limit, basis));
    }
    all.sort_by_key(|e| format!("{e:?}"));
    all
}

fn exceeded_set(verdict: &Verdict) -> Vec<Entry> {
    let mut all: Vec<Entry> = verdict
        .roadblock()
        .map(|r| {
            r.exceeded
                .iter()
                .map(|c| (c.scope, c.app_id.clone(), c.limit, c.basis))
                .collect()
        })
        .unwrap_or_default();
    all.sort_by_key(|e| format!("{e:?}"));
    all
}

/// Which limits are exceeded, by scope and app only (their values move when a rule is lowered).
fn exceeded_where(verdict: &Verdict) -> Vec<(Scope, Option<AppId>)> {
    let mut all: Vec<_> = exceeded_set(verdict)
        .into_iter()
        .map(|(scope, app, _, _)| (scope, app))
        .collect();
    all.dedup();
    all
}

/// The settings' percents and counts that can be lowered.
#[derive(Clone, Copy, Debug)]
enum Knob {
    AppPercent,
    AppCount,
    OrgPercent,
    OrgCount,
    BudgetPercent,
    BudgetCount,
    OverridePercent,
    OverrideCount,
}

fn knob() -> impl Strategy<Value = Knob> {
    prop::sample::select(vec![
        Knob::AppPercent,
        Knob::AppCount,
        Knob::OrgPercent,
        Knob::OrgCount,
        Knob::BudgetPercent,
        Knob::BudgetCount,
        Knob::OverridePercent,
        Knob::OverrideCount,
    ])
}

/// A percent or count no higher than it was; none (no limit from it) becomes one.
fn lower_percent(percent: Option<u8>, to: u8) -> Option<u8> {
    Some(percent.map_or(to, |p| p.min(to)))
}

fn lower_count(count: Option<u64>, to: u64) -> Option<u64> {
    Some(count.map_or(to, |c| c.min(to)))
}

/// `settings` with one percent or count lowered to at most `percent` or `count`; for an
/// override, the one `which` picks (nothing changes when there is none).
fn lowered(
    settings: &Settings,
    knob: Knob,
    percent: u8,
    count: u64,
    which: prop::sample::Index,
) -> Settings {
    let mut s = settings.clone();
    match knob {
        Knob::AppPercent => s.app_level.percent = s.app_level.percent.min(percent),
        Knob::AppCount => s.app_level.count = lower_count(s.app_level.count, count),
        Knob::OrgPercent => s.org_level.percent = s.org_level.percent.min(percent),
        Knob::OrgCount => s.org_level.count = lower_count(s.org_level.count, count),
        Knob::BudgetPercent => {
            s.deactivations.percent = lower_percent(s.deactivations.percent, percent);
        }
        Knob::BudgetCount => s.deactivations.count = lower_count(s.deactivations.count, count),
        Knob::OverridePercent | Knob::OverrideCount if !s.overrides.is_empty() => {
            let at = which.index(s.overrides.len());
            let rule = &mut s.overrides[at].limit;
            if matches!(knob, Knob::OverridePercent) {
                rule.percent = lower_percent(rule.percent, percent);
            } else {
                rule.count = lower_count(rule.count, count);
            }
        }
        Knob::OverridePercent | Knob::OverrideCount => {}
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_exceeded_list_is_exactly_the_rule_books(s in settings(), (impact, app) in impact_and_import()) {
        let verdict = evaluate(&s, &impact, &app);
        let expected = rule_book_exceeded(&s, &impact);
        prop_assert_eq!(exceeded_set(&verdict), expected.clone());
        prop_assert_eq!(verdict.is_pause(), !expected.is_empty());
    }

    #[test]
    fn the_budget_is_the_cause_only_when_it_alone_is_exceeded(
        s in settings(),
        (impact, app) in impact_and_import(),
    ) {
        let verdict = evaluate(&s, &impact, &app);
        if let Some(roadblock) = verdict.roadblock() {
            let expected = rule_book_exceeded(&s, &impact);
            let smallest_unassignment_limit = expected
                .iter()
                .filter(|e| e.0 != Scope::Deactivations)
                .map(|e| e.2)
                .min();
            match smallest_unassignment_limit {
                Some(smallest) => {
                    prop_assert_ne!(roadblock.cause.scope, Scope::Deactivations);
                    prop_assert_eq!(roadblock.cause.limit, smallest);
                    let an_app_at_the_smallest = expected
                        .iter()
                        .any(|e| e.0 == Scope::App && e.2 == smallest);
                    if an_app_at_the_smallest {
                        prop_assert_eq!(roadblock.cause.scope, Scope::App);
                    }
                }
                None => prop_assert_eq!(roadblock.cause.scope, Scope::Deactivations),
            }
            prop_assert_eq!(&roadblock.exceeded[0], &roadblock.cause);
            // The budget, when exceeded, is listed after every unassignment limit.
            let budget_at = roadblock
                .exceeded
                .iter()
                .position(|c| c.scope == Scope::Deactivations);
            if let Some(at) = budget_at {
                prop_assert_eq!(at, roadblock.exceeded.len() - 1);
            }
        }
    }

    #[test]
    fn decide_names_the_same_cause_as_evaluate(s in settings(), (impact, app) in impact_and_import()) {
        let decided = decide(&s, &impact, &app).map(|e| e.to_check());
        let evaluated = evaluate(&s, &impact, &app).roadblock().map(|r| r.cause.clone());
        prop_assert_eq!(decided, evaluated);
    }

    #[test]
    fn lowering_any_percent_or_count_never_turns_a_pause_into_a_pass(
        s in settings(),
        (impact, app) in impact_and_import(),
        knob in knob(),
        percent in percent(),
        count in count(),
        which in any::<prop::sample::Index>(),
    ) {
        let stricter = lowered(&s, knob, percent, count, which);
        let before = evaluate(&s, &impact, &app);
        let after = evaluate(&stricter, &impact, &app);
        if before.is_pause() {
            prop_assert!(after.is_pause(), "{:?} lowered: {:?} -> {:?}", knob, s, stricter);
        }
        // More strictly: every limit exceeded before is exceeded still.
        let still = exceeded_where(&after);
        for exceeded in exceeded_where(&before) {
            prop_assert!(still.contains(&exceeded), "{:?} no longer exceeded", exceeded);
        }
    }

    #[test]
    fn an_override_changes_only_its_own_apps_check(
        s in settings(),
        (impact, app) in impact_and_import(),
        rule in limit(),
        n in 0usize..=APPS,
    ) {
        let mut with = s.clone();
        let mut overrides = s.overrides.clone();
        overrides.retain(|o| o.app_id != app_id(n));
        overrides.push(AppOverride { app_id: app_id(n), limit: rule });
        with.set_overrides(overrides);
        let others = |v: &Verdict| -> Vec<Entry> {
            exceeded_set(v)
                .into_iter()
                .filter(|e| e.0 != Scope::App || e.1.as_ref() != Some(&app_id(n)))
                .collect()
        };
        prop_assert_eq!(others(&evaluate(&s, &impact, &app)), others(&evaluate(&with, &impact, &app)));
        prop_assert_eq!(with.app_limit(&app_id(n)), rule);
    }

    #[test]
    fn a_count_limit_passes_at_its_count_and_trips_one_above_at_any_population(
        population in 0u64..1_000,
        count in 0u64..1_000,
    ) {
        prop_assume!(count < population);
        let mut s = Settings::levels(
            Safeguard::new(false, 20).expect("valid"),
            Safeguard::new(false, 20).expect("valid"),
        );
        let only = AppId::from("only");
        s.set_overrides(vec![AppOverride {
            app_id: only.clone(),
            limit: Limit { enabled: true, percent: None, count: Some(count) },
        }]);
        let impact = |unassignments| Impact {
            org_population: population,
            apps: vec![AppImpact {
                app_id: only.clone(),
                app_name: "Only".to_owned(),
                population,
                unassignments,
            }],
            ..Impact::default()
        };
        prop_assert_eq!(evaluate(&s, &impact(count), &only), Verdict::Proceed);
        let verdict = evaluate(&s, &impact(count + 1), &only);
        prop_assert_eq!(
            verdict.roadblock().map(|r| (r.cause.scope, r.cause.limit, r.cause.basis)),
            Some((Scope::App, count, Basis::Count))
        );
    }
}

#[test]
fn overrides_read_from_json_in_any_order_are_each_found() {
    let settings: Settings = serde_json::from_value(serde_json::json!({
        "appLevel": {"enabled": true, "percent": 20},
        "orgLevel": {"enabled": true, "percent": 20},
        "overrides": [
            {"appId": "c", "enabled": true, "percent": null, "count": 1},
            {"appId": "b", "enabled": true, "percent": null, "count": 2},
            {"appId": "a", "enabled": true, "percent": null, "count": 3}
        ]
    }))
    .expect("valid settings");
    for (id, count) in [("a", 3), ("b", 2), ("c", 1)] {
        assert_eq!(
            settings.app_limit(&AppId::from(id)).count,
            Some(count),
            "{id}"
        );
    }
    assert_eq!(
        settings.app_limit(&AppId::from("d")),
        settings.app_level.limit(),
        "an app without one has the org-wide rule"
    );
}
