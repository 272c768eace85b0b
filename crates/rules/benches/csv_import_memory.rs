//! Peak memory of one CSV import in the rules crate (the `csv_import` workload: 1,000,000 rows
//! against an app of 1,000,000 app users, 10 % removed), read once from `/proc/self/status`.
//!
//! The org and the file are built first; the high-water mark is then reset to the resident set
//! (`echo 5 > /proc/self/clear_refs`), `read_csv` + `plan_import` + `evaluate` run once, and
//! VmHWM minus the resident set before is what the import itself needed at its peak. One-shot
//! timings of the import and of the `csv` crate floor are printed beside it. Linux only.
//!
//! `cargo bench -p safeguard-rules --bench csv_import_memory`

#[path = "support/workload.rs"]
mod workload;

use safeguard_rules::evaluator::evaluate;
use safeguard_rules::planner::plan_import;
use safeguard_rules::settings::Settings;
use safeguard_rules::snapshot_csv::read_csv;
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
    let mut record = csv::StringRecord::new();
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let mut rows = 0usize;
    while reader.read_record(&mut record).unwrap_or(false) {
        rows += 1;
    }
    let floor = started.elapsed();
    black_box(rows);

    let Some((_, before)) = workload::memory_kib() else {
        println!("csv_import_memory: /proc/self/status is not readable here (not Linux?); skipped");
        return;
    };
    let reset = workload::reset_peak();

    let started = Instant::now();
    let users = read_csv(&bytes).expect("a valid file");
    let parsed = started.elapsed();
    let plan = plan_import(org.input_with(&users));
    let verdict = evaluate(&settings, &plan.impact, &org.app.id);
    let total = started.elapsed();
    let (peak, after) = workload::memory_kib().unwrap_or((0, 0));
    black_box((&verdict, &plan));

    println!(
        "csv_import_memory: {rows} rows, {:.1} MiB of CSV",
        bytes.len() as f64 / MIB / MIB
    );
    println!(
        "  resident before the import (org + file): {:.0} MiB",
        before as f64 / MIB
    );
    if reset {
        println!(
            "  peak during read_csv + plan_import + evaluate: {:.0} MiB (+{:.0} MiB over before)",
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
        "  resident after, with users and plan held: {:.0} MiB",
        after as f64 / MIB
    );
    println!(
        "  one run: csv floor {:.0} ms; read_csv {:.0} ms; read_csv + plan + evaluate {:.0} ms ({:.2}x the floor)",
        floor.as_secs_f64() * 1e3,
        parsed.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        total.as_secs_f64() / floor.as_secs_f64()
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
