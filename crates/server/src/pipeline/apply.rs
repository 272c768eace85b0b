//! Applying a plan to the org, change by change, inside the caller's transaction. The per-change
//! System Log events (each deactivation, reactivation and unassignment) are written in the same
//! transaction.

use crate::actor::Actor;
use crate::events;
use crate::storage::{Db, ImportRow, StorageError};
use safeguard_rules::org::{Profile, UserStatus};
use safeguard_rules::plan::{Change, ChangeKind};

pub fn apply(
    db: &Db<'_>,
    import: &ImportRow,
    changes: &[Change],
    actor: &Actor,
    at: &str,
) -> Result<(), StorageError> {
    let no_profile = Profile::default();
    for (n, change) in changes.iter().enumerate() {
        let missing = |what: &str| {
            StorageError::Corrupt(format!("change {n} of import {} has no {what}", import.id))
        };
        let user_id = change
            .user_id
            .as_ref()
            .ok_or_else(|| missing("user id"))?
            .as_str();
        let profile = change.profile.as_ref().unwrap_or(&no_profile);
        match change.kind {
            ChangeKind::Create => db.create_user(user_id, &change.login, profile, at)?,
            // The user's profile, which the import's app owns, and that app user's id (its app
            // profile is the user's from now on). A user not yet assigned to the app gets the
            // id with the assignment that follows.
            ChangeKind::Update if change.app_id.is_none() => {
                db.update_user(user_id, profile, at)?;
                db.update_app_user(
                    user_id,
                    import.app_id.as_str(),
                    change.external_id.as_deref(),
                    None,
                )?;
            }
            // Only the app user in that app: its id and its app profile.
            ChangeKind::Update => {
                let app_id = change.app_id.as_ref().ok_or_else(|| missing("app"))?;
                db.update_app_user(
                    user_id,
                    app_id.as_str(),
                    change.external_id.as_deref(),
                    change.profile.as_ref(),
                )?;
            }
            ChangeKind::Assign => {
                let app_id = change.app_id.as_ref().ok_or_else(|| missing("app"))?;
                db.add_app_user(
                    user_id,
                    app_id.as_str(),
                    change.group_rule_id.as_ref().map(|r| r.as_str()),
                    change.external_id.as_deref(),
                    change.profile.as_ref(),
                    at,
                )?;
            }
            ChangeKind::Unassign => {
                let app_id = change.app_id.as_ref().ok_or_else(|| missing("app"))?;
                if db.unassign(user_id, app_id.as_str())? {
                    let app_name = change.app_name.as_deref().unwrap_or(app_id.as_str());
                    db.append_event(&events::membership_removed(
                        actor,
                        import,
                        (user_id, &change.login),
                        (app_id.as_str(), app_name),
                        change.cause,
                        at,
                    ))?;
                }
            }
            ChangeKind::Deactivate => {
                db.set_user_status(user_id, UserStatus::Deactivated, at)?;
                db.append_event(&events::user_deactivated(
                    actor,
                    import,
                    user_id,
                    &change.login,
                    at,
                ))?;
            }
            ChangeKind::Reactivate => {
                db.set_user_status(user_id, UserStatus::Active, at)?;
                db.append_event(&events::user_reactivated(
                    actor,
                    import,
                    user_id,
                    &change.login,
                    at,
                ))?;
            }
            // The plan says what was left alone; there is nothing to apply.
            ChangeKind::Skip => {}
        }
    }
    Ok(())
}
