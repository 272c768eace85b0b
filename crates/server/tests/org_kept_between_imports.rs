//! The org the writer keeps loaded between imports is always the org in the database.
//!
//! A long, varied run of imports through the pipeline (CSV files read as they are planned, JSON
//! snapshots, dry runs, refused files, roadblocks resumed and cancelled, imports queued behind
//! them, an app added midway) compares after every step the kept org with one read afresh from
//! the database file, and every CSV import's counts and impact with what reading the file into
//! users and planning them against a freshly read org gives. A kept org that missed a change
//! would plan the next import against users that are no longer there.

use safeguard_rules::api::{ImportStatus, ImportView};
use safeguard_rules::ids::AppId;
use safeguard_rules::org::App;
use safeguard_rules::snapshot::{SnapshotLimits, SnapshotUser};
use safeguard_rules::snapshot_csv::read_csv;
use safeguard_rules::{PlanInput, plan_import};
use safeguard_server::actor::Actor;
use safeguard_server::clock::Clock;
use safeguard_server::pipeline::{Pipeline, PipelineError};
use safeguard_server::sources::Snapshot;
use safeguard_server::storage::{IndexedOrg, Org, StorageError, Store};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Over the safeguards' activation minimum of 100, so snapshots missing most users trip them.
const POOL: usize = 130;
const STEPS: usize = 160;
const AT: &str = "2026-01-01T00:00:00.000Z";

/// A small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn app(id: &str, name: &str, profile_source: bool) -> App {
    App::new(AppId::from(id), name, profile_source, profile_source)
}

/// What each app's source lists, changed a little before each snapshot and one kind of change
/// at a time (a kept org that missed only one kind of change must be caught).
struct Sources {
    listed: Vec<Vec<bool>>,
    department: Vec<&'static str>,
}

impl Sources {
    fn new(apps: usize) -> Self {
        Self {
            listed: vec![(0..POOL).map(|i| i % 10 != 0).collect(); apps],
            department: vec!["Sales"; POOL],
        }
    }

    /// The next snapshot of app `app`: some users added, some removed, a profile changed, or,
    /// now and then, most users missing for once (which trips the safeguards).
    fn next(&mut self, rng: &mut Rng, app: usize) -> Vec<SnapshotUser> {
        let who = rng.below(POOL as u64) as usize;
        match rng.below(8) {
            0..=2 => {
                for _ in 0..=rng.below(3) {
                    self.listed[app][rng.below(POOL as u64) as usize] = true;
                }
            }
            3..=4 => self.listed[app][who] = false,
            5..=6 => {
                self.department[who] = if self.department[who] == "Sales" {
                    "Support"
                } else {
                    "Sales"
                };
            }
            _ => {
                let few = (0..POOL).filter(|_| rng.below(3) == 0).collect::<Vec<_>>();
                return few.into_iter().map(|i| self.user(i)).collect();
            }
        }
        (0..POOL)
            .filter(|&i| self.listed[app][i])
            .map(|i| self.user(i))
            .collect()
    }

    fn user(&self, i: usize) -> SnapshotUser {
        let mut attributes = BTreeMap::new();
        attributes.insert("department".to_owned(), self.department[i].to_owned());
        SnapshotUser {
            external_id: format!("e{i}"),
            login: format!("user{i}@example.com"),
            first_name: Some(if i.is_multiple_of(2) { "Ana" } else { "Bo" }.to_owned()),
            attributes,
            ..SnapshotUser::default()
        }
    }
}

fn csv_of(users: &[SnapshotUser]) -> Vec<u8> {
    let mut text = String::from("externalId,login,firstName,department\n");
    for user in users {
        text.push_str(&format!(
            "{},{},{},{}\n",
            user.external_id,
            user.login,
            user.first_name.as_deref().unwrap_or(""),
            user.attributes["department"]
        ));
    }
    text.into_bytes()
}

fn csv(bytes: Vec<u8>) -> Snapshot {
    Snapshot::Csv {
        bytes: bytes.into(),
        limits: SnapshotLimits::DEFAULT,
    }
}

fn start(pipeline: &Pipeline, app_id: &str, snapshot: Snapshot) -> Result<ImportView, String> {
    let mut answer = None;
    pipeline.start(app_id, snapshot, &Actor::system(), |result| {
        answer = Some(result)
    });
    match answer {
        Some(Ok(view)) => Ok(view),
        Some(Err(error)) => Err(error.to_string()),
        None => Err("no answer".to_owned()),
    }
}

fn fresh(store: &Store) -> Org {
    store.read(|db| db.org()).expect("read the org")
}

fn kept(store: &Store) -> Arc<IndexedOrg> {
    store
        .writer()
        .transaction(|db| db.indexed_org())
        .expect("the kept org")
}

#[derive(Default, Debug)]
struct Seen {
    csv_imports_checked: usize,
    paused: usize,
    queued: usize,
    refused_kept_the_org: usize,
    dry_runs_kept_the_org: usize,
}

