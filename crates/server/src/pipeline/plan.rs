//! Planning an import: the rules crate's planner over the org as stored, and ids for the users
//! the plan creates, so every change of a stored plan names its user by id.

use crate::ids::new_id;
use crate::storage::Org;
use safeguard_rules::org::App;
use safeguard_rules::plan::{Change, Counts, Impact};
use safeguard_rules::planner::fold_login;
use safeguard_rules::snapshot::SnapshotUser;
use safeguard_rules::{PlanInput, UserId, plan_import};
use std::collections::HashMap;

/// A plan whose changes all carry a user id.
pub struct Planned {
    pub changes: Vec<Change>,
    pub counts: Counts,
    pub impact: Impact,
}

pub fn plan(app: &App, org: &Org, snapshot: &[SnapshotUser]) -> Planned {
    let plan = plan_import(PlanInput {
        app,
        users: &org.users,
        assignments: &org.assignments,
        populations: &org.populations,
        group_rules: &org.group_rules,
        snapshot,
    });
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
    Planned {
        changes,
        counts: plan.counts,
        impact: plan.impact,
    }
}
