//! An app's directory settings in a real browser, against a stand-in for the server's
//! `PATCH /api/v1/apps/{appId}` (the page's `fetch` replaced): the saved values shown, the patch
//! sent as typed, a priority another profile source holds refused beside its field, a saved one
//! confirmed; an app that is not a profile source sends no priority; a read-only administrator
//! cannot save and is told why.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::pages::app_directory::DirectorySettings;
use safeguard_console::session::{Session, reasons};
use safeguard_rules::api::{AppView, MatchField, Me, Role};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The stand-in: records every request in `window.__requests`; a priority of 1 is taken (a 422
/// naming the field, as the server answers), anything else is saved and answered as the app.
const FAKE_SERVER: &str = r#"
window.__requests = [];
window.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const text = await request.text();
  const body = text ? JSON.parse(text) : null;
  window.__requests.push({ method: request.method, url: request.url, body });
  if (body && body.profileSourcePriority === 1) {
    return new Response(JSON.stringify({
      type: "about:blank", title: "Invalid request", status: 422,
      detail: "The priority is taken; nothing was changed.",
      errors: [{ field: "profileSourcePriority",
                 message: "Workday has priority 1 already; each profile source has its own (1 is the highest)" }],
    }), { status: 422, headers: { "Content-Type": "application/problem+json" } });
  }
  const app = Object.assign({}, window.__app, body);
  window.__app = app;
  return new Response(JSON.stringify(app), { status: 200, headers: { "Content-Type": "application/json" } });
};
"#;

fn contractors() -> AppView {
    AppView {
        id: "app_contractors".into(),
        name: "Contractors".into(),
        profile_source: true,
        deactivate_on_remove: true,
        profile_source_priority: Some(2),
        match_by: vec![MatchField::Login, MatchField::Email],
        reactivate_on_return: true,
        population: 40,
    }
}

fn slack() -> AppView {
    AppView {
        id: "app_slack".into(),
        name: "Slack".into(),
        profile_source: false,
        deactivate_on_remove: false,
        profile_source_priority: None,
        match_by: vec![MatchField::Login],
        reactivate_on_return: true,
        population: 900,
    }
}

fn install_fake_server(app: &AppView) {
    js_sys::eval(FAKE_SERVER).expect("the stand-in installs");
    let json = serde_json::to_string(app).expect("an app serializes");
    js_sys::eval(&format!("window.__app = {json};")).expect("the app is set");
}

/// The requests the stand-in received, as JSON.
fn requests() -> serde_json::Value {
    let text = js_sys::eval("JSON.stringify(window.__requests)")
        .expect("the requests are read")
        .as_string()
        .expect("a string");
    serde_json::from_str(&text).expect("JSON")
}

fn mount(app: AppView, role: Option<Role>) -> (HtmlElement, RwSignal<AppView>) {
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let app = RwSignal::new(app);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        if let Some(role) = role {
            Session::provide_signed_in(Me {
                id: "adm_1".into(),
                email: "ops@example.com".into(),
                role,
            });
        }
        view! { <DirectorySettings app /> }
    });
    std::mem::forget(handle);
    (host, app)
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

