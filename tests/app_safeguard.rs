//! An app's own safeguard card in a real browser, mounted with stand-in settings and imports,
//! against a stand-in for `PUT`/`DELETE /api/v1/apps/{appId}/safeguard` (the page's `fetch`
//! replaced): the limit shown for a typed percent and count, bad counts refused beside their
//! field with Save disabled, an enabled override with neither value refused, the preview's
//! sentence for an import that would now pause, a save and a removal confirmed, the server's
//! field error shown beside its field, and a read-only administrator who cannot change it.
#![cfg(target_arch = "wasm32")]
// Test code: a step that fails should fail the test at once, with its message.
#![allow(clippy::unwrap_used)]

use leptos::prelude::*;
use safeguard_console::pages::app_safeguard::AppSafeguard;
use safeguard_console::session::{Session, reasons};
use safeguard_rules::api::{
    AppOverrideView, AppView, ImportStatus, ImportView, MatchField, Me, Role, SafeguardsView,
};
use safeguard_rules::plan::{AppImpact, Counts, Impact};
use safeguard_rules::settings::Safeguard;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The stand-in: records every request in `window.__requests`. A `PUT` with a count of 13 is
/// refused as the server refuses a bad value (a 422 naming `count`); any other `PUT` is saved
/// and answered as the app's override; a `DELETE` answers 204.
const FAKE_SERVER: &str = r#"
window.__requests = [];
window.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const text = await request.text();
  const body = text ? JSON.parse(text) : null;
  window.__requests.push({ method: request.method, url: request.url, body });
  if (request.method === "DELETE") {
    return new Response(null, { status: 204 });
  }
  if (body && body.count === 13) {
    return new Response(JSON.stringify({
      type: "about:blank", title: "Invalid request", status: 422,
      detail: "The app's safeguard is invalid; nothing was changed.",
      errors: [{ field: "count", message: "13 is not allowed here" }],
    }), { status: 422, headers: { "Content-Type": "application/problem+json" } });
  }
  const saved = Object.assign({ appId: "app_contractors", appName: "Contractors" }, body);
  return new Response(JSON.stringify(saved), { status: 200, headers: { "Content-Type": "application/json" } });
};
"#;

fn app(id: &str, name: &str, population: u64) -> AppView {
    AppView {
        id: id.into(),
        name: name.into(),
        profile_source: false,
        deactivate_on_remove: false,
        profile_source_priority: None,
        match_by: vec![MatchField::Login],
        reactivate_on_return: true,
        population,
    }
}

fn contractors() -> AppView {
    app("app_contractors", "Contractors", 40)
}

/// Org-wide 20 % at both levels; `own` this app's override, if any.
fn settings(own: Option<AppOverrideView>) -> SafeguardsView {
    SafeguardsView {
        app_level: Safeguard::new(true, 20).unwrap(),
        org_level: Safeguard::new(true, 20).unwrap(),
        deactivations: Default::default(),
        roadblock_scope: Default::default(),
        app_overrides: own.into_iter().collect(),
        version: 3,
    }
}

fn count_override(count: u64) -> AppOverrideView {
    AppOverrideView {
        app_id: "app_contractors".into(),
        app_name: "Contractors".into(),
        enabled: true,
        percent: None,
        count: Some(count),
    }
}

/// A queued import of Contractors that unassigns 6 of its 40 users: too few users for the
/// org-wide percent to check it, so it passes today.
fn queued_contractors() -> ImportView {
    ImportView {
        id: "imp_queued".into(),
        app_id: "app_contractors".into(),
        app_name: "Contractors".into(),
        status: ImportStatus::Queued,
        created_at: "2026-11-23T10:00:00Z".into(),
        started_at: None,
        finished_at: None,
        counts: Counts {
            unassigned: 6,
            ..Counts::default()
        },
        impact: Impact {
            org_population: 10_000,
            apps: vec![AppImpact {
                app_id: "app_contractors".into(),
                app_name: "Contractors".into(),
                population: 40,
                unassignments: 6,
            }],
            ..Impact::default()
        },
        roadblock: None,
        resolved_by: None,
        error: None,
        trigger: Default::default(),
        source: Default::default(),
        warnings: Default::default(),
        affected: None,
    }
}

fn mount(app: AppView, saved: SafeguardsView, role: Option<Role>) -> HtmlElement {
    js_sys::eval(FAKE_SERVER).expect("the stand-in installs");
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        if let Some(role) = role {
            Session::provide_signed_in(Me {
                id: "adm_1".into(),
                email: "ops@example.com".into(),
                role,
            });
        }
        view! { <AppSafeguard app saved imports=vec![queued_contractors()] /> }
    });
    std::mem::forget(handle);
    host
}

/// The requests the stand-in received, as JSON.
fn requests() -> serde_json::Value {
    let text = js_sys::eval("JSON.stringify(window.__requests)")
        .expect("the requests are read")
        .as_string()
        .expect("a string");
    serde_json::from_str(&text).expect("JSON")
}

