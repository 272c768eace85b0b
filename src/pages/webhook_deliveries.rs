//! One webhook's delivery log: every event sent or to be sent, newest first, with each attempt's
//! answer, so an administrator sees why a receiver is not getting them.

use crate::api::{self, Page};
use crate::components::problem_view::ProblemView;
use crate::format;
use crate::loading::Loading;
use leptos::prelude::*;
use safeguard_rules::api::{WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus};

pub const PAGE_SIZE: u32 = 25;

#[component]
pub fn DeliveryLog(
    id: String,
    name: String,
    log: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let hook = StoredValue::new(id);
    // The cursor of each page seen, so Newer goes back one.
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let deliveries = LocalResource::new(move || {
        let after = cursors.get().last().cloned().flatten();
        async move { api::webhook_deliveries(&hook.get_value(), PAGE_SIZE, after.as_deref()).await }
    });
    view! {
        <section class="card" data-testid="delivery-log" aria-labelledby="delivery-log-title">
            <h2 id="delivery-log-title">{format!("Deliveries to \u{201c}{name}\u{201d}")}</h2>
            <div class="row">
                <button data-testid="deliveries-refresh" on:click=move |_| deliveries.refetch()>"Refresh"</button>
                <button on:click=move |_| log.set(None)>"Close"</button>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Ok(page) => view! { <DeliveryTable page cursors /> }.into_any(),
                        Err(error) => view! { <ProblemView error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeliveryTable(
    page: Page<WebhookDelivery>,
    cursors: RwSignal<Vec<Option<String>>>,
) -> impl IntoView {
    let next = page.next.clone();
    let first = cursors.with_untracked(|c| c.len() == 1);
    let pager = view! {
        <div class="pager">
            <button disabled=first on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button disabled=next.is_none()
                on:click=move |_| { if let Some(n) = next.clone() { cursors.update(|c| c.push(Some(n))); } }>"Older"</button>
        </div>
    };
    if page.items.is_empty() {
        return view! {
            <p class="muted" data-testid="deliveries-empty">"Nothing sent yet. Events the webhook subscribes to appear here as they happen; Send test sends one now."</p>
        }
        .into_any();
    }
    view! {
        <table class="deliveries" data-testid="deliveries-table">
            <thead><tr><th>"Event"</th><th>"Status"</th><th>"Last answer"</th><th>"Created"</th><th>"Attempts"</th></tr></thead>
            <tbody>
                {page.items.into_iter().map(|d| {
                    let word = d.status.as_str();
                    view! {
                        <tr data-testid="delivery-row">
                            <td><code>{d.event_type.clone()}</code><br /><span class="muted mono">{d.event_id.clone()}</span></td>
                            <td><span class=format!("badge badge-{word}")>{word}</span><br /><span class="muted">{when(&d)}</span></td>
                            <td>{last_answer(&d)}</td>
                            <td>{format::timestamp(&d.created_at)}</td>
                            <td><Attempts attempts=d.attempts /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {pager}
    }
    .into_any()
}

#[component]
fn Attempts(attempts: Vec<WebhookAttempt>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <span class="muted">"None yet"</span> }.into_any();
    }
    let count = attempts.len();
    view! {
        <details>
            <summary>{if count == 1 { "1 attempt".to_owned() } else { format!("{count} attempts") }}</summary>
            <ol class="attempts">
                {attempts.into_iter().map(|a| view! {
                    <li data-testid="delivery-attempt">{format!(
                        "{}: {} ({} ms)",
                        format::timestamp(&a.at),
                        a.error.clone().unwrap_or_else(|| a.response_code.map_or("no answer".to_owned(), |c| format!("HTTP {c}"))),
                        a.duration_ms,
                    )}</li>
                }).collect_view()}
            </ol>
        </details>
    }
    .into_any()
}

/// When the next attempt is due, or when the delivery ended.
fn when(delivery: &WebhookDelivery) -> String {
    match (
        delivery.status,
        &delivery.next_attempt_at,
        &delivery.finished_at,
    ) {
        (WebhookDeliveryStatus::Pending, Some(next), _) => {
            format!("next try {}", format::timestamp(next))
        }
        (_, _, Some(finished)) => format::timestamp(finished),
        _ => String::new(),
    }
}

fn last_answer(delivery: &WebhookDelivery) -> String {
    match (delivery.response_code, delivery.attempts.last()) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(attempt)) => attempt
            .error
            .clone()
            .unwrap_or_else(|| "no answer".to_owned()),
        (None, None) => "–".to_owned(),
    }
}
