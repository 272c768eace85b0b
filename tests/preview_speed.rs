//! Benchmark, not a test: how long the Safeguards preview takes to recompute in the browser for
//! 10,000 past imports x 50 affected apps each, timed with `performance.now()` in headless
//! Chromium. Run by `make bench`:
//! `cargo test -p safeguard-console --release --target wasm32-unknown-unknown --features browser-bench --test preview_speed -- --nocapture`.
//! The figures are printed; BENCHMARKS.md records them. Goal: under 16 ms, one frame, with
//! version 2's settings too: overrides on all 50 apps, counts and the deactivation budget on.
#![cfg(all(target_arch = "wasm32", feature = "browser-bench"))]

use safeguard_console::components::safeguard_editor::{MAX_ROWS, preview_prepared};
use safeguard_rules::AppId;
use safeguard_rules::api::{ImportStatus, ImportTrigger, ImportView, SourceKind};
use safeguard_rules::plan::{AppImpact, Counts, Impact};
use safeguard_rules::preview::{Comparison, Prepared, compare};
use safeguard_rules::settings::{AppOverride, Limit, Safeguard, Settings};
use safeguard_rules::warnings::ImportWarnings;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const IMPORTS: usize = 10_000;
const APPS_PER_IMPORT: usize = 50;
const RUNS: usize = 31;
/// Runs before timing: V8 first runs wasm from its baseline compiler and swaps in optimised code
/// shortly after, so the first runs measure the compiler, not the preview.
const WARM_UP: usize = 10;
/// The org's active users: the deactivation budget's population.
const ACTIVE_USERS: u64 = 150_000;

fn app_id(a: usize) -> AppId {
    format!("app_{a}").into()
}

fn workload() -> Vec<ImportView> {
    // A small LCG keeps the data the same on every run without a dependency.
    let mut seed: u64 = 0x5eed;
    let mut next = move |bound: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % bound
    };
    (0..IMPORTS)
        .map(|i| {
            let apps: Vec<AppImpact> = (0..APPS_PER_IMPORT)
                .map(|a| {
                    let population = 50 + next(5000);
                    AppImpact {
                        app_id: app_id(a),
                        app_name: format!("App {a}"),
                        population,
                        unassignments: next(population * 30 / 100 + 1),
                    }
                })
                .collect();
            // Most imports deactivate a few users, one in ten up to 1,500.
            let deactivations = if next(10) == 0 { next(1_500) } else { next(40) };
            ImportView {
                id: format!("imp_{i}"),
                app_id: app_id(0),
                app_name: "App 0".into(),
                status: ImportStatus::Completed,
                created_at: String::new(),
                started_at: None,
                finished_at: None,
                counts: Counts::default(),
                impact: Impact {
                    org_population: 130_000,
                    apps,
                    deactivations,
                    active_users: ACTIVE_USERS,
                },
                roadblock: None,
                resolved_by: None,
                error: None,
                trigger: ImportTrigger::default(),
                source: SourceKind::default(),
                warnings: ImportWarnings::default(),
                affected: None,
            }
        })
        .collect()
}

fn safeguard(percent: u8) -> Safeguard {
    Safeguard::new(true, percent).unwrap_or_default()
}

/// The version 1 proposal of run `run`: a different app-level percent each run, as when someone
/// types.
fn levels(run: usize) -> Settings {
    Settings::levels(safeguard(10 + (run % 20) as u8), safeguard(15))
}

/// Version 2's settings: counts beside both levels' percents, the deactivation budget on, and
/// an override on every one of the 50 apps (a percent, a count or both; one in ten off), loose
/// enough that some imports pass. `run` moves the overrides' percents and the budget, as when
/// someone types.
fn with_overrides(run: usize) -> Settings {
    let mut settings = Settings::levels(
        safeguard(10 + (run % 20) as u8).with_count(Some(2_000)),
        safeguard(15).with_count(Some(20_000)),
    );
    settings.deactivations = Limit {
        enabled: true,
        percent: Some(2),
        count: Some(500 + 10 * run as u64),
    };
    settings.set_overrides(
        (0..APPS_PER_IMPORT)
            .map(|k| AppOverride {
                app_id: app_id(k),
                limit: Limit {
                    enabled: k % 10 != 9,
                    percent: (k % 3 != 1).then_some(30 + (k % 4) as u8 * 10 - (run % 5) as u8),
                    count: (k % 3 != 0).then_some(1_000 + 25 * k as u64),
                },
            })
            .collect(),
    );
    settings
}

