//! The plan's changes, by user, filtered by kind, searchable and paginated; a change a partial
//! resume left out is marked "skipped".

use super::CHANGES_PAGE;
use super::words::{KIND_FILTER, cause_words, change_words};
use crate::api;
use crate::components::problem_view::ProblemView;
use crate::loading::Loading;
use leptos::prelude::*;

/// The plan's changes, by user, filtered by kind (first the users it unassigns, when it
/// unassigns any), searchable and paginated.
#[component]
pub fn AffectedUsers(import_id: String, first_kind: &'static str) -> impl IntoView {
    let id = StoredValue::new(import_id);
    let kind = RwSignal::new(first_kind.to_owned());
    let search = RwSignal::new(String::new());
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let changes = LocalResource::new(move || {
        let kind = kind.get();
        let after = cursors.get().last().cloned().flatten();
        let id = id.get_value();
        async move {
            let kind = Some(kind.as_str()).filter(|k| !k.is_empty());
            api::changes(&id, kind, CHANGES_PAGE, after.as_deref()).await
        }
    });
    view! {
        <section class="affected" data-testid="affected-users">
            <h2>"Changes by user"</h2>
            <div class="row">
                <label>"Show "
                    <select data-testid="change-kind-filter" on:change=move |ev| { cursors.set(vec![None]); kind.set(event_target_value(&ev)); }>
                        {KIND_FILTER.iter().map(|(value, words)| {
                            let value = *value;
                            view! { <option value=value selected=move || kind.get() == value>{*words}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Search this page "<input data-testid="affected-search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) /></label>
                <a class="button" href=move || api::changes_csv_url(&id.get_value(), Some(kind.get().as_str()).filter(|k| !k.is_empty())) download="changes.csv">"Download CSV"</a>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match changes.await {
                        Ok(page) => {
                            let next = page.next.clone();
                            let rows = StoredValue::new(page.items);
                            view! {
                                <table class="affected" data-testid="affected-table">
                                    <thead><tr><th>"User"</th><th>"Change"</th><th>"App"</th><th>"Cause"</th></tr></thead>
                                    <tbody>
                                        {move || {
                                            let needle = search.get().to_lowercase();
                                            rows.with_value(|rows| rows.iter()
                                                .filter(|r| needle.is_empty() || r.login.to_lowercase().contains(&needle))
                                                .map(|r| view! {
                                                    <tr data-testid="affected-row" class:skipped=r.skipped>
                                                        <td>{r.login.clone()}</td>
                                                        <td data-kind=r.kind.as_str()>{change_words(r)}
                                                            // Left out by a partial resume: the change stays in the plan, not applied.
                                                            {r.skipped.then(|| view! { " " <span class="skipped-mark" data-testid="skipped-mark">"skipped"</span> })}
                                                        </td>
                                                        <td>{r.app_name.clone().unwrap_or_default()}</td>
                                                        <td>{r.cause.map(cause_words).unwrap_or_default()}</td>
                                                    </tr>
                                                }).collect_view())
                                        }}
                                    </tbody>
                                </table>
                                {rows.with_value(Vec::is_empty).then(|| view! { <p class="muted">"No change of this kind."</p> })}
                                <div class="pager">
                                    <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Previous"</button>
                                    <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Next"</button>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ProblemView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
