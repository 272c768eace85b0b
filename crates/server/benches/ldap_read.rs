//! The LDAP source reading a real OpenLDAP directory (`slapd` on loopback, the tests' harness)
//! holding 100,000 `inetOrgPerson` entries, in pages of 500 (the default).
//!
//! Timed, one report per run (no harness), runs taken in turn so that both see the same
//! machine:
//! - the floor: OpenLDAP's own `ldapsearch` reading the same pages of the same attributes
//!   (`-E pr=500/noprompt ... entryUUID uid mail givenName sn > /dev/null`): what any reader
//!   of this directory pays;
//! - `ldap::read`: the same paged search, decoded and mapped to users with the default
//!   mapping, checked to end in success;
//! - a dry run of the import: the read as an import does it (`sources::read_live`, which also
//!   checks the snapshot's rules), then planned and checked against the org by
//!   `Pipeline::simulate` (an app of 100,000 users, all of them read again: nothing changes).
//!
//! Median and min of each, and the ratios of the medians to the floor. Not timed: making the directory and
//! loading it (offline, with `slapadd`; its time is printed).
//!
//! `cargo bench -p safeguard-server --bench ldap_read`

// The tests' harness, and the certificates it serves (`super::certificates` there).
#[path = "../tests/support/certificates.rs"]
mod certificates;
#[path = "../tests/support/slapd.rs"]
mod slapd;

use safeguard_rules::AppId;
use safeguard_rules::api::{ImportStatus, LdapScope, LdapSettings, SourceMapping, SourceSettings};
use safeguard_rules::org::App;
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_server::actor::Actor;
use safeguard_server::clock::Clock;
use safeguard_server::pipeline::Pipeline;
use safeguard_server::sources::{ReadBounds, ldap, read_live};
use safeguard_server::storage::{StorageError, Store};
use slapd::{ADMIN_DN, ADMIN_PASSWORD, SUFFIX, Slapd};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PEOPLE: usize = 100_000;
const PAGE_SIZE: u32 = 500;
const RUNS: usize = 7;
const TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    let started = Instant::now();
    let directory = Slapd::start_with_people(PEOPLE);
    println!(
        "slapd on 127.0.0.1:{} loaded with {PEOPLE} people in {:.1} s",
        directory.port,
        started.elapsed().as_secs_f64()
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => panic!("no runtime: {e}"),
    };
    let settings = LdapSettings {
        url: directory.url(),
        start_tls: false,
        ca_certificate: None,
        bind_dn: Some(ADMIN_DN.to_owned()),
        password: Some(ADMIN_PASSWORD.to_owned()),
        password_set: true,
        base_dn: SUFFIX.to_owned(),
        scope: LdapScope::Sub,
        filter: "(objectClass=inetOrgPerson)".to_owned(),
        page_size: PAGE_SIZE,
        mapping: SourceMapping::default(),
        attributes: Vec::new(),
        schedule: None,
    };

    // The org: one app, imported once from the directory, so each dry run plans 100,000
    // users against 100,000 (the everyday import: nothing or little changes).
    let db = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("no temporary directory: {e}"),
    };
    let pipeline = match Store::open(&db.path().join("bench.db")) {
        Ok(store) => Pipeline::new(Arc::new(store), Clock::System),
        Err(e) => panic!("no database: {e}"),
    };
    let app = App::new(AppId("app_directory".to_owned()), "Directory", true, false);
    let stamp = pipeline.clock().stamp();
    let made: Result<(), StorageError> = pipeline
        .store()
        .writer()
        .transaction(|db| db.insert_app(&app, &Actor::system(), &stamp));
    if let Err(e) = made {
        panic!("no app: {e}");
    }
    let source = SourceSettings::Ldap(settings.clone());
    let bounds = ReadBounds {
        limits: SnapshotLimits::DEFAULT,
        timeout: TIMEOUT,
        max_file_bytes: 0,
    };
    let first = runtime.block_on(async {
        match read_live(&source, bounds).await {
            Ok(read) => read.snapshot,
            Err(e) => panic!("the read failed: {e}"),
        }
    });
    pipeline.start(
        app.id.as_str(),
        first,
        &Actor::system(),
        |answer| match answer {
            // A plan this large is answered `running` and applied before `start` returns.
            Ok(view) if matches!(view.status, ImportStatus::Completed | ImportStatus::Running) => {}
            other => panic!("the first import did not complete: {other:?}"),
        },
    );

    // One of each first, untimed: the directory's pages are in memory for all.
    floor(&directory);
    runtime.block_on(read(&settings));
    runtime.block_on(dry_run(&pipeline, &app, &source, bounds));

    let mut floors = Vec::new();
    let mut reads = Vec::new();
    let mut dry_runs = Vec::new();
    for run in 0..RUNS {
        let time = Instant::now();
        floor(&directory);
        floors.push(time.elapsed());

        let time = Instant::now();
        runtime.block_on(read(&settings));
        reads.push(time.elapsed());

        let time = Instant::now();
        runtime.block_on(dry_run(&pipeline, &app, &source, bounds));
        dry_runs.push(time.elapsed());
        println!(
            "  run {}: ldapsearch {:.0} ms, ldap::read {:.0} ms, dry run {:.0} ms",
            run + 1,
            ms(floors[run]),
            ms(reads[run]),
            ms(dry_runs[run])
        );
    }
    let dry_median = median(&mut dry_runs);
    let (floor_median, read_median) = (median(&mut floors), median(&mut reads));
    println!(
        "dry run of the import (read, checked, planned against {PEOPLE} users): median {:.0} ms (min {:.0}); ratio to ldapsearch {:.2}",
        ms(dry_median),
        ms(dry_runs[0]),
        dry_median.as_secs_f64() / floor_median.as_secs_f64()
    );
    println!(
        "{PEOPLE} people, pages of {PAGE_SIZE} ({} pages), {RUNS} runs: ldapsearch median {:.0} ms (min {:.0}), ldap::read median {:.0} ms (min {:.0}); ratio {:.2}",
        PEOPLE.div_ceil(PAGE_SIZE as usize),
        ms(floor_median),
        ms(floors[0]),
        ms(read_median),
        ms(reads[0]),
        read_median.as_secs_f64() / floor_median.as_secs_f64()
    );
}

/// The floor: `ldapsearch`, its LDIF sent to /dev/null.
fn floor(directory: &Slapd) {
    let status = directory
        .ldapsearch(PAGE_SIZE)
        .stdout(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => {}
        other => panic!("ldapsearch failed: {other:?}"),
    }
}

async fn read(settings: &LdapSettings) {
    let read = match ldap::read(settings, &SnapshotLimits::DEFAULT, TIMEOUT).await {
        Ok(read) => read,
        Err(e) => panic!("the read failed: {e}"),
    };
    assert_eq!(read.users.len(), PEOPLE, "every person read");
    assert!(read.warnings.is_empty());
}

/// The import's dry run: read as an import reads, then planned and checked; nothing applied.
async fn dry_run(pipeline: &Pipeline, app: &App, source: &SourceSettings, bounds: ReadBounds) {
    let snapshot = match read_live(source, bounds).await {
        Ok(read) => read.snapshot,
        Err(e) => panic!("the read failed: {e}"),
    };
    match pipeline.simulate(app.id.as_str(), &snapshot) {
        Ok(view) => assert_eq!(view.counts.scanned, PEOPLE as u64, "every person planned"),
        Err(e) => panic!("the dry run failed: {e}"),
    }
}

/// Sorts `times` and answers the median.
fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
