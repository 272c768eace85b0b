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

mod part_reader;
mod row;
mod seen;
mod unquoted_part;

use crate::hash_slots::{NONE, hash_str, position};
use crate::ids::AppId;
use crate::org::{App, AppPopulation, Assignment, GroupRule, Profile, User, fold_login};
use crate::org_index::{OrgIndex, StoredUser};
use crate::plan::Plan;
use crate::planner::ChangeWriter;
use crate::planner::{PlanInput, plan_import};
use crate::snapshot::{
    MAX_REPORTED, Origin, SnapshotLimits, SnapshotRejection, empty, repeated_external_id,
    repeated_login, too_many_users,
};
use crate::snapshot_csv::{OpenCsv, csv_error, open, read_csv_with};
use crate::validation::FieldError;
use part_reader::{CoreRecord, PartReader};
use row::{Difference, Layout, Record, Row};
use seen::{Claims, NewValues, shared_value_bits};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use unquoted_part::{LineRecord, UnquotedPart};

/// What the CSV planner reads: the org as [`crate::PlanInput`] describes it, and its index.
#[derive(Clone, Copy, Debug)]
pub struct CsvPlanInput<'a> {
    /// The app the import reads from, with its profile-source and directory settings.
    pub app: &'a App,
    /// Every app of the org, `app` among them.
    pub apps: &'a [App],
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
/// Row by row only for an import from the profile source that owns every profile it lists,
/// matching by login (the org's directory import, the one of a million rows); any other import
/// reads the snapshot and plans it, as does a file where an entry's external id and login name
/// two users (a renamed login: the exact rules decide).
///
/// A file of [`PARTS_FROM_BYTES`] or more is read in parts on two threads where the platform
/// has them (see [`plan_csv_in_parts`]); the answer is the same either way.
pub fn plan_csv_with(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
) -> Result<Plan, SnapshotRejection> {
    plan_csv_in_parts(bytes, limits, input, PARTS_FROM_BYTES)
}

/// Files smaller than this are read on one thread: starting a thread and merging parts costs
/// more than it saves on a few thousand rows.
pub const PARTS_FROM_BYTES: usize = 1 << 20;

/// How many parts a large file is cut into. More parts than threads, taken in turn by whichever
/// thread is free, so a part with more work (new hires, who are created, tend to be listed
/// together) does not keep one thread busy while the other waits.
const PARTS: usize = 128;

/// [`plan_csv_with`], reading files of `parts_from` bytes or more in [`PARTS`] parts, cut at
/// line breaks, on two threads. Each part is parsed by `csv_core` straight from the file's
/// bytes (`part_reader`); the single pass uses the `csv` crate, whose errors it answers. The
/// parts are planned apart and merged in file order; the merged plan is the one a single pass
/// makes. Whenever that is not certain (a cut is inside a quoted cell, a part has a problem or
/// anything the part reader leaves to a single pass, parts repeat each other's logins or
/// external ids, the file has too many rows), the file is read again in one pass, which answers
/// exactly, errors included. So a bad file costs up to twice as long; a good one about half.
///
/// Public so the tests can make small files take the path in parts; callers use
/// [`plan_csv_with`].
#[doc(hidden)]
pub fn plan_csv_in_parts(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
    parts_from: usize,
) -> Result<Plan, SnapshotRejection> {
    let fits = input.index.fits(input.users, input.assignments)
        && input.index.primary() == Some(&input.app.id);
    // The index holds the external ids of one profile source, the first that no other
    // outranks: where two share the top rank, only that one is planned row by row.
    let primary = input
        .apps
        .iter()
        .find(|app| app.owns_every_profile(input.apps));
    let row_by_row = primary.is_some_and(|primary| primary.id == input.app.id)
        && input.app.owns_every_profile(input.apps)
        && !input.app.match_by_email;
    if !row_by_row {
        return plan_snapshot(bytes, limits, input);
    }
    let rebuilt;
    let index = if fits {
        input.index
    } else {
        rebuilt = OrgIndex::new(input.users, input.assignments, input.apps);
        &rebuilt
    };
    match plan_rows(bytes, limits, input, index, parts_from) {
        Err(Stop::NeedsSnapshot) => plan_snapshot(bytes, limits, input),
        Err(Stop::Rejected(rejection)) => Err(rejection),
        // A whole file is never uncertain: `plan_rows` reads it in one pass first.
        Err(Stop::Uncertain) => plan_snapshot(bytes, limits, input),
        Ok(plan) => Ok(plan),
    }
}

