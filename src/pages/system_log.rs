//! The System Log: events filtered with the filter language, validated as typed by the rules
//! crate (the same parser the server uses), with presets for the questions people ask most.

use crate::api::{self, Page};
use crate::components::problem_view::ProblemView;
use crate::format;
use crate::loading::Loading;
use leptos::prelude::*;
use safeguard_rules::api::LogEvent;
use safeguard_rules::filter;

const PAGE_SIZE: u32 = 50;

/// Presets: (label, filter).
pub const PRESETS: [(&str, &str); 8] = [
    ("Roadblocks", "eventType sw \"system.import.roadblock\""),
    (
        "Email delivery (roadblocks)",
        "debugContext.debugData.category eq \"email.bulkAppUnassignmentAppLevelRoadblock\" or debugContext.debugData.category eq \"email.bulkAppUnassignmentOrgLevelRoadblock\"",
    ),
    (
        "Roadblock emails, app level",
        "debugContext.debugData.category eq \"email.bulkAppUnassignmentAppLevelRoadblock\"",
    ),
    (
        "Roadblock emails, org level",
        "debugContext.debugData.category eq \"email.bulkAppUnassignmentOrgLevelRoadblock\"",
    ),
    (
        "Safeguard changes",
        "eventType eq \"system.import.safeguard.update\"",
    ),
    (
        "Deactivations",
        "eventType eq \"user.lifecycle.deactivate\"",
    ),
    (
        "Reactivations",
        "eventType eq \"user.lifecycle.reactivate\"",
    ),
    ("App setting changes", "eventType eq \"system.app.update\""),
];

/// The filter box with its parse error shown under the character it points at.
#[component]
pub fn FilterBox(text: RwSignal<String>) -> impl IntoView {
    let error = Memo::new(move |_| {
        let t = text.get();
        if t.trim().is_empty() {
            None
        } else {
            filter::parse(&t).err()
        }
    });
    view! {
        <div class="filter-box">
            <label for="log-filter">"Filter"</label>
            <input
                id="log-filter"
                data-testid="log-filter"
                class="mono"
                spellcheck="false"
                placeholder="eventType eq \"system.import.roadblock\""
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby="log-filter-error"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <div id="log-filter-error" aria-live="polite">
                {move || error.get().map(|e| {
                    let caret = format!("{}^", " ".repeat(e.position));
                    view! {
                        <pre class="caret mono" aria-hidden="true">{text.get()}"\n"{caret}</pre>
                        <p class="field-error" data-testid="log-filter-error">
                            {format!("At position {}: {}", e.position, e.message)}
                        </p>
                    }
                })}
            </div>
        </div>
    }
}

/// `2026-11-23T10:00` (a datetime-local input, taken as UTC) -> RFC 3339.
fn to_rfc3339(local: &str) -> Option<String> {
    let local = local.trim();
    (!local.is_empty()).then(|| format!("{local}:00Z"))
}

#[component]
pub fn SystemLog() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    // What was searched: changes only on Search, so typing does not refetch.
    let query = RwSignal::new((String::new(), None::<String>, None::<String>));
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let results = LocalResource::new(move || {
        let (filter, since, until) = query.get();
        let after = cursors.get().last().cloned().flatten();
        async move {
            let f = (!filter.trim().is_empty()).then_some(filter.as_str());
            api::logs(
                f,
                since.as_deref(),
                until.as_deref(),
                PAGE_SIZE,
                after.as_deref(),
            )
            .await
        }
    });
    let valid = Memo::new(move |_| {
        let t = text.get();
        t.trim().is_empty() || filter::parse(&t).is_ok()
    });
    let search = move || {
        cursors.set(vec![None]);
        query.set((
            text.get(),
            to_rfc3339(&since.get()),
            to_rfc3339(&until.get()),
        ));
    };
    view! {
        <h1>"System Log"</h1>
        <form class="log-search" on:submit=move |ev| { ev.prevent_default(); if valid.get() { search(); } }>
            <FilterBox text />
            <div class="row">
                <label>"Since (UTC) "<input type="datetime-local" prop:value=move || since.get() on:input=move |ev| since.set(event_target_value(&ev)) /></label>
                <label>"Until (UTC) "<input type="datetime-local" prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev)) /></label>
                <button class="primary" type="submit" data-testid="log-search" disabled=move || !valid.get()>"Search"</button>
            </div>
            <div class="presets" role="group" aria-label="Presets">
                {PRESETS.iter().map(|(label, f)| view! {
                    <button type="button" on:click=move |_| { text.set((*f).to_owned()); search(); }>{*label}</button>
                }).collect_view()}
            </div>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(page) => view! { <LogResults page cursors /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LogResults(page: Page<LogEvent>, cursors: RwSignal<Vec<Option<String>>>) -> impl IntoView {
    let next = page.next.clone();
    let empty = page.items.is_empty();
    view! {
        {empty.then(|| view! { <p class="muted">"No event matches."</p> })}
        <ol class="events" data-testid="log-results">
            {page.items.into_iter().map(|event| {
                let json = serde_json::to_string_pretty(&event).unwrap_or_default();
                view! {
                    <li class=format!("event severity-{}", event.severity.to_lowercase()) data-testid="log-event">
                        <details>
                            <summary>
                                <time>{format::timestamp(&event.published)}</time>
                                <code class="event-type">{event.event_type.clone()}</code>
                                <span>{event.display_message.clone()}</span>
                                <span class="outcome">{event.outcome.result.clone()}
                                    {event.outcome.reason.clone().map(|r| format!(": {r}"))}</span>
                            </summary>
                            <pre class="mono">{json}</pre>
                        </details>
                    </li>
                }
            }).collect_view()}
        </ol>
        <div class="pager">
            <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Older"</button>
        </div>
    }
}
