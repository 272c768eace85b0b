//! The bounce list: addresses a mail server refused for good, which get no email until removed
//! here. Tick the addresses, remove them, and read what the server did with each.

use crate::api::{self, Page};
use crate::components::problem_view::ProblemView;
use crate::components::read_only_note::ReadOnlyNote;
use crate::format;
use crate::loading::Loading;
use crate::session::{can_change, reasons};
use leptos::prelude::*;
use safeguard_rules::api::{Bounce, BounceRemovalResult};
use std::collections::BTreeSet;

pub const PAGE_SIZE: u32 = 50;

#[component]
pub fn BounceList() -> impl IntoView {
    let cursors = RwSignal::new(Vec::<Option<String>>::from([None]));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let bounces = LocalResource::new(move || {
        let after = cursors.get().last().cloned().flatten();
        async move { api::bounces(PAGE_SIZE, after.as_deref()).await }
    });
    let remove = Action::new_local(move |addresses: &Vec<String>| {
        let addresses = addresses.clone();
        async move { api::remove_bounces(addresses).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            selected.set(BTreeSet::new());
            bounces.refetch();
        }
    });
    let can = can_change();
    view! {
        <h1>"Bounce list"</h1>
        <p class="muted">"A mail server refused these addresses permanently. They receive no notification until removed; remove an address once its mailbox works again."</p>
        <div class="row">
            <button
                class="primary"
                data-testid="remove-bounces"
                disabled=move || !can.get() || selected.with(BTreeSet::is_empty) || remove.pending().get()
                title=move || (!can.get()).then_some(reasons::BOUNCES)
                aria-describedby="bounces-read-only"
                on:click=move |_| { remove.dispatch(selected.get_untracked().into_iter().collect()); }
            >
                {move || match selected.with(BTreeSet::len) {
                    0 | 1 => "Remove".to_owned(),
                    n => format!("Remove {n} addresses"),
                }}
            </button>
        </div>
        <ReadOnlyNote id="bounces-read-only" reason=reasons::BOUNCES />
        {move || remove.value().get().map(|result| match result {
            Ok(result) => view! { <RemovalResult result /> }.into_any(),
            Err(error) => view! { <ProblemView error /> }.into_any(),
        })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match bounces.await {
                    Ok(page) => view! { <BounceTable page cursors selected /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RemovalResult(result: BounceRemovalResult) -> impl IntoView {
    let removed = result.removed_email_addresses.join(", ");
    view! {
        <div role="status" data-testid="removal-result">
            {(!removed.is_empty()).then(|| view! { <p class="saved">"Removed: "{removed}</p> })}
            <ul>
                {result.errors.into_iter().map(|e| view! {
                    <li class="field-error">{e.email_address}": "{e.reason}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn BounceTable(
    page: Page<Bounce>,
    cursors: RwSignal<Vec<Option<String>>>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let next = page.next.clone();
    let empty = page.items.is_empty();
    view! {
        <div class="table-wrap">
            <table class="bounces" data-testid="bounce-table">
                <thead><tr><th></th><th>"Address"</th><th>"Added"</th><th>"Reason"</th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|b| {
                        let address = StoredValue::new(b.email_address.clone());
                        view! {
                            <tr data-testid="bounce-row">
                                <td>
                                    <input
                                        type="checkbox"
                                        aria-label=format!("Select {}", b.email_address)
                                        prop:checked=move || selected.with(|s| s.contains(&address.get_value()))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| {
                                                if on { s.insert(address.get_value()); } else { s.remove(&address.get_value()); }
                                            });
                                        }
                                    />
                                </td>
                                <td>{b.email_address.clone()}</td>
                                <td>{format::timestamp(&b.added_at)}</td>
                                <td class="mono">{b.reason.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {empty.then(|| view! { <p class="muted">"No address is on the bounce list."</p> })}
        <div class="pager">
            <button disabled=move || cursors.with(|c| c.len() <= 1) on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button disabled=next.is_none() on:click=move |_| { let n = next.clone(); cursors.update(|c| c.push(n)); }>"Older"</button>
        </div>
    }
}
