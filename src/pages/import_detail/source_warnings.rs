//! What a source listed but an import could not take in.

use crate::format;
use leptos::prelude::*;
use safeguard_rules::api::ImportWarnings;

/// What a source listed but could not be imported: how many, and the first ones with why.
#[component]
pub fn SourceWarnings(warnings: ImportWarnings) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        let listed = warnings.first.len() as u64;
        view! {
            <div class="source-warnings" data-testid="source-warnings">
                <p class="warn">{match warnings.count {
                    1 => "1 entry of the source was left out:".to_owned(),
                    n if listed < n => format!("{} entries of the source were left out; the first {}:", format::count(n), format::count(listed)),
                    n => format!("{} entries of the source were left out:", format::count(n)),
                }}</p>
                <ul class="plain">{warnings.first.into_iter().map(|w| view! {
                    <li><code>{w.entry}</code>": "{w.reason}</li>
                }).collect_view()}</ul>
            </div>
        }
    })
}