fn find<T: JsCast>(host: &HtmlElement, css: &str) -> T {
    host.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("{css} is shown"))
        .unchecked_into()
}

fn text(host: &HtmlElement, css: &str) -> String {
    host.query_selector(css)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Types as a person does: the value, then an `input` event that bubbles to the form.
fn type_into(host: &HtmlElement, css: &str, value: &str) {
    let input: HtmlInputElement = find(host, css);
    input.set_value(value);
    input.set_attribute("data-typing", "").unwrap();
    js_sys::eval(
        "document.querySelector('[data-typing]').dispatchEvent(new Event('input', { bubbles: true }));",
    )
    .unwrap();
    input.remove_attribute("data-typing").unwrap();
}

fn click(host: &HtmlElement, css: &str) {
    let element: HtmlElement = find(host, css);
    element.click();
}

fn save_disabled(host: &HtmlElement) -> bool {
    find::<HtmlButtonElement>(host, "[data-testid=app-safeguard-save]").disabled()
}

/// Lets the card render what a click opened, its fields' values included.
async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
}

/// Waits until `css` shows `needle` (the stand-in answers asynchronously).
async fn wait_for_text(host: &HtmlElement, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..80 {
        last = text(host, css);
        if last.contains(needle) {
            return last;
        }
        gloo_timers::future::sleep(Duration::from_millis(25)).await;
    }
    panic!("{css} did not show {needle:?}; it shows {last:?}");
}

#[wasm_bindgen_test]
async fn a_typed_count_and_percent_show_the_limit_and_the_import_that_would_now_pause() {
    let host = mount(contractors(), settings(None), None);
    leptos::task::tick().await;
    assert!(text(&host, "[data-testid=app-safeguard-org-wide]").contains("20 %"));
    assert!(text(&host, "[data-testid=app-safeguard-uses]").contains("the org-wide value"));
    let org_wide = text(&host, "[data-testid=app-safeguard-limit-org-wide]");
    assert!(
        org_wide.contains("not checked: a percent applies only from 100 app users"),
        "{org_wide}"
    );
    assert!(org_wide.contains("this app has 40"), "{org_wide}");

    click(&host, "[data-testid=app-safeguard-own]");
    settle().await;
    // The form starts from the org-wide value.
    let percent: HtmlInputElement = find(&host, "[data-testid=app-safeguard-percent]");
    assert_eq!(percent.value(), "20");
    assert!(
        text(&host, "[data-testid=app-safeguard-preview]")
            .contains("none would be decided differently"),
        "the org-wide value typed again changes nothing"
    );

    // A count of 5 applies to 40 app users: the queued import of 6 would now pause.
    type_into(&host, "[data-testid=app-safeguard-percent]", "");
    type_into(&host, "[data-testid=app-safeguard-count]", "5");
    leptos::task::tick().await;
    let typed = text(&host, "[data-testid=app-safeguard-limit-typed]");
    assert!(
        typed.contains("at most 5 unassignments (a count of 5)"),
        "{typed}"
    );
    assert_eq!(
        text(&host, "[data-testid=app-safeguard-preview]"),
        "The queued Contractors import would pause."
    );
    assert!(!save_disabled(&host));

    // A percent alone says why it is not checked at this size.
    type_into(&host, "[data-testid=app-safeguard-count]", "");
    type_into(&host, "[data-testid=app-safeguard-percent]", "50");
    leptos::task::tick().await;
    let typed = text(&host, "[data-testid=app-safeguard-limit-typed]");
    assert!(
        typed.contains("not checked: a percent applies only from 100"),
        "{typed}"
    );
    assert_eq!(requests(), serde_json::json!([]), "typing sends nothing");
}

#[wasm_bindgen_test]
async fn a_typed_percent_on_a_large_app_shows_its_limit() {
    let slack = app("app_slack", "Slack", 900);
    let host = mount(slack, settings(None), None);
    leptos::task::tick().await;
    assert!(
        text(&host, "[data-testid=app-safeguard-limit-org-wide]")
            .contains("at most 180 unassignments (20 %)")
    );
    click(&host, "[data-testid=app-safeguard-own]");
    settle().await;
    type_into(&host, "[data-testid=app-safeguard-percent]", "10");
    type_into(&host, "[data-testid=app-safeguard-count]", "50");
    leptos::task::tick().await;
    let typed = text(&host, "[data-testid=app-safeguard-limit-typed]");
    assert!(
        typed.contains("at most 50 unassignments (10 % or 50, whichever is smaller)"),
        "{typed}"
    );
}

