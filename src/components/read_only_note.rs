//! Why a change control is disabled, in words beside it: a tooltip alone is invisible on touch
//! screens and to many screen readers.

use crate::session::can_change;
use leptos::prelude::*;

/// Shows `reason` only to an administrator who cannot change things. `id` lets the disabled
/// control point at it with `aria-describedby`.
#[component]
pub fn ReadOnlyNote(id: &'static str, reason: &'static str) -> impl IntoView {
    let can = can_change();
    move || {
        (!can.get()).then(|| {
            view! { <p class="read-only-note" id=id data-testid="read-only-note">{reason}</p> }
        })
    }
}
