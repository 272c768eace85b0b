//! The text of the roadblock email: a pure function of the paused import, so what administrators
//! read is tested without a server.

use safeguard_rules::api::email::ROADBLOCK_SUBJECT;
use safeguard_rules::evaluator::{LimitCheck, Roadblock, Scope};
use safeguard_rules::plan::Impact;

/// An email's text. It is sent as plain text and, beside it, as the same text in HTML
/// ([`html`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

/// The link to an import in the console (the console's route `/imports/:id`).
pub fn import_link(public_url: &str, import_id: &str) -> String {
    format!("{}/imports/{import_id}", public_url.trim_end_matches('/'))
}

/// "High number of app unassignments": which app's import is paused, by which safeguard, the
/// counts against the limit (every exceeded limit, the cause first), every app it would
/// unassign users from with its counts, and the link to review it.
pub fn roadblock(
    app_name: &str,
    import_id: &str,
    roadblock: &Roadblock,
    impact: &Impact,
    public_url: &str,
) -> Email {
    let cause = &roadblock.cause;
    let mut body = String::new();
    body.push_str(&paused_sentence(app_name, cause.scope));
    body.push_str(
        " Nothing of it has been applied, and every import started until an administrator \
         resolves it waits in a queue.\n\n",
    );
    body.push_str(&format!("App: {app_name}\n"));
    body.push_str(&format!(
        "Safeguard: {}, limit {} of {}\n",
        level(cause.scope),
        cause.rule_text(),
        match cause.scope {
            Scope::App => "an app's users",
            Scope::Org => "the org's users",
            Scope::Deactivations => "the org's active users",
        }
    ));
    body.push_str(&format!("Exceeded: {}\n", limit_line(cause)));
    for other in roadblock.exceeded.iter().filter(|c| *c != cause) {
        body.push_str(&format!("Also exceeded: {}\n", limit_line(other)));
    }
    if !impact.apps.is_empty() {
        body.push_str("Affected apps:\n");
        for app in &impact.apps {
            body.push_str(&format!(
                "- {}: {} of {} users would be unassigned{}\n",
                app.app_name,
                app.unassignments,
                app.population,
                share(app.unassignments, app.population)
            ));
        }
    }
    body.push_str(&format!("Import: {import_id}\n\n"));
    body.push_str(
        "Review the planned changes, then choose \"Resume All Imports\" or \"Cancel the \
         Affected Import and Resume Other Imports\":\n",
    );
    body.push_str(&import_link(public_url, import_id));
    body.push('\n');
    Email {
        subject: ROADBLOCK_SUBJECT.to_owned(),
        body,
    }
}

/// A webhook the server turned off: which, why, what it means, and where to turn it back on.
pub fn webhook_disabled(name: &str, url: &str, reason: &str, public_url: &str) -> Email {
    let mut body = format!(
        "Safeguard turned off the webhook \"{name}\", which sends events to {url}: {reason}.\n\n"
    );
    body.push_str(
        "Events are no longer sent to it, and what it had waiting was cancelled; roadblocks \
         are still emailed. Once the receiver works again, turn the webhook back on (and send \
         a test) on the Webhooks page:\n",
    );
    body.push_str(&format!(
        "{}/settings/webhooks\n",
        public_url.trim_end_matches('/')
    ));
    Email {
        subject: format!("Webhook turned off: {name}"),
        body,
    }
}

/// The roadblock's first sentence, the same in email and in chat: "An import from Workday was
/// paused by the app-level safeguard: it would unassign more users than the safeguard allows."
pub fn paused_sentence(app_name: &str, scope: Scope) -> String {
    let would = if scope == Scope::Deactivations {
        "deactivate"
    } else {
        "unassign"
    };
    format!(
        "An import from {app_name} was paused by the {} safeguard: it would {would} more users \
         than the safeguard allows.",
        level(scope)
    )
}

fn level(scope: Scope) -> &'static str {
    match scope {
        Scope::App => "app-level",
        Scope::Org => "org-level",
        Scope::Deactivations => "deactivation",
    }
}

/// `app Slack: 60 unassignments of 100 users (60.0 %), over the app-level limit of 20 (20 %)`.
fn limit_line(check: &LimitCheck) -> String {
    let place = match (check.scope, check.app_name.as_deref()) {
        (Scope::App, Some(name)) => format!("app {name}"),
        (Scope::App, None) => "an app".to_owned(),
        (Scope::Org | Scope::Deactivations, _) => "the org".to_owned(),
    };
    let counted = if check.scope == Scope::Deactivations {
        "deactivations"
    } else {
        "unassignments"
    };
    let share = share(check.unassignments, check.population);
    format!(
        "{place}: {} {counted} of {} users{share}, over the {} limit of {} ({})",
        check.unassignments,
        check.population,
        level(check.scope),
        check.limit,
        check.rule_text()
    )
}

/// ` (60.0 %)`, or nothing for an empty population.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        String::new()
    } else {
        format!(" ({:.1} %)", part as f64 * 100.0 / whole as f64)
    }
}

