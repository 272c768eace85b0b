//! Notifications: every roadblock email, newest first, one row per recipient, with where it
//! stands. Without an SMTP server this page is where administrators read them.

use crate::api::{self, Page};
use crate::components::problem_view::ProblemView;
use crate::format;
use crate::loading::Loading;
use leptos::prelude::*;
use safeguard_rules::api::OutboxMessage;

pub const PAGE_SIZE: u32 = 50;

#[component]
pub fn Notifications() -> impl IntoView {
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let messages = LocalResource::new(move || {
        let after = cursors.get().last().cloned().flatten();
        async move { api::outbox(PAGE_SIZE, after.as_deref()).await }
    });
    view! {
        <h1>"Notifications"</h1>
        <p class="muted">
            "Email sent to the administrators when a safeguard pauses an import. Without an SMTP server (--smtp-url) they are kept here, marked outbox. "
            <a href="/notifications/bounces">"Bounce list"</a>
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(page) => view! { <MessageTable page cursors /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MessageTable(
    page: Page<OutboxMessage>,
    cursors: RwSignal<Vec<Option<String>>>,
) -> impl IntoView {
    let next = page.next.clone();
    let empty = page.items.is_empty();
    view! {
        <div class="table-wrap">
            <table class="outbox" data-testid="outbox-table">
                <thead><tr>
                    <th>"Created"</th><th>"To"</th><th>"Message"</th><th>"Status"</th>
                    <th class="num">"Attempts"</th><th>"Sent"</th>
                </tr></thead>
                <tbody>
                    {page.items.into_iter().map(|m| {
                        let status = m.status.as_str();
                        let sent = m.sent_at.as_deref().map(format::timestamp).unwrap_or_default();
                        view! {
                            <tr data-testid="outbox-row">
                                <td>{format::timestamp(&m.created_at)}</td>
                                <td>{m.recipient.clone()}</td>
                                <td>
                                    <details>
                                        <summary>{m.subject.clone()}{m.import_id.clone().map(|id| view! { " – "<a href=format!("/imports/{id}")>{m.app_name.clone().unwrap_or_default()}</a> })}</summary>
                                        <pre class="mail-body">{m.body.clone()}</pre>
                                    </details>
                                    {m.last_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                                </td>
                                <td><span class=format!("badge badge-{status}")>{status}</span></td>
                                <td class="num">{m.attempts}</td>
                                <td>{sent}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {empty.then(|| view! { <p class="muted">"No notification has been sent."</p> })}
        <div class="pager">
            <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Older"</button>
        </div>
    }
}
