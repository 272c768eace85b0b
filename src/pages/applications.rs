//! The Applications list, each app marked with its own safeguard when it has one.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::format;
use crate::loading::Loading;
use crate::pages::app_safeguard::rule_words;
use leptos::prelude::*;
use safeguard_rules::api::{AppOverrideView, AppView};

/// The apps, and the overrides of those with their own app-level safeguard.
async fn apps_and_overrides() -> Result<(Vec<AppView>, Vec<AppOverrideView>), ApiError> {
    let apps = api::apps().await?;
    let overrides = api::safeguards().await?.app_overrides;
    Ok((apps, overrides))
}

/// "own safeguard: 50 %", for an app with its own app-level value.
fn own_safeguard(overrides: &[AppOverrideView], app: &AppView) -> Option<String> {
    overrides
        .iter()
        .find(|o| o.app_id == app.id)
        .map(|o| format!("own safeguard: {}", rule_words(o.limit())))
}

#[component]
pub fn Applications() -> impl IntoView {
    let apps = LocalResource::new(apps_and_overrides);
    view! {
        <h1>"Applications"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match apps.await {
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                    Ok((apps, overrides)) => view! {
                        <table class="apps" data-testid="apps-table">
                            <thead><tr><th>"App"</th><th>"Profile source"</th><th>"Removed users"</th><th class="num">"Population"</th></tr></thead>
                            <tbody>{apps.into_iter().map(|a| {
                                let own = own_safeguard(&overrides, &a);
                                view! {
                                <tr>
                                    <td>
                                        <a href=format!("/apps/{}", a.id)>{a.name}</a>
                                        {own.map(|own| view! { " " <span class="own-safeguard" data-testid="own-safeguard">{own}</span> })}
                                    </td>
                                    <td>{match (a.profile_source, a.profile_source_priority) {
                                        (true, Some(p)) => format!("yes, priority {p}"),
                                        (true, None) => "yes".to_owned(),
                                        (false, _) => "no".to_owned(),
                                    }}</td>
                                    <td>{if a.profile_source && a.deactivate_on_remove { "deactivated" } else { "unassigned" }}</td>
                                    <td class="num">{format::count(a.population)}</td>
                                </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
