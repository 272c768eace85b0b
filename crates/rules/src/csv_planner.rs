//! Plans a CSV import while reading the file, without building the snapshot.
//!
//! [`plan_csv_with`] answers exactly what `snapshot_csv::read_csv_with`, then
//! `planner::plan_import` over the users read, would: the same [`Plan`], change for change, or
//! the same [`SnapshotRejection`] with the same errors (the property tests in
//! `tests/csv_planner_properties.rs` hold it to that). It gets there in one pass over the rows:
//! each row is read into one reused record, its cells borrowed; it is validated as it is read
//! (a repeated login or external id is found through the users it claims, see `seen`), matched
//! against the org through an [`OrgIndex`] built once per org, and compared with the stored
//! profile without allocating. Only changes allocate. At the end the app's users no row claimed
//! are the users removed from the source.
//!
//! The in-memory path (`read_csv_with` + `validate_with` + `plan_import`) stays: JSON snapshots
//! and callers that need the users themselves use it.

mod row;
mod seen;

use crate::hash_slots::{NONE, hash_str, position};
use crate::org::{App, AppPopulation, Assignment, GroupRule, User, fold_login};
use crate::org_index::{OrgIndex, StoredUser};
use crate::plan::Plan;
use crate::planner::ChangeWriter;
use crate::snapshot::{
    MAX_REPORTED, Origin, SnapshotLimits, SnapshotRejection, empty, repeated_external_id,
    repeated_login, too_many_users,
};
use crate::snapshot_csv::{OpenCsv, csv_error, open};
use crate::validation::FieldError;
use row::{Difference, Layout, Row};
use seen::{Claims, NewValues};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What the CSV planner reads: the org as [`crate::PlanInput`] describes it, and its index.
#[derive(Clone, Copy, Debug)]
pub struct CsvPlanInput<'a> {
    /// The app the import reads from, with its profile-source and deactivation settings.
    pub app: &'a App,
    /// Every user of the org (at least those [`crate::PlanInput`] asks for).
    pub users: &'a [User],
    pub assignments: &'a [Assignment],
    /// Every app's population before the import: the denominators of the safeguards.
    pub populations: &'a [AppPopulation],
    pub group_rules: &'a [GroupRule],
    /// Built by [`OrgIndex::new`] from exactly `users` and `assignments`. An index whose lengths
    /// do not match them is not used: a fresh one is built for this plan (correct, but as slow
    /// as building it is). One of the same lengths but of another org gives a wrong plan.
    pub index: &'a OrgIndex,
}

/// Reads, validates and plans a CSV snapshot within the default [`SnapshotLimits`]: what
/// `read_csv` and then `plan_import` answer.
pub fn plan_csv(bytes: &[u8], input: CsvPlanInput<'_>) -> Result<Plan, Vec<FieldError>> {
    plan_csv_with(bytes, &SnapshotLimits::DEFAULT, input).map_err(SnapshotRejection::into_errors)
}

/// Reads, validates and plans a CSV snapshot within `limits`: what `read_csv_with` and then
/// `plan_import` answer, the same plan or the same rejection.
///
/// A file of [`TWO_PARTS_FROM_BYTES`] or more is read in two halves on two threads where the
/// platform has them (see [`plan_csv_in_parts`]); the answer is the same either way.
pub fn plan_csv_with(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
) -> Result<Plan, SnapshotRejection> {
    plan_csv_in_parts(bytes, limits, input, TWO_PARTS_FROM_BYTES)
}

/// Files smaller than this are read on one thread: starting a thread and merging two halves
/// costs more than it saves on a few thousand rows.
pub const TWO_PARTS_FROM_BYTES: usize = 1 << 20;

