//! The System Log events the rule book asks for, built in the Okta-like [`LogEvent`] shape.
//!
//! Each function builds one event; the pipeline stores it in the same transaction as the change
//! it records, so the log never tells of a change that did not happen.

pub mod access;
pub mod apps;
pub mod sources;
pub mod webhooks;

use crate::actor::Actor;
use crate::ids::new_uuid;
use crate::storage::ImportRow;
use safeguard_rules::api::logs::DebugContext;
use safeguard_rules::api::{LogEvent, LogOutcome, LogTarget, SafeguardsView};
use safeguard_rules::evaluator::{LimitCheck, Roadblock};
use safeguard_rules::plan::Cause;
use safeguard_rules::resume::{ResumeChoice, ResumeTotals};
use serde_json::{Map, Value, json};

// One argument per field of the event's shape reads better than a builder here.
#[allow(clippy::too_many_arguments)]
fn event(
    event_type: &str,
    severity: &str,
    message: String,
    actor: &Actor,
    target: Vec<LogTarget>,
    outcome: LogOutcome,
    debug: Value,
    at: &str,
) -> LogEvent {
    let debug_data = match debug {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    LogEvent {
        uuid: new_uuid(),
        published: at.to_owned(),
        event_type: event_type.to_owned(),
        severity: severity.to_owned(),
        display_message: message,
        actor: actor.to_log(),
        target,
        outcome,
        debug_context: DebugContext { debug_data },
    }
}

fn success() -> LogOutcome {
    LogOutcome {
        result: "SUCCESS".to_owned(),
        reason: None,
    }
}

fn target(id: &str, kind: &str, name: &str) -> LogTarget {
    LogTarget {
        id: id.to_owned(),
        kind: kind.to_owned(),
        display_name: name.to_owned(),
    }
}

fn import_targets(import: &ImportRow) -> Vec<LogTarget> {
    vec![
        target(import.app_id.as_str(), "AppInstance", &import.app_name),
        target(
            &import.id,
            "Import",
            &format!("Import from {}", import.app_name),
        ),
    ]
}

pub fn import_started(actor: &Actor, import: &ImportRow, at: &str) -> LogEvent {
    event(
        "system.import.start",
        "INFO",
        format!("Import from {} started", import.app_name),
        actor,
        import_targets(import),
        success(),
        json!({"importId": import.id, "appId": import.app_id, "scanned": import.counts.scanned}),
        at,
    )
}

/// The end of an import that ran: completed, or failed with the reason.
pub fn import_completed(actor: &Actor, import: &ImportRow, at: &str) -> LogEvent {
    let (outcome, severity, message) = match &import.error {
        None => (
            success(),
            "INFO",
            format!("Import from {} completed", import.app_name),
        ),
        Some(reason) => (
            LogOutcome {
                result: "FAILURE".to_owned(),
                reason: Some(reason.clone()),
            },
            "ERROR",
            format!("Import from {} failed", import.app_name),
        ),
    };
    event(
        "system.import.complete",
        severity,
        message,
        actor,
        import_targets(import),
        outcome,
        json!({
            "importId": import.id,
            "appId": import.app_id,
            "status": import.status.as_str(),
            "counts": import.counts,
        }),
        at,
    )
}

fn limit_json(check: &LimitCheck) -> Value {
    json!(check)
}

/// An import paused by a safeguard: the cause, every exceeded limit and the plan's counts.
pub fn roadblock(actor: &Actor, import: &ImportRow, roadblock: &Roadblock, at: &str) -> LogEvent {
    let cause = &roadblock.cause;
    let scope = match cause.scope {
        safeguard_rules::evaluator::Scope::App => "app",
        safeguard_rules::evaluator::Scope::Org => "org",
        safeguard_rules::evaluator::Scope::Deactivations => "deactivation",
    };
    let where_ = cause
        .app_name
        .as_deref()
        .map_or_else(|| "the org".to_owned(), |name| format!("app {name}"));
    event(
        "system.import.roadblock",
        "WARN",
        format!(
            "Import from {} paused: {} {} in {} exceed the {scope}-level limit of {} ({} of {})",
            import.app_name,
            cause.unassignments,
            if cause.scope == safeguard_rules::evaluator::Scope::Deactivations {
                "deactivations"
            } else {
                "unassignments"
            },
            where_,
            cause.limit,
            cause.rule_text(),
            cause.population
        ),
        actor,
        import_targets(import),
        LogOutcome {
            result: "DENY".to_owned(),
            reason: Some(format!("{scope}-level safeguard exceeded")),
        },
        json!({
            "importId": import.id,
            "appId": import.app_id,
            "scope": scope,
            "cause": limit_json(cause),
            "limit": cause.limit,
            "percent": cause.percent,
            "population": cause.population,
            "unassignments": cause.unassignments,
            "exceeded": roadblock.exceeded.iter().map(limit_json).collect::<Vec<_>>(),
            "counts": import.counts,
            "impact": import.impact,
        }),
        at,
    )
}

/// A roadblock resolved: resumed (`Some`, with what the resume left out and applied) or
/// cancelled (`None`).
pub fn roadblock_resolved(
    actor: &Actor,
    import: &ImportRow,
    resumed: Option<(&ResumeChoice, &ResumeTotals)>,
    at: &str,
) -> LogEvent {
    let mut data = json!({"importId": import.id, "appId": import.app_id});
    let (event_type, message) = if let Some((choice, totals)) = resumed {
        data["excludeUserIds"] = json!(choice.exclude_user_ids);
        data["skipDeactivations"] = json!(choice.skip_deactivations);
        data["skippedChanges"] = json!(totals.skipped);
        data["appliedDeactivations"] = json!(totals.deactivations);
        data["appliedUnassignments"] = json!(totals.unassignments);
        let message = if choice.is_whole() {
            format!(
                "Roadblock resumed: the import from {} is applied as planned and queued imports run",
                import.app_name
            )
        } else {
            format!(
                "Roadblock resumed in part: the import from {} is applied without {} of its changes ({} users excluded{}) and queued imports run",
                import.app_name,
                totals.skipped,
                choice.exclude_user_ids.len(),
                if choice.skip_deactivations {
                    ", no deactivations"
                } else {
                    ""
                }
            )
        };
        ("system.import.roadblock.resume", message)
    } else {
        (
            "system.import.roadblock.cancel",
            format!(
                "Roadblock cancelled: the import from {} is cancelled and queued imports run",
                import.app_name
            ),
        )
    };
    event(
        event_type,
        "INFO",
        message,
        actor,
        import_targets(import),
        success(),
        data,
        at,
    )
}

fn settings_json(view: &SafeguardsView) -> Value {
    json!(view)
}

pub fn safeguards_updated(
    actor: &Actor,
    old: &SafeguardsView,
    new: &SafeguardsView,
    at: &str,
) -> LogEvent {
    event(
        "system.import.safeguard.update",
        "INFO",
        format!(
            "Import safeguards changed: app level {} {} % -> {} {} %, org level {} {} % -> {} {} %",
            on_off(old.app_level.enabled),
            old.app_level.percent,
            on_off(new.app_level.enabled),
            new.app_level.percent,
            on_off(old.org_level.enabled),
            old.org_level.percent,
            on_off(new.org_level.enabled),
            new.org_level.percent,
        ),
        actor,
        vec![target(
            "safeguards",
            "ImportSafeguards",
            "Import safeguards",
        )],
        success(),
        json!({
            "old": settings_json(old),
            "new": settings_json(new),
            "changedBy": actor.id,
        }),
        at,
    )
}

/// An app's override set, changed or removed (`new: None`), with the values before and after.
pub fn app_safeguard_updated(
    actor: &Actor,
    app: (&str, &str),
    old: Option<&safeguard_rules::api::AppOverrideView>,
    new: Option<&safeguard_rules::api::AppOverrideView>,
    at: &str,
) -> LogEvent {
    let (app_id, app_name) = app;
    let rule = |o: Option<&safeguard_rules::api::AppOverrideView>| match o {
        None => "the org-wide app level".to_owned(),
        Some(o) if !o.enabled => "off".to_owned(),
        Some(o) => safeguard_rules::evaluator::rule_text(o.percent, o.count),
    };
    event(
        "system.import.safeguard.update",
        "INFO",
        format!(
            "App-level safeguard of {app_name} changed: {} -> {}",
            rule(old),
            rule(new)
        ),
        actor,
        vec![target(app_id, "AppInstance", app_name)],
        success(),
        json!({"appId": app_id, "old": old, "new": new, "changedBy": actor.id}),
        at,
    )
}

fn on_off(enabled: bool) -> &'static str {
    if enabled { "on" } else { "off" }
}

