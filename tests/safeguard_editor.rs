//! The safeguard editor in a real browser: the preview recomputes as a percent changes, without a
//! request, and an invalid percent shows its reason and disables Save.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::components::safeguard_editor::SafeguardEditor;
use safeguard_rules::api::{AppView, ImportStatus, ImportView, SafeguardsView};
use safeguard_rules::plan::{AppImpact, Counts, Impact};
use safeguard_rules::settings::Safeguard;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn app(id: &str, name: &str, population: u64) -> AppView {
    AppView {
        id: id.into(),
        name: name.into(),
        profile_source: false,
        deactivate_on_remove: false,
        profile_source_priority: None,
        match_by: vec![safeguard_rules::api::MatchField::Login],
        reactivate_on_return: true,
        population,
    }
}

/// A paused Workday import: 300 of 1,200 Workday users (25 %), org of 2,000 app users.
fn paused_workday() -> ImportView {
    ImportView {
        id: "imp_paused".into(),
        app_id: "app_workday".into(),
        app_name: "Workday".into(),
        status: ImportStatus::Paused,
        created_at: "2026-11-23T10:00:00Z".into(),
        started_at: None,
        finished_at: None,
        counts: Counts {
            unassigned: 300,
            ..Counts::default()
        },
        impact: Impact {
            org_population: 2000,
            apps: vec![AppImpact {
                app_id: "app_workday".into(),
                app_name: "Workday".into(),
                population: 1200,
                unassignments: 300,
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

fn mount_editor() -> HtmlElement {
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let saved = SafeguardsView {
        app_level: Safeguard::new(true, 20).unwrap(),
        org_level: Safeguard::new(true, 20).unwrap(),
        deactivations: Default::default(),
        roadblock_scope: Default::default(),
        app_overrides: Vec::new(),
        version: 3,
    };
    let apps = vec![
        app("app_workday", "Workday", 1200),
        app("app_slack", "Slack", 750),
        app("app_figma", "Figma", 50),
    ];
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <SafeguardEditor saved=saved apps=apps imports=vec![paused_workday()] /> }
    });
    std::mem::forget(handle);
    host
}

fn find<T: JsCast>(host: &HtmlElement, test_id: &str) -> T {
    host.query_selector(&format!("[data-testid={test_id}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element {test_id}"))
        .unchecked_into()
}

fn type_into(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    let event = web_sys::Event::new("input").unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_preview_recomputes_when_a_percent_changes() {
    let host = mount_editor();
    let summary = || {
        find::<HtmlElement>(&host, "preview-summary")
            .text_content()
            .unwrap()
    };
    assert!(
        summary().contains("No paused, queued or recent import"),
        "{}",
        summary()
    );
    // 300 of 1,200 is 25 %: at 30 % the paused Workday import would pass.
    type_into(&find(&host, "app-percent"), "30");
    leptos::task::tick().await;
    assert!(
        summary().contains("The paused Workday import would pass."),
        "{}",
        summary()
    );
    let limits = find::<HtmlElement>(&host, "preview-limits")
        .text_content()
        .unwrap();
    assert!(
        limits.contains("360"),
        "Workday's proposed limit at 30 % is 360: {limits}"
    );
    assert!(
        limits.contains("below 100: not checked"),
        "Figma is under the minimum: {limits}"
    );
    assert!(
        !find::<HtmlButtonElement>(&host, "save").disabled(),
        "a valid change can be saved"
    );
}

#[wasm_bindgen_test]
async fn an_invalid_percent_shows_its_reason_and_disables_save() {
    let host = mount_editor();
    type_into(&find(&host, "org-percent"), "101");
    leptos::task::tick().await;
    let error = find::<HtmlElement>(&host, "org-percent-error")
        .text_content()
        .unwrap();
    assert!(error.contains("more than 100"), "reason shown: {error}");
    assert!(
        find::<HtmlButtonElement>(&host, "save").disabled(),
        "Save is disabled while invalid"
    );
    type_into(&find(&host, "org-percent"), "12.5");
    leptos::task::tick().await;
    let error = find::<HtmlElement>(&host, "org-percent-error")
        .text_content()
        .unwrap();
    assert!(
        error.contains("not a whole number"),
        "reason shown: {error}"
    );
    type_into(&find(&host, "org-percent"), "15");
    leptos::task::tick().await;
    assert_eq!(
        find::<HtmlElement>(&host, "org-percent-error")
            .text_content()
            .unwrap(),
        ""
    );
    assert!(!find::<HtmlButtonElement>(&host, "save").disabled());
}
