//! The org as the planner reads it, loaded once and kept between imports.
//!
//! Loading every user and assignment and indexing them costs seconds for a million users, far
//! more than planning a snapshot against them (see BENCHMARKS.md), so the writer keeps the last
//! loaded org with its [`OrgIndex`]. Only the writer connection changes the org, and only inside
//! its transactions, so the rule is simple:
//! - every method of [`Db`] that changes users, assignments, apps or group rules forgets it;
//! - a transaction that changed the org and then did not commit forgets it too (it may have
//!   been loaded again from those changes, which were rolled back); one that changed nothing
//!   keeps it, so a refused snapshot does not cost the next import a reload;
//! - read-only connections never see it, so what they read is always what is committed.
//!
//! Forgetting too often only costs a reload; a kept org that differs from the database would
//! plan wrongly, so every doubt forgets.

use super::{Db, Org, Result};
use safeguard_rules::OrgIndex;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// The org with its index, as one value: the index holds positions into these very `Vec`s.
#[derive(Debug)]
pub struct IndexedOrg {
    pub org: Org,
    pub index: OrgIndex,
}

impl IndexedOrg {
    pub fn new(org: Org) -> Self {
        let index = OrgIndex::new(&org.users, &org.assignments);
        Self { org, index }
    }
}

/// The writer's loaded org, if it still matches the database.
#[derive(Default)]
pub(crate) struct OrgCache {
    loaded: RefCell<Option<Arc<IndexedOrg>>>,
    /// Whether the transaction under way has changed the org.
    changed: Cell<bool>,
}

impl OrgCache {
    fn forget(&self) {
        self.loaded.replace(None);
    }
}

/// Forgets the org when dropped unless [`Self::committed`] was called, if the transaction
/// changed it: a transaction that failed, or a panic while it ran, leaves no org loaded from
/// changes that never landed.
pub(crate) struct ForgetUnlessCommitted<'c> {
    cache: &'c OrgCache,
    committed: bool,
}

impl<'c> ForgetUnlessCommitted<'c> {
    pub(crate) fn new(cache: &'c OrgCache) -> Self {
        cache.changed.set(false);
        Self {
            cache,
            committed: false,
        }
    }

    pub(crate) fn committed(mut self) {
        self.committed = true;
    }
}

impl Drop for ForgetUnlessCommitted<'_> {
    fn drop(&mut self) {
        if !self.committed && self.cache.changed.get() {
            self.cache.forget();
        }
    }
}

impl Db<'_> {
    /// The org and its index, as this connection sees it now: the writer's kept copy when it
    /// has one, loaded (and, on the writer, kept) otherwise.
    pub fn indexed_org(&self) -> Result<Arc<IndexedOrg>> {
        if let Some(loaded) = self.org_cache.and_then(|c| c.loaded.borrow().clone()) {
            return Ok(loaded);
        }
        let loaded = Arc::new(IndexedOrg::new(self.org()?));
        if let Some(cache) = self.org_cache {
            cache.loaded.replace(Some(Arc::clone(&loaded)));
        }
        Ok(loaded)
    }

    /// Called by every method that changes what [`Db::org`] reads.
    pub(super) fn org_changed(&self) {
        if let Some(cache) = self.org_cache {
            cache.changed.set(true);
            cache.forget();
        }
    }
}