fn type_into(host: &HtmlElement, css: &str, value: &str) {
    let input: HtmlInputElement = find(host, css);
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn click(host: &HtmlElement, css: &str) {
    let input: HtmlElement = find(host, css);
    input.click();
}

fn submit(host: &HtmlElement) {
    let form: HtmlElement = find(host, "form");
    form.dispatch_event(&web_sys::Event::new("submit").unwrap())
        .unwrap();
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
async fn a_profile_source_shows_its_settings_refuses_a_taken_priority_and_saves_a_free_one() {
    install_fake_server(&contractors());
    let (host, app) = mount(contractors(), None);
    leptos::task::tick().await;

    assert!(
        text(&host, "[data-testid=directory-profile-source]").contains("yes"),
        "a profile source says so"
    );
    let priority: HtmlInputElement = find(&host, "[data-testid=directory-priority]");
    assert_eq!(priority.value(), "2");
    let words = text(&host, "[data-testid=directory-priority-words]");
    assert!(
        words.contains("2 — owns the profile of the users it lists"),
        "{words}"
    );
    assert!(words.contains("highest-ranked profile source"), "{words}");
    let by_email: HtmlInputElement = find(&host, "[data-testid=directory-match-email]");
    assert!(by_email.checked(), "matched by login and email");
    let reactivate: HtmlInputElement = find(&host, "[data-testid=directory-reactivate]");
    assert!(reactivate.checked(), "returning users are reactivated");

    // Priority 1 is Workday's: the server's reason shows beside the field, nothing is saved.
    type_into(&host, "[data-testid=directory-priority]", "1");
    leptos::task::tick().await;
    assert!(
        text(&host, "[data-testid=directory-priority-words]")
            .contains("1 — owns the profile of every user it lists"),
        "the rank is explained as typed"
    );
    submit(&host);
    let error = wait_for_text(
        &host,
        "[data-testid=directory-priority-error]",
        "Workday has priority 1 already",
    )
    .await;
    assert!(error.contains("1 is the highest"), "{error}");
    assert!(text(&host, "[data-testid=directory-saved]").is_empty());
    assert!(text(&host, "[data-testid=directory-not-saved]").contains("Not saved"));
    assert_eq!(app.get_untracked().profile_source_priority, Some(2));

    // Priority 3, by login only, no reactivation: sent as one patch, and saved.
    type_into(&host, "[data-testid=directory-priority]", "3");
    click(&host, "[data-testid=directory-match-login]");
    click(&host, "[data-testid=directory-reactivate]");
    leptos::task::tick().await;
    submit(&host);
    wait_for_text(&host, "[data-testid=directory-saved]", "Saved.").await;
    assert_eq!(text(&host, "[data-testid=directory-priority-error]"), "");
    let sent = requests();
    let sent = sent.as_array().expect("a list");
    assert_eq!(sent.len(), 2, "{sent:?}");
    let last = &sent[1];
    assert_eq!(last["method"], "PATCH");
    assert!(
        last["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/api/v1/apps/app_contractors")),
        "{last}"
    );
    assert_eq!(
        last["body"],
        serde_json::json!({"profileSourcePriority": 3, "matchBy": ["login"], "reactivateOnReturn": false})
    );
    let saved = app.get_untracked();
    assert_eq!(saved.profile_source_priority, Some(3));
    assert_eq!(saved.match_by, vec![MatchField::Login]);
    assert!(!saved.reactivate_on_return);
}

#[wasm_bindgen_test]
async fn a_priority_that_is_not_a_number_is_refused_without_a_request() {
    install_fake_server(&contractors());
    let (host, _) = mount(contractors(), None);
    leptos::task::tick().await;
    type_into(&host, "[data-testid=directory-priority]", "0");
    submit(&host);
    leptos::task::tick().await;
    let error = text(&host, "[data-testid=directory-priority-error]");
    assert!(error.contains("1 or more"), "{error}");
    assert_eq!(requests(), serde_json::json!([]), "nothing was sent");
}

#[wasm_bindgen_test]
async fn an_app_that_is_not_a_profile_source_sends_its_matching_only() {
    install_fake_server(&slack());
    let (host, app) = mount(slack(), None);
    leptos::task::tick().await;
    assert!(text(&host, "[data-testid=directory-profile-source]").contains("no"));
    assert!(
        host.query_selector("[data-testid=directory-priority]")
            .unwrap()
            .is_none(),
        "no priority for an app that is not a profile source"
    );
    assert!(
        host.query_selector("[data-testid=directory-reactivate]")
            .unwrap()
            .is_none(),
        "only profile sources reactivate"
    );
    click(&host, "[data-testid=directory-match-email]");
    leptos::task::tick().await;
    submit(&host);
    wait_for_text(&host, "[data-testid=directory-saved]", "Saved.").await;
    let sent = requests();
    assert_eq!(
        sent[0]["body"],
        serde_json::json!({"matchBy": ["login", "email"]})
    );
    assert_eq!(
        app.get_untracked().match_by,
        vec![MatchField::Login, MatchField::Email]
    );
}

#[wasm_bindgen_test]
async fn a_read_only_administrator_sees_the_settings_and_cannot_save() {
    install_fake_server(&contractors());
    let (host, _) = mount(contractors(), Some(Role::ReadOnlyAdmin));
    leptos::task::tick().await;
    let priority: HtmlInputElement = find(&host, "[data-testid=directory-priority]");
    assert_eq!(priority.value(), "2", "the values are shown");
    let save: HtmlButtonElement = find(&host, "[data-testid=save-directory]");
    assert!(save.disabled());
    assert_eq!(save.title(), reasons::DIRECTORY);
    assert_eq!(text(&host, "#directory-read-only"), reasons::DIRECTORY);
    submit(&host);
    leptos::task::tick().await;
    assert_eq!(requests(), serde_json::json!([]), "nothing was sent");
}
