//! Benchmark, not a test: how long the Safeguards preview takes to recompute in the browser for
//! 10,000 past imports x 50 affected apps each, timed with `performance.now()` in headless
//! Chromium. Run by `make bench`:
//! `cargo test -p safeguard-console --target wasm32-unknown-unknown --features browser-bench --test preview_speed`.
//! The figures are printed; BENCHMARKS.md records them. Goal: under 16 ms, one frame.
#![cfg(all(target_arch = "wasm32", feature = "browser-bench"))]

use safeguard_console::components::safeguard_editor::preview;
use safeguard_rules::api::{ImportStatus, ImportView};
use safeguard_rules::plan::{AppImpact, Counts, Impact};
use safeguard_rules::preview::compare;
use safeguard_rules::settings::{Safeguard, Settings};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const IMPORTS: usize = 10_000;
const APPS_PER_IMPORT: usize = 50;
const RUNS: usize = 31;
/// Runs before timing: V8 first runs wasm from its baseline compiler and swaps in optimised code
/// shortly after, so the first runs measure the compiler, not the preview.
const WARM_UP: usize = 10;

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
                        app_id: format!("app_{a}").into(),
                        app_name: format!("App {a}"),
                        population,
                        unassignments: next(population * 30 / 100 + 1),
                    }
                })
                .collect();
            ImportView {
                id: format!("imp_{i}"),
                app_id: "app_0".into(),
                app_name: "App 0".into(),
                status: ImportStatus::Completed,
                created_at: String::new(),
                started_at: None,
                finished_at: None,
                counts: Counts::default(),
                impact: Impact {
                    org_population: 130_000,
                    apps,
                },
                roadblock: None,
                resolved_by: None,
                error: None,
                affected: None,
            }
        })
        .collect()
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
            "{name}: median {median:.2} ms, p95 {p95:.2} ms, min {:.2} ms over {RUNS} runs",
            times[0]
        )
        .into(),
    );
}

#[wasm_bindgen_test]
fn preview_recompute_10000_imports_x_50_apps() {
    let imports = workload();
    let saved = Settings::default();
    for _ in 0..WARM_UP {
        let proposed = Settings {
            app_level: Safeguard::new(true, 15).unwrap_or_default(),
            ..saved.clone()
        };
        std::hint::black_box(compare(
            &saved,
            &proposed,
            imports.iter().map(|i| (&i.app_id, &i.impact)),
        ));
        std::hint::black_box(preview(&saved, &proposed, &imports));
    }
    let mut times = Vec::new();
    let mut decided = 0;
    for run in 0..RUNS {
        // A different proposal each run, as when someone types.
        let proposed = Settings::levels(
            Safeguard::new(true, 10 + (run % 20) as u8).unwrap_or_default(),
            Safeguard::new(true, 15).unwrap_or_default(),
        );
        let start = now();
        let comparison = compare(
            &saved,
            &proposed,
            imports.iter().map(|i| (&i.app_id, &i.impact)),
        );
        times.push(now() - start);
        decided += comparison.outcomes.len();
    }
    report("compare (rules crate)", times);
    assert_eq!(
        decided,
        IMPORTS * RUNS,
        "every import was decided on every run"
    );

    let mut times = Vec::new();
    for run in 0..RUNS {
        let proposed = Settings::levels(
            Safeguard::new(true, 10 + (run % 20) as u8).unwrap_or_default(),
            Safeguard::new(true, 15).unwrap_or_default(),
        );
        let start = now();
        let shown = preview(&saved, &proposed, &imports);
        times.push(now() - start);
        assert!(shown.rows.len() <= safeguard_console::components::safeguard_editor::MAX_ROWS);
    }
    report("preview rows + sentences (console)", times);
}
