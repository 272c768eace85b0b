//! The review of a paused import's affected users before a resume: a box to tick per user (all
//! ticked at first), a search, "select all / none" for the users shown, ticks by app, and "Skip
//! deactivations". Unticking a user leaves every change to them out of the resume.

use super::CHANGES_PAGE;
use super::resume_plan::{ResumeSummary, ReviewPlan};
use crate::api::{self, ApiError};
use crate::format;
use leptos::prelude::*;
use safeguard_rules::api::ResumeRequest;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The largest page the changes endpoint answers: the whole plan is read in pages of this size.
const READ_PAGE: u32 = 1000;

/// Reads every change of a plan, page after page.
pub async fn read_plan(import_id: String) -> Result<ReviewPlan, ApiError> {
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = api::changes(&import_id, None, READ_PAGE, after.as_deref()).await?;
        rows.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(ReviewPlan::new(rows))
}

/// What the administrator leaves out, kept by user id so ticks survive paging and searching.
#[derive(Clone, Copy)]
pub struct LeaveOut {
    pub excluded: RwSignal<BTreeSet<String>>,
    pub skip_deactivations: RwSignal<bool>,
}

impl LeaveOut {
    pub fn new() -> Self {
        Self {
            excluded: RwSignal::new(BTreeSet::new()),
            skip_deactivations: RwSignal::new(false),
        }
    }

    /// The body of a partial resume; `None` when nothing is left out (a resume of the whole
    /// plan).
    pub fn request(&self) -> Option<ResumeRequest> {
        let exclude_user_ids: Vec<_> = self
            .excluded
            .with_untracked(|e| e.iter().map(|id| id.as_str().into()).collect());
        let skip_deactivations = self.skip_deactivations.get_untracked();
        (!exclude_user_ids.is_empty() || skip_deactivations).then_some(ResumeRequest {
            exclude_user_ids,
            skip_deactivations,
        })
    }

    fn set_included(&self, ids: impl IntoIterator<Item = String>, included: bool) {
        self.excluded.update(|excluded| {
            for id in ids {
                if included {
                    excluded.remove(&id);
                } else {
                    excluded.insert(id);
                }
            }
        });
    }
}

/// The numbers before the click: what the resume applies and what it leaves out.
#[component]
pub fn ResumeNumbers(summary: Memo<Option<Result<ResumeSummary, String>>>) -> impl IntoView {
    move || {
        summary.get().map(|s| match s {
            Ok(s) => view! { <p class="resume-summary" data-testid="resume-summary">{s.sentence()}"."</p> }.into_any(),
            Err(e) => view! { <p class="problem" role="alert" data-testid="resume-summary">{e}</p> }.into_any(),
        })
    }
}

#[component]
pub fn LeaveOutReview(plan: Arc<ReviewPlan>, choice: LeaveOut) -> impl IntoView {
    let plan = StoredValue::new(plan);
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(0_usize);
    let size = CHANGES_PAGE as usize;
    // The users the search finds, by their place in the plan.
    let found = Memo::new(move |_| {
        let needle = search.get();
        plan.with_value(|p| {
            p.users
                .iter()
                .enumerate()
                .filter(|(_, u)| u.matches(&needle))
                .map(|(k, _)| k)
                .collect::<Vec<usize>>()
        })
    });
    let shown = move || {
        let start = page.get() * size;
        found.with(|f| f.iter().skip(start).take(size).copied().collect::<Vec<_>>())
    };
    let shown_ids = move || {
        let shown = shown();
        plan.with_value(|p| {
            shown
                .iter()
                .map(|&k| p.users[k].user_id.clone())
                .collect::<Vec<_>>()
        })
    };
    let total = plan.with_value(|p| p.users.len());
    // Out of the view: a `>=` in an attribute would end the tag there.
    let on_last_page = move || (page.get() + 1) * size >= found.with(Vec::len);
    view! {
        <section class="leave-out" data-testid="leave-out">
            <h3>"Who this resume leaves out"</h3>
            <p class="muted">"Untick a user to leave every change to them out of the resume: they keep their assignments and their status. The changes left out stay in the plan, marked skipped."</p>
            <label class="setting">
                <input type="checkbox" data-testid="skip-deactivations"
                    prop:checked=move || choice.skip_deactivations.get()
                    on:change=move |ev| choice.skip_deactivations.set(event_target_checked(&ev)) />
                " Skip deactivations: nobody is deactivated, and the unassignments only a deactivation causes are skipped; removals from the source still apply"
            </label>
            <fieldset class="by-app" data-testid="leave-out-apps">
                <legend>"Users by app"</legend>
                {plan.with_value(|p| p.apps.clone()).into_iter().map(|app| {
                    let ids = StoredValue::new(app.user_ids.clone());
                    let words = format!(" {} · {}", app.name, format::count(app.user_ids.len() as u64));
                    view! {
                        <label class="app-tick">
                            <input type="checkbox" data-testid="app-tick" data-app=app.name.clone()
                                prop:checked=move || choice.excluded.with(|e| ids.with_value(|ids| ids.is_disjoint(e)))
                                on:change=move |ev| choice.set_included(ids.get_value(), event_target_checked(&ev)) />
                            {words}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="row">
                <label>"Search users "
                    <input data-testid="leave-out-search" prop:value=move || search.get()
                        on:input=move |ev| { page.set(0); search.set(event_target_value(&ev)); } />
                </label>
                <button type="button" data-testid="tick-shown" on:click=move |_| choice.set_included(shown_ids(), true)>"Select all shown"</button>
                <button type="button" data-testid="untick-shown" on:click=move |_| choice.set_included(shown_ids(), false)>"Select none shown"</button>
            </div>
            <p class="muted" data-testid="leave-out-count">{move || {
                let found = found.with(Vec::len);
                let start = page.get() * size;
                let left_out = choice.excluded.with(BTreeSet::len);
                let of = if found == total { format!("{} users", format::count(total as u64)) } else { format!("{} found of {}", format::count(found as u64), format::count(total as u64)) };
                let showing = if found == 0 { "No user found".to_owned() } else { format!("Showing {}–{} of {of}", start + 1, (start + size).min(found)) };
                format!("{showing}; {} left out", format::count(left_out as u64))
            }}</p>
            <ul class="leave-out-users plain" data-testid="leave-out-users">
                {move || {
                    let shown = shown();
                    plan.with_value(|p| shown.iter().map(|&k| {
                        let user = &p.users[k];
                        let id = StoredValue::new(user.user_id.clone());
                        view! {
                            <li data-testid="leave-out-user">
                                <label>
                                    <input type="checkbox" data-testid="user-tick" data-user-id=user.user_id.clone()
                                        prop:checked=move || choice.excluded.with(|e| id.with_value(|id| !e.contains(id)))
                                        on:change=move |ev| choice.set_included([id.get_value()], event_target_checked(&ev)) />
                                    " " <span class="login">{user.login.clone()}</span>
                                    " " <span class="muted">{user.summary()}</span>
                                </label>
                            </li>
                        }
                    }).collect_view())
                }}
            </ul>
            <div class="pager">
                <button type="button" data-testid="leave-out-previous" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <button type="button" data-testid="leave-out-next" disabled=on_last_page on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </div>
        </section>
    }
}