fn saved_with_overrides() -> Settings {
    let mut saved = with_overrides(10);
    saved.deactivations.count = Some(1_000);
    saved
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn report(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    web_sys::console::log_1(
        &format!(
            "{name}: median {median:.2} ms, p95 {p95:.2} ms, min {:.2} ms over {} runs",
            times[0],
            times.len()
        )
        .into(),
    );
}

/// Times `run` on every proposal `proposal(0..RUNS)` after the warm-up, and reports it; every
/// run must decide every import.
fn time(name: &str, proposal: impl Fn(usize) -> Settings, mut run: impl FnMut(&Settings) -> usize) {
    for warm in 0..WARM_UP {
        std::hint::black_box(run(&proposal(warm)));
    }
    let mut times = Vec::new();
    for n in 0..RUNS {
        let proposed = proposal(n);
        let start = now();
        let decided = run(&proposed);
        times.push(now() - start);
        assert_eq!(decided, IMPORTS, "{name}: every import was decided");
    }
    report(name, times);
}

fn pairs(imports: &[ImportView]) -> impl Iterator<Item = (&AppId, &Impact)> {
    imports.iter().map(|i| (&i.app_id, &i.impact))
}

fn decided(comparison: Comparison<'_>) -> usize {
    comparison.outcomes.len()
}

#[wasm_bindgen_test]
fn preview_recompute_10000_imports_x_50_apps() {
    let imports = workload();
    let saved = Settings::default();
    let saved_v2 = saved_with_overrides();

    // The floor: reading each import's counts once, with no rule applied.
    time("floor: sum of unassignments", levels, |_| {
        let sums: Vec<u64> = imports
            .iter()
            .map(|i| std::hint::black_box(&i.impact).total_unassignments())
            .collect();
        sums.len()
    });

    let start = now();
    let prepared = Prepared::new(pairs(&imports));
    report(
        "Prepared::new, once when the imports load",
        vec![now() - start],
    );
    assert_eq!(prepared.len(), IMPORTS);
    assert_eq!(
        prepared.compare(&saved_v2, &with_overrides(0), pairs(&imports)),
        compare(&saved_v2, &with_overrides(0), pairs(&imports)),
        "the prepared compare decides as compare does"
    );
    let turned = compare(&saved_v2, &with_overrides(0), pairs(&imports));
    let paused = turned
        .outcomes
        .iter()
        .filter(|o| o.proposed.is_some())
        .count();
    web_sys::console::log_1(
        &format!(
            "overrides + budget: {paused} of {IMPORTS} pause, {} would now pause, {} would now pass",
            turned.would_now_pause, turned.would_now_pass
        )
        .into(),
    );
    assert!(
        turned.would_now_pause + turned.would_now_pass > 0,
        "the workload has imports the proposal turns around"
    );

    time("compare (rules crate)", levels, |proposed| {
        decided(compare(&saved, proposed, pairs(&imports)))
    });
    time("Prepared::compare (rules crate)", levels, |proposed| {
        decided(prepared.compare(&saved, proposed, pairs(&imports)))
    });
    time(
        "compare, overrides on 50 apps + budget (rules crate)",
        with_overrides,
        |proposed| decided(compare(&saved_v2, proposed, pairs(&imports))),
    );
    time(
        "Prepared::compare, overrides on 50 apps + budget (rules crate)",
        with_overrides,
        |proposed| decided(prepared.compare(&saved_v2, proposed, pairs(&imports))),
    );

    // What the editor runs on a keystroke: the imports were prepared when they loaded.
    time("preview rows + sentences (console)", levels, |proposed| {
        let shown = preview_prepared(&saved, proposed, &imports, &prepared);
        assert!(shown.rows.len() <= MAX_ROWS);
        IMPORTS
    });
    time(
        "preview rows + sentences, overrides on 50 apps + budget (console)",
        with_overrides,
        |proposed| {
            let shown = preview_prepared(&saved_v2, proposed, &imports, &prepared);
            assert!(shown.rows.len() <= MAX_ROWS);
            IMPORTS
        },
    );
}
