//! The safeguard editor in a real browser: the preview recomputes as a percent, a count or the
//! deactivation budget changes, without a request; an invalid value shows its reason beside its
//! field and disables Save; the apps with their own app-level value are named where the
//! org-wide one is edited.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::components::safeguard_editor::{SafeguardEditor, what_changed};
use safeguard_rules::api::{AppOverrideView, AppView, ImportStatus, ImportView, SafeguardsView};
use safeguard_rules::plan::{AppImpact, Counts, Impact};
use safeguard_rules::settings::{Limit, RoadblockScope, Safeguard};
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

/// A queued import of `app_name` that unassigns `unassignments` of its users and deactivates
/// `deactivations` of the org's 1,000 active users.
fn queued(id: &str, app: (&str, &str, u64), unassignments: u64, deactivations: u64) -> ImportView {
    let mut import = paused_workday();
    import.id = id.into();
    import.app_id = app.0.into();
    import.app_name = app.1.into();
    import.status = ImportStatus::Queued;
    import.created_at = "2026-11-23T11:00:00Z".into();
    import.impact = Impact {
        org_population: 2000,
        apps: vec![AppImpact {
            app_id: app.0.into(),
            app_name: app.1.into(),
            population: app.2,
            unassignments,
        }],
        deactivations,
        active_users: 1000,
    };
    import
}

fn saved_settings() -> SafeguardsView {
    SafeguardsView {
        app_level: Safeguard::new(true, 20).unwrap(),
        org_level: Safeguard::new(true, 20).unwrap(),
        deactivations: Default::default(),
        roadblock_scope: Default::default(),
        app_overrides: Vec::new(),
        version: 3,
    }
}

fn mount_editor() -> HtmlElement {
    mount_editor_with(saved_settings(), vec![paused_workday()])
}

/// The editor over the paused Workday import, a queued Slack import that passes (50 of 750
/// against a limit of 150) and a queued Slack import that deactivates 30 users.
fn mount_editor_with_queued() -> HtmlElement {
    mount_editor_with(
        saved_settings(),
        vec![
            paused_workday(),
            queued("imp_slack", ("app_slack", "Slack", 750), 50, 0),
            queued("imp_leavers", ("app_slack", "Slack", 750), 5, 30),
        ],
    )
}

fn mount_editor_with(saved: SafeguardsView, imports: Vec<ImportView>) -> HtmlElement {
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let apps = vec![
        app("app_workday", "Workday", 1200),
        app("app_slack", "Slack", 750),
        app("app_figma", "Figma", 50),
    ];
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <SafeguardEditor saved=saved apps=apps imports=imports /> }
    });
    std::mem::forget(handle);
    host
}

fn text(host: &HtmlElement, test_id: &str) -> String {
    find::<HtmlElement>(host, test_id).text_content().unwrap()
}

/// The elements `css:nth-child(1)`, `css:nth-child(2)`, ... (`css` names siblings).
fn all(host: &HtmlElement, css: &str) -> Vec<web_sys::Element> {
    (1..)
        .map_while(|k| {
            host.query_selector(&format!("{css}:nth-child({k})"))
                .unwrap()
        })
        .collect()
}

/// The preview rows' texts, one string per import.
fn rows(host: &HtmlElement) -> Vec<String> {
    all(host, "[data-testid=preview-row]")
        .into_iter()
        .map(|row| row.text_content().unwrap())
        .collect()
}

