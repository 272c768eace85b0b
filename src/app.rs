//! The console's shell: the first page every route starts from.

use leptos::prelude::*;
use safeguard_rules::settings::Settings;

#[component]
pub fn App() -> impl IntoView {
    let defaults = Settings::default();
    view! {
        <main class="shell" data-testid="console">
            <h1>"Safeguard"</h1>
            <p>
                "Import safeguards stop an import before it unassigns more than "
                {defaults.app_level.percent} " % of an app's users or "
                {defaults.org_level.percent} " % of the org's."
            </p>
        </main>
    }
}
