//! An index of the org for the CSV planner: users by folded login and by the external id of
//! their app user in the org's first profile source, and the assignments of each app and of
//! each user, as positions in the org's own slices.
//!
//! The CSV planner plans quickly only the import that needs no more than this: one from the
//! profile source that owns every profile it lists (the highest-ranked), matching by login. Its
//! external ids are the ones indexed here. Any other import is planned from the snapshot.
//!
//! Building it reads every user and assignment once (hashing a million logins, about as long as
//! planning itself), so it is built when the org is loaded and kept beside it: a server plans
//! many imports against one org. It holds no references, only positions, so it can be stored
//! next to the `Vec`s it indexes. It must be rebuilt whenever those `Vec`s change.

mod stored_users;

use crate::hash_slots::{HashSlots, NONE, hash_str, position};
use crate::ids::AppId;
use crate::org::{App, Assignment, User, UserStatus, fold_login};
use crate::planner::Who;
use rustc_hash::FxHashMap as HashMap;
pub(crate) use stored_users::StoredUser;
use stored_users::{StoredNames, StoredUsers};

/// The org's users and assignments, indexed. Built from `users` and `assignments` by
/// [`OrgIndex::new`]; pass the same slices, unchanged, to every plan that uses it.
#[derive(Clone, Debug, Default)]
pub struct OrgIndex {
    users: usize,
    assignments: usize,
    /// The profile source whose external ids are indexed: the highest-ranked, which owns every
    /// profile it lists. `None` when the org has no profile source.
    primary: Option<AppId>,
    /// One bit per user: deactivated.
    deactivated: Vec<u64>,
    /// One bit per user: the owner of an external id another user's app user in `primary` has
    /// too. Which of them a row with that id is matched to depends on the assignments' order,
    /// which only the snapshot planner follows.
    shared_external_id: Vec<u64>,
    /// Users by folded login ([`fold_login`]); of users whose logins fold to the same, only the
    /// first, as the snapshot planner matches them.
    logins: HashSlots,
    /// Users by the external id of their app user in `primary`; of users with the same one,
    /// only the first.
    external_ids: HashSlots,
    /// What a row is compared with, per user, including the owner of the user's external id:
    /// the first user with the same id ([`NONE`] without one). A row that carries that id
    /// claims the owner's slot, so two rows with one id meet.
    stored: StoredUsers,
    /// What a change names of each user.
    names: StoredNames,
    /// One bit per user: whether a login lookup finds this user (it is the first whose login
    /// folds to its own), so a guess at the user of a row can be checked without the lookup.
    first_with_login: Vec<u64>,
    /// For each assignment, the first user with its `user_id` ([`NONE`] for an unknown user).
    assignment_user: Vec<u32>,
    /// The assignments of each app, in the order of the slice.
    by_app: HashMap<AppId, Vec<u32>>,
    /// The assignments of user `u` are `user_assignments[user_starts[u]..user_starts[u + 1]]`,
    /// in the order of the slice.
    user_starts: Vec<u32>,
    user_assignments: Vec<u32>,
}

