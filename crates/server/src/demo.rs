//! The demo org of `--demo`: eight apps with real-world names, about 5,000 users, two weeks of
//! import history, and a roadblock standing: a Workday import that would deactivate about a
//! quarter of its users is paused, with a Slack and a GitHub import queued behind it.
//!
//! Everything is built by running real imports through the pipeline, on a clock set back over
//! the last days, from deterministic pseudo-random data (a small LCG), so every demo database
//! is the same org and its history reads like one. It only fills a database without apps.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::ids::new_id;
use crate::pipeline::{Pipeline, PipelineError};
use crate::sources::Snapshot;
use crate::storage::{NewSource, StorageError};
use safeguard_rules::AppId;
use safeguard_rules::api::{
    CsvFileSettings, ImportStatus, ImportView, Role, Schedule, SourceSettings,
};
use safeguard_rules::org::App;
use safeguard_rules::snapshot::SnapshotUser;
use std::collections::BTreeSet;
use std::path::Path;
use time::{Duration, OffsetDateTime};

/// A small linear congruential generator (Knuth's MMIX constants): deterministic, no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "John",
    "Radia",
    "Tim",
    "Shafi",
    "Donald",
    "Katherine",
    "Edsger",
    "Hedy",
    "Niklaus",
    "Sophie",
    "Bjarne",
    "Lucia",
    "Mateo",
    "Amara",
    "Kenji",
    "Priya",
    "Omar",
    "Ingrid",
    "Diego",
    "Mei",
    "Tomas",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Allen",
    "McCarthy",
    "Perlman",
    "Berners-Lee",
    "Goldwasser",
    "Knuth",
    "Johnson",
    "Dijkstra",
    "Lamarr",
    "Wirth",
    "Wilson",
    "Stroustrup",
    "Garcia",
    "Rossi",
    "Okafor",
    "Tanaka",
    "Sharma",
    "Haddad",
    "Larsen",
    "Silva",
    "Chen",
    "Novak",
];
const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Operations",
    "People",
    "Legal",
    "Design",
];
const LOCATIONS: &[&str] = &[
    "Berlin",
    "Lisbon",
    "New York",
    "Austin",
    "Singapore",
    "Toronto",
];

/// How many people the demo company ever employs, and how many at the start.
/// The demo's administrators, one of each role; README.md lists them.
pub const DEMO_SUPER_ADMIN: (&str, &str) = ("admin@demo.safeguard.test", "demo-super-admin-1");
pub const DEMO_READ_ONLY_ADMIN: (&str, &str) = ("auditor@demo.safeguard.test", "demo-read-only-1");

const PEOPLE: usize = 5_300;
const INITIAL_STAFF: usize = 4_900;

struct Person {
    login: String,
    external_id: String,
    first: &'static str,
    last: &'static str,
    department: &'static str,
    location: &'static str,
}

impl Person {
    fn snapshot_user(&self, prefix: &str) -> SnapshotUser {
        let mut user = SnapshotUser {
            external_id: format!("{prefix}-{}", self.external_id),
            login: self.login.clone(),
            first_name: Some(self.first.to_owned()),
            last_name: Some(self.last.to_owned()),
            email: Some(self.login.clone()),
            ..SnapshotUser::default()
        };
        user.attributes
            .insert("department".to_owned(), self.department.to_owned());
        user.attributes
            .insert("location".to_owned(), self.location.to_owned());
        user
    }
}

/// One demo app: who may be in it, and how many of them at the start.
struct DemoApp {
    name: &'static str,
    profile_source: bool,
    /// Share of eligible employees assigned at the start, in percent.
    share: u64,
    /// Departments whose people are eligible; empty means everyone.
    departments: &'static [&'static str],
    /// At most this many members (Figma stays a small app).
    cap: usize,
    prefix: &'static str,
}