fn check(input: &HtmlInputElement, checked: bool) {
    input.set_checked(checked);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
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

#[wasm_bindgen_test]
async fn a_count_lowers_the_limit_and_pauses_an_import_that_passed() {
    let host = mount_editor_with_queued();
    let slack = |host: &HtmlElement| {
        rows(host)
            .into_iter()
            .find(|r| r.contains("Slack") && r.contains("queued") && !r.contains("deactivations"))
            .unwrap_or_default()
    };
    assert!(slack(&host).ends_with("passespasses"), "{}", slack(&host));
    type_into(&find(&host, "app-count"), "40");
    leptos::task::tick().await;
    let limits = text(&host, "preview-limits");
    assert!(
        limits.contains("240 (20 %)") && limits.contains("40 (20 % or 40, whichever is smaller)"),
        "Workday's limit goes from 240 to the count of 40: {limits}"
    );
    assert!(
        limits.contains("below 100: only the count applies"),
        "a count applies to Figma's 50 users: {limits}"
    );
    assert!(
        slack(&host).contains("pauses: app level, Slack 50 of 750 (limit 40)"),
        "{}",
        slack(&host)
    );
    assert!(
        text(&host, "preview-summary").contains("The queued Slack import would pause."),
        "{}",
        text(&host, "preview-summary")
    );
    assert!(!find::<HtmlButtonElement>(&host, "save").disabled());
}

#[wasm_bindgen_test]
async fn an_invalid_count_shows_its_error_and_disables_save() {
    let host = mount_editor();
    type_into(&find(&host, "org-count"), "-1");
    leptos::task::tick().await;
    assert_eq!(
        text(&host, "org-count-error"),
        "A count is a whole number of at least 0"
    );
    assert!(find::<HtmlButtonElement>(&host, "save").disabled());
    type_into(&find(&host, "org-count"), "2.5");
    leptos::task::tick().await;
    assert!(
        text(&host, "org-count-error").contains("without decimals"),
        "{}",
        text(&host, "org-count-error")
    );
    type_into(&find(&host, "org-count"), "500");
    leptos::task::tick().await;
    assert_eq!(text(&host, "org-count-error"), "");
    assert!(
        text(&host, "org-limit-proposed").contains("400 (20 %"),
        "the org's 20 % of 2,000 is smaller than 500: {}",
        text(&host, "org-limit-proposed")
    );
    assert!(!find::<HtmlButtonElement>(&host, "save").disabled());
}

#[wasm_bindgen_test]
async fn an_enabled_budget_needs_a_percent_or_a_count() {
    let host = mount_editor();
    assert_eq!(text(&host, "budget-error"), "");
    check(&find(&host, "budget-enabled"), true);
    leptos::task::tick().await;
    assert!(
        text(&host, "budget-error").contains("needs a percent or a count"),
        "{}",
        text(&host, "budget-error")
    );
    assert!(find::<HtmlButtonElement>(&host, "save").disabled());
    type_into(&find(&host, "budget-percent"), "5");
    leptos::task::tick().await;
    assert_eq!(text(&host, "budget-error"), "");
    assert!(!find::<HtmlButtonElement>(&host, "save").disabled());
}

#[wasm_bindgen_test]
async fn the_budget_pauses_an_import_that_deactivates_too_many() {
    let host = mount_editor_with_queued();
    check(&find(&host, "budget-enabled"), true);
    type_into(&find(&host, "budget-count"), "10");
    leptos::task::tick().await;
    let leavers = rows(&host)
        .into_iter()
        .find(|r| r.contains("deactivations"))
        .unwrap_or_default();
    assert!(
        leavers.contains("pauses: deactivations, 30 of 1,000 active users (limit 10)"),
        "rows: {:?}",
        rows(&host)
    );
    let budget = text(&host, "budget-row");
    assert!(
        budget.contains("1,000 active users") && budget.contains("10 (a count of 10)"),
        "{budget}"
    );
    let chart = text(&host, "paused-chart");
    assert!(
        chart.contains("The paused Workday import against the proposed limits")
            && chart.contains("Deactivation budget"),
        "{chart}"
    );
}

#[wasm_bindgen_test]
async fn the_scope_is_chosen_with_two_radio_buttons() {
    let host = mount_editor();
    let org: HtmlInputElement = find(&host, "scope-org");
    let app: HtmlInputElement = find(&host, "scope-app");
    assert!(org.checked() && !app.checked(), "org is the default");
    assert!(text(&host, "scope").contains("Imports of other apps run"));
    assert!(find::<HtmlButtonElement>(&host, "save").disabled());
    app.click();
    leptos::task::tick().await;
    assert!(app.checked() && !org.checked());
    assert!(
        !find::<HtmlButtonElement>(&host, "save").disabled(),
        "a new scope can be saved"
    );
}

#[wasm_bindgen_test]
async fn the_apps_with_their_own_value_are_named_and_linked() {
    let mut saved = saved_settings();
    saved.app_overrides = vec![
        AppOverrideView {
            app_id: "app_workday".into(),
            app_name: "Workday".into(),
            enabled: true,
            percent: Some(50),
            count: None,
        },
        AppOverrideView {
            app_id: "app_figma".into(),
            app_name: "Figma".into(),
            enabled: true,
            percent: None,
            count: Some(5),
        },
    ];
    let host = mount_editor_with(saved, vec![paused_workday()]);
    let list = text(&host, "app-overrides");
    assert!(
        list.contains("2 apps have their own app-level value and are not changed by this one"),
        "{list}"
    );
    assert!(
        list.contains("Workday: 50 %") && list.contains("Figma: a count of 5"),
        "{list}"
    );
    let hrefs: Vec<String> = all(&host, "[data-testid=app-override]")
        .into_iter()
        .map(|item| {
            item.query_selector("a")
                .unwrap()
                .unwrap()
                .get_attribute("href")
                .unwrap()
        })
        .collect();
    assert_eq!(hrefs, ["/apps/app_workday", "/apps/app_figma"]);
    assert!(text(&host, "levels-note").contains("changes it for all apps without their own value"));
    // The org-wide value does not move Workday's limit: 50 % of 1,200 is 600 either way.
    type_into(&find(&host, "app-percent"), "10");
    leptos::task::tick().await;
    let limits = text(&host, "preview-limits");
    assert!(limits.contains("Workday · its own value"), "{limits}");
    assert!(limits.contains("600 (50 %)600 (50 %)"), "{limits}");
    assert!(
        limits.contains("75 (10 %)"),
        "Slack follows the org-wide value: {limits}"
    );
}

#[wasm_bindgen_test]
fn a_conflict_names_what_the_other_save_changed() {
    let mine = saved_settings();
    let mut theirs = saved_settings();
    theirs.version = 4;
    theirs.app_level.count = Some(40);
    theirs.deactivations = Limit {
        enabled: true,
        percent: Some(5),
        count: None,
    };
    theirs.roadblock_scope = RoadblockScope::App;
    assert_eq!(
        what_changed(&mine, &theirs),
        [
            "App level: 20 % -> 20 % or 40, whichever is smaller (now saved)",
            "Deactivation budget: off -> 5 % (now saved)",
            "Roadblock scope: org (every import waits) -> app (only the paused app's imports wait) (now saved)",
        ]
    );
}

/// A stand-in for `PUT /api/v1/safeguards` (the page's `fetch` replaced), answering as the
/// server does: an org count of 999 is refused field by field (422), going back to scope `org`
/// is refused while two imports are paused (409 `several-paused`), anything else is saved.
const FAKE_SERVER: &str = r#"
window.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const text = await request.text();
  const body = text ? JSON.parse(text) : null;
  const problem = (status, type, detail, errors) => new Response(
    JSON.stringify({ type, title: status === 409 ? "Conflict" : "Invalid request", status, detail, errors }),
    { status, headers: { "Content-Type": "application/problem+json" } });
  if (body && body.orgLevel.count === 999) {
    return problem(422, "/problems/invalid", "The safeguard settings are invalid; nothing was changed.",
      [{ field: "orgLevel.count", message: "the server refuses 999 here" }]);
  }
  if (body && body.roadblockScope === "org") {
    return problem(409, "/problems/several-paused",
      "The roadblock cannot hold the whole org while 2 imports are paused: Workday (imp_paused), Slack (imp_slack). Resume or cancel all but one first; nothing was changed.", []);
  }
  const saved = Object.assign({}, body, { version: body.version + 1 });
  return new Response(JSON.stringify(saved), { status: 200, headers: { "Content-Type": "application/json" } });
};
"#;

