//! When a session ends, the console goes to the sign-in page through the router, carrying the
//! page the administrator was on (path and query) so signing in returns there.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use safeguard_console::sign_in_redirect::go_to_sign_in;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_expired_session_goes_to_sign_in_with_the_page_to_return_to() {
    window()
        .history()
        .unwrap()
        .push_state_with_url(&JsValue::NULL, "", Some("/imports?status=paused"))
        .unwrap();
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), safeguard_console::app::App);
    std::mem::forget(handle);
    leptos::task::tick().await;
    assert!(
        host.query_selector("nav").unwrap().is_some(),
        "the shell is showing"
    );

    // What the API client does on any 401.
    go_to_sign_in();
    let mut form = None;
    for _ in 0..40 {
        gloo_timers::future::sleep(Duration::from_millis(25)).await;
        form = host.query_selector("[data-testid=signin-form]").unwrap();
        if form.is_some() {
            break;
        }
    }
    assert!(form.is_some(), "the sign-in page shows, without a reload");
    let location = window().location();
    assert_eq!(location.pathname().unwrap(), "/signin");
    assert_eq!(
        location.search().unwrap(),
        "?next=%2Fimports%3Fstatus%3Dpaused"
    );
    assert!(
        host.query_selector("nav").unwrap().is_none(),
        "no navigation on the sign-in page"
    );
}