/// The HTML part of an email: the same text, escaped, its paragraphs as paragraphs, its lines
/// of `- ` as a list and its links as links, so that a mail client that shows HTML shows what
/// the plain text says and nothing else.
pub fn html(subject: &str, text: &str) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n",
        escape(subject)
    );
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let mut in_list = false;
        let mut lines = Vec::new();
        for line in paragraph.lines() {
            if let Some(item) = line.strip_prefix("- ") {
                if !in_list {
                    lines.push("<ul>".to_owned());
                    in_list = true;
                }
                lines.push(format!("<li>{}</li>", inline(item)));
            } else {
                if in_list {
                    lines.push("</ul>".to_owned());
                    in_list = false;
                }
                lines.push(format!("{}<br>", inline(line)));
            }
        }
        if in_list {
            lines.push("</ul>".to_owned());
        }
        out.push_str(&format!("<p>{}</p>\n", lines.join("\n")));
    }
    out.push_str("</body></html>\n");
    out
}

/// A line of text as HTML: escaped, with an http(s) URL that is the whole of a word as a link.
fn inline(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.starts_with("http://") || word.starts_with("https://") {
                let url = escape(word);
                format!("<a href=\"{url}\">{url}</a>")
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::AppId;

    fn app_check(name: &str, unassignments: u64) -> LimitCheck {
        LimitCheck {
            scope: Scope::App,
            app_id: Some(AppId(format!("app_{name}"))),
            app_name: Some(name.to_owned()),
            percent: Some(20),
            count: None,
            basis: Default::default(),
            population: 100,
            limit: 20,
            unassignments,
        }
    }

    #[test]
    fn an_app_level_roadblock_names_the_app_the_counts_the_limit_and_the_link() {
        let cause = app_check("Slack", 60);
        let org = LimitCheck {
            scope: Scope::Org,
            app_id: None,
            app_name: None,
            percent: Some(25),
            count: None,
            basis: Default::default(),
            population: 400,
            limit: 100,
            unassignments: 130,
        };
        let impact = Impact {
            deactivations: 0,
            active_users: 0,
            org_population: 400,
            apps: vec![
                safeguard_rules::plan::AppImpact {
                    app_id: AppId("app_Slack".to_owned()),
                    app_name: "Slack".to_owned(),
                    population: 100,
                    unassignments: 60,
                },
                safeguard_rules::plan::AppImpact {
                    app_id: AppId("app_Zoom".to_owned()),
                    app_name: "Zoom <EU>".to_owned(),
                    population: 300,
                    unassignments: 70,
                },
            ],
        };
        let email = roadblock(
            "Workday",
            "imp_1",
            &Roadblock {
                cause: cause.clone(),
                exceeded: vec![cause, org],
            },
            &impact,
            "http://console.example:8080/",
        );
        assert!(email.body.contains(
            "Affected apps:\n- Slack: 60 of 100 users would be unassigned (60.0 %)\n- Zoom <EU>: 70 of 300 users would be unassigned (23.3 %)\n"
        ));
        let html = html(&email.subject, &email.body);
        assert!(html.contains("<title>High number of app unassignments</title>"));
        assert!(
            html.contains("<li>Zoom &lt;EU&gt;: 70 of 300 users would be unassigned (23.3 %)</li>")
        );
        assert!(html.contains(
            "<a href=\"http://console.example:8080/imports/imp_1\">http://console.example:8080/imports/imp_1</a>"
        ));
        assert_eq!(html.matches("<ul>").count(), 1);
        assert_eq!(email.subject, "High number of app unassignments");
        assert!(
            email
                .body
                .starts_with("An import from Workday was paused by the app-level safeguard")
        );
        assert!(email.body.contains("App: Workday\n"));
        assert!(
            email
                .body
                .contains("Safeguard: app-level, limit 20 % of an app's users\n")
        );
        assert!(email.body.contains(
            "Exceeded: app Slack: 60 unassignments of 100 users (60.0 %), over the app-level limit of 20 (20 %)\n"
        ));
        assert!(email.body.contains(
            "Also exceeded: the org: 130 unassignments of 400 users (32.5 %), over the org-level limit of 100 (25 %)\n"
        ));
        assert_eq!(email.body.matches("Exceeded: ").count(), 1);
        assert!(email.body.contains("Import: imp_1\n"));
        assert!(
            email
                .body
                .ends_with("\nhttp://console.example:8080/imports/imp_1\n")
        );
    }

    #[test]
    fn an_org_level_roadblock_says_so() {
        let cause = LimitCheck {
            scope: Scope::Org,
            app_id: None,
            app_name: None,
            percent: Some(10),
            count: None,
            basis: Default::default(),
            population: 0,
            limit: 0,
            unassignments: 3,
        };
        let email = roadblock(
            "HR",
            "imp_2",
            &Roadblock {
                cause: cause.clone(),
                exceeded: vec![cause],
            },
            &Impact::default(),
            "http://h",
        );
        assert!(!email.body.contains("Affected apps"));
        assert!(email.body.contains("paused by the org-level safeguard"));
        assert!(email.body.contains("limit 10 % of the org's users"));
        assert!(email.body.contains(
            "Exceeded: the org: 3 unassignments of 0 users, over the org-level limit of 0 (10 %)"
        ));
        assert!(!email.body.contains("Also exceeded"));
    }
}