/// The exact way: the snapshot read, then planned.
fn plan_snapshot(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
) -> Result<Plan, SnapshotRejection> {
    let snapshot = read_csv_with(bytes, limits)?;
    Ok(plan_import(PlanInput {
        app: input.app,
        apps: input.apps,
        users: input.users,
        assignments: input.assignments,
        populations: input.populations,
        group_rules: input.group_rules,
        snapshot: &snapshot,
    }))
}

/// Plans row by row against `index`; [`Stop::NeedsSnapshot`] when a row needs the exact rules.
fn plan_rows(
    bytes: &[u8],
    limits: &SnapshotLimits,
    input: CsvPlanInput<'_>,
    index: &OrgIndex,
    parts_from: usize,
) -> Result<Plan, Stop> {
    let OpenCsv {
        mut reader,
        names,
        columns,
    } = open(bytes, limits).map_err(Stop::Rejected)?;
    let layout = Layout::new(&columns, limits);
    let in_app = app_users(input, index);
    let two_threads = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if bytes.len() >= parts_from && two_threads {
        let parts = Parts {
            bytes,
            limits,
            input,
            index,
            layout: &layout,
            fields: names.len(),
            in_app: &in_app,
        };
        // The header's reader has read just the header: the rows start where it stopped.
        let rows_start = usize::try_from(reader.position().byte()).ok();
        match rows_start.map(|start| parts.plan(start)) {
            Some(Ok(plan)) => return Ok(plan),
            Some(Err(stop @ (Stop::Rejected(_) | Stop::NeedsSnapshot))) => return Err(stop),
            Some(Err(Stop::Uncertain)) | None => {}
        }
    }
    let users = input.users.len();
    let claims = (Claims::rows(users), Claims::rows(users));
    let mut planner = RowPlanner::new(input, index, limits, &in_app, claims, None);
    let read = |row: &mut csv::StringRecord| {
        reader.read_record(row).map_err(|e| {
            // A file that cannot be read is malformed, whatever its rows before said.
            Stop::Rejected(SnapshotRejection::Malformed(vec![csv_error(&e, &names)]))
        })
    };
    match read_rows(read, &mut planner, &layout, limits, true) {
        Ok(_) if planner.needs_snapshot && planner.errors.is_empty() => Err(Stop::NeedsSnapshot),
        Ok(rows) => planner.finish_here(rows).map_err(Stop::Rejected),
        Err(Stop::Uncertain) if planner.needs_snapshot => Err(Stop::NeedsSnapshot),
        Err(stop) => Err(stop),
    }
}

/// Why reading rows stopped before the end.
enum Stop {
    /// The file is refused, as a single pass refuses it.
    Rejected(SnapshotRejection),
    /// The two-part reading cannot be sure of its answer; read again in one pass.
    Uncertain,
    /// A row needs the exact rules: plan from the snapshot.
    NeedsSnapshot,
}

