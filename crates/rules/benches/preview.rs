//! The console's preview: 10,000 past imports x 50 affected apps each, decided under the saved
//! and the proposed settings, as on every keystroke in the settings page: with
//! `preview::compare`, and with `preview::Prepared::compare` over the imports read once (what the
//! console uses). Goal: under 5 ms natively, with version 2's settings too: overrides on 50 apps,
//! counts and the deactivation budget on.
//!
//! `cargo bench -p safeguard-rules --bench preview`

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use safeguard_rules::AppId;
use safeguard_rules::evaluator::Scope;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::preview::{Prepared, compare};
use safeguard_rules::settings::{AppOverride, Limit, Safeguard, Settings};
use std::time::Duration;

const IMPORTS: usize = 10_000;
const APPS_PER_IMPORT: usize = 50;
const APPS_IN_ORG: usize = 400;
/// The org's active users: the deactivation budget's population.
const ACTIVE_USERS: u64 = 150_000;
/// Apps with their own app-level limit, in the version 2 case.
const OVERRIDES: usize = 50;

/// A small deterministic generator, so every run previews the same imports.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// Past imports: each touches 50 of the org's 400 apps (populations 20 .. 20,000). Most lose a
/// few users per app, about one in twenty loses a large share somewhere; most deactivate a few
/// of the org's users, a heavy one and one in ten others up to 1,500.
fn past_imports() -> Vec<(AppId, Impact)> {
    let mut rng = Lcg(42);
    // Its own generator, so that the apps' numbers are those of the version 1 workload.
    let mut deactivated = Lcg(7);
    let populations: Vec<u64> = (0..APPS_IN_ORG).map(|_| 20 + rng.next(20_000)).collect();
    let org_population: u64 = populations.iter().sum();
    (0..IMPORTS)
        .map(|_| {
            let first = rng.next(APPS_IN_ORG as u64) as usize;
            let heavy = rng.next(20) == 0;
            let apps = (0..APPS_PER_IMPORT)
                .map(|k| {
                    let n = (first + k * 7) % APPS_IN_ORG;
                    let population = populations[n];
                    let share = if heavy && k % 10 == 0 {
                        5 + rng.next(40)
                    } else {
                        rng.next(4)
                    };
                    AppImpact {
                        app_id: app_id(n),
                        app_name: format!("App {n}"),
                        population,
                        unassignments: (population * share / 100).max(1),
                    }
                })
                .collect();
            let import_app = app_id(first);
            let deactivations = if heavy || deactivated.next(10) == 0 {
                deactivated.next(1_500)
            } else {
                deactivated.next(40)
            };
            (
                import_app,
                Impact {
                    org_population,
                    apps,
                    deactivations,
                    active_users: ACTIVE_USERS,
                },
            )
        })
        .collect()
}

fn safeguard(percent: u8) -> Safeguard {
    Safeguard::new(true, percent).expect("a percent within 0..=100")
}

fn app_id(n: usize) -> AppId {
    AppId::from(format!("0oa{n:05}"))
}

/// Version 2's settings: the two levels with counts beside their percents, the deactivation
/// budget on, and overrides on 50 of the org's apps (every eighth), a percent, a count or both.
fn with_overrides(app_percent: u8, org_percent: u8, budget: u64) -> Settings {
    let mut settings = Settings::levels(
        safeguard(app_percent).with_count(Some(2_000)),
        safeguard(org_percent).with_count(Some(20_000)),
    );
    settings.deactivations = Limit {
        enabled: true,
        percent: Some(2),
        count: Some(budget),
    };
    settings.set_overrides(
        (0..OVERRIDES)
            .map(|k| AppOverride {
                app_id: app_id(k * (APPS_IN_ORG / OVERRIDES)),
                limit: Limit {
                    enabled: k % 10 != 9,
                    percent: (k % 3 != 1).then_some(5 + (k % 4) as u8 * 10),
                    count: (k % 3 != 0).then_some(50 + 25 * k as u64),
                },
            })
            .collect(),
    );
    settings
}

