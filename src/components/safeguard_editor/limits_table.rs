//! The limits table of the preview: each app's limit under its effective rule (its own value or
//! the org-wide one), the org's, and the deactivation budget's, saved beside proposed.

use crate::format;
use leptos::prelude::*;
use safeguard_rules::evaluator::rule_text;
use safeguard_rules::limits::is_checked;
use safeguard_rules::org::AppPopulation;
use safeguard_rules::preview::limit_for;
use safeguard_rules::settings::{Limit, Settings};

/// A limit and the rule that gave it: "240 (20 %)", "off", "not checked".
pub fn limit_cell(rule: Limit, population: u64) -> String {
    if !rule.enabled {
        return "off".to_owned();
    }
    match limit_for(rule, population) {
        Some(limit) => format!(
            "{} ({})",
            format::count(limit),
            rule_text(rule.percent, rule.count)
        ),
        None => "not checked".to_owned(),
    }
}

/// The budget's cell when the org's active users may be unknown: a count still gives a limit,
/// a percent alone does not.
fn budget_cell(rule: Limit, active_users: Option<u64>) -> String {
    match active_users {
        Some(population) => limit_cell(rule, population),
        None if !rule.enabled => "off".to_owned(),
        None => match rule.count {
            Some(count) if rule.percent.is_none() => {
                format!(
                    "{} ({})",
                    format::count(count),
                    rule_text(None, Some(count))
                )
            }
            _ => format!(
                "{} of an unknown number",
                rule_text(rule.percent, rule.count)
            ),
        },
    }
}

/// Why a small app's limit is what it is: a percent needs 100 app users, a count does not.
fn below_minimum_note(rule: Limit, population: u64) -> Option<&'static str> {
    if is_checked(population) || !rule.enabled {
        return None;
    }
    Some(if rule.count.is_some() {
        " (below 100: only the count applies)"
    } else {
        " (below 100: not checked)"
    })
}

#[component]
pub fn LimitsTable(
    saved: Signal<Settings>,
    proposed: Signal<Option<Settings>>,
    populations: StoredValue<Vec<AppPopulation>>,
    org_population: u64,
    /// The org's active users, from the latest import that counted them; `None` when unknown.
    active_users: Option<u64>,
) -> impl IntoView {
    let proposed_or_saved = move || proposed.get().unwrap_or_else(|| saved.get());
    view! {
        <table class="limits" data-testid="preview-limits">
            <thead><tr><th>"App"</th><th>"Population"</th><th>"Limit saved"</th><th>"Limit proposed"</th></tr></thead>
            <tbody>
                {move || {
                    let saved = saved.get();
                    let proposed = proposed_or_saved();
                    populations.with_value(|pops| {
                        pops.iter()
                            .map(|app| {
                                let (old, new) = (saved.app_limit(&app.app_id), proposed.app_limit(&app.app_id));
                                let changed = limit_for(old, app.population) != limit_for(new, app.population);
                                let own = proposed.override_of(&app.app_id).is_some();
                                view! {
                                    <tr class:changed=changed class:own-value=own data-testid="limit-row">
                                        <td>{app.app_name.clone()}
                                            {own.then(|| view! { <span class="own-value-mark" data-testid="own-value">" · its own value"</span> })}</td>
                                        <td>{format::count(app.population)}{below_minimum_note(new, app.population)}</td>
                                        <td>{limit_cell(old, app.population)}</td>
                                        <td>{limit_cell(new, app.population)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    })
                }}
                <tr class="org-row">
                    <td>"Whole org"</td>
                    <td>{format::count(org_population)}</td>
                    <td data-testid="org-limit-saved">{move || limit_cell(saved.get().org_level.limit(), org_population)}</td>
                    <td data-testid="org-limit-proposed">{move || limit_cell(proposed_or_saved().org_level.limit(), org_population)}</td>
                </tr>
                <tr class="org-row budget-row" data-testid="budget-row">
                    <td>"Deactivation budget"</td>
                    <td>{match active_users {
                        Some(n) => format!("{} active users", format::count(n)),
                        None => "active users unknown: no recent import counted them".to_owned(),
                    }}</td>
                    <td data-testid="budget-limit-saved">{move || budget_cell(saved.get().deactivations, active_users)}</td>
                    <td data-testid="budget-limit-proposed">{move || budget_cell(proposed_or_saved().deactivations, active_users)}</td>
                </tr>
            </tbody>
        </table>
    }
}
