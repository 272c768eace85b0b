//! The roadblock's scope: which imports a paused import holds back.

use leptos::prelude::*;
use safeguard_rules::settings::RoadblockScope;

#[component]
pub fn ScopeChoice(
    scope: RwSignal<RoadblockScope>,
    /// The saved scope: going back from `app` to `org` is refused while several are paused.
    saved: Signal<RoadblockScope>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let choice = move |value: RoadblockScope, title: &'static str, sentence: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="roadblock-scope"
                    value=value.as_str()
                    data-testid=format!("scope-{}", value.as_str())
                    prop:checked=move || scope.get() == value
                    on:change=move |_| scope.set(value)
                />
                <span><strong>{title}</strong>" "{sentence}</span>
            </label>
        }
    };
    view! {
        <fieldset class="level scope" data-testid="scope">
            <legend>"While an import is paused"</legend>
            {choice(RoadblockScope::Org, "Every import waits (org).", "No import of any app runs until the paused one is resumed or cancelled, as before.")}
            {choice(RoadblockScope::App, "Only its app's imports wait (app).", "Imports of other apps run, so several apps can each have a paused import.")}
            {move || (saved.get() == RoadblockScope::App && scope.get() == RoadblockScope::Org).then(|| view! {
                <p class="note">"Going back to org is refused while two or more imports are paused: resume or cancel all but one first."</p>
            })}
            <p class="field-error" data-testid="scope-error" aria-live="polite">{move || error.get()}</p>
        </fieldset>
    }
}