/// [`plan_csv_with`], reading files of `two_parts_from` bytes or more in two halves: the second
/// half on a second thread, from the first line break after the middle, while this thread reads
/// the first. The halves are planned apart and merged in file order; the merged plan is the one
/// a single pass makes. Whenever that is not certain (the middle line break is inside a quoted
/// cell, either half has a problem, the halves repeat each other's logins or external ids, the
/// file has too many rows), the file is read again in one pass, which answers exactly, errors
/// included. So a bad file costs up to twice as long; a good one about half.
///
/// Public so the tests can make small files take the two-part path; callers use
/// [`plan_csv_with`].
#[doc(hidden)]
pub fn plan_csv_in_parts(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
    two_parts_from: usize,
) -> Result<Plan, SnapshotRejection> {
    let OpenCsv {
        mut reader,
        names,
        columns,
    } = open(bytes, limits)?;
    let layout = Layout::new(&columns);
    let rebuilt;
    let index = if input.index.fits(input.users, input.assignments) {
        input.index
    } else {
        rebuilt = OrgIndex::new(input.users, input.assignments);
        &rebuilt
    };
    let two_threads = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if bytes.len() >= two_parts_from && two_threads {
        let parts = Parts {
            bytes,
            limits,
            input,
            index,
            layout: &layout,
            names: &names,
        };
        match parts.plan(reader) {
            Ok(plan) => return Ok(plan),
            Err(Stop::Rejected(rejection)) => return Err(rejection),
            Err(Stop::Uncertain) => {}
        }
        // The first reader went its way: read the file again from the top.
        reader = open(bytes, limits)?.reader;
    }
    let mut planner = RowPlanner::new(input, index, limits);
    match read_rows(
        &mut reader,
        &mut planner,
        &layout,
        limits,
        &names,
        Part::Whole,
    ) {
        Ok(rows) => planner.finish(rows),
        Err(Stop::Rejected(rejection)) => Err(rejection),
        // A whole file is never uncertain; answer as a single pass would if it were.
        Err(Stop::Uncertain) => planner.finish(0),
    }
}

/// Why reading rows stopped before the end.
enum Stop {
    /// The file is refused, as a single pass refuses it.
    Rejected(SnapshotRejection),
    /// The two-part reading cannot be sure of its answer; read again in one pass.
    Uncertain,
}

/// Which rows a reader reads.
#[derive(Clone, Copy)]
enum Part {
    /// Every row, as a single pass.
    Whole,
    /// The rows that start before byte `until`; a row must start exactly there.
    First { until: u64 },
    /// The rest, from a reader without a header; every row must have `fields` fields.
    Second { fields: usize },
}

/// Reads rows into `planner`, a batch at a time, until the end or the end of its part, and
/// answers how many.
fn read_rows(
    reader: &mut csv::Reader<&[u8]>,
    planner: &mut RowPlanner<'_>,
    layout: &Layout,
    limits: &SnapshotLimits,
    names: &[String],
    part: Part,
) -> Result<usize, Stop> {
    let mut batch: Vec<csv::StringRecord> = (0..BATCH).map(|_| csv::StringRecord::new()).collect();
    let mut rows = 0usize;
    loop {
        let mut filled = 0;
        let mut ended = false;
        while filled < BATCH {
            let record = &mut batch[filled];
            match reader.read_record(record) {
                Ok(false) => {
                    ended = true;
                    break;
                }
                Ok(true) => {}
                // A file that cannot be read is malformed, whatever its rows before said.
                Err(e) => {
                    return Err(match part {
                        Part::Second { .. } => Stop::Uncertain,
                        _ => {
                            Stop::Rejected(SnapshotRejection::Malformed(vec![csv_error(&e, names)]))
                        }
                    });
                }
            }
            match part {
                Part::First { until } => {
                    let start = record.position().map_or(0, csv::Position::byte);
                    if start >= until {
                        if start != until {
                            return Err(Stop::Uncertain);
                        }
                        ended = true;
                        break;
                    }
                }
                Part::Second { fields } if record.len() != fields => return Err(Stop::Uncertain),
                _ => {}
            }
            if rows + filled == limits.max_users {
                return Err(match part {
                    Part::Second { .. } => Stop::Uncertain,
                    _ => Stop::Rejected(SnapshotRejection::TooLarge(vec![too_many_users(
                        Origin::CsvRow.user(rows + filled),
                        limits,
                    )])),
                });
            }
            filled += 1;
        }
        planner.rows(&batch[..filled], layout, rows);
        rows += filled;
        if ended {
            return Ok(rows);
        }
    }
}

