//! An import's page in words: the cause of a roadblock, what a confirmation says will happen,
//! who started an import and from where, and each change of a plan.

use crate::format;
use safeguard_rules::api::{ChangeRow, ImportTrigger, ImportView, Resolution, SourceKind};
use safeguard_rules::evaluator::{LimitCheck, Scope};
use safeguard_rules::plan::{Cause, ChangeKind};

/// "App-level safeguard: 312 of 1,204 Workday users (25.9 %) would be unassigned; the limit at
/// 20 % is 240".
pub fn cause_sentence(check: &LimitCheck) -> String {
    let share = format::share(check.unassignments, check.population);
    // "at 20 %", "at a count of 50", "at 20 % or 50, whichever is smaller".
    let rule = match (check.percent, check.count) {
        (Some(p), None) => format!("{p} %"),
        _ => check.rule_text(),
    };
    match check.scope {
        Scope::App => format!(
            "App-level safeguard: {} of {} {} users ({share}) would be unassigned; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            check.app_name.as_deref().unwrap_or("app"),
            format::count(check.limit)
        ),
        Scope::Org => format!(
            "Org-level safeguard: {} of the org's {} app assignments ({share}) would be unassigned; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            format::count(check.limit)
        ),
        Scope::Deactivations => format!(
            "Deactivation budget: {} of the org's {} active users ({share}) would be deactivated; the limit at {rule} is {}",
            format::count(check.unassignments),
            format::count(check.population),
            format::count(check.limit)
        ),
    }
}

/// What a confirmation says will happen, exactly.
pub fn consequence(import: &ImportView, action: Resolution, queued: u64) -> String {
    let then = queued_words(queued);
    match action {
        Resolution::Resume => format!(
            "{} users will be unassigned and {} deactivated, as planned. {then}",
            format::count(import.counts.unassigned),
            format::count(import.counts.deactivated)
        ),
        Resolution::Cancel => format!(
            "The {} import ends as cancelled; nothing of it is applied. {then}",
            import.app_name
        ),
    }
}

/// What follows a resume or a cancel: the imports that waited run.
pub fn queued_words(queued: u64) -> String {
    match queued {
        0 => "No queued import is waiting.".to_owned(),
        1 => "Then 1 queued import will run.".to_owned(),
        n => format!("Then {n} queued imports will run, oldest first."),
    }
}

/// Who started an import, as "Started by: ..." ends.
pub fn trigger_words(trigger: ImportTrigger) -> &'static str {
    match trigger {
        ImportTrigger::Manual => "an administrator",
        ImportTrigger::Schedule => "schedule",
        ImportTrigger::Api => "the API",
    }
}

/// Where an import's users came from.
pub fn source_words(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Upload => "upload",
        SourceKind::Ldap => "LDAP directory",
        SourceKind::Scim => "SCIM service",
        SourceKind::CsvFile => "CSV file on the server",
    }
}

/// A change of a plan, in words. An `update` naming an app changed that app's app user (its
/// external ID or app profile); one without changed the user's profile.
pub fn change_words(row: &ChangeRow) -> &'static str {
    match row.kind {
        ChangeKind::Create => "Created",
        ChangeKind::Update if row.app_id.is_some() || row.app_name.is_some() => "App user updated",
        ChangeKind::Update => "Profile updated",
        ChangeKind::Assign => "Assigned",
        ChangeKind::Unassign => "Unassigned",
        ChangeKind::Deactivate => "Deactivated",
        ChangeKind::Reactivate => "Reactivated",
        ChangeKind::Skip => "Skipped: user deactivated",
    }
}

/// Why a change is in the plan, in words.
pub fn cause_words(cause: Cause) -> &'static str {
    match cause {
        Cause::RemovedFromSource => "removed from the source",
        Cause::Deactivated => "user deactivated by this import",
        Cause::GroupRule => "group rule (not counted by the safeguards)",
        Cause::UserDeactivated => "user is deactivated; this app does not reactivate",
    }
}

/// The kind filter of the change list: every kind, in administrators' words.
pub const KIND_FILTER: [(&str, &str); 8] = [
    ("", "All changes"),
    ("unassign", "Unassignments"),
    ("deactivate", "Deactivations"),
    ("reactivate", "Reactivated"),
    ("skip", "Skipped: user deactivated"),
    ("create", "Created"),
    ("update", "Updated (profiles and app users)"),
    ("assign", "Assignments"),
];
