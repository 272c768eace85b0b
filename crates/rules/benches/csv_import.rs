//! A CSV import end to end in the rules crate: a 1,000,000-row file (externalId, login,
//! firstName, lastName, email, department, title) planned against an app of 1,000,000 app users
//! of which 10 % are missing from the file, and checked with `evaluate`. Beside it the floor:
//! the `csv` crate alone reading the same bytes into `StringRecord`s. Goal: the whole import
//! under 2x the floor.
//!
//! Timed: `plan_csv` (read, validate and plan the file) + `evaluate`, and dropping the plan.
//! Not timed: building the org and its `OrgIndex` (the app's state, loaded before any import
//! and kept), and the file's bytes (in memory, as an upload is). The index's one-off build is
//! timed on its own, and the in-memory path (`read_csv` + `plan_import`) beside it.
//!
//! `cargo bench -p safeguard-rules --bench csv_import`

#[path = "support/workload.rs"]
mod workload;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use safeguard_rules::csv_planner::{plan_csv, plan_csv_in_parts};
use safeguard_rules::evaluator::evaluate;
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::plan_import;
use safeguard_rules::settings::Settings;
use safeguard_rules::snapshot_csv::read_csv;
use std::time::Duration;
use workload::Workload;

const ROWS: usize = 1_000_000;

fn import_csv(c: &mut Criterion) {
    let org = Workload::org(ROWS);
    let bytes = workload::csv(ROWS, 10);
    let settings = Settings::default();
    let index = OrgIndex::new(&org.users, &org.assignments, std::slice::from_ref(&org.app));
    // Check once, outside the timed loops, that each bench does what it says, and that both
    // paths plan the same.
    assert_eq!(workload::csv_floor(&bytes), ROWS);
    let users = read_csv(&bytes).expect("a valid file");
    let plan = plan_import(org.input_with(&users));
    assert_eq!(plan.counts.unassigned, 100_000);
    assert!(
        !evaluate(&settings, &plan.impact, &org.app.id).is_pause(),
        "10 % is within 20 %"
    );
    let streamed = plan_csv(&bytes, org.csv_input(&index)).expect("a valid file");
    assert!(
        streamed == plan,
        "the CSV planner plans what plan_import plans"
    );
    drop((users, plan, streamed));

    let mut group = c.benchmark_group("csv_import");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("floor_csv_crate_string_records_1m", |b| {
        b.iter(|| workload::csv_floor(black_box(&bytes)))
    });
    // The plan is the import's product (the server stores it): dropping it is timed apart.
    group.bench_function("plan_csv_evaluate_1m", |b| {
        b.iter_with_large_drop(|| {
            let plan = plan_csv(black_box(&bytes), org.csv_input(&index)).expect("a valid file");
            let verdict = evaluate(&settings, &plan.impact, &org.app.id);
            (plan, verdict)
        })
    });
    // The same on one thread: what a busy machine, or one core, gets.
    group.bench_function("plan_csv_one_thread_evaluate_1m", |b| {
        b.iter_with_large_drop(|| {
            let plan = plan_csv_in_parts(
                black_box(&bytes),
                &Default::default(),
                org.csv_input(&index),
                usize::MAX,
            )
            .expect("a valid file");
            let verdict = evaluate(&settings, &plan.impact, &org.app.id);
            (plan, verdict)
        })
    });
    // The same file with its rows shuffled: no row's user follows the row before's.
    let shuffled = workload::csv_shuffled(ROWS, 10);
    let plan = plan_csv(&shuffled, org.csv_input(&index)).expect("a valid file");
    assert_eq!(plan.counts.unassigned, 100_000);
    drop(plan);
    group.bench_function("plan_csv_evaluate_1m_shuffled_rows", |b| {
        b.iter_with_large_drop(|| {
            let plan = plan_csv(black_box(&shuffled), org.csv_input(&index)).expect("a valid file");
            let verdict = evaluate(&settings, &plan.impact, &org.app.id);
            (plan, verdict)
        })
    });
    group.bench_function("drop_plan_1m", |b| {
        b.iter_batched(
            || plan_csv(&bytes, org.csv_input(&index)).expect("a valid file"),
            drop,
            criterion::BatchSize::PerIteration,
        )
    });
    // The app's state, built once when the org is loaded: not part of an import.
    group.bench_function("org_index_1m", |b| {
        b.iter(|| {
            OrgIndex::new(
                black_box(&org.users),
                &org.assignments,
                std::slice::from_ref(&org.app),
            )
        })
    });
    // The in-memory path, for comparison: JSON snapshots still take it.
    group.bench_function("read_csv_plan_evaluate_1m", |b| {
        b.iter(|| {
            let users = read_csv(black_box(&bytes)).expect("a valid file");
            let plan = plan_import(org.input_with(&users));
            evaluate(&settings, &plan.impact, &org.app.id)
        })
    });
    group.finish();
}

criterion_group!(benches, import_csv);
criterion_main!(benches);
