//! Planning an import: the rules crate's planner over the org as stored, and ids for the users
//! the plan creates, so every change of a stored plan names its user by id.

use super::PipelineError;
use crate::ids::new_id;
use crate::sources::Snapshot;
use crate::storage::Db;
use safeguard_rules::UserId;
use safeguard_rules::org::App;
use safeguard_rules::org::fold_login;
use safeguard_rules::plan::{Change, ChangeKind, Plan};
use std::collections::HashMap;

/// The app an import reads from, or the error that names it as unknown.
pub fn app_of(db: &Db<'_>, app_id: &str) -> Result<App, PipelineError> {
    db.app(app_id)?
        .ok_or_else(|| PipelineError::UnknownApp(app_id.to_owned()))
}

/// Plans `snapshot` for `app` against the org as `db` sees it now: a dry run, a new import, a
/// queued import's provisional plan and its real one when its turn comes all plan this way.
/// On the writer the org is loaded once and kept between imports ([`Db::indexed_org`]).
///
/// The users the plan creates have no id yet: only a plan that is stored needs them
/// ([`name_new_users`]); a dry run or a provisional plan keeps only counts and impact.
pub fn plan_now(db: &Db<'_>, app: &App, snapshot: &Snapshot) -> Result<Plan, PipelineError> {
    let org = db.indexed_org()?;
    Ok(snapshot.plan(app, &org)?)
}

/// Gives every user the plan creates a new id, on each of its changes.
///
/// Both planners write a new user's changes together (`ChangeWriter::create`): its `create`,
/// then its assignments. In that order each change takes the id of the `create` before it,
/// without a map of a hundred thousand logins; a plan in any other order has its ids matched by
/// folded login.
pub fn name_new_users(changes: &mut [Change]) {
    if new_users_are_together(changes) {
        let mut current = None;
        for change in changes.iter_mut().filter(|c| c.user_id.is_none()) {
            if change.kind == ChangeKind::Create {
                current = Some(UserId(new_id("usr")));
            }
            change.user_id = current.clone();
        }
        return;
    }
    let mut new_users: HashMap<String, UserId> = HashMap::new();
    for change in changes.iter_mut().filter(|c| c.user_id.is_none()) {
        let id = new_users
            .entry(fold_login(&change.login).into_owned())
            .or_insert_with(|| UserId(new_id("usr")))
            .clone();
        change.user_id = Some(id);
    }
}

/// Whether each change without a user id is a `create`, or has the login of the `create` just
/// before it among such changes.
fn new_users_are_together(changes: &[Change]) -> bool {
    let mut current: Option<&str> = None;
    changes
        .iter()
        .filter(|c| c.user_id.is_none())
        .all(|change| {
            if change.kind == ChangeKind::Create {
                current = Some(&change.login);
                true
            } else {
                current == Some(change.login.as_str())
            }
        })
}

/// Frees a large plan's changes on a thread of their own: a million-row file plans hundreds of
/// thousands of changes, and freeing them takes tens of milliseconds nobody needs to wait for
/// once their counts are known (a dry run, a queued import's provisional plan).
pub fn drop_in_background(changes: Vec<Change>) {
    const SMALL: usize = 10_000;
    if changes.len() <= SMALL {
        return;
    }
    // Should the thread not start, the closure, and the changes with it, are dropped here.
    let _ = std::thread::Builder::new()
        .name("free-plan".to_owned())
        .spawn(move || drop(changes));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: ChangeKind, login: &str, id: Option<&str>) -> Change {
        Change {
            kind,
            user_id: id.map(|i| UserId(i.to_owned())),
            login: login.to_owned(),
            app_id: None,
            app_name: None,
            cause: None,
            profile: None,
            group_rule_id: None,
            external_id: None,
        }
    }

    fn ids(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| c.user_id.clone().expect("an id").0)
            .collect()
    }

    #[test]
    fn a_new_user_has_one_id_on_all_its_changes_and_existing_users_keep_theirs() {
        let mut changes = vec![
            change(ChangeKind::Unassign, "old@x", Some("usr_old")),
            change(ChangeKind::Create, "a@x", None),
            change(ChangeKind::Assign, "a@x", None),
            change(ChangeKind::Assign, "a@x", None),
            change(ChangeKind::Create, "b@x", None),
            change(ChangeKind::Assign, "b@x", None),
        ];
        assert!(new_users_are_together(&changes));
        name_new_users(&mut changes);
        let ids = ids(&changes);
        assert_eq!(ids[0], "usr_old");
        assert!(ids[1].starts_with("usr_"));
        assert_eq!(ids[1], ids[2]);
        assert_eq!(ids[2], ids[3]);
        assert_eq!(ids[4], ids[5]);
        assert_ne!(ids[1], ids[4]);
    }

    #[test]
    fn changes_of_a_new_user_apart_from_its_create_are_matched_by_folded_login() {
        let mut changes = vec![
            change(ChangeKind::Create, "a@x", None),
            change(ChangeKind::Create, "b@x", None),
            change(ChangeKind::Assign, "A@X", None),
            change(ChangeKind::Assign, "b@x", None),
        ];
        assert!(!new_users_are_together(&changes));
        name_new_users(&mut changes);
        let ids = ids(&changes);
        assert_eq!(ids[0], ids[2]);
        assert_eq!(ids[1], ids[3]);
        assert_ne!(ids[0], ids[1]);
    }
}
