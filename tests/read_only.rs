//! A read-only administrator sees every change control disabled, with the reason beside it and
//! as its tooltip; a super administrator sees neither.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::components::read_only_note::ReadOnlyNote;
use safeguard_console::components::safeguard_editor::SafeguardEditor;
use safeguard_console::session::{Session, reasons};
use safeguard_rules::api::{AppView, Me, Role, SafeguardsView};
use safeguard_rules::settings::Safeguard;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn me(role: Role) -> Me {
    Me {
        id: "adm_1".into(),
        email: "ops@example.com".into(),
        role,
    }
}

/// The safeguard editor as an administrator of `role` sees it.
fn mount_editor_as(role: Role) -> HtmlElement {
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let saved = SafeguardsView {
        app_level: Safeguard::new(true, 20).unwrap(),
        org_level: Safeguard::new(true, 20).unwrap(),
        deactivations: Default::default(),
        roadblock_scope: Default::default(),
        app_overrides: Vec::new(),
        version: 1,
    };
    let apps = vec![AppView {
        id: "app_workday".into(),
        name: "Workday".into(),
        profile_source: false,
        deactivate_on_remove: false,
        profile_source_priority: None,
        match_by: vec![safeguard_rules::api::MatchField::Login],
        reactivate_on_return: true,
        population: 1200,
    }];
    let handle = leptos::mount::mount_to(host.clone(), move || {
        Session::provide_signed_in(me(role));
        view! { <SafeguardEditor saved apps imports=Vec::new() /> }
    });
    std::mem::forget(handle);
    host
}

fn save_button(host: &HtmlElement) -> HtmlButtonElement {
    host.query_selector("[data-testid=save]")
        .unwrap()
        .expect("a Save button")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn a_read_only_administrator_cannot_save_and_is_told_why() {
    let host = mount_editor_as(Role::ReadOnlyAdmin);
    // A change that a super administrator could save: a read-only one may still preview it.
    let percent: HtmlInputElement = host
        .query_selector("[data-testid=app-percent]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    percent.set_value("30");
    percent
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;

    let save = save_button(&host);
    assert!(
        save.disabled(),
        "Save is disabled for a read-only administrator"
    );
    assert_eq!(save.title(), reasons::SAVE_SAFEGUARDS);
    assert_eq!(
        save.get_attribute("aria-describedby").as_deref(),
        Some("save-read-only")
    );
    let note = host
        .query_selector("#save-read-only")
        .unwrap()
        .expect("the reason is shown beside Save");
    assert_eq!(
        note.text_content().unwrap(),
        "Read-only administrators can't change the safeguards."
    );
}

#[wasm_bindgen_test]
async fn a_super_administrator_sees_no_reason() {
    let host = mount_editor_as(Role::SuperAdmin);
    let percent: HtmlInputElement = host
        .query_selector("[data-testid=app-percent]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    percent.set_value("30");
    percent
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let save = save_button(&host);
    assert!(!save.disabled(), "a super administrator can save");
    assert_eq!(save.title(), "");
    assert!(
        host.query_selector("[data-testid=read-only-note]")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
fn the_resume_reason_names_resuming_imports() {
    // End-to-end tests look for this sentence on a paused import's page.
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), || {
        Session::provide_signed_in(me(Role::ReadOnlyAdmin));
        view! { <ReadOnlyNote id="resolve-read-only" reason=reasons::RESUME /> }
    });
    std::mem::forget(handle);
    let text = host.text_content().unwrap();
    assert!(
        text.contains("Read-only administrators can't resume imports"),
        "{text}"
    );
}
