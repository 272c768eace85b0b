//! A small SVG bar: a population's unassignments against its limit.

use crate::format;
use leptos::prelude::*;

/// The bar fills with `unassignments` out of `population`; a tick marks `limit` (when the level
/// checks this population). Red when the limit is exceeded.
#[component]
pub fn LimitBar(population: u64, unassignments: u64, limit: Option<u64>) -> impl IntoView {
    const WIDTH: f64 = 160.0;
    let scale = |n: u64| {
        if population == 0 {
            0.0
        } else {
            (n as f64 / population as f64).min(1.0) * WIDTH
        }
    };
    let over = limit.is_some_and(|l| unassignments > l);
    let fill = if over { "bar-over" } else { "bar-fill" };
    let label = match limit {
        Some(l) => format!("{unassignments} of {population}, limit {l}"),
        None => format!("{unassignments} of {population}, not checked"),
    };
    view! {
        <svg class="limit-bar" width="160" height="12" viewBox="0 0 160 12" role="img" aria-label=label>
            <rect class="bar-track" x="0" y="2" width="160" height="8" rx="2"></rect>
            <rect class=fill x="0" y="2" width=format::one_decimal(scale(unassignments)) height="8" rx="2"></rect>
            {limit.map(|l| {
                view! { <rect class="bar-limit" x=format::one_decimal(scale(l).min(WIDTH - 2.0)) y="0" width="2" height="12"></rect> }
            })}
        </svg>
    }
}
