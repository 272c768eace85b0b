//! Resuming part of a paused import (version 2 of the rule book): which of its plan's changes a
//! resume applies when some users are excluded, or deactivations skipped.

use crate::ids::UserId;
use crate::plan::{Cause, Change, ChangeKind};
use crate::validation::FieldError;
use rustc_hash::FxHashSet as HashSet;

/// What the administrator leaves out of a resume.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResumeChoice {
    /// Users who keep everything: none of the plan's changes to them apply.
    pub exclude_user_ids: Vec<UserId>,
    /// No user is deactivated, and the unassignments caused only by a deactivation are skipped;
    /// removals from the source itself still apply.
    pub skip_deactivations: bool,
}

impl ResumeChoice {
    /// Whether the resume applies the whole plan.
    pub fn is_whole(&self) -> bool {
        self.exclude_user_ids.is_empty() && !self.skip_deactivations
    }
}

/// Whether `change` is skipped under `choice`, given the excluded users.
fn skips(change: &Change, excluded: &HashSet<&str>, skip_deactivations: bool) -> bool {
    let excluded_user = change
        .user_id
        .as_ref()
        .is_some_and(|id| excluded.contains(id.as_str()));
    let by_deactivation = skip_deactivations
        && (change.kind == ChangeKind::Deactivate
            || (change.kind == ChangeKind::Unassign && change.cause == Some(Cause::Deactivated)));
    excluded_user || by_deactivation
}

/// For each change of `changes`, whether the resume skips it; or, when an excluded id is not a
/// user the plan changes, the problems naming each such entry (`excludeUserIds[2]`), and
/// nothing may be resumed.
pub fn skipped(changes: &[Change], choice: &ResumeChoice) -> Result<Vec<bool>, Vec<FieldError>> {
    let changed: HashSet<&str> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Skip)
        .filter_map(|c| c.user_id.as_ref().map(UserId::as_str))
        .collect();
    let mut errors = Vec::new();
    let mut excluded: HashSet<&str> = HashSet::default();
    for (k, id) in choice.exclude_user_ids.iter().enumerate() {
        if !changed.contains(id.as_str()) {
            errors.push(FieldError::new(
                format!("excludeUserIds[{k}]"),
                format!("\"{id}\" is not a user this import's plan changes"),
            ));
        } else if !excluded.insert(id.as_str()) {
            errors.push(FieldError::new(
                format!("excludeUserIds[{k}]"),
                format!("\"{id}\" is listed twice"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(changes
        .iter()
        .map(|c| skips(c, &excluded, choice.skip_deactivations))
        .collect())
}

/// What a resume will apply, in numbers, for the administrator to read before the click.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResumeTotals {
    pub deactivations: u64,
    /// Every unassignment applied; `counted` those the safeguards count.
    pub unassignments: u64,
    pub counted: u64,
    pub skipped: u64,
}

/// The totals of a resume that skips the changes marked in `skipped`.
pub fn totals(changes: &[Change], skipped: &[bool]) -> ResumeTotals {
    let mut totals = ResumeTotals::default();
    for (change, &skip) in changes.iter().zip(skipped) {
        if skip {
            totals.skipped += 1;
            continue;
        }
        match change.kind {
            ChangeKind::Deactivate => totals.deactivations += 1,
            ChangeKind::Unassign => {
                totals.unassignments += 1;
                if change.cause.is_some_and(Cause::is_counted) {
                    totals.counted += 1;
                }
            }
            _ => {}
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AppId;

    fn change(kind: ChangeKind, user: &str, cause: Option<Cause>) -> Change {
        Change {
            kind,
            user_id: Some(UserId::from(user)),
            login: format!("{user}@example.com"),
            app_id: Some(AppId::from("app_a")),
            app_name: Some("A".to_owned()),
            cause,
            profile: None,
            group_rule_id: None,
            external_id: None,
        }
    }

    fn plan() -> Vec<Change> {
        vec![
            change(ChangeKind::Deactivate, "u1", Some(Cause::RemovedFromSource)),
            change(ChangeKind::Unassign, "u1", Some(Cause::RemovedFromSource)),
            change(ChangeKind::Unassign, "u1", Some(Cause::Deactivated)),
            change(ChangeKind::Unassign, "u2", Some(Cause::RemovedFromSource)),
        ]
    }

    #[test]
    fn an_excluded_user_keeps_everything() {
        let choice = ResumeChoice {
            exclude_user_ids: vec![UserId::from("u1")],
            skip_deactivations: false,
        };
        let skipped = skipped(&plan(), &choice).unwrap();
        assert_eq!(skipped, [true, true, true, false]);
        let t = totals(&plan(), &skipped);
        assert_eq!((t.deactivations, t.unassignments, t.skipped), (0, 1, 3));
    }

    #[test]
    fn skipping_deactivations_keeps_removals_from_the_source() {
        let choice = ResumeChoice {
            exclude_user_ids: Vec::new(),
            skip_deactivations: true,
        };
        assert_eq!(
            skipped(&plan(), &choice).unwrap(),
            [true, false, true, false]
        );
    }

    #[test]
    fn an_id_the_plan_does_not_change_is_named_and_nothing_is_resumed() {
        let choice = ResumeChoice {
            exclude_user_ids: vec![
                UserId::from("u2"),
                UserId::from("nobody"),
                UserId::from("u2"),
            ],
            skip_deactivations: false,
        };
        let errors = skipped(&plan(), &choice).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["excludeUserIds[1]", "excludeUserIds[2]"]);
    }
}