const APPS: &[DemoApp] = &[
    DemoApp {
        name: "Workday",
        profile_source: true,
        share: 100,
        departments: &[],
        cap: usize::MAX,
        prefix: "WD",
    },
    DemoApp {
        name: "Active Directory",
        profile_source: false,
        share: 88,
        departments: &[],
        cap: usize::MAX,
        prefix: "AD",
    },
    DemoApp {
        name: "Slack",
        profile_source: false,
        share: 76,
        departments: &[],
        cap: usize::MAX,
        prefix: "SL",
    },
    DemoApp {
        name: "Zoom",
        profile_source: false,
        share: 48,
        departments: &[],
        cap: usize::MAX,
        prefix: "ZM",
    },
    DemoApp {
        name: "Jira",
        profile_source: false,
        share: 85,
        departments: &["Engineering", "Support", "Operations", "Design"],
        cap: usize::MAX,
        prefix: "JI",
    },
    DemoApp {
        name: "GitHub",
        profile_source: false,
        share: 90,
        departments: &["Engineering", "Operations"],
        cap: usize::MAX,
        prefix: "GH",
    },
    DemoApp {
        name: "Salesforce",
        profile_source: false,
        share: 80,
        departments: &["Sales", "Marketing", "Support"],
        cap: usize::MAX,
        prefix: "SF",
    },
    DemoApp {
        name: "Figma",
        profile_source: false,
        share: 70,
        departments: &["Design"],
        cap: 80,
        prefix: "FG",
    },
];

struct Demo {
    pipeline: Pipeline,
    rng: Lcg,
    people: Vec<Person>,
    employed: Vec<bool>,
    app_ids: Vec<AppId>,
    /// Each app's source: the people it lists.
    members: Vec<BTreeSet<usize>>,
}

/// Fills the database with the demo org when it has no apps; answers whether it did.
pub fn fill_if_empty(pipeline: &Pipeline) -> Result<bool, PipelineError> {
    fill_with_exports(pipeline, None)
}

/// [`fill_if_empty`], and, with `exports`, one app that reads a live source: Zoom's users in a
/// CSV file the demo writes there (as an HR or license export job would), imported by a
/// schedule every hour, the first run an hour after the demo is made.
pub fn fill_with_exports(
    pipeline: &Pipeline,
    exports: Option<&Path>,
) -> Result<bool, PipelineError> {
    if pipeline.store().read(|db| db.app_count())? > 0 {
        tracing::info!("the database has apps already; the demo org is not added");
        return Ok(false);
    }
    let now = OffsetDateTime::now_utc();
    let clock = Clock::manual(now - Duration::days(14));
    // The demo's imports run on their own clock, but tell of their roadblock like any other: its
    // email waits in the outbox (or goes out over --smtp-url) for the demo's administrators.
    let mut demo_pipeline = Pipeline::new(pipeline.store.clone(), clock);
    if let Some(notifier) = pipeline.notifier() {
        demo_pipeline = demo_pipeline.with_notifier(notifier.clone());
    }
    let mut demo = Demo {
        pipeline: demo_pipeline,
        rng: Lcg(0x5AFE_6A2D),
        people: Vec::new(),
        employed: vec![false; PEOPLE],
        app_ids: Vec::new(),
        members: vec![BTreeSet::new(); APPS.len()],
    };
    demo.hire_everyone();
    demo.create_apps()?;
    demo.initial_imports()?;
    demo.history(now - Duration::hours(20))?;
    // Before the roadblock, so they are told of it.
    add_admins(pipeline)?;
    demo.roadblock(now)?;
    if let Some(dir) = exports {
        demo.zoom_export(dir, now)?;
    }
    tracing::info!("demo org created");
    Ok(true)
}

/// The demo's two administrators (their passwords are in README.md).
fn add_admins(pipeline: &Pipeline) -> Result<(), PipelineError> {
    let at = pipeline.clock().stamp();
    for ((email, password), role) in [
        (DEMO_SUPER_ADMIN, Role::SuperAdmin),
        (DEMO_READ_ONLY_ADMIN, Role::ReadOnlyAdmin),
    ] {
        let hash = crate::auth::password::hash(password)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        pipeline.store().writer().transaction(|db| {
            db.insert_admin(email, role, &hash, &Actor::system(), &at)
                .map(|_| ())
        })?;
    }
    Ok(())
}

/// The demo app whose users come from a file on a schedule.
const LIVE_APP: usize = 3;
/// How often the demo reads it.
const LIVE_EVERY_MINUTES: u32 = 60;

