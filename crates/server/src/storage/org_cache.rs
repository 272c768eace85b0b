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
        let index = OrgIndex::new(&org.users, &org.assignments, &org.apps);
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

    pub(crate) fn kept(&self) -> Option<Arc<IndexedOrg>> {
        self.loaded.borrow().clone()
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
        if let Some(loaded) = self.org_cache.and_then(OrgCache::kept) {
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

#[cfg(test)]
mod tests {
    use super::super::{Db, StorageError, Store};
    use crate::actor::Actor;
    use safeguard_rules::org::{App, GroupRule, Profile, UserStatus};
    use safeguard_rules::{AppId, GroupRuleId};
    use std::sync::Arc;

    const AT: &str = "2026-01-01T00:00:00.000Z";

    /// A store with one app and two users, the first assigned to it.
    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("org.db")).expect("store");
        store
            .writer()
            .transaction(|db| {
                let app = App::new(AppId::from("app_chat"), "Chat", false, false);
                db.insert_app(&app, &Actor::system(), AT)?;
                for (id, login) in [("usr_1", "ana@example.com"), ("usr_2", "bo@example.com")] {
                    db.create_user(id, login, &Profile::default(), AT)?;
                }
                db.add_app_user("usr_1", "app_chat", None, Some("e-1"), None, AT)?;
                Ok::<_, StorageError>(())
            })
            .expect("set up");
        (dir, store)
    }

    fn kept(store: &Store) -> Arc<super::IndexedOrg> {
        store
            .writer()
            .transaction(|db| db.indexed_org())
            .expect("org")
    }

    fn assigned(org: &super::IndexedOrg) -> Vec<&str> {
        org.org
            .assignments
            .iter()
            .map(|a| a.user_id.as_str())
            .collect()
    }

    #[test]
    fn the_writer_keeps_the_org_between_transactions_until_it_changes() {
        let (_dir, store) = store();
        let first = kept(&store);
        assert!(Arc::ptr_eq(&first, &kept(&store)), "loaded once, then kept");

        store
            .writer()
            .transaction(|db| db.assign("usr_2", "app_chat", None, AT))
            .expect("assign");
        let after = kept(&store);
        assert!(!Arc::ptr_eq(&first, &after), "an assignment forgets it");
        assert_eq!(assigned(&after), ["usr_1", "usr_2"]);
        assert_eq!(after.org.populations[0].population, 2);
    }

    #[test]
    fn a_rolled_back_change_is_not_kept_even_when_loaded_after_it() {
        let (_dir, store) = store();
        let before = kept(&store);
        let failed = store.writer().transaction(|db| {
            db.assign("usr_2", "app_chat", None, AT)?;
            // Loaded inside the transaction, it sees the assignment that is about to be undone.
            let inside = db.indexed_org()?;
            assert_eq!(assigned(&inside), ["usr_1", "usr_2"]);
            Err::<(), _>(StorageError::Corrupt("refused".to_owned()))
        });
        assert!(failed.is_err());
        let after = kept(&store);
        assert!(!Arc::ptr_eq(&before, &after));
        assert_eq!(
            assigned(&after),
            ["usr_1"],
            "the database's org, not the undone one"
        );
    }

    #[test]
    fn a_failed_transaction_that_changed_nothing_keeps_the_org() {
        let (_dir, store) = store();
        let before = kept(&store);
        let failed = store.writer().transaction(|db| {
            db.indexed_org()?;
            Err::<(), _>(StorageError::Corrupt("a refused snapshot".to_owned()))
        });
        assert!(failed.is_err());
        assert!(Arc::ptr_eq(&before, &kept(&store)));
    }

    /// Each change a transaction can make to the org, made alone.
    type Change = fn(&Db<'_>) -> Result<(), StorageError>;

    const CHANGES: [(&str, Change); 9] = [
        ("create a user", |db| {
            db.create_user("usr_3", "cy@example.com", &Profile::default(), AT)
        }),
        ("change a profile", |db| {
            let profile = Profile {
                first_name: Some("Bo".to_owned()),
                ..Profile::default()
            };
            db.update_user("usr_2", &profile, AT)
        }),
        ("deactivate a user", |db| {
            db.set_user_status("usr_2", UserStatus::Deactivated, AT)
        }),
        ("assign", |db| {
            db.assign("usr_2", "app_chat", None, AT).map(drop)
        }),
        ("unassign", |db| db.unassign("usr_1", "app_chat").map(drop)),
        ("change an app user", |db| {
            db.update_app_user("usr_1", "app_chat", Some("e-2"), None)
        }),
        ("change an app's rank", |db| {
            let mut app = App::new(AppId::from("app_chat"), "Chat", true, false);
            app.profile_source_priority = Some(1);
            db.update_app_directory(&app)
        }),
        ("add an app", |db| {
            let app = App::new(AppId::from("app_crm"), "CRM", false, false);
            db.insert_app(&app, &Actor::system(), AT)
        }),
        ("add a group rule", |db| {
            let rule = GroupRule {
                id: GroupRuleId::from("grp_sales"),
                name: "Sales".to_owned(),
                attribute: "department".to_owned(),
                equals: "Sales".to_owned(),
                app_ids: vec![AppId::from("app_chat")],
            };
            db.insert_group_rule(&rule, &Actor::system(), AT)
        }),
    ];

    #[test]
    fn every_kind_of_change_to_the_org_forgets_it() {
        for (what, change) in CHANGES {
            let (_dir, store) = store();
            let before = kept(&store);
            store.writer().transaction(change).expect(what);
            let after = kept(&store);
            assert!(!Arc::ptr_eq(&before, &after), "{what}");
            assert_ne!(before.org, after.org, "{what}: the org read again shows it");
            assert_eq!(
                after.org,
                store.read(|db| db.org()).expect("read"),
                "{what}"
            );
        }
    }

    #[test]
    fn read_connections_load_what_is_committed_and_keep_nothing() {
        let (_dir, store) = store();
        let one = store.read(|db| db.indexed_org()).expect("read");
        let two = store.read(|db| db.indexed_org()).expect("read");
        assert!(!Arc::ptr_eq(&one, &two));
        assert_eq!(one.org, two.org);
        assert_eq!(one.org, kept(&store).org);
    }
}
