//! The System Log's filter box validates as typed, with the rules crate's parser, and shows
//! where a filter stops making sense.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::pages::system_log::FilterBox;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_filter_that_does_not_parse_shows_the_position() {
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let text = RwSignal::new(String::new());
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <FilterBox text /> });
    std::mem::forget(handle);

    let input: HtmlInputElement = host
        .query_selector("[data-testid=log-filter]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("eventType equals \"x\"");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let error = host
        .query_selector("[data-testid=log-filter-error]")
        .unwrap()
        .expect("an error is shown");
    let message = error.text_content().unwrap();
    assert!(message.starts_with("At position 10:"), "{message}");

    input.set_value("eventType eq \"system.import.roadblock\"");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(
        host.query_selector("[data-testid=log-filter-error]")
            .unwrap()
            .is_none(),
        "a valid filter shows no error"
    );
}