impl Demo {
    /// Writes Zoom's users to `dir/zoom-users.csv` and makes that file Zoom's source, read
    /// every hour.
    fn zoom_export(&self, dir: &Path, now: OffsetDateTime) -> Result<(), PipelineError> {
        let corrupt = |e: &dyn std::fmt::Display| {
            StorageError::Corrupt(format!("the demo's Zoom export: {e}"))
        };
        std::fs::create_dir_all(dir).map_err(|e| corrupt(&e))?;
        let path = dir.join("zoom-users.csv");
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record([
            "externalId",
            "login",
            "firstName",
            "lastName",
            "email",
            "department",
            "location",
        ])
        .map_err(|e| corrupt(&e))?;
        for user in self.snapshot(LIVE_APP) {
            let attribute = |name: &str| user.attributes.get(name).cloned().unwrap_or_default();
            csv.write_record([
                user.external_id.clone(),
                user.login.clone(),
                user.first_name.clone().unwrap_or_default(),
                user.last_name.clone().unwrap_or_default(),
                user.email.clone().unwrap_or_default(),
                attribute("department"),
                attribute("location"),
            ])
            .map_err(|e| corrupt(&e))?;
        }
        let bytes = csv.into_inner().map_err(|e| corrupt(&e))?;
        std::fs::write(&path, bytes).map_err(|e| corrupt(&e))?;
        let settings = SourceSettings::CsvFile(CsvFileSettings {
            path: path.display().to_string(),
            schedule: Some(Schedule {
                every_minutes: LIVE_EVERY_MINUTES,
            }),
        });
        let next = crate::clock::stamp(now + Duration::minutes(i64::from(LIVE_EVERY_MINUTES)));
        let at = crate::clock::stamp(now);
        self.pipeline.store().writer().transaction(|db| {
            db.save_app_source(
                &self.app_ids[LIVE_APP],
                &NewSource {
                    settings: &settings,
                    sealed_secret: None,
                    next_run_at: Some(&next),
                    at: &at,
                    by: &Actor::system().id,
                },
            )
        })?;
        Ok(())
    }

    fn clock(&self) -> &Clock {
        self.pipeline.clock()
    }

    fn hire_everyone(&mut self) {
        for i in 0..PEOPLE {
            let first = FIRST[self.rng.below(FIRST.len())];
            let last = LAST[self.rng.below(LAST.len())];
            let department = DEPARTMENTS[self.rng.below(DEPARTMENTS.len())];
            let location = LOCATIONS[self.rng.below(LOCATIONS.len())];
            self.people.push(Person {
                login: format!(
                    "{}.{}{}@acme.example",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i
                ),
                external_id: format!("{:05}", 10_000 + i),
                first,
                last,
                department,
                location,
            });
        }
    }

    fn create_apps(&mut self) -> Result<(), PipelineError> {
        let at = self.clock().stamp();
        let actor = Actor::system();
        let mut ids = Vec::new();
        self.pipeline.store().writer().transaction(|db| {
            for spec in APPS {
                let mut app = App::new(
                    AppId(new_id("app")),
                    spec.name,
                    spec.profile_source,
                    spec.profile_source,
                );
                if spec.profile_source {
                    app.profile_source_priority = Some(db.next_profile_priority()?);
                }
                db.insert_app(&app, &actor, &at)?;
                ids.push(app.id);
            }
            Ok::<_, StorageError>(())
        })?;
        self.app_ids = ids;
        Ok(())
    }

    fn eligible(&self, app: usize, person: usize) -> bool {
        let spec = &APPS[app];
        self.employed[person]
            && (spec.departments.is_empty()
                || spec.departments.contains(&self.people[person].department))
    }

    /// Adds eligible people who are not members yet, each with the app's share as chance.
    fn grow(&mut self, app: usize, at_most: usize) {
        let mut added = 0;
        for person in 0..PEOPLE {
            if added >= at_most || self.members[app].len() >= APPS[app].cap {
                break;
            }
            if !self.members[app].contains(&person)
                && self.eligible(app, person)
                && self.rng.chance(APPS[app].share)
            {
                self.members[app].insert(person);
                added += 1;
            }
        }
    }

    /// Takes `count` random members out of an app's source.
    fn shrink(&mut self, app: usize, count: usize) -> Vec<usize> {
        let mut removed = Vec::new();
        for _ in 0..count {
            let members: Vec<usize> = self.members[app].iter().copied().collect();
            if members.is_empty() {
                break;
            }
            let person = members[self.rng.below(members.len())];
            self.members[app].remove(&person);
            removed.push(person);
        }
        removed
    }

    fn snapshot(&self, app: usize) -> Vec<SnapshotUser> {
        self.members[app]
            .iter()
            .map(|&p| self.people[p].snapshot_user(APPS[app].prefix))
            .collect()
    }

