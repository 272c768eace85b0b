//! An import's status as a coloured word.

use leptos::prelude::*;
use safeguard_rules::api::ImportStatus;

#[component]
pub fn StatusBadge(status: ImportStatus) -> impl IntoView {
    let word = status.as_str();
    view! { <span class=format!("badge badge-{word}")>{word}</span> }
}
