//! The one way pages show a request in flight: a quiet "Loading…" the first time, then the
//! previous content until the new one arrives.

use leptos::prelude::*;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}