    fn run(&mut self, app: usize) -> Result<ImportView, PipelineError> {
        let snapshot = self.snapshot(app);
        let mut answer = None;
        self.pipeline.start(
            self.app_ids[app].as_str(),
            Snapshot::Users(snapshot),
            &Actor::system(),
            |result| answer = Some(result),
        );
        answer.unwrap_or_else(|| {
            Err(PipelineError::Storage(StorageError::Corrupt(
                "the pipeline did not answer".to_owned(),
            )))
        })
    }

    fn initial_imports(&mut self) -> Result<(), PipelineError> {
        for person in 0..INITIAL_STAFF {
            self.employed[person] = true;
        }
        self.members[0] = (0..INITIAL_STAFF).collect();
        for app in 1..APPS.len() {
            self.grow(app, usize::MAX);
        }
        for app in 0..APPS.len() {
            self.run(app)?;
            let minutes = 7 + self.rng.below(40) as i64;
            self.clock().advance(Duration::minutes(minutes));
        }
        Ok(())
    }

    /// Two weeks of ordinary imports; a few remove 11-18 % of an app, which today's 20 %
    /// passes and 10-15 % settings would have paused (what the console's preview shows).
    fn history(&mut self, until: OffsetDateTime) -> Result<(), PipelineError> {
        let mut step = 0;
        while self.clock().now() < until && step < 40 {
            let hours = 6 + self.rng.below(5) as i64;
            let minutes = self.rng.below(60) as i64;
            self.clock()
                .advance(Duration::hours(hours) + Duration::minutes(minutes));
            let app = if step % 4 == 0 {
                0
            } else {
                1 + self.rng.below(APPS.len() - 1)
            };
            let population = self.members[app].len();
            if app == 0 {
                // Workday: a few leavers (deactivated, and so removed from every app) and hires.
                let percent = 1 + self.rng.below(3);
                let leavers = self.shrink(0, population * percent / 100);
                for person in leavers {
                    self.employed[person] = false;
                    for members in &mut self.members[1..] {
                        members.remove(&person);
                    }
                }
                let hires: Vec<usize> = (0..PEOPLE)
                    .filter(|&p| !self.employed[p] && !self.members[0].contains(&p))
                    .filter(|&p| p >= INITIAL_STAFF)
                    .take(20 + self.rng.below(30))
                    .collect();
                for person in hires {
                    self.employed[person] = true;
                    self.members[0].insert(person);
                }
            } else {
                let percent = if step % 5 == 3 {
                    11 + self.rng.below(8)
                } else {
                    1 + self.rng.below(5)
                };
                self.shrink(app, population * percent / 100);
                let joiners = 5 + self.rng.below(20);
                self.grow(app, joiners);
            }
            let view = self.run(app)?;
            if view.status != ImportStatus::Completed {
                tracing::warn!(import = %view.id, status = view.status.as_str(), "a demo history import did not complete");
            }
            step += 1;
        }
        Ok(())
    }

    /// The roadblock: a Workday file missing about a quarter of the company, then a Slack and a
    /// GitHub import that wait behind it.
    fn roadblock(&mut self, now: OffsetDateTime) -> Result<(), PipelineError> {
        self.clock().set(now - Duration::minutes(95));
        let population = self.members[0].len();
        // The whole Sales, Support and Operations staff, as if a filter went wrong: about 25 %.
        let missing: Vec<usize> = self.members[0]
            .iter()
            .copied()
            .filter(|&p| matches!(self.people[p].department, "Sales" | "Support"))
            .chain(
                self.members[0]
                    .iter()
                    .copied()
                    .filter(|&p| self.people[p].department == "Legal")
                    .take(population / 40),
            )
            .collect();
        for person in &missing {
            self.members[0].remove(person);
        }
        let paused = self.run(0)?;
        if paused.status != ImportStatus::Paused {
            tracing::warn!(
                status = paused.status.as_str(),
                "the demo roadblock import did not pause"
            );
        }
        // The source is what it is; the queued imports below see the org as it stands.
        for person in missing {
            self.members[0].insert(person);
        }
        self.clock().set(now - Duration::minutes(40));
        let slack = 2;
        self.shrink(slack, 12);
        self.grow(slack, 9);
        self.run(slack)?;
        self.clock().set(now - Duration::minutes(12));
        let github = 5;
        self.shrink(github, 4);
        self.grow(github, 6);
        self.run(github)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Lcg(7);
        let mut b = Lcg(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert!(Lcg(1).below(10) < 10);
    }
}
