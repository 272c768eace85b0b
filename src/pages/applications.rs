//! The Applications list.

use crate::api;
use crate::components::problem_view::ProblemView;
use crate::format;
use crate::loading::Loading;
use leptos::prelude::*;

#[component]
pub fn Applications() -> impl IntoView {
    let apps = LocalResource::new(api::apps);
    view! {
        <h1>"Applications"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match apps.await {
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                    Ok(apps) => view! {
                        <table class="apps" data-testid="apps-table">
                            <thead><tr><th>"App"</th><th>"Profile source"</th><th>"Removed users"</th><th class="num">"Population"</th></tr></thead>
                            <tbody>{apps.into_iter().map(|a| view! {
                                <tr>
                                    <td><a href=format!("/apps/{}", a.id)>{a.name}</a></td>
                                    <td>{match (a.profile_source, a.profile_source_priority) {
                                        (true, Some(p)) => format!("yes, priority {p}"),
                                        (true, None) => "yes".to_owned(),
                                        (false, _) => "no".to_owned(),
                                    }}</td>
                                    <td>{if a.profile_source && a.deactivate_on_remove { "deactivated" } else { "unassigned" }}</td>
                                    <td class="num">{format::count(a.population)}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