#[test]
fn the_kept_org_matches_the_database_after_every_kind_of_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open(&dir.path().join("org.db")).expect("store"));
    let pipeline = Pipeline::new(Arc::clone(&store), Clock::System);
    let mut apps = vec![
        app("app_hr", "Workday", true),
        app("app_chat", "Slack", false),
        app("app_crm", "Salesforce", false),
    ];
    store
        .writer()
        .transaction(|db| {
            for app in &apps[..2] {
                db.insert_app(app, &Actor::system(), AT)?;
            }
            Ok::<_, StorageError>(())
        })
        .expect("apps");
    let mut live_apps = 2;
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut seen = Seen::default();
    let mut sources = Sources::new(apps.len());

    for step in 0..STEPS {
        let before = kept(&store);
        let mut added_an_app = false;
        let which = rng.below(live_apps as u64) as usize;
        let app = apps[which].clone();
        match rng.below(10) {
            0..=3 => {
                let bytes = csv_of(&sources.next(&mut rng, which));
                let org = fresh(&store);
                let view = start(&pipeline, app.id.as_str(), csv(bytes.clone()))
                    .unwrap_or_else(|e| panic!("step {step}: {e}"));
                if view.status == ImportStatus::Queued {
                    seen.queued += 1;
                } else {
                    // Planned now, against the kept org: the same as reading the file and
                    // planning its users against the org read afresh.
                    let users = read_csv(&bytes).expect("a good file");
                    let plan = plan_import(PlanInput {
                        app: &app,
                        apps: &org.apps,
                        users: &org.users,
                        assignments: &org.assignments,
                        populations: &org.populations,
                        group_rules: &org.group_rules,
                        snapshot: &users,
                    });
                    assert_eq!(view.counts, plan.counts, "step {step}: counts");
                    assert_eq!(view.impact, plan.impact, "step {step}: impact");
                    seen.csv_imports_checked += 1;
                }
                seen.paused += usize::from(view.status == ImportStatus::Paused);
            }
            4..=5 => {
                let view = start(
                    &pipeline,
                    app.id.as_str(),
                    Snapshot::Users(sources.next(&mut rng, which)),
                )
                .unwrap_or_else(|e| panic!("step {step}: {e}"));
                seen.queued += usize::from(view.status == ImportStatus::Queued);
                seen.paused += usize::from(view.status == ImportStatus::Paused);
            }
            6 => {
                let bytes = csv_of(&sources.next(&mut rng, which));
                let view = pipeline
                    .simulate(app.id.as_str(), &csv(bytes))
                    .unwrap_or_else(|e| panic!("step {step}: {e}"));
                assert_eq!(view.status, ImportStatus::Simulated);
                assert!(
                    Arc::ptr_eq(&before, &kept(&store)),
                    "step {step}: a dry run"
                );
                seen.dry_runs_kept_the_org += 1;
            }
            7 => {
                // A repeated login, found only after the rows before it were planned.
                let listed = (0..POOL).map(|i| sources.user(i)).collect::<Vec<_>>();
                let mut bytes = csv_of(&listed);
                let again = listed
                    .first()
                    .map_or("X@EXAMPLE.COM".to_owned(), |u| u.login.to_uppercase());
                bytes.extend_from_slice(format!("e-extra,{again},Ana,Sales\n").as_bytes());
                let refused = start(&pipeline, app.id.as_str(), csv(bytes));
                assert!(refused.is_err(), "step {step}: {refused:?}");
                assert!(Arc::ptr_eq(&before, &kept(&store)), "step {step}: refused");
                seen.refused_kept_the_org += 1;
            }
            _ => {
                let paused = store
                    .read(|db| db.paused_import())
                    .expect("read the roadblock");
                if let Some(row) = paused {
                    let mut answer: Option<Result<ImportView, PipelineError>> = None;
                    let reply = |result| answer = Some(result);
                    if rng.below(2) == 0 {
                        pipeline.resume(&row.id, &Actor::system(), reply);
                    } else {
                        pipeline.cancel(&row.id, &Actor::system(), reply);
                    }
                    assert!(matches!(answer, Some(Ok(_))), "step {step}: {answer:?}");
                } else if live_apps < apps.len() {
                    let added = apps[live_apps].clone();
                    store
                        .writer()
                        .transaction(|db| db.insert_app(&added, &Actor::system(), AT))
                        .expect("add an app");
                    live_apps += 1;
                    // Added by hand, not by the pipeline: nothing loads the org again yet.
                    added_an_app = true;
                }
            }
        }
        // Every pipeline step leaves the org loaded (an import reloads it once answered), and as
        // stored.
        match store.writer().kept_org() {
            Some(left) => assert_eq!(left.org, fresh(&store), "step {step}: the kept org"),
            None => assert!(added_an_app, "step {step}: no org kept"),
        }
    }
    apps.truncate(live_apps);

    // The run went through every kind of step, not just the easy ones.
    assert!(seen.csv_imports_checked >= 20, "{seen:?}");
    assert!(seen.paused >= 3, "{seen:?}");
    assert!(seen.queued >= 3, "{seen:?}");
    assert!(seen.refused_kept_the_org >= 5, "{seen:?}");
    assert!(seen.dry_runs_kept_the_org >= 5, "{seen:?}");
    assert_eq!(apps.len(), 3, "the app added midway");
}
