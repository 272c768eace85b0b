//! A paused import's plan as the review of a resume needs it: the users it changes, the apps
//! they are in, and what a resume that leaves some of them out (or skips deactivations) will
//! apply, in numbers.
//!
//! The numbers come from the rules crate's `resume::{skipped, totals}`, the rule the server
//! applies, over the whole plan. The console reads the whole plan because the changes endpoint
//! filters by kind and app only, not by user: it cannot ask for one excluded user's changes, and
//! the import's counts alone cannot say which unassignments a deactivation caused. A plan larger
//! than [`REVIEW_MAX_CHANGES`] is not read (one request per 1,000 changes); only a resume of the
//! whole plan is offered for it.

use crate::format;
use safeguard_rules::api::ChangeRow;
use safeguard_rules::ids::UserId;
use safeguard_rules::plan::{Change, ChangeKind};
use safeguard_rules::resume::{ResumeChoice, ResumeTotals, skipped, totals};
use std::collections::{BTreeMap, BTreeSet};

/// The most changes the console reads to review a resume user by user.
pub const REVIEW_MAX_CHANGES: u64 = 50_000;

/// One user the plan changes, with what it changes for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedUser {
    pub user_id: String,
    pub login: String,
    pub unassignments: u64,
    pub deactivated: bool,
    /// Every other change (created, updated, assigned, reactivated).
    pub other: u64,
    /// The names of the apps the user has a change in, in plan order.
    pub apps: Vec<String>,
}

impl AffectedUser {
    /// "3 unassignments, deactivated · Workday, Slack".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.deactivated {
            parts.push("deactivated".to_owned());
        }
        if self.unassignments > 0 {
            parts.push(plural(self.unassignments, "unassignment", "unassignments"));
        }
        if self.other > 0 {
            parts.push(plural(self.other, "other change", "other changes"));
        }
        format!("{} · {}", parts.join(", "), self.apps.join(", "))
    }

    /// Whether the search box's text finds this user: the login, as the rows have it.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty() || self.login.to_lowercase().contains(&needle.to_lowercase())
    }
}

/// An app with its affected users' ids, for ticking or unticking them all at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedApp {
    pub name: String,
    pub user_ids: BTreeSet<String>,
}

/// The whole plan of a paused import, grouped by user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewPlan {
    changes: Vec<Change>,
    pub users: Vec<AffectedUser>,
    pub apps: Vec<AffectedApp>,
}

impl ReviewPlan {
    pub fn new(rows: Vec<ChangeRow>) -> Self {
        let mut users: Vec<AffectedUser> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut apps: Vec<AffectedApp> = Vec::new();
        for row in &rows {
            // A `skip` row changes nothing: the server refuses to exclude a user it alone names.
            if row.kind == ChangeKind::Skip {
                continue;
            }
            let id = row.user_id.as_str().to_owned();
            let k = *index.entry(id.clone()).or_insert_with(|| {
                users.push(AffectedUser {
                    user_id: id.clone(),
                    login: row.login.clone(),
                    unassignments: 0,
                    deactivated: false,
                    other: 0,
                    apps: Vec::new(),
                });
                users.len() - 1
            });
            let user = &mut users[k];
            match row.kind {
                ChangeKind::Unassign => user.unassignments += 1,
                ChangeKind::Deactivate => user.deactivated = true,
                _ => user.other += 1,
            }
            if let Some(name) = &row.app_name {
                if !user.apps.contains(name) {
                    user.apps.push(name.clone());
                }
                match apps.iter_mut().find(|a| &a.name == name) {
                    Some(app) => {
                        app.user_ids.insert(id);
                    }
                    None => apps.push(AffectedApp {
                        name: name.clone(),
                        user_ids: BTreeSet::from([id]),
                    }),
                }
            }
        }
        let changes = rows
            .into_iter()
            .map(|row| Change {
                kind: row.kind,
                user_id: Some(row.user_id),
                login: row.login,
                app_id: row.app_id,
                app_name: row.app_name,
                cause: row.cause,
                profile: None,
                external_id: None,
                group_rule_id: None,
            })
            .collect();
        Self {
            changes,
            users,
            apps,
        }
    }

    /// What a resume that leaves out `excluded` (and deactivations, with `skip_deactivations`)
    /// applies, beside what the whole plan would; or the server's own words for a choice it
    /// would refuse.
    pub fn summary(
        &self,
        excluded: &BTreeSet<String>,
        skip_deactivations: bool,
    ) -> Result<ResumeSummary, String> {
        let choice = ResumeChoice {
            exclude_user_ids: excluded
                .iter()
                .map(|id| UserId::from(id.as_str()))
                .collect(),
            skip_deactivations,
        };
        let marks = skipped(&self.changes, &choice).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let none = vec![false; self.changes.len()];
        Ok(ResumeSummary {
            applied: totals(&self.changes, &marks),
            whole: totals(&self.changes, &none),
            left_out_users: excluded.len() as u64,
            skip_deactivations,
        })
    }
}

/// What a resume applies and what it leaves out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResumeSummary {
    pub applied: ResumeTotals,
    pub whole: ResumeTotals,
    pub left_out_users: u64,
    pub skip_deactivations: bool,
}

impl ResumeSummary {
    pub fn is_whole(&self) -> bool {
        self.left_out_users == 0 && !self.skip_deactivations
    }