#[wasm_bindgen_test]
async fn bad_counts_and_an_enabled_override_with_neither_value_are_refused_beside_the_fields() {
    let host = mount(contractors(), settings(None), None);
    leptos::task::tick().await;
    click(&host, "[data-testid=app-safeguard-own]");
    settle().await;

    type_into(&host, "[data-testid=app-safeguard-count]", "-1");
    leptos::task::tick().await;
    let error = text(&host, "[data-testid=app-safeguard-count-error]");
    assert!(
        error.contains("A count is a whole number of at least 0"),
        "{error}"
    );
    assert!(save_disabled(&host), "Save waits for a valid count");
    assert!(
        text(&host, "[data-testid=app-safeguard-limit-typed]")
            .contains("correct the fields marked")
    );

    type_into(&host, "[data-testid=app-safeguard-count]", "abc");
    leptos::task::tick().await;
    let error = text(&host, "[data-testid=app-safeguard-count-error]");
    assert!(error.contains("\"abc\" is not one"), "{error}");
    assert!(save_disabled(&host));

    type_into(&host, "[data-testid=app-safeguard-percent]", "");
    type_into(&host, "[data-testid=app-safeguard-count]", "");
    leptos::task::tick().await;
    assert_eq!(text(&host, "[data-testid=app-safeguard-count-error]"), "");
    let error = text(&host, "[data-testid=app-safeguard-neither-error]");
    assert!(error.contains("needs a percent or a count"), "{error}");
    assert!(save_disabled(&host));

    // Off for this app, no value is needed.
    click(&host, "[data-testid=app-safeguard-enabled]");
    leptos::task::tick().await;
    assert_eq!(text(&host, "[data-testid=app-safeguard-neither-error]"), "");
    assert!(!save_disabled(&host));
    assert!(
        text(&host, "[data-testid=app-safeguard-limit-typed]")
            .contains("not checked: the safeguard is off")
    );
    assert_eq!(requests(), serde_json::json!([]), "nothing was sent");
}

#[wasm_bindgen_test]
async fn a_count_is_saved_the_server_refusal_shows_beside_it_and_the_org_wide_value_comes_back() {
    let host = mount(contractors(), settings(None), None);
    leptos::task::tick().await;
    click(&host, "[data-testid=app-safeguard-own]");
    settle().await;
    type_into(&host, "[data-testid=app-safeguard-percent]", "");

    // The server's reason for a refused value shows beside its field.
    type_into(&host, "[data-testid=app-safeguard-count]", "13");
    click(&host, "[data-testid=app-safeguard-save]");
    wait_for_text(
        &host,
        "[data-testid=app-safeguard-count-error]",
        "13 is not allowed here",
    )
    .await;
    assert!(text(&host, "[data-testid=app-safeguard-uses]").contains("the org-wide value"));

    type_into(&host, "[data-testid=app-safeguard-count]", "5");
    leptos::task::tick().await;
    assert_eq!(
        text(&host, "[data-testid=app-safeguard-count-error]"),
        "",
        "typing again clears the server's verdict"
    );
    click(&host, "[data-testid=app-safeguard-save]");
    let status = wait_for_text(&host, "[data-testid=app-safeguard-status]", "Saved").await;
    assert!(status.contains("a count of 5"), "{status}");
    assert!(
        text(&host, "[data-testid=app-safeguard-uses]").contains("its own value, a count of 5")
    );
    let sent = requests();
    assert_eq!(sent[1]["method"], "PUT");
    assert!(
        sent[1]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/api/v1/apps/app_contractors/safeguard")),
        "{sent}"
    );
    assert_eq!(
        sent[1]["body"],
        serde_json::json!({"enabled": true, "percent": null, "count": 5})
    );

    // Back to the org-wide value: the confirmation says what the limit becomes.
    click(&host, "[data-testid=app-safeguard-org]");
    leptos::task::tick().await;
    let confirm = text(&host, "[data-testid=app-safeguard-confirm]");
    assert!(confirm.contains("org-wide value (20 %)"), "{confirm}");
    assert!(
        confirm.contains("its limit becomes not checked"),
        "{confirm}"
    );
    click(&host, "[data-testid=app-safeguard-confirm-yes]");
    let status = wait_for_text(&host, "[data-testid=app-safeguard-status]", "Removed").await;
    assert!(status.contains("uses the org-wide value again"), "{status}");
    assert!(text(&host, "[data-testid=app-safeguard-uses]").contains("the org-wide value"));
    assert_eq!(requests()[2]["method"], "DELETE");
}

#[wasm_bindgen_test]
async fn a_read_only_administrator_sees_the_override_and_cannot_change_it() {
    let host = mount(
        contractors(),
        settings(Some(count_override(5))),
        Some(Role::ReadOnlyAdmin),
    );
    leptos::task::tick().await;
    assert!(
        text(&host, "[data-testid=app-safeguard-uses]").contains("its own value, a count of 5")
    );
    let count: HtmlInputElement = find(&host, "[data-testid=app-safeguard-count]");
    assert_eq!(count.value(), "5", "the saved value is shown");
    let save: HtmlButtonElement = find(&host, "[data-testid=app-safeguard-save]");
    assert!(save.disabled());
    assert_eq!(save.title(), reasons::SAVE_SAFEGUARDS);
    let org: HtmlButtonElement = find(&host, "[data-testid=app-safeguard-org]");
    assert!(org.disabled());
    assert_eq!(
        text(&host, "#app-safeguard-read-only"),
        reasons::SAVE_SAFEGUARDS
    );
    assert_eq!(requests(), serde_json::json!([]), "nothing was sent");
}