/// Reads rows into `planner` with `read`, a batch at a time, until the end, and answers how
/// many. `from_top`: the rows are the file's first ones, so one past `limits.max_users` refuses
/// the file, as a single pass does; in a later part it only makes the parts uncertain.
fn read_rows<R: Record + Default>(
    mut read: impl FnMut(&mut R) -> Result<bool, Stop>,
    planner: &mut RowPlanner<'_>,
    layout: &Layout,
    limits: &SnapshotLimits,
    from_top: bool,
) -> Result<usize, Stop> {
    let mut batch: Vec<R> = (0..BATCH).map(|_| R::default()).collect();
    let mut rows = 0usize;
    loop {
        let mut filled = 0;
        let mut ended = false;
        while filled < BATCH {
            if !read(&mut batch[filled])? {
                ended = true;
                break;
            }
            if rows + filled == limits.max_users {
                return Err(if from_top {
                    Stop::Rejected(SnapshotRejection::TooLarge(vec![too_many_users(
                        Origin::CsvRow.user(rows + filled),
                        limits,
                    )]))
                } else {
                    Stop::Uncertain
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

/// The users assigned to the import's app, one bit each.
fn app_users(input: CsvPlanInput<'_>, index: &OrgIndex) -> Vec<u64> {
    let mut in_app = vec![0u64; input.users.len().div_ceil(64)];
    for user in index.app_users(&input.app.id) {
        if let Some(word) = in_app.get_mut(user as usize / 64) {
            *word |= 1 << (user % 64);
        }
    }
    in_app
}

/// A file read in parts on two threads.
struct Parts<'a> {
    bytes: &'a [u8],
    limits: &'a SnapshotLimits,
    input: CsvPlanInput<'a>,
    index: &'a OrgIndex,
    layout: &'a Layout,
    /// The header's number of fields, which every row has.
    fields: usize,
    in_app: &'a [u64],
}

/// What reading one part gave: its planner and its number of rows.
type PartResult<'a> = Result<(RowPlanner<'a>, usize), Stop>;

impl<'a> Parts<'a> {
    /// Where the parts after the first start (the first starts at `rows_start`, after the
    /// header): at the first line break after each `len / PARTS` bytes. Fewer parts when the
    /// cuts meet.
    fn cuts(&self, rows_start: usize) -> Vec<usize> {
        let bytes = self.bytes;
        let mut cuts = Vec::with_capacity(PARTS);
        for k in 1..PARTS {
            let from = (bytes.len() / PARTS * k).max(cuts.last().copied().unwrap_or(0));
            let Some(at) = bytes[from..].iter().position(|&b| b == b'\n') else {
                break;
            };
            let cut = from + at + 1;
            // A reader strips a byte order mark at its start; in a file's middle it is data.
            if cut > rows_start && cut < bytes.len() && !bytes[cut..].starts_with(b"\xef\xbb\xbf") {
                cuts.push(cut);
            }
        }
        cuts.dedup();
        cuts
    }

    /// The rows start at byte `rows_start`, just after the header.
    fn plan(&self, rows_start: usize) -> Result<Plan, Stop> {
        let cuts = self.cuts(rows_start);
        if cuts.is_empty() {
            return Err(Stop::Uncertain);
        }
        let users = self.input.users.len();
        let new_value_bits = shared_value_bits();
        let next = AtomicUsize::new(0);
        let give_up = AtomicBool::new(false);
        // Each thread takes the next part until none is left, and keeps what it read by part.
        // Each thread claims users in bits of its own, passed from part to part.
        let work = || {
            let mut done: Vec<(usize, PartResult<'_>)> = Vec::new();
            let mut bits = (Claims::no_bits(users), Claims::no_bits(users));
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k > cuts.len() || give_up.load(Ordering::Relaxed) {
                    return (done, bits);
                }
                let claims = (
                    Claims::Bits(std::mem::take(&mut bits.0)),
                    Claims::Bits(std::mem::take(&mut bits.1)),
                );
                let mut planner = RowPlanner::new(
                    self.input,
                    self.index,
                    self.limits,
                    self.in_app,
                    claims,
                    Some(&new_value_bits),
                );
                let start = k.checked_sub(1).map_or(rows_start, |before| cuts[before]);
                let end = cuts.get(k).copied().unwrap_or(self.bytes.len());
                let part = &self.bytes[start..end];
                let (layout, limits, first) = (self.layout, self.limits, k == 0);
                // Most parts have no quote: their rows are read in place, without a parser.
                let read = match UnquotedPart::new(part, self.fields) {
                    Some(mut part) => read_rows(
                        |record: &mut LineRecord<'_>| {
                            part.read(record).map_err(|_| Stop::Uncertain)
                        },
                        &mut planner,
                        layout,
                        limits,
                        first,
                    ),
                    None => {
                        let mut part = PartReader::new(part, k == cuts.len(), self.fields);
                        read_rows(
                            |record: &mut CoreRecord| {
                                part.read(record).map_err(|_| Stop::Uncertain)
                            },
                            &mut planner,
                            layout,
                            limits,
                            first,
                        )
                    }
                };
                if read.is_err() || !planner.errors.is_empty() || planner.needs_snapshot {
                    give_up.store(true, Ordering::Relaxed);
                }
                bits = (planner.logins.take_bits(), planner.external_ids.take_bits());
                done.push((k, read.map(|rows| (planner, rows))));
            }
        };
        let ((mine, my_bits), (theirs, their_bits)) = std::thread::scope(|scope| {
            let other = std::thread::Builder::new()
                .name("csv-part".to_owned())
                .spawn_scoped(scope, work);
            let mine = work();
            let theirs = match other {
                Ok(other) => match other.join() {
                    Ok(theirs) => theirs,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No second thread: this one read every part.
                Err(_) => (Vec::new(), (Vec::new(), Vec::new())),
            };
            (mine, theirs)
        });
        // A user claimed on both threads is a repeat.
        let logins = Claims::union_of_disjoint(my_bits.0, &their_bits.0);
        let external_ids = Claims::union_of_disjoint(my_bits.1, &their_bits.1);
        let (Some(logins), Some(_)) = (logins, external_ids) else {
            return Err(Stop::Uncertain);
        };
        let mut read: Vec<(usize, PartResult<'_>)> = mine.into_iter().chain(theirs).collect();
        read.sort_by_key(|(k, _)| *k);
        // A valid row that needs the exact rules: the file is read again in one pass, which
        // finds any problem first and otherwise answers from the snapshot.
        if read
            .iter()
            .any(|(_, part)| matches!(part, Ok((planner, _)) if planner.needs_snapshot))
        {
            return Err(Stop::Uncertain);
        }
        if read.len() != cuts.len() + 1 {
            // A thread gave up: the first part may still hold the answer (a row that cannot be
            // read, or one too many, refuses the file whatever comes after).
            return match read.into_iter().next() {
                Some((0, Err(Stop::Rejected(rejection)))) => Err(Stop::Rejected(rejection)),
                _ => Err(Stop::Uncertain),
            };
        }
        let mut parts = read.into_iter().map(|(_, part)| part);
        let (mut planner, mut rows) = parts.next().ok_or(Stop::Uncertain)??;
        let mut later = Vec::with_capacity(cuts.len());
        for part in parts {
            let (part, part_rows) = part?;
            rows += part_rows;
            later.push(part);
        }
        if rows > self.limits.max_users {
            return Err(Stop::Uncertain);
        }
        // The users removed from the source are known now that every part has claimed its
        // users: a second thread walks half of them while this one merges the parts.
        let (input, index, in_app) = (self.input, self.index, self.in_app);
        let words = in_app.len();
        let claimed = Claims::Bits(logins);
        let claimed = &claimed;
        let (merged, removed) = std::thread::scope(|scope| {
            let later_half = std::thread::Builder::new()
                .name("csv-removed".to_owned())
                .spawn_scoped(scope, move || {
                    removed(input, index, in_app, claimed, words / 2..words)
                });
            let merged = planner.merge(later);
            let (first_half, later_half) = match later_half {
                Ok(later_half) => (
                    removed(input, index, in_app, claimed, 0..words / 2),
                    match later_half.join() {
                        Ok(writer) => writer,
                        Err(panic) => std::panic::resume_unwind(panic),
                    },
                ),
                // No second thread: walk every user here.
                Err(_) => (
                    removed(input, index, in_app, claimed, 0..words),
                    ChangeWriter::new(input.app, input.populations, input.group_rules),
                ),
            };
            (merged, [first_half, later_half])
        });
        let mut writers = merged.ok_or(Stop::Uncertain)?;
        writers.extend(removed);
        let removed = writers;
        planner.finish(rows, removed).map_err(|_| Stop::Uncertain)
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
    external_id_hash: u64,
}

impl<'r, 'i> Lookup<'r, 'i> {
    /// Looks up every row of a batch, in passes so the cache misses of the first lookup of
    /// each row overlap (see [`BATCH`]): the home slots of the logins, then of the external ids
    /// of rows whose login no user has (new hires: their ids are looked up too), then the rest.
    ///
    /// Files often list users in the org's own order: a row's user is then usually the user
    /// after the previous row's, or the one after that (one removed between). That guess is
    /// checked first, against the stored record, which for such a file is read in order; only
    /// a row whose guess fails is looked up in the table. `last` is the user of the row before
    /// the batch, and is left at the last user found.
    fn batch<R: Record>(rows: &[Row<'r, R>], index: &'i OrgIndex, last: &mut u32) -> Vec<Self> {
        let mut guessed: Vec<Option<(u32, StoredUser<'i>)>> = Vec::with_capacity(rows.len());
        let folded: Vec<(Cow<'r, str>, u64)> = rows
            .iter()
            .map(|row| {
                let folded = fold_login(row.login);
                let guess = [1, 2].into_iter().find_map(|ahead| {
                    let user = last.checked_add(ahead)?;
                    index.user_if_login(user, &folded)
                });
                if let Some((user, _)) = guess {
                    *last = user;
                }
                guessed.push(guess);
                // A guessed row needs no hash; 0 is never used for it.
                let hash = if guess.is_some() {
                    0
                } else {
                    hash_str(&folded)
                };
                (folded, hash)
            })
            .collect();
        let homes: Vec<u64> = folded
            .iter()
            .zip(&guessed)
            .map(|((_, hash), guess)| match guess {
                Some(_) => 0,
                None => index.login_home_slot(*hash),
            })
            .collect();
        // The same for the records the home slots point to (the row's user, usually).
        let touched = homes
            .iter()
            .fold(0u8, |acc, &home| acc ^ index.touch_record(home));
        std::hint::black_box(touched);
        let new_ids: Vec<Option<(u64, u64)>> = rows
            .iter()
            .zip(&homes)
            .zip(&guessed)
            .map(|((row, &home), guess)| {
                (home == 0 && guess.is_none()).then(|| {
                    let hash = hash_str(row.external_id);
                    (hash, index.external_id_home_slot(hash))
                })
            })
            .collect();
        rows.iter()
            .zip(folded)
            .zip(homes)
            .zip(new_ids)
            .zip(guessed)
            .map(|((((row, (folded, hash)), home), new_id), guess)| {
                let lookup = Self::of(row, index, folded, hash, home, new_id, guess);
                if let Some((user, _)) = lookup.known {
                    *last = user;
                }
                lookup
            })
            .collect()
    }

    /// `new_id`: for a login no user has, the hash of the row's external id and its home slot.
    fn of<R: Record>(
        row: &Row<'r, R>,
        index: &'i OrgIndex,
        folded_login: Cow<'r, str>,
        login_hash: u64,
        home_slot: u64,
        new_id: Option<(u64, u64)>,
        guess: Option<(u32, StoredUser<'i>)>,
    ) -> Self {
        let known = match guess {
            Some(known) => Some(known),
            None if home_slot == 0 => None,
            None => index.user_by_login(login_hash, &folded_login),
        };
        // The usual row keeps its user's external id: its owner is known without hashing.
        let keeps_its_id =
            known.is_some_and(|(_, user)| user.external_id() == Some(row.external_id.as_bytes()));
        // Only a row that does not keep its user's id needs its id's hash (0 otherwise).
        let (external_id_owner, external_id_hash) = match (known, new_id) {
            (Some((_, user)), _) if keeps_its_id => (user.owner, 0),
            // An empty home slot: no user has this id.
            (_, Some((hash, 0))) => (NONE, hash),
            (_, new_id) => {
                let hash = new_id.map_or_else(|| hash_str(row.external_id), |(hash, _)| hash);
                let owner = index.external_id_owner(hash, row.external_id);
                (owner.unwrap_or(NONE), hash)
            }
        };
        Self {
            folded_login,
            login_hash,
            known,
            external_id_owner,
            external_id_hash,
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
    new_logins: NewValues<'a>,
    new_external_ids: NewValues<'a>,
    /// The users assigned to the import's app, one bit each.
    in_app: &'a [u64],
    /// Users whose attributes change while group rules exist, with their new attributes: the
    /// rules are applied once their other assignments are looked up, after the rows.
    regrouped: Vec<(u32, BTreeMap<String, String>)>,
    /// Users reactivated, with the attributes their group rules are matched on after the rows.
    reactivated: Vec<(u32, BTreeMap<String, String>)>,
    /// A valid row whose external id is the app user of another user than its login's: only
    /// the snapshot planner decides which one it is.
    needs_snapshot: bool,
    /// The org user of the last row found in the org, to guess the next row's (see
    /// [`Lookup::batch`]).
    last_user: u32,
}

impl<'a> RowPlanner<'a> {
    fn new(
        input: CsvPlanInput<'a>,
        index: &'a OrgIndex,
        limits: &'a SnapshotLimits,
        in_app: &'a [u64],
        (logins, external_ids): (Claims, Claims),
        new_value_bits: Option<&'a [AtomicU64]>,
    ) -> Self {
        let new_values = || new_value_bits.map_or_else(NewValues::default, NewValues::sharing);
        Self {
            input,
            index,
            limits,
            writer: ChangeWriter::new(input.app, input.populations, input.group_rules),
            errors: Vec::new(),
            stopped: false,
            logins,
            external_ids,
            // New logins are few next to known ones; the tables grow as they come.
            new_logins: new_values(),
            new_external_ids: new_values(),
            in_app,
            regrouped: Vec::new(),
            reactivated: Vec::new(),
            needs_snapshot: false,
            // No guess for the first row: NONE + 1 overflows.
            last_user: NONE,
        }
    }

    /// Takes in the rows that other planners read after this one's (the later parts of the
    /// file, in order), as if this planner had read them, but for their changes, which are
    /// answered to be appended (with the removed users') in one go. `None` when parts repeat a
    /// login or an external id new to the org, or any found a problem: the rows must then be
    /// read in one pass, which names the problems as it does. (A repeat among the org's users
    /// was already found in the claims: by a part, when one thread claimed twice, or when the
    /// two threads' claims were compared.)
    fn merge(&mut self, later: Vec<RowPlanner<'a>>) -> Option<Vec<ChangeWriter<'a>>> {
        if !self.errors.is_empty() || later.iter().any(|p| !p.errors.is_empty()) {
            return None;
        }
        let all = || std::iter::once(&*self).chain(&later);
        let logins: Vec<&NewValues<'_>> = all().map(|p| &p.new_logins).collect();
        let external_ids: Vec<&NewValues<'_>> = all().map(|p| &p.new_external_ids).collect();
        if NewValues::repeated_across(&logins) || NewValues::repeated_across(&external_ids) {
            return None;
        }
        let mut writers = Vec::with_capacity(later.len());
        for part in later {
            self.regrouped.extend(part.regrouped);
            self.reactivated.extend(part.reactivated);
            writers.push(part.writer);
        }
        Some(writers)
    }

    fn in_app(&self, user: usize) -> bool {
        self.in_app
            .get(user / 64)
            .is_some_and(|word| word & (1 << (user % 64)) != 0)
    }

    /// The rows of one batch, the first being row `first`.
    fn rows<R: Record>(&mut self, records: &[R], layout: &Layout, first: usize) {
        if self.stopped {
            return;
        }
        let rows: Vec<Row<'_, R>> = records.iter().map(|r| Row::read(r, layout)).collect();
        let lookups = Lookup::batch(&rows, self.index, &mut self.last_user);
        for (j, (row, lookup)) in rows.iter().zip(lookups).enumerate() {
            self.row(row, lookup, first + j);
        }
    }

    /// Row `i` (the file's row `i + 2`): validated as `validate_with` validates user `i`, then
    /// planned as `plan_import` plans it.
    fn row<R: Record>(&mut self, row: &Row<'_, R>, lookup: Lookup<'_, '_>, i: usize) {
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
            external_id_hash,
        } = lookup;

        if row.external_id.trim().is_empty() {
            self.errors.push(empty(Origin::CsvRow, i, "externalId"));
        } else {
            let previous = if owner == NONE {
                self.new_external_ids
                    .see(external_id_hash, row.external_id, at)
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

        if owner != NONE
            && (known.map(|(u, _)| u) != Some(owner) || self.index.shares_external_id(owner))
        {
            self.needs_snapshot = true;
        }
        if self.needs_snapshot {
            return;
        }
        let Some((u, stored)) = known else {
            self.writer
                .create(row.login, row.profile(), row.external_id);
            return;
        };
        let reactivating = self.index.is_deactivated(u);
        if reactivating {
            let Some(user) = self.index.who(u) else {
                return;
            };
            if !self.input.app.reactivates_returning_users() {
                self.writer.skip_deactivated(user);
                return;
            }
            self.writer.reactivate(user);
        }
        let difference = row.compare(&stored);
        let assigned = self.in_app(u as usize);
        if difference == Difference::Same {
            self.writer.counts.unchanged += 1;
            if assigned && !reactivating {
                return;
            }
        }
        // Only a change needs the user's id and login. The index fits the users (checked
        // before the first row), so the user is there.
        let Some(user) = self.index.who(u) else {
            return;
        };
        let attributes_after = |profile: Option<&Profile>| match profile {
            Some(profile) => profile.attributes.clone(),
            None => self
                .input
                .users
                .get(u as usize)
                .map(|user| user.profile.attributes.clone())
                .unwrap_or_default(),
        };
        let mut reactivated_with = None;
        if let Difference::Changed { attributes } = difference {
            let profile = row.profile();
            if reactivating {
                reactivated_with = Some(profile.attributes.clone());
            } else if attributes && self.writer.has_group_rules() {
                self.regrouped.push((u, profile.attributes.clone()));
            }
            self.writer.update(user, profile, row.external_id);
        }
        if !assigned {
            self.writer
                .own_assign(Some(user.id), user.login, row.external_id, None);
        }
        if reactivating {
            let attributes = reactivated_with.unwrap_or_else(|| attributes_after(None));
            self.reactivated.push((u, attributes));
        }
    }

    /// The other-app assignments of user `u`, in the org's order.
    fn others(&self, u: u32) -> impl Iterator<Item = &'a Assignment> + use<'a> {
        others(self.input, self.index, u)
    }

    /// The plan: the changes of the rows, then `removed` (the users removed from the source,
    /// from [`RowPlanner::removed`], in order), then the group rules' cascades.
    fn finish(
        mut self,
        rows: usize,
        removed: Vec<ChangeWriter<'a>>,
    ) -> Result<Plan, SnapshotRejection> {
        if !self.errors.is_empty() {
            return Err(SnapshotRejection::Invalid(self.errors));
        }
        self.writer.absorb(removed);
        let users = self.input.users;
        for (u, attributes) in &self.regrouped {
            if let Some(user) = users.get(*u as usize) {
                let others: Vec<&Assignment> = self.others(*u).collect();
                self.writer.regroup(user, attributes, &others);
            }
        }
        for (u, attributes) in &self.reactivated {
            if let Some(user) = users.get(*u as usize) {
                let held: Vec<&AppId> = self.others(*u).map(|a| &a.app_id).collect();
                self.writer
                    .rules_after_reactivation(user.into(), attributes, held.into_iter());
            }
        }
        let active_users = self.index.active_users();
        Ok(self
            .writer
            .finish(rows as u64, self.input.populations, active_users))
    }

    /// [`RowPlanner::finish`] with the removed users walked on this thread.
    fn finish_here(self, rows: usize) -> Result<Plan, SnapshotRejection> {
        let removed = removed(
            self.input,
            self.index,
            self.in_app,
            &self.logins,
            0..self.in_app.len(),
        );
        self.finish(rows, vec![removed])
    }
}

/// The other-app assignments of user `u`, in the org's order.
fn others<'a>(
    input: CsvPlanInput<'a>,
    index: &'a OrgIndex,
    u: u32,
) -> impl Iterator<Item = &'a Assignment> + use<'a> {
    let (assignments, app) = (input.assignments, input.app);
    index
        .assignments_of(u)
        .iter()
        .filter_map(move |&k| assignments.get(k as usize))
        .filter(move |a| a.app_id != app.id)
}

/// After the last row: the changes for the users of the app that no row claimed (removed from
/// the source), among the users of words `words` of the app's bits, in the order of the org's
/// users, as `plan_import` lists them. Two threads can each walk part of the users.
fn removed<'a>(
    input: CsvPlanInput<'a>,
    index: &'a OrgIndex,
    in_app: &[u64],
    claimed: &Claims,
    words: Range<usize>,
) -> ChangeWriter<'a> {
    let mut writer = ChangeWriter::new(input.app, input.populations, input.group_rules);
    let deactivates = input.app.deactivates_removed_users();
    for w in words {
        let mut bits = in_app.get(w).copied().unwrap_or(0);
        while bits != 0 {
            let u = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if !claimed.is_claimed(u)
                && let Some(user) = index.who(position(u))
            {
                writer.removed(user, deactivates, others(input, index, position(u)));
            }
        }
    }
    writer
}
