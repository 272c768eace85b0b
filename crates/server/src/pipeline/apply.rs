//! Applying a plan to the org, change by change, inside the caller's transaction. The per-change
//! System Log events (each deactivation, each unassignment) are written in the same transaction.

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
            ChangeKind::Update => db.update_user(user_id, profile, at)?,
            ChangeKind::Assign => {
                let app_id = change.app_id.as_ref().ok_or_else(|| missing("app"))?;
                db.assign(
                    user_id,
                    app_id.as_str(),
                    change.group_rule_id.as_ref().map(|r| r.as_str()),
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
        }
    }
    Ok(())
}
