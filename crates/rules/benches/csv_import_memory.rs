//! Peak memory of one CSV import in the rules crate (the `csv_import` workload: 1,000,000 rows
//! against an app of 1,000,000 app users, 10 % removed), read once from `/proc/self/status`.
//!
//! The org, its `OrgIndex` and the file are built first (the app's state and the upload); the
//! high-water mark is then reset to the resident set (`echo 5 > /proc/self/clear_refs`),
//! `plan_csv` + `evaluate` run once, and VmHWM minus the resident set before is what the import
//! itself needed at its peak. One-shot timings of the import, of dropping its plan and of the
//! `csv` crate floor are printed beside it. Linux only.
//!
//! `cargo bench -p safeguard-rules --bench csv_import_memory`

#[path = "support/workload.rs"]
mod workload;

use safeguard_rules::csv_planner::plan_csv;
use safeguard_rules::evaluator::evaluate;
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::settings::Settings;
use std::hint::black_box;
use std::time::Instant;
use workload::Workload;

const ROWS: usize = 1_000_000;
const MIB: f64 = 1024.0;

fn main() {
    let org = Workload::org(ROWS);
    let bytes = workload::csv(ROWS, 10);
    let settings = Settings::default();
    let started = Instant::now();
    let index = OrgIndex::new(&org.users, &org.assignments, std::slice::from_ref(&org.app));
    let indexed = started.elapsed();

    let started = Instant::now();
    let rows = workload::csv_floor(&bytes);
    let floor = started.elapsed();
    black_box(rows);

    let Some((_, before)) = workload::memory_kib() else {
        println!("csv_import_memory: /proc/self/status is not readable here (not Linux?); skipped");
        return;
    };
    let reset = workload::reset_peak();

    let started = Instant::now();
    let plan = plan_csv(&bytes, org.csv_input(&index)).expect("a valid file");
    let planned = started.elapsed();
    let verdict = evaluate(&settings, &plan.impact, &org.app.id);
    let total = started.elapsed();
    let (peak, after) = workload::memory_kib().unwrap_or((0, 0));
    black_box((&verdict, &plan));
    let started = Instant::now();
    drop(plan);
    let dropped = started.elapsed();

    println!(
        "csv_import_memory: {rows} rows, {:.1} MiB of CSV",
        bytes.len() as f64 / MIB / MIB
    );
    println!(
        "  resident before the import (org + index + file): {:.0} MiB",
        before as f64 / MIB
    );
    if reset {
        println!(
            "  peak during plan_csv + evaluate: {:.0} MiB (+{:.0} MiB over before)",
            peak as f64 / MIB,
            peak.saturating_sub(before) as f64 / MIB
        );
    } else {
        println!(
            "  peak of the whole process (the high-water mark could not be reset): {:.0} MiB",
            peak as f64 / MIB
        );
    }
    println!(
        "  resident after, with the plan held: {:.0} MiB",
        after as f64 / MIB
    );
    println!(
        "  one run: csv floor {:.0} ms; plan_csv {:.0} ms; plan_csv + evaluate {:.0} ms ({:.2}x the floor); dropping the plan {:.0} ms",
        floor.as_secs_f64() * 1e3,
        planned.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        total.as_secs_f64() / floor.as_secs_f64(),
        dropped.as_secs_f64() * 1e3,
    );
    println!(
        "  not part of the import: building the OrgIndex once took {:.0} ms",
        indexed.as_secs_f64() * 1e3
    );
    println!(
        "  verdict: {}",
        if verdict.is_pause() {
            "pause"
        } else {
            "proceed"
        }
    );
}
