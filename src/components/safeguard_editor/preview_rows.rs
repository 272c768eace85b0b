//! What the paused, queued and recent imports would do under the saved and the proposed
//! settings, as rows and sentences.

use crate::format;
use safeguard_rules::api::{ImportStatus, ImportView};
use safeguard_rules::evaluator::{Exceeded, Scope};
use safeguard_rules::preview::Prepared;
use safeguard_rules::settings::Settings;

/// What one import would do under the saved and the proposed settings, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewRow {
    pub import_id: String,
    pub app_name: String,
    pub status: ImportStatus,
    pub saved: String,
    pub proposed: String,
    pub changed: bool,
}

/// The preview of a proposal: rows for the imports an administrator cares about now, and
/// sentences that call out what would be different.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// The paused and queued imports, and past imports whose verdict would change.
    pub rows: Vec<PreviewRow>,
    pub differences: Vec<String>,
}

/// How many rows the preview table shows at most.
pub const MAX_ROWS: usize = 100;

/// "passes", or which limit stops the import: "pauses: app level, Workday 300 of 1,200 (limit
/// 240)", "pauses: deactivations, 30 of 1,000 active users (limit 10)".
fn verdict(decision: Option<Exceeded<'_>>) -> String {
    let Some(e) = decision else {
        return "passes".to_owned();
    };
    let figures = |of_what: &str| {
        format!(
            "{} of {}{of_what} (limit {})",
            format::count(e.unassignments),
            format::count(e.population),
            format::count(e.limit)
        )
    };
    match (e.scope, e.app) {
        (Scope::Deactivations, _) => format!("pauses: deactivations, {}", figures(" active users")),
        (_, Some(app)) => format!("pauses: app level, {} {}", app.app_name, figures("")),
        (_, None) => format!("pauses: org level, {}", figures("")),
    }
}

/// The imports' apps and counts read once for [`preview_prepared`], when the imports load.
pub fn prepare(imports: &[ImportView]) -> Prepared {
    Prepared::new(imports.iter().map(|i| (&i.app_id, &i.impact)))
}

/// Compares `saved` and `proposed` over `imports` (paused, queued and past ones); for a few
/// imports. The editor, which recomputes on every keystroke over thousands, prepares them once
/// and calls [`preview_prepared`].
pub fn preview(saved: &Settings, proposed: &Settings, imports: &[ImportView]) -> Preview {
    preview_prepared(saved, proposed, imports, &prepare(imports))
}

/// [`preview`] over imports already read by [`prepare`]: each app's rule is resolved once per
/// call rather than once per app an import touches.
pub fn preview_prepared(
    saved: &Settings,
    proposed: &Settings,
    imports: &[ImportView],
    prepared: &Prepared,
) -> Preview {
    let comparison = prepared.compare(
        saved,
        proposed,
        imports.iter().map(|i| (&i.app_id, &i.impact)),
    );
    let mut rows = Vec::new();
    let mut differences = Vec::new();
    let (mut past_now_pause, mut past_now_pass) = (0, 0);
    for (import, outcome) in imports.iter().zip(&comparison.outcomes) {
        let changed = outcome.changed();
        match import.status {
            ImportStatus::Paused | ImportStatus::Queued if changed => {
                let what = if import.status == ImportStatus::Paused {
                    "paused"
                } else {
                    "queued"
                };
                let now = if outcome.proposed.is_some() {
                    "pause"
                } else {
                    "pass"
                };
                differences.push(format!(
                    "The {what} {} import would {now}.",
                    import.app_name
                ));
            }
            ImportStatus::Paused | ImportStatus::Queued => {}
            _ if changed && outcome.proposed.is_some() => past_now_pause += 1,
            _ if changed => past_now_pass += 1,
            _ => {}
        }
        // The table shows what an administrator acts on: the paused and queued imports, and
        // the past ones whose verdict would change (the first few; the sentences count them all).
        let current = matches!(import.status, ImportStatus::Paused | ImportStatus::Queued);
        if !current && (!changed || rows.len() >= MAX_ROWS) {
            continue;
        }
        rows.push(PreviewRow {
            import_id: import.id.clone(),
            app_name: import.app_name.clone(),
            status: import.status,
            saved: verdict(outcome.saved),
            proposed: verdict(outcome.proposed),
            changed,
        });
    }
    let plural = |n: usize| if n == 1 { "import" } else { "imports" };
    if past_now_pause > 0 {
        differences.push(format!(
            "{past_now_pause} past {} that completed would have paused.",
            plural(past_now_pause)
        ));
    }
    if past_now_pass > 0 {
        differences.push(format!(
            "{past_now_pass} past {} that paused would have passed.",
            plural(past_now_pass)
        ));
    }
    Preview { rows, differences }
}