fn preview(c: &mut Criterion) {
    let imports = past_imports();
    let saved = Settings::default();
    let proposed = Settings::levels(safeguard(10), safeguard(15));
    let once = compare(&saved, &proposed, imports.iter().map(|(a, i)| (a, i)));
    assert_eq!(once.outcomes.len(), IMPORTS);
    assert!(
        once.would_now_pause > 0,
        "the workload has imports the proposal turns around"
    );

    let saved_v2 = with_overrides(20, 20, 1_000);
    let proposed_v2 = with_overrides(10, 15, 500);
    assert_eq!(proposed_v2.overrides.len(), OVERRIDES);
    let once = compare(&saved_v2, &proposed_v2, imports.iter().map(|(a, i)| (a, i)));
    assert_eq!(once.outcomes.len(), IMPORTS);
    assert!(once.would_now_pause > 0);
    assert!(
        once.outcomes
            .iter()
            .filter_map(|o| o.proposed)
            .any(|e| e.scope == Scope::Deactivations),
        "the budget is the cause of some pauses"
    );
    assert!(
        once.outcomes
            .iter()
            .filter_map(|o| o.proposed)
            .filter_map(|e| e.app)
            .any(|a| proposed_v2.override_of(&a.app_id).is_some()),
        "an override is the cause of some pauses"
    );

    // The prepared path decides exactly as `compare` does, on both workloads.
    let prepared = Prepared::new(imports.iter().map(|(a, i)| (a, i)));
    assert_eq!(
        prepared.compare(&saved, &proposed, imports.iter().map(|(a, i)| (a, i))),
        compare(&saved, &proposed, imports.iter().map(|(a, i)| (a, i)))
    );
    assert_eq!(
        prepared.compare(&saved_v2, &proposed_v2, imports.iter().map(|(a, i)| (a, i))),
        once
    );

    let mut group = c.benchmark_group("preview");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("compare_10k_imports_x_50_apps", |b| {
        b.iter(|| {
            let comparison = compare(
                black_box(&saved),
                black_box(&proposed),
                imports.iter().map(|(a, i)| (a, i)),
            );
            (comparison.would_now_pause, comparison.would_now_pass)
        })
    });
    group.bench_function(
        "compare_10k_imports_x_50_apps_overrides_on_50_apps_budget_on",
        |b| {
            b.iter(|| {
                let comparison = compare(
                    black_box(&saved_v2),
                    black_box(&proposed_v2),
                    imports.iter().map(|(a, i)| (a, i)),
                );
                (comparison.would_now_pause, comparison.would_now_pass)
            })
        },
    );
    group.bench_function("prepared_compare_10k_imports_x_50_apps", |b| {
        b.iter(|| {
            let comparison = prepared.compare(
                black_box(&saved),
                black_box(&proposed),
                imports.iter().map(|(a, i)| (a, i)),
            );
            (comparison.would_now_pause, comparison.would_now_pass)
        })
    });
    group.bench_function(
        "prepared_compare_10k_imports_x_50_apps_overrides_on_50_apps_budget_on",
        |b| {
            b.iter(|| {
                let comparison = prepared.compare(
                    black_box(&saved_v2),
                    black_box(&proposed_v2),
                    imports.iter().map(|(a, i)| (a, i)),
                );
                (comparison.would_now_pause, comparison.would_now_pass)
            })
        },
    );
    // Reading the imports once, when they load: not on the keystroke's path.
    group.bench_function("prepare_10k_imports_x_50_apps", |b| {
        b.iter(|| Prepared::new(imports.iter().map(|(a, i)| (a, i))).len())
    });
    // The floor: reading each import's counts once, with no rule applied. The preview streams
    // 10,000 x 50 app impacts (one cache line each) through memory, so this is its lower bound.
    group.bench_function("floor_sum_unassignments_10k_x_50", |b| {
        b.iter(|| {
            imports
                .iter()
                .map(|(_, i)| black_box(i).total_unassignments())
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, preview);
criterion_main!(benches);