impl OrgIndex {
    /// The index of `users` and `assignments`, for imports from the highest-ranked profile
    /// source of `apps`.
    pub fn new(users: &[User], assignments: &[Assignment], apps: &[App]) -> Self {
        let primary = apps
            .iter()
            .find(|app| app.owns_every_profile(apps))
            .map(|app| app.id.clone());
        let mut logins = HashSlots::with_capacity(users.len());
        let mut external_ids = HashSlots::with_capacity(users.len());
        let mut stored = StoredUsers::with_capacity(users.len());
        let mut names = StoredNames::with_capacity(users.len());
        let mut scratch = Vec::new();
        let mut first_with_login = vec![0u64; users.len().div_ceil(64)];
        let mut deactivated = vec![0u64; users.len().div_ceil(64)];
        let mut shared_external_id = vec![0u64; users.len().div_ceil(64)];
        let mut by_id: HashMap<&str, u32> =
            HashMap::with_capacity_and_hasher(users.len(), Default::default());
        for (i, user) in users.iter().enumerate() {
            by_id.entry(user.id.as_str()).or_insert(position(i));
        }
        // Each user's external id in the primary app, when they have an app user there.
        let mut primary_ids: Vec<Option<&str>> = vec![None; users.len()];
        if let Some(primary) = &primary {
            for assignment in assignments.iter().filter(|a| a.app_id == *primary) {
                if let (Some(&u), Some(id)) = (
                    by_id.get(assignment.user_id.as_str()),
                    assignment.external_id.as_deref(),
                ) && let Some(slot) = primary_ids.get_mut(u as usize)
                {
                    slot.get_or_insert(id);
                }
            }
        }
        for (i, user) in users.iter().enumerate() {
            let at = position(i);
            let folded = fold_login(&user.login);
            let hash = hash_str(&folded);
            if find_login(&logins, &stored, hash, &folded).is_none() {
                logins.insert(hash, at);
                first_with_login[i / 64] |= 1 << (i % 64);
            }
            if user.status == UserStatus::Deactivated {
                deactivated[i / 64] |= 1 << (i % 64);
            }
            let external_id = primary_ids[i];
            let owner = match external_id {
                Some(id) => {
                    let hash = hash_str(id);
                    match find_external_id(&external_ids, &stored, hash, id) {
                        Some(owner) => {
                            let o = owner as usize;
                            if let Some(word) = shared_external_id.get_mut(o / 64) {
                                *word |= 1 << (o % 64);
                            }
                            owner
                        }
                        None => {
                            external_ids.insert(hash, at);
                            at
                        }
                    }
                }
                None => NONE,
            };
            stored.push(user, &folded, owner, external_id, &mut scratch);
            names.push(user);
        }
        stored.shrink_to_fit();
        names.shrink_to_fit();

        let assignment_user: Vec<u32> = assignments
            .iter()
            .map(|a| by_id.get(a.user_id.as_str()).copied().unwrap_or(NONE))
            .collect();
        let mut by_app: HashMap<AppId, Vec<u32>> = HashMap::default();
        let mut per_user = vec![0u32; users.len() + 1];
        for (k, assignment) in assignments.iter().enumerate() {
            by_app
                .entry(assignment.app_id.clone())
                .or_default()
                .push(position(k));
            let user = assignment_user[k];
            if user != NONE {
                per_user[user as usize + 1] += 1;
            }
        }
        // Counts to starts, then fill each user's range in slice order.
        for u in 0..users.len() {
            per_user[u + 1] += per_user[u];
        }
        let mut next = per_user.clone();
        let mut user_assignments = vec![0u32; assignments.len()];
        for (k, &user) in assignment_user.iter().enumerate() {
            if user != NONE {
                let at = &mut next[user as usize];
                user_assignments[*at as usize] = position(k);
                *at += 1;
            }
        }
        Self {
            users: users.len(),
            assignments: assignments.len(),
            primary,
            deactivated,
            shared_external_id,
            logins,
            external_ids,
            stored,
            names,
            first_with_login,
            assignment_user,
            by_app,
            user_starts: per_user,
            user_assignments,
        }
    }

    /// Whether this index was built from slices of these lengths: a cheap guard against
    /// planning with the index of another org. It cannot see a change that keeps the lengths.
    pub fn fits(&self, users: &[User], assignments: &[Assignment]) -> bool {
        self.users == users.len() && self.assignments == assignments.len()
    }

    /// The profile source whose external ids this index holds.
    pub fn primary(&self) -> Option<&AppId> {
        self.primary.as_ref()
    }

    /// How many users are active.
    pub(crate) fn active_users(&self) -> u64 {
        let deactivated: u64 = self
            .deactivated
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum();
        (self.users as u64).saturating_sub(deactivated)
    }

    /// Whether user `u` is deactivated.
    pub(crate) fn is_deactivated(&self, user: u32) -> bool {
        let u = user as usize;
        self.deactivated
            .get(u / 64)
            .is_some_and(|word| word & (1 << (u % 64)) != 0)
    }