/// A file read as two halves on two threads.
struct Parts<'a> {
    bytes: &'a [u8],
    limits: &'a SnapshotLimits,
    input: CsvPlanInput<'a>,
    index: &'a OrgIndex,
    layout: &'a Layout,
    names: &'a [String],
}

impl Parts<'_> {
    /// `reader` has read the header.
    fn plan(&self, mut reader: csv::Reader<&[u8]>) -> Result<Plan, Stop> {
        let bytes = self.bytes;
        let middle = bytes.len() / 2;
        let split = bytes[middle..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|at| middle + at + 1)
            .filter(|&split| split < bytes.len())
            .ok_or(Stop::Uncertain)?;
        let second = &bytes[split..];
        // A reader strips a byte order mark at its start; in the middle of a file it is data.
        if second.starts_with(b"\xef\xbb\xbf") {
            return Err(Stop::Uncertain);
        }
        let fields = self.names.len();
        let (first, later) = std::thread::scope(|scope| {
            let later = std::thread::Builder::new()
                .name("csv-second-half".to_owned())
                .spawn_scoped(scope, || {
                    let mut reader = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .flexible(true)
                        .from_reader(second);
                    let mut planner = RowPlanner::new(self.input, self.index, self.limits);
                    let part = Part::Second { fields };
                    read_rows(
                        &mut reader,
                        &mut planner,
                        self.layout,
                        self.limits,
                        &[],
                        part,
                    )
                    .map(|rows| (planner, rows))
                });
            // No second thread here: read the file in one pass instead.
            let Ok(later) = later else {
                return (Err(Stop::Uncertain), None);
            };
            let mut planner = RowPlanner::new(self.input, self.index, self.limits);
            let part = Part::First {
                until: split as u64,
            };
            let first = read_rows(
                &mut reader,
                &mut planner,
                self.layout,
                self.limits,
                self.names,
                part,
            )
            .map(|rows| (planner, rows));
            let later = match later.join() {
                Ok(later) => later,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (first, Some(later))
        });
        let (mut planner, first_rows) = first?;
        let (later, later_rows) = later.ok_or(Stop::Uncertain)??;
        let rows = first_rows + later_rows;
        if rows > self.limits.max_users || !planner.absorb(later) {
            return Err(Stop::Uncertain);
        }
        planner.finish(rows).map_err(|_| Stop::Uncertain)
    }
}

/// Rows are read this many at a time, and their users looked up together before any is
/// planned: each lookup is a cache miss into a table the size of the org, and lookups that do
/// not wait for each other overlap (several misses in flight instead of one). 64 rows of
/// records is a few KiB, well within the cache.
const BATCH: usize = 64;

