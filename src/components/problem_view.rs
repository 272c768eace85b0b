//! Shows what the server said when a request failed: its problem detail and every invalid field.

use crate::api::ApiError;
use leptos::prelude::*;

#[component]
pub fn ProblemView(error: ApiError) -> impl IntoView {
    let (title, detail, fields) = match &error {
        ApiError::Problem(p) => (p.title.clone(), p.detail.clone(), p.errors.clone()),
        other => ("Request failed".to_owned(), other.to_string(), Vec::new()),
    };
    view! {
        <div class="problem" role="alert" data-testid="problem">
            <strong>{title}</strong>
            <p>{detail}</p>
            <ul>
                {fields
                    .into_iter()
                    .map(|f| view! { <li><code>{f.field}</code>": "{f.message}</li> })
                    .collect_view()}
            </ul>
        </div>
    }
}
