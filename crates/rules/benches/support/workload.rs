//! The large import the benchmarks plan: one app (a profile source that does not deactivate) of
//! `population` app users, and a source that keeps all but `removed_percent` of them (1 % of all
//! users with a changed title) and adds as many new hires as it removed, so the snapshot is as
//! long as the app. Deterministic, built once, outside any timed loop.
//!
//! Pulled into a bench with `#[path = "support/workload.rs"] mod workload;` (a folder under
//! `benches/` is not a bench target of its own); the server's `csv_upload` bench pulls it in
//! too, so both crates time the same file.
#![allow(dead_code)]

use safeguard_rules::csv_planner::CsvPlanInput;
use safeguard_rules::org::{App, AppPopulation, Assignment, User, UserStatus};
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::PlanInput;
use safeguard_rules::snapshot::SnapshotUser;
use safeguard_rules::{AppId, UserId};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const DEPARTMENTS: [&str; 8] = [
    "Engineering",
    "Sales",
    "Support",
    "Finance",
    "Marketing",
    "Legal",
    "Operations",
    "People",
];
const TITLES: [&str; 6] = [
    "Associate",
    "Analyst",
    "Engineer",
    "Manager",
    "Director",
    "Specialist",
];
const FIRST: [&str; 8] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken",
];
const LAST: [&str; 8] = [
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
];

pub struct Workload {
    pub app: App,
    pub users: Vec<User>,
    pub assignments: Vec<Assignment>,
    pub populations: Vec<AppPopulation>,
    pub snapshot: Vec<SnapshotUser>,
    pub removed: usize,
}

/// The profile of user number `n` in the source (`title_shift` moves the title: a changed profile).
pub fn source_user(n: usize, title_shift: usize) -> SnapshotUser {
    let login = format!("user{n:07}@example.com");
    let mut attributes = BTreeMap::new();
    attributes.insert(
        "department".to_owned(),
        DEPARTMENTS[n % DEPARTMENTS.len()].to_owned(),
    );
    attributes.insert(
        "title".to_owned(),
        TITLES[(n / 7 + title_shift) % TITLES.len()].to_owned(),
    );
    SnapshotUser {
        external_id: format!("00u{n:010}"),
        email: Some(login.clone()),
        login,
        first_name: Some(FIRST[n % FIRST.len()].to_owned()),
        last_name: Some(LAST[(n / 3) % LAST.len()].to_owned()),
        attributes,
    }
}

/// The users the source lists: all but every `100 / removed_percent`-th of the app's
/// `population` users, then as many new hires as were removed.
pub fn source(population: usize, removed_percent: usize) -> impl Iterator<Item = SnapshotUser> {
    let every = 100 / removed_percent.max(1);
    let removed = population / every;
    let kept = (0..population)
        .filter(move |n| n % every != every - 1)
        .map(|n| source_user(n, usize::from(n % 100 == 0)));
    kept.chain((population..population + removed).map(|n| source_user(n, 0)))
}

/// The source as the CSV file an HR system would send:
/// `externalId,login,firstName,lastName,email,department,title`. Written row by row, without
/// holding the snapshot.
pub fn csv(population: usize, removed_percent: usize) -> Vec<u8> {
    let mut out = String::with_capacity(population * 110);
    out.push_str("externalId,login,firstName,lastName,email,department,title\n");
    for user in source(population, removed_percent) {
        let attr = |name: &str| user.attributes.get(name).map_or("", String::as_str);
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            user.external_id,
            user.login,
            user.first_name.as_deref().unwrap_or(""),
            user.last_name.as_deref().unwrap_or(""),
            user.email.as_deref().unwrap_or(""),
            attr("department"),
            attr("title"),
        );
    }
    out.into_bytes()
}

/// [`csv`] with its rows in a shuffled order (the same every run): a file not listed in the
/// org's order, where no row's user can be guessed from the row before.
pub fn csv_shuffled(population: usize, removed_percent: usize) -> Vec<u8> {
    let file = csv(population, removed_percent);
    let mut lines: Vec<&[u8]> = file.split_inclusive(|&b| b == b'\n').collect();
    // Fisher-Yates over the rows (not the header), with a fixed linear congruential sequence.
    let mut state: u64 = 0x853c_49e6_748f_ea9b;
    for i in (2..lines.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = 1 + (state >> 33) as usize % i;
        lines.swap(i, j);
    }
    lines.concat()
}

impl Workload {
    /// The org (one app of `population` users) and the snapshot of its source.
    pub fn new(population: usize, removed_percent: usize) -> Self {
        let mut workload = Self::org(population);
        workload.snapshot = source(population, removed_percent).collect();
        workload.removed = population / (100 / removed_percent.max(1));
        workload
    }

    /// The org only, for benches that read the snapshot from a CSV file.
    pub fn org(population: usize) -> Self {
        let app = App::new(AppId::from("0oa-workday"), "Workday", true, false);
        let mut users = Vec::with_capacity(population);
        let mut assignments = Vec::with_capacity(population);
        for n in 0..population {
            let id = UserId::from(format!("00u-{n}"));
            let source = source_user(n, 0);
            users.push(User {
                id: id.clone(),
                login: source.login.clone(),
                status: UserStatus::Active,
                profile: source.profile(),
            });
            assignments.push(Assignment::direct(
                id,
                app.id.clone(),
                Some(source.external_id),
            ));
        }
        let populations = vec![AppPopulation {
            app_id: app.id.clone(),
            app_name: app.name.clone(),
            population: population as u64,
        }];
        Self {
            app,
            users,
            assignments,
            populations,
            snapshot: Vec::new(),
            removed: 0,
        }
    }

    pub fn input(&self) -> PlanInput<'_> {
        self.input_with(&self.snapshot)
    }

    pub fn input_with<'a>(&'a self, snapshot: &'a [SnapshotUser]) -> PlanInput<'a> {
        PlanInput {
            app: &self.app,
            apps: std::slice::from_ref(&self.app),
            users: &self.users,
            assignments: &self.assignments,
            populations: &self.populations,
            group_rules: &[],
            snapshot,
        }
    }

    /// The org as the CSV planner reads it, with its index (built from this org).
    pub fn csv_input<'a>(&'a self, index: &'a OrgIndex) -> CsvPlanInput<'a> {
        CsvPlanInput {
            app: &self.app,
            apps: std::slice::from_ref(&self.app),
            users: &self.users,
            assignments: &self.assignments,
            populations: &self.populations,
            group_rules: &[],
            index,
        }
    }
}

/// What the `csv` crate does on its own: every record of the file, read into one reused
/// `StringRecord` (UTF-8 checked), as `read_csv` reads them. The floor of the CSV benchmarks.
pub fn csv_floor(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while reader.read_record(&mut record).unwrap_or(false) {
        rows += 1;
    }
    rows
}

/// The high-water mark and the current resident set of this process, in KiB, from
/// `/proc/self/status` (Linux). `None` elsewhere.
pub fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// Resets the high-water mark to the current resident set (Linux 4.0 and later), so the next
/// reading of VmHWM is the peak of what runs after this. Answers whether it could.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
