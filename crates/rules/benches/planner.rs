//! Planning a full import of 1,000,000 users into an app of 1,000,000 app users, 10 % of them
//! removed from the source (and as many new hires added). Goal: under 2 s.
//!
//! `cargo bench -p safeguard-rules --bench planner`

#[path = "support/workload.rs"]
mod workload;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use safeguard_rules::planner::plan_import;
use std::time::Duration;
use workload::Workload;

fn plan_a_million(c: &mut Criterion) {
    let workload = Workload::new(1_000_000, 10);
    // Check once, outside the timed loop, that the bench plans what it says it plans.
    let plan = plan_import(workload.input());
    assert_eq!(plan.counts.scanned, 1_000_000);
    assert_eq!(plan.counts.unassigned, workload.removed as u64);
    assert_eq!(plan.counts.created, workload.removed as u64);
    assert_eq!(plan.counts.updated, 10_000);
    drop(plan);

    let mut group = c.benchmark_group("planner");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("plan_1m_users_10_percent_removed", |b| {
        b.iter(|| plan_import(black_box(workload.input())))
    });
    group.finish();
}

criterion_group!(benches, plan_a_million);
criterion_main!(benches);
