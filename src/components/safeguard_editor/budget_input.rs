//! The deactivation budget's controls: a limit on the users one import deactivates, against the
//! org's active users.

use super::fields::BudgetFields;
use super::level_input::NumberField;
use leptos::prelude::*;

#[component]
pub fn BudgetInput(
    fields: BudgetFields,
    percent_error: Signal<Option<String>>,
    count_error: Signal<Option<String>>,
    /// Enabled with neither a percent nor a count.
    missing_limit: Signal<Option<String>>,
) -> impl IntoView {
    let enabled = fields.enabled;
    view! {
        <fieldset class="level budget" data-testid="budget">
            <legend>"Deactivation budget"</legend>
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid="budget-enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                " Enabled"
            </label>
            <div class="level-limits">
                <NumberField id="budget-percent" label="Percent of the org's active users".to_owned() unit="%" placeholder="none" text=fields.percent error=percent_error />
                <NumberField id="budget-count" label="and at most".to_owned() unit="deactivations" placeholder="no count" text=fields.count error=count_error />
            </div>
            <p class="field-error" data-testid="budget-error" role="alert">{move || missing_limit.get()}</p>
            <p class="note">"Counts the users one import deactivates, each once however many apps they lose."</p>
        </fieldset>
    }
}
