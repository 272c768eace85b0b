//! An import against the safeguards as saved now: each limit its impact meets as a bar of what
//! it counts, with the limit marked (the shared limit chart).

use crate::api;
use crate::components::limit_chart::{LimitChart, bars_for};
use crate::components::problem_view::ProblemView;
use crate::loading::Loading;
use leptos::prelude::*;
use safeguard_rules::plan::Impact;

/// The chart, for an import that unassigns or deactivates anyone; nothing otherwise.
#[component]
pub fn ImportLimits(impact: Impact) -> impl IntoView {
    let has_impact = impact.apps.iter().any(|a| a.unassignments > 0) || impact.deactivations > 0;
    has_impact.then(move || {
        let impact = StoredValue::new(impact);
        let saved = LocalResource::new(api::safeguards);
        view! {
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match saved.await {
                        Ok(saved) => {
                            let (bars, left_out) = impact.with_value(|i| bars_for(&saved.settings(), i));
                            view! {
                                <LimitChart bars left_out testid="import-limits"
                                    caption="This import against the safeguards as saved now" />
                            }.into_any()
                        }
                        Err(error) => view! { <ProblemView error /> }.into_any(),
                    }
                })}
            </Transition>
        }
    })
}
