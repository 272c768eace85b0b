//! The apps with their own app-level value: the org-wide value edited beside them does not
//! change them, so the editor names each, with its rule and where it is edited.

use leptos::prelude::*;
use safeguard_rules::api::AppOverrideView;
use safeguard_rules::evaluator::rule_text;

/// An override's rule in words: "50 %", "a count of 5", "off".
pub fn override_rule(o: &AppOverrideView) -> String {
    if o.enabled {
        rule_text(o.percent, o.count)
    } else {
        "off".to_owned()
    }
}

/// "2 apps have their own app-level value and are not changed by this one".
pub fn overrides_sentence(n: usize) -> String {
    if n == 1 {
        "1 app has its own app-level value and is not changed by this one:".to_owned()
    } else {
        format!("{n} apps have their own app-level value and are not changed by this one:")
    }
}

#[component]
pub fn OverrideList(overrides: Signal<Vec<AppOverrideView>>) -> impl IntoView {
    move || {
        let overrides = overrides.get();
        (!overrides.is_empty()).then(|| {
            view! {
                <div class="app-overrides" data-testid="app-overrides">
                    <p>{overrides_sentence(overrides.len())}</p>
                    <ul>
                        {overrides.into_iter().map(|o| {
                            let rule = override_rule(&o);
                            view! {
                                <li data-testid="app-override">
                                    <a href=format!("/apps/{}", o.app_id)>{o.app_name}</a>
                                    {format!(": {rule}")}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="note">"Each is edited, or removed, on its app's page."</p>
                </div>
            }
        })
    }
}