pub fn user_deactivated(
    actor: &Actor,
    import: &ImportRow,
    user_id: &str,
    login: &str,
    at: &str,
) -> LogEvent {
    event(
        "user.lifecycle.deactivate",
        "INFO",
        format!("User {login} deactivated: removed from {}", import.app_name),
        actor,
        vec![
            target(user_id, "User", login),
            target(import.app_id.as_str(), "AppInstance", &import.app_name),
        ],
        success(),
        json!({"importId": import.id, "appId": import.app_id}),
        at,
    )
}

pub fn user_reactivated(
    actor: &Actor,
    import: &ImportRow,
    user_id: &str,
    login: &str,
    at: &str,
) -> LogEvent {
    event(
        "user.lifecycle.reactivate",
        "INFO",
        format!(
            "User {login} reactivated: listed again by {}",
            import.app_name
        ),
        actor,
        vec![
            target(user_id, "User", login),
            target(import.app_id.as_str(), "AppInstance", &import.app_name),
        ],
        success(),
        json!({"importId": import.id, "appId": import.app_id}),
        at,
    )
}

pub fn membership_removed(
    actor: &Actor,
    import: &ImportRow,
    user: (&str, &str),
    app: (&str, &str),
    cause: Option<Cause>,
    at: &str,
) -> LogEvent {
    let (user_id, login) = user;
    let (app_id, app_name) = app;
    event(
        "application.user_membership.remove",
        "INFO",
        format!("User {login} unassigned from {app_name}"),
        actor,
        vec![
            target(user_id, "User", login),
            target(app_id, "AppInstance", app_name),
        ],
        success(),
        json!({
            "importId": import.id,
            "sourceAppId": import.app_id,
            "cause": cause.map(Cause::as_str),
        }),
        at,
    )
}

