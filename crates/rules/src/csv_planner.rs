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
pub fn plan_csv_with(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
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
    let mut planner = RowPlanner::new(input, index, limits);
    let mut batch: Vec<csv::StringRecord> = (0..BATCH).map(|_| csv::StringRecord::new()).collect();
    let mut rows = 0usize;
    loop {
        let mut filled = 0;
        while filled < BATCH {
            match reader.read_record(&mut batch[filled]) {
                Ok(false) => break,
                Ok(true) if rows + filled == limits.max_users => {
                    return Err(SnapshotRejection::TooLarge(vec![too_many_users(
                        Origin::CsvRow.user(rows + filled),
                        limits,
                    )]));
                }
                Ok(true) => filled += 1,
                // A file that cannot be read is malformed, whatever its rows before said.
                Err(e) => return Err(SnapshotRejection::Malformed(vec![csv_error(&e, &names)])),
            }
        }
        planner.rows(&batch[..filled], &layout, rows);
        rows += filled;
        if filled < BATCH {
            break;
        }
    }
    planner.finish(rows)
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
        let keeps_its_id = known.is_some_and(|(_, user)| {
            user.profile()
                .is_some_and(|p| p.external_id == Some(row.external_id.as_bytes()))
        });
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
        }
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
        let (Some(user), Some(stored)) = (self.input.users.get(u as usize), stored.profile())
        else {
            return;
        };
        match row.compare(&stored) {
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