    pub fn skipped_unassignments(&self) -> u64 {
        self.whole.unassignments - self.applied.unassignments
    }

    pub fn skipped_deactivations(&self) -> u64 {
        self.whole.deactivations - self.applied.deactivations
    }

    /// "Resume will apply 150 unassignments and 50 deactivations; 10 users are left out: 30
    /// unassignments and 10 deactivations skipped".
    pub fn sentence(&self) -> String {
        let apply = format!(
            "Resume will apply {} and {}",
            plural(self.applied.unassignments, "unassignment", "unassignments"),
            plural(self.applied.deactivations, "deactivation", "deactivations")
        );
        let who = match (self.left_out_users, self.skip_deactivations) {
            (0, false) => return format!("{apply}; nothing is left out"),
            (0, true) => "deactivations are left out".to_owned(),
            (1, false) => "1 user is left out".to_owned(),
            (n, false) => format!("{} users are left out", format::count(n)),
            (1, true) => "1 user and deactivations are left out".to_owned(),
            (n, true) => format!("{} users and deactivations are left out", format::count(n)),
        };
        format!(
            "{apply}; {who}: {} and {} skipped",
            plural(
                self.skipped_unassignments(),
                "unassignment",
                "unassignments"
            ),
            plural(
                self.skipped_deactivations(),
                "deactivation",
                "deactivations"
            )
        )
    }

    /// The resume button: "Resume All Imports", or what it leaves out.
    pub fn button(&self) -> String {
        let users = || plural(self.left_out_users, "user", "users");
        match (self.left_out_users, self.skip_deactivations) {
            (0, false) => "Resume All Imports".to_owned(),
            (0, true) => "Resume without deactivations".to_owned(),
            (_, false) => format!("Resume without {}", users()),
            (_, true) => format!("Resume without {} or deactivations", users()),
        }
    }
}

/// "1 unassignment", "1,204 unassignments".
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", format::count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::plan::Cause;

    fn row(kind: ChangeKind, user: &str, app: &str, cause: Option<Cause>) -> ChangeRow {
        ChangeRow {
            kind,
            user_id: UserId::from(user),
            login: format!("{user}@example.com"),
            app_id: Some(format!("app_{app}").as_str().into()),
            app_name: Some(app.to_owned()),
            cause,
            skipped: false,
        }
    }

    /// u1 is deactivated by Workday and loses Slack with it; u2 is removed from Slack only.
    fn plan() -> ReviewPlan {
        ReviewPlan::new(vec![
            row(
                ChangeKind::Deactivate,
                "u1",
                "Workday",
                Some(Cause::RemovedFromSource),
            ),
            row(
                ChangeKind::Unassign,
                "u1",
                "Workday",
                Some(Cause::RemovedFromSource),
            ),
            row(
                ChangeKind::Unassign,
                "u1",
                "Slack",
                Some(Cause::Deactivated),
            ),
            row(
                ChangeKind::Unassign,
                "u2",
                "Slack",
                Some(Cause::RemovedFromSource),
            ),
            row(
                ChangeKind::Skip,
                "u3",
                "Slack",
                Some(Cause::UserDeactivated),
            ),
        ])
    }

    #[test]
    fn the_plan_is_grouped_by_user_and_by_app() {
        let plan = plan();
        let logins: Vec<_> = plan.users.iter().map(|u| u.login.as_str()).collect();
        assert_eq!(
            logins,
            ["u1@example.com", "u2@example.com"],
            "a skip row is no change to leave out"
        );
        assert_eq!(
            plan.users[0].summary(),
            "deactivated, 2 unassignments · Workday, Slack"
        );
        let slack = plan.apps.iter().find(|a| a.name == "Slack").unwrap();
        assert_eq!(slack.user_ids.len(), 2);
        assert!(plan.users[1].matches("U2@"));
    }

    #[test]
    fn nothing_left_out_resumes_all_imports() {
        let summary = plan().summary(&BTreeSet::new(), false).unwrap();
        assert!(summary.is_whole());
        assert_eq!(summary.button(), "Resume All Imports");
        assert_eq!(
            summary.sentence(),
            "Resume will apply 3 unassignments and 1 deactivation; nothing is left out"
        );
    }

    #[test]
    fn a_left_out_user_keeps_all_their_changes() {
        let excluded = BTreeSet::from(["u1".to_owned()]);
        let summary = plan().summary(&excluded, false).unwrap();
        assert_eq!(summary.button(), "Resume without 1 user");
        assert_eq!(
            summary.sentence(),
            "Resume will apply 1 unassignment and 0 deactivations; 1 user is left out: \
             2 unassignments and 1 deactivation skipped"
        );
    }

    #[test]
    fn skipping_deactivations_keeps_removals_from_the_source() {
        let summary = plan().summary(&BTreeSet::new(), true).unwrap();
        assert_eq!(summary.button(), "Resume without deactivations");
        assert_eq!(
            summary.sentence(),
            "Resume will apply 2 unassignments and 0 deactivations; deactivations are left out: \
             1 unassignment and 1 deactivation skipped"
        );
    }

    #[test]
    fn a_user_the_plan_does_not_change_is_refused_in_the_servers_words() {
        let excluded = BTreeSet::from(["u3".to_owned()]);
        let error = plan().summary(&excluded, false).unwrap_err();
        assert!(error.contains("\"u3\" is not a user"), "{error}");
    }
}