/// How the delivery of one message ended, for its `system.email.delivery` event.
#[derive(Clone, Copy, Debug)]
pub enum Delivery<'a> {
    /// Accepted by the SMTP server; its reply.
    Sent(&'a str),
    /// No SMTP server is configured: kept in the outbox, which the console shows.
    Outbox,
    /// The SMTP server refused the address permanently; its reply.
    Bounced(&'a str),
    /// Not sent: the address is on the bounce list.
    OnBounceList,
    /// Not sent: every attempt failed; the last error.
    RetriesExhausted(&'a str),
    /// Not sent: the recipient cannot be an address; why.
    Undeliverable(&'a str),
}

/// One delivery of a roadblock email: SUCCESS, or FAILURE with reason `bounce` (the server
/// refused the address) or `dropped` (not sent: bounce list, retries ran out, not an address).
pub fn email_delivery(
    message: &safeguard_rules::api::OutboxMessage,
    delivery: Delivery<'_>,
    at: &str,
) -> LogEvent {
    let to = &message.recipient;
    let mut debug = json!({
        "category": message.category,
        "recipient": to,
        "importId": message.import_id,
        "messageId": message.id,
        "subject": message.subject,
        "attempt": message.attempts,
        "transport": if matches!(delivery, Delivery::Outbox) { "outbox" } else { "smtp" },
    });
    let failure = |reason: &str| LogOutcome {
        result: "FAILURE".to_owned(),
        reason: Some(reason.to_owned()),
    };
    let (severity, outcome, text, reply, dropped) = match delivery {
        Delivery::Sent(reply) => (
            "INFO",
            success(),
            format!("Email \"{}\" delivered to {to}", message.subject),
            Some(("smtpReply", reply)),
            None,
        ),
        Delivery::Outbox => (
            "INFO",
            success(),
            format!(
                "Email \"{}\" to {to} kept in the outbox: no SMTP server is configured",
                message.subject
            ),
            None,
            None,
        ),
        Delivery::Bounced(reply) => (
            "WARN",
            failure("bounce"),
            format!(
                "Email \"{}\" to {to} bounced: the mail server refused the address, which is now on the bounce list",
                message.subject
            ),
            Some(("smtpReply", reply)),
            None,
        ),
        Delivery::OnBounceList => (
            "WARN",
            failure("dropped"),
            format!(
                "Email \"{}\" to {to} dropped: the address is on the bounce list",
                message.subject
            ),
            None,
            Some("bounceList"),
        ),
        Delivery::RetriesExhausted(error) => (
            "WARN",
            failure("dropped"),
            format!(
                "Email \"{}\" to {to} dropped after {} attempts: {error}",
                message.subject, message.attempts
            ),
            Some(("lastError", error)),
            Some("retriesExhausted"),
        ),
        Delivery::Undeliverable(why) => (
            "WARN",
            failure("dropped"),
            format!("Email \"{}\" to {to} dropped: {why}", message.subject),
            None,
            Some("invalidAddress"),
        ),
    };
    if let Value::Object(map) = &mut debug {
        if let Some((key, text)) = reply {
            map.insert(key.to_owned(), json!(text));
        }
        if let Some(dropped) = dropped {
            map.insert("dropReason".to_owned(), json!(dropped));
        }
    }
    event(
        "system.email.delivery",
        severity,
        text,
        &Actor::system(),
        message
            .import_id
            .iter()
            .map(|id| {
                let app = message.app_name.as_deref().unwrap_or_default();
                target(id, "Import", &format!("Import from {app}"))
            })
            .chain([target(to, "EmailAddress", to)])
            .collect(),
        outcome,
        debug,
        at,
    )
}

/// An address taken off the bounce list by an administrator: it receives email again.
pub fn bounce_removed(actor: &Actor, bounce: &safeguard_rules::api::Bounce, at: &str) -> LogEvent {
    let address = &bounce.email_address;
    event(
        "system.email.bounce.remove",
        "INFO",
        format!("{address} removed from the email bounce list"),
        actor,
        vec![target(address, "EmailAddress", address)],
        success(),
        json!({
            "emailAddress": address,
            "addedAt": bounce.added_at,
            "reason": bounce.reason,
        }),
        at,
    )
}
