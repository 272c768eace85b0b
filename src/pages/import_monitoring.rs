//! Import Monitoring: every import, newest first, filtered by status and app.

use crate::api::{self, Page};
use crate::components::problem_view::ProblemView;
use crate::components::status_badge::StatusBadge;
use crate::format;
use crate::loading::Loading;
use crate::pages::import_detail::{source_words, trigger_words};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use safeguard_rules::api::{ImportStatus, ImportView};

pub const PAGE_SIZE: u32 = 50;

#[component]
pub fn ImportMonitoring() -> impl IntoView {
    let query = use_query_map();
    let status = RwSignal::new(query.get_untracked().get("status").unwrap_or_default());
    let app = RwSignal::new(query.get_untracked().get("appId").unwrap_or_default());
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let apps = LocalResource::new(api::apps);
    let imports = LocalResource::new(move || {
        let (status, app) = (status.get(), app.get());
        let after = cursors.get().last().cloned().flatten();
        async move {
            api::imports(
                Some(status.as_str()).filter(|s| !s.is_empty()),
                Some(app.as_str()).filter(|s| !s.is_empty()),
                PAGE_SIZE,
                after.as_deref(),
            )
            .await
        }
    });
    view! {
        <h1>"Import Monitoring"</h1>
        <div class="filters row">
            <label>"Status "
                <select data-testid="status-filter" on:change=move |ev| { cursors.set(vec![None]); status.set(event_target_value(&ev)); }>
                    <option value="" selected=move || status.get().is_empty()>"All"</option>
                    {ImportStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == s.as_str()>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"App "
                <select data-testid="app-filter" on:change=move |ev| { cursors.set(vec![None]); app.set(event_target_value(&ev)); }>
                    <option value="">"All apps"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            apps.await.unwrap_or_default().into_iter().map(|a| {
                                let id = a.id.to_string();
                                let selected = app.get_untracked() == id;
                                view! { <option value=id selected=selected>{a.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </label>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match imports.await {
                    Ok(page) => view! { <ImportTable page cursors /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportTable(page: Page<ImportView>, cursors: RwSignal<Vec<Option<String>>>) -> impl IntoView {
    let next = page.next.clone();
    let empty = page.items.is_empty();
    view! {
        <div class="table-wrap">
            <table class="imports" data-testid="imports-table">
                <thead><tr>
                    <th>"App"</th><th>"Status"</th><th>"Started"</th><th>"Finished"</th><th>"Duration"</th>
                    <th class="num">"Scanned"</th><th class="num">"Created"</th><th class="num">"Updated"</th>
                    <th class="num">"Assigned"</th><th class="num">"Unassigned"</th><th class="num">"Deactivated"</th><th class="num">"Reactivated"</th>
                    <th>"Started by"</th><th>"Source"</th>
                </tr></thead>
                <tbody>
                    {page.items.into_iter().map(|i| {
                        let started = i.started_at.clone().unwrap_or_default();
                        let finished = i.finished_at.clone().unwrap_or_default();
                        let duration = if started.is_empty() || finished.is_empty() { "–".to_owned() } else { format::duration(&started, &finished) };
                        view! {
                            <tr data-testid="import-row">
                                <td><a href=format!("/imports/{}", i.id)>{i.app_name.clone()}</a></td>
                                <td><StatusBadge status=i.status /></td>
                                <td>{format::timestamp(&started)}</td>
                                <td>{format::timestamp(&finished)}</td>
                                <td>{duration}</td>
                                <td class="num">{format::count(i.counts.scanned)}</td>
                                <td class="num">{format::count(i.counts.created)}</td>
                                <td class="num">{format::count(i.counts.updated)}</td>
                                <td class="num">{format::count(i.counts.assigned)}</td>
                                <td class="num">{format::count(i.counts.unassigned)}</td>
                                <td class="num">{format::count(i.counts.deactivated)}</td>
                                <td class="num">{format::count(i.counts.reactivated)}</td>
                                <td>{trigger_words(i.trigger)}</td>
                                <td>{source_words(i.source)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {empty.then(|| view! { <p class="muted">"No import matches."</p> })}
        <div class="pager">
            <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Older"</button>
        </div>
    }
}
