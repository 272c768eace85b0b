//! One level's controls: the toggle, the percent and the optional count, each validated as typed
//! with its error beside it.

use super::fields::LevelFields;
use leptos::prelude::*;

/// A text field with its unit and its error below it; `id` is also its test id.
#[component]
pub fn NumberField(
    id: &'static str,
    label: String,
    unit: &'static str,
    #[prop(default = "")] placeholder: &'static str,
    text: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="number-field">
            <label for=id>{label}</label>
            <span class="number-input">
                <input
                    id=id
                    data-testid=id
                    inputmode="numeric"
                    placeholder=placeholder
                    class:invalid=move || error.get().is_some()
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
                <span class="unit">{unit}</span>
            </span>
            <p class="field-error" id=error_id data-testid=format!("{id}-error") aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
pub fn LevelInput(
    /// The percent field's id and test id (`app-percent`); its toggle's is `{percent_id}-enabled`.
    percent_id: &'static str,
    count_id: &'static str,
    label: &'static str,
    /// What the percent is a share of.
    of_what: &'static str,
    fields: LevelFields,
    percent_error: Signal<Option<String>>,
    count_error: Signal<Option<String>>,
    /// Shown below the fields: the apps with their own value, for the app level.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let enabled = fields.enabled;
    view! {
        <fieldset class="level">
            <legend>{label}</legend>
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid=format!("{percent_id}-enabled")
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                " Enabled"
            </label>
            <div class="level-limits">
                <NumberField id=percent_id label=format!("Percent of {of_what}") unit="%" text=fields.percent error=percent_error />
                <NumberField id=count_id label="and at most".to_owned() unit="unassignments" placeholder="no count" text=fields.count error=count_error />
            </div>
            {children.map(|c| c())}
        </fieldset>
    }
}
