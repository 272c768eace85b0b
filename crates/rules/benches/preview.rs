//! The console's preview: 10,000 past imports x 50 affected apps each, decided under the saved
//! and the proposed settings with `preview::compare`, as on every keystroke in the settings
//! page. Goal: under 5 ms natively.
//!
//! `cargo bench -p safeguard-rules --bench preview`

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use safeguard_rules::AppId;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::preview::compare;
use safeguard_rules::settings::{Safeguard, Settings};
use std::time::Duration;

const IMPORTS: usize = 10_000;
const APPS_PER_IMPORT: usize = 50;
const APPS_IN_ORG: usize = 400;

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
/// few users per app, about one in twenty loses a large share somewhere.
fn past_imports() -> Vec<(AppId, Impact)> {
    let mut rng = Lcg(42);
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
                        app_id: AppId::from(format!("0oa{n:05}")),
                        app_name: format!("App {n}"),
                        population,
                        unassignments: (population * share / 100).max(1),
                    }
                })
                .collect();
            let import_app = AppId::from(format!("0oa{first:05}"));
            (
                import_app,
                Impact {
                    org_population,
                    apps,
                    ..Impact::default()
                },
            )
        })
        .collect()
}

fn safeguard(percent: u8) -> Safeguard {
    Safeguard::new(true, percent).expect("a percent within 0..=100")
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