/// What the index says about one row, found before the row is planned.
struct Lookup<'r, 'i> {
    folded_login: Cow<'r, str>,
    login_hash: u64,
    /// The org user whose login the row has, and what the index stores of them.
    known: Option<(u32, StoredUser<'i>)>,
    /// The org user who owns the row's external id, or [`NONE`].
    external_id_owner: u32,
}

impl<'r, 'i> Lookup<'r, 'i> {
    /// Looks up every row of a batch, in three passes so the cache misses of the first lookup
    /// of each row overlap (see [`BATCH`]).
    fn batch(rows: &[Row<'r>], index: &'i OrgIndex) -> Vec<Self> {
        let folded: Vec<(Cow<'r, str>, u64)> = rows
            .iter()
            .map(|row| {
                let folded = fold_login(row.login);
                let hash = hash_str(&folded);
                (folded, hash)
            })
            .collect();
        let homes: Vec<u64> = folded
            .iter()
            .map(|(_, hash)| index.login_home_slot(*hash))
            .collect();
        rows.iter()
            .zip(folded)
            .zip(homes)
            .map(|((row, (folded, hash)), home)| Self::of(row, index, folded, hash, home))
            .collect()
    }

    fn of(
        row: &Row<'r>,
        index: &'i OrgIndex,
        folded_login: Cow<'r, str>,
        login_hash: u64,
        home_slot: u64,
    ) -> Self {
        let known = if home_slot == 0 {
            None
        } else {
            index.user_by_login(login_hash, &folded_login)
        };
        // The usual row keeps its user's external id: its owner is known without hashing.
        let keeps_its_id =
            known.is_some_and(|(_, user)| user.external_id() == Some(row.external_id.as_bytes()));
        let external_id_owner = match known {
            Some((_, user)) if keeps_its_id => user.owner,
            _ => index.external_id_owner(row.external_id).unwrap_or(NONE),
        };
        Self {
            folded_login,
            login_hash,
            known,
            external_id_owner,
        }
    }
}

/// The state of one import between rows.
struct RowPlanner<'a> {
    input: CsvPlanInput<'a>,
    index: &'a OrgIndex,
    limits: &'a SnapshotLimits,
    writer: ChangeWriter<'a>,
    /// The problems found so far; once there is one, no more changes are planned (the plan
    /// will not be answered), but rows are still checked, up to [`MAX_REPORTED`] problems.
    errors: Vec<FieldError>,
    /// Validation stopped at [`MAX_REPORTED`] problems; rows are only read (a later row that
    /// cannot be read, or one too many, still decides the answer).
    stopped: bool,
    /// Per org user: the last row whose login is theirs. Also the planner's "matched".
    logins: Claims,
    /// Per org user owning an external id (`OrgIndex`): the last row with that id.
    external_ids: Claims,
    new_logins: NewValues,
    new_external_ids: NewValues,
    /// The users assigned to the import's app, one bit each.
    in_app: Vec<u64>,
    /// Users whose attributes change while group rules exist, with their new attributes: the
    /// rules are applied once their other assignments are looked up, after the rows.
    regrouped: Vec<(u32, BTreeMap<String, String>)>,
    /// Where a row is written in the index's stored form to be compared.
    scratch: Vec<u8>,
}

impl<'a> RowPlanner<'a> {
    fn new(input: CsvPlanInput<'a>, index: &'a OrgIndex, limits: &'a SnapshotLimits) -> Self {
        let users = input.users.len();
        let mut in_app = vec![0u64; users.div_ceil(64)];
        for user in index.app_users(&input.app.id) {
            if let Some(word) = in_app.get_mut(user as usize / 64) {
                *word |= 1 << (user % 64);
            }
        }
        Self {
            input,
            index,
            limits,
            writer: ChangeWriter::new(input.app, input.populations, input.group_rules),
            errors: Vec::new(),
            stopped: false,
            logins: Claims::new(users),
            external_ids: Claims::new(users),
            // New logins are few next to known ones; the tables grow if not.
            new_logins: NewValues::with_capacity(users / 8),
            new_external_ids: NewValues::with_capacity(users / 8),
            in_app,
            regrouped: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Takes in the rows another planner read after this one's (the second half of the file),
    /// as if this planner had read them. False when the halves repeat a login or an external
    /// id, or either found a problem: the rows must then be read in one pass, which names the
    /// problems as it does.
    fn absorb(&mut self, later: RowPlanner<'a>) -> bool {
        if !self.errors.is_empty() || !later.errors.is_empty() {
            return false;
        }
        if !self.logins.absorb(&later.logins)
            || !self.external_ids.absorb(&later.external_ids)
            || !self.new_logins.is_disjoint(&later.new_logins)
            || !self.new_external_ids.is_disjoint(&later.new_external_ids)
        {
            return false;
        }
        self.writer.absorb(later.writer);
        self.regrouped.extend(later.regrouped);
        true
    }

    fn in_app(&self, user: usize) -> bool {
        self.in_app
            .get(user / 64)
            .is_some_and(|word| word & (1 << (user % 64)) != 0)
    }

    /// The rows of one batch, the first being row `first`.
    fn rows(&mut self, records: &[csv::StringRecord], layout: &Layout, first: usize) {
        if self.stopped {
            return;
        }
        let rows: Vec<Row<'_>> = records.iter().map(|r| Row::read(r, layout)).collect();
        let lookups = Lookup::batch(&rows, self.index);
        for (j, (row, lookup)) in rows.iter().zip(lookups).enumerate() {
            self.row(row, lookup, first + j);
        }
    }

    /// Row `i` (the file's row `i + 2`): validated as `validate_with` validates user `i`, then
    /// planned as `plan_import` plans it.
    fn row(&mut self, row: &Row<'_>, lookup: Lookup<'_, '_>, i: usize) {
        if self.stopped {
            return;
        }
        if self.errors.len() >= MAX_REPORTED {
            self.stopped = true;
            return;
        }
        let at = position(i);
        row.check_lengths(&mut self.errors, i, self.limits);
        let Lookup {
            folded_login,
            login_hash,
            known,
            external_id_owner: owner,
        } = lookup;

        if row.external_id.trim().is_empty() {
            self.errors.push(empty(Origin::CsvRow, i, "externalId"));
        } else {
            let previous = if owner == NONE {
                self.new_external_ids
                    .see(hash_str(row.external_id), row.external_id, at)
            } else {
                self.external_ids.claim(owner, at)
            };
            if previous != NONE {
                self.errors.push(repeated_external_id(
                    Origin::CsvRow,
                    i,
                    row.external_id,
                    previous as usize,
                ));
            }
        }
        if row.login.trim().is_empty() {
            self.errors.push(empty(Origin::CsvRow, i, "login"));
        } else {
            let previous = match known {
                Some((u, _)) => self.logins.claim(u, at),
                None => self.new_logins.see(login_hash, &folded_login, at),
            };
            if previous != NONE {
                self.errors.push(repeated_login(
                    Origin::CsvRow,
                    i,
                    row.login,
                    previous as usize,
                ));
            }
        }
        if !self.errors.is_empty() {
            // The answer is the errors: planning on would only cost time and memory.
            self.writer.changes = Vec::new();
            return;
        }

        let Some((u, stored)) = known else {
            self.writer.create(row.login, row.profile());
            return;
        };
        // The index fits the users (checked before the first row), so the user is there.
        let Some(user) = self.input.users.get(u as usize) else {
            return;
        };
        match row.compare(&stored, &mut self.scratch) {
            Difference::Same => self.writer.counts.unchanged += 1,
            Difference::Changed { attributes } => {
                let profile = row.profile();
                if attributes && self.writer.has_group_rules() {
                    self.regrouped.push((u, profile.attributes.clone()));
                }
                self.writer.update(user, profile);
            }
        }
        if !self.in_app(u as usize) {
            self.writer.own_assign(Some(&user.id), &user.login);
        }
    }

    /// After the last row: the users removed from the source, the group rules' cascades, and
    /// the plan.
    fn finish(mut self, rows: usize) -> Result<Plan, SnapshotRejection> {
        if !self.errors.is_empty() {
            return Err(SnapshotRejection::Invalid(self.errors));
        }
        let CsvPlanInput {
            app,
            users,
            assignments,
            populations,
            ..
        } = self.input;
        let others = |u: u32| {
            self.index
                .assignments_of(u)
                .iter()
                .filter_map(|&k| assignments.get(k as usize))
                .filter(|a| a.app_id != app.id)
        };
        // In the order of the org's users, as `plan_import` lists them.
        let deactivates = app.deactivates_removed_users();
        for (w, &word) in self.in_app.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let u = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if !self.logins.is_claimed(u)
                    && let Some(user) = users.get(u)
                {
                    self.writer.removed(user, deactivates, others(position(u)));
                }
            }
        }
        for (u, attributes) in &self.regrouped {
            if let Some(user) = users.get(*u as usize) {
                let others: Vec<&Assignment> = others(*u).collect();
                self.writer.regroup(user, attributes, &others);
            }
        }
        Ok(self.writer.finish(rows as u64, populations))
    }
}