/// Waits until the element `test_id` shows `needle` (the stand-in answers asynchronously).
async fn wait_for_text(host: &HtmlElement, test_id: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..80 {
        // Until the answer arrives the element may not be there yet.
        last = host
            .query_selector(&format!("[data-testid={test_id}]"))
            .unwrap()
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        if last.contains(needle) {
            return last;
        }
        gloo_timers::future::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{test_id} did not show {needle:?}; it shows {last:?}");
}

#[wasm_bindgen_test]
async fn the_servers_refusals_are_shown_where_they_belong() {
    js_sys::eval(FAKE_SERVER).unwrap();
    let mut saved = saved_settings();
    saved.roadblock_scope = RoadblockScope::App;
    let host = mount_editor_with(saved, vec![paused_workday()]);

    // A 422: the server's word on the field, beside the field.
    type_into(&find(&host, "org-count"), "999");
    leptos::task::tick().await;
    find::<HtmlButtonElement>(&host, "save").click();
    wait_for_text(&host, "org-count-error", "the server refuses 999 here").await;
    assert!(text(&host, "save-invalid").contains("nothing was changed"));
    // Once the value changes, the server's word on the old one goes.
    type_into(&find(&host, "org-count"), "998");
    leptos::task::tick().await;
    assert_eq!(text(&host, "org-count-error"), "");

    // The scope's 409 is shown as the server gave it, not as someone else's save.
    find::<HtmlInputElement>(&host, "scope-org").click();
    leptos::task::tick().await;
    assert!(text(&host, "scope").contains("Going back to org is refused"));
    find::<HtmlButtonElement>(&host, "save").click();
    let refused = wait_for_text(&host, "save-refused", "2 imports are paused").await;
    assert!(
        refused.contains("Workday (imp_paused), Slack (imp_slack)"),
        "{refused}"
    );
    assert!(
        host.query_selector("[data-testid=save-conflict]")
            .unwrap()
            .is_none(),
        "not taken for a version conflict"
    );
}
