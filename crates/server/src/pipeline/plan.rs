//! Planning an import: the rules crate's planner over the org as stored, and ids for the users
//! the plan creates, so every change of a stored plan names its user by id.

use super::PipelineError;
use crate::ids::new_id;
use crate::sources::Snapshot;
use crate::storage::Db;
use safeguard_rules::UserId;
use safeguard_rules::org::App;
use safeguard_rules::org::fold_login;
use safeguard_rules::plan::{Change, Counts, Impact};
use std::collections::HashMap;

/// A plan whose changes all carry a user id.
pub struct Planned {
    pub changes: Vec<Change>,
    pub counts: Counts,
    pub impact: Impact,
}

/// The app an import reads from, or the error that names it as unknown.
pub fn app_of(db: &Db<'_>, app_id: &str) -> Result<App, PipelineError> {
    db.app(app_id)?
        .ok_or_else(|| PipelineError::UnknownApp(app_id.to_owned()))
}

/// Plans `snapshot` for `app` against the org as `db` sees it now: a dry run, a new import, a
/// queued import's provisional plan and its real one when its turn comes all plan this way.
/// On the writer the org is loaded once and kept between imports ([`Db::indexed_org`]).
pub fn plan_now(db: &Db<'_>, app: &App, snapshot: &Snapshot) -> Result<Planned, PipelineError> {
    let org = db.indexed_org()?;
    let plan = snapshot.plan(app, &org)?;
    let mut changes = plan.changes;
    // A user the plan creates appears in several changes (create, then assigns), all by login.
    let mut new_users: HashMap<String, UserId> = HashMap::new();
    for change in &mut changes {
        if change.user_id.is_none() {
            let id = new_users
                .entry(fold_login(&change.login).into_owned())
                .or_insert_with(|| UserId(new_id("usr")))
                .clone();
            change.user_id = Some(id);
        }
    }
    Ok(Planned {
        changes,
        counts: plan.counts,
        impact: plan.impact,
    })
}
