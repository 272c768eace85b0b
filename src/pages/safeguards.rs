//! The Safeguards page: the editor of every safeguard setting (both levels' percents and counts,
//! the deactivation budget, the roadblock's scope) with its live preview over the paused, queued
//! and recent imports.

use crate::api::{self, ApiError};
use crate::components::problem_view::ProblemView;
use crate::components::safeguard_editor::SafeguardEditor;
use crate::loading::Loading;
use leptos::prelude::*;
use safeguard_rules::api::{AppView, ImportView, SafeguardsView};

/// How many completed imports the preview looks back over.
const RECENT_IMPORTS: u32 = 200;

/// Everything the editor needs, fetched together.
pub async fn editor_data() -> Result<(SafeguardsView, Vec<AppView>, Vec<ImportView>), ApiError> {
    let saved = api::safeguards().await?;
    let apps = api::apps().await?;
    let mut imports = api::imports(Some("paused"), None, 10, None).await?.items;
    imports.extend(api::imports(Some("queued"), None, 100, None).await?.items);
    imports.extend(
        api::imports(Some("completed"), None, RECENT_IMPORTS, None)
            .await?
            .items,
    );
    Ok((saved, apps, imports))
}

/// The editor with what it needs, loaded: shown on this page and on every app's Provisioning tab.
#[component]
pub fn LoadedSafeguardEditor() -> impl IntoView {
    let data = LocalResource::new(editor_data);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((saved, apps, imports)) => view! { <SafeguardEditor saved apps imports /> }.into_any(),
                    Err(error) => view! { <ProblemView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn Safeguards() -> impl IntoView {
    view! {
        <h1>"Import safeguards"</h1>
        <p class="lead">
            "An import that would unassign or deactivate more than these limits allow is paused before it changes anything. "
            "Until an administrator resumes or cancels it, every other import waits, or only its own app's imports, as the scope below says."
        </p>
        <LoadedSafeguardEditor />
    }
}