    /// Whether user `u` owns an external id that another user's app user in the primary app
    /// has too.
    pub(crate) fn shares_external_id(&self, user: u32) -> bool {
        let u = user as usize;
        self.shared_external_id
            .get(u / 64)
            .is_some_and(|word| word & (1 << (u % 64)) != 0)
    }

    /// The user whose folded login is `folded` (the first, if several fold to it), with what
    /// a row is compared with.
    pub(crate) fn user_by_login(&self, hash: u64, folded: &str) -> Option<(u32, StoredUser<'_>)> {
        self.logins.candidates(hash).find_map(|u| {
            let stored = self.stored.get(u)?;
            (stored.folded_login == folded.as_bytes()).then_some((u, stored))
        })
    }

    /// Whether `user` is the one [`OrgIndex::user_by_login`] answers for the login `folded`:
    /// a check of a guess (the user after the previous row's, for a file listed in the org's
    /// order) that costs no hash table lookup.
    pub(crate) fn user_if_login(&self, user: u32, folded: &str) -> Option<(u32, StoredUser<'_>)> {
        let u = user as usize;
        let first = self
            .first_with_login
            .get(u / 64)
            .is_some_and(|word| word & (1 << (u % 64)) != 0);
        let stored = self.stored.get(user).filter(|_| first)?;
        (stored.folded_login == folded.as_bytes()).then_some((user, stored))
    }

    /// [`HashSlots::home_slot`] of a login lookup; 0 when no user has a login with this hash.
    pub(crate) fn login_home_slot(&self, hash: u64) -> u64 {
        self.logins.home_slot(hash)
    }

    /// Reads the first byte of the record of the user filed in `home_slot` (from
    /// [`OrgIndex::login_home_slot`]), for nothing but to have it in the cache: reading ahead
    /// for many rows at once lets their misses overlap, as with the slots.
    pub(crate) fn touch_record(&self, home_slot: u64) -> u8 {
        match (home_slot as u32).checked_sub(1) {
            Some(user) => self.stored.first_byte(user),
            None => 0,
        }
    }

    /// The user an external id (whose [`hash_str`] is `hash`) belongs to: the first user with
    /// exactly this id.
    pub(crate) fn external_id_owner(&self, hash: u64, id: &str) -> Option<u32> {
        find_external_id(&self.external_ids, &self.stored, hash, id)
    }

    /// What a change names of user `u`: id, login and status.
    pub(crate) fn who(&self, user: u32) -> Option<Who<'_>> {
        self.names.get(user)
    }

    /// [`OrgIndex::login_home_slot`] for an external id lookup.
    pub(crate) fn external_id_home_slot(&self, hash: u64) -> u64 {
        self.external_ids.home_slot(hash)
    }

    /// The users of `app`'s assignments, in the order of the slice (a user may repeat).
    pub(crate) fn app_users(&self, app: &AppId) -> impl Iterator<Item = u32> + '_ {
        self.by_app
            .get(app)
            .into_iter()
            .flatten()
            .map(|&k| self.assignment_user[k as usize])
            .filter(|&u| u != NONE)
    }

    /// The assignments of user `u`, as positions in the slice, in its order.
    pub(crate) fn assignments_of(&self, user: u32) -> &[u32] {
        let u = user as usize;
        match (self.user_starts.get(u), self.user_starts.get(u + 1)) {
            (Some(&start), Some(&end)) => &self.user_assignments[start as usize..end as usize],
            _ => &[],
        }
    }
}

fn find_login(slots: &HashSlots, stored: &StoredUsers, hash: u64, folded: &str) -> Option<u32> {
    slots.candidates(hash).find(|&u| {
        stored
            .get(u)
            .is_some_and(|user| user.folded_login == folded.as_bytes())
    })
}

fn find_external_id(slots: &HashSlots, stored: &StoredUsers, hash: u64, id: &str) -> Option<u32> {
    slots.candidates(hash).find(|&u| {
        stored
            .get(u)
            .is_some_and(|user| user.external_id() == Some(id.as_bytes()))
    })
}
