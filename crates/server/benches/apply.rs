//! Applying 100,000 unassignments: an app of 100,000 users whose source now lists none of them,
//! with the safeguards off so the plan is applied. Timed from the start of the import to its
//! commit: planning, storing the plan, and applying it in one transaction, with a System Log
//! event per unassignment. Goal: under 3 s. `cargo bench -p safeguard-server --bench apply`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use safeguard_rules::api::ImportStatus;
use safeguard_rules::ids::AppId;
use safeguard_rules::org::App;
use safeguard_rules::settings::{Safeguard, Settings};
use safeguard_rules::snapshot::SnapshotUser;
use safeguard_server::actor::Actor;
use safeguard_server::clock::Clock;
use safeguard_server::pipeline::Pipeline;
use safeguard_server::sources::Snapshot;
use safeguard_server::storage::Store;
use std::sync::Arc;
use std::time::Duration;

const USERS: usize = 100_000;

struct Org {
    _dir: tempfile::TempDir,
    pipeline: Pipeline,
}

fn users() -> Vec<SnapshotUser> {
    (0..USERS)
        .map(|i| SnapshotUser {
            external_id: format!("e{i}"),
            login: format!("user{i}@example.com"),
            first_name: Some("Pat".to_owned()),
            last_name: Some(format!("Doe{i}")),
            email: Some(format!("user{i}@example.com")),
            ..SnapshotUser::default()
        })
        .collect()
}

/// A fresh database with one app of 100,000 users and the safeguards off.
fn org_of_100k(snapshot: &[SnapshotUser]) -> Org {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open(&dir.path().join("bench.db")).expect("store"));
    let mut pipeline = Pipeline::new(store, Clock::System);
    // Apply before answering whatever the size, so the timed call ends when the plan is applied.
    pipeline.background_above = usize::MAX;
    let actor = Actor::system();
    let at = pipeline.clock().stamp();
    pipeline
        .store()
        .writer()
        .transaction(|db| {
            let app = App::new(AppId::from("app_bench"), "Directory", true, false);
            db.insert_app(&app, &actor, &at)?;
            let off = Safeguard::new(false, 20).unwrap_or_default();
            let settings = Settings::levels(off, off);
            db.save_safeguards(&settings, &actor, &at)?;
            Ok::<_, safeguard_server::storage::StorageError>(())
        })
        .expect("set up the app");
    import(&pipeline, snapshot.to_vec(), ImportStatus::Completed);
    Org {
        _dir: dir,
        pipeline,
    }
}

fn import(pipeline: &Pipeline, snapshot: Vec<SnapshotUser>, expect: ImportStatus) {
    let mut status = None;
    pipeline.start(
        "app_bench",
        Snapshot::Users(snapshot),
        &Actor::system(),
        |result| {
            status = result.ok().map(|view| view.status);
        },
    );
    assert_eq!(status, Some(expect), "the import ended as expected");
}

fn apply_100k_unassignments(c: &mut Criterion) {
    let snapshot = users();
    let mut group = c.benchmark_group("apply");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("unassign_100k", |b| {
        b.iter_batched(
            || org_of_100k(&snapshot),
            |org| {
                import(&org.pipeline, Vec::new(), ImportStatus::Completed);
                org
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, apply_100k_unassignments);
criterion_main!(benches);
