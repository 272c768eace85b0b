//! The sign-in page in a real browser: labelled fields the browser's password manager knows,
//! no navigation, and the server's answer shown when signing in fails.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The whole console, opened at `/signin?next=/imports`.
fn mount_at_sign_in() -> HtmlElement {
    window()
        .history()
        .unwrap()
        .push_state_with_url(&JsValue::NULL, "", Some("/signin?next=%2Fimports"))
        .unwrap();
    let document = document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), safeguard_console::app::App);
    std::mem::forget(handle);
    host
}

fn input(host: &HtmlElement, id: &str) -> HtmlInputElement {
    host.query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("no #{id}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_sign_in_page_has_labelled_fields_and_no_navigation() {
    let host = mount_at_sign_in();
    leptos::task::tick().await;
    let email = input(&host, "signin-email");
    let password = input(&host, "signin-password");
    assert_eq!(
        email.get_attribute("autocomplete").as_deref(),
        Some("username")
    );
    assert_eq!(
        password.get_attribute("autocomplete").as_deref(),
        Some("current-password")
    );
    assert_eq!(password.type_(), "password");
    for id in ["signin-email", "signin-password"] {
        assert!(
            host.query_selector(&format!("label[for={id}]"))
                .unwrap()
                .is_some(),
            "#{id} has a label"
        );
    }
    assert!(
        host.query_selector("nav").unwrap().is_none(),
        "the sign-in page shows no navigation"
    );
    let submit: HtmlButtonElement = host
        .query_selector("#signin-submit")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(
        submit.type_(),
        "submit",
        "Enter in a field submits the form"
    );
    assert_eq!(submit.text_content().unwrap(), "Sign in");

    // No API answers here, so the attempt fails: the page says why and keeps the email, not the
    // password.
    email.set_value("ops@example.com");
    email
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    password.set_value("not the password");
    password
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let form = host.query_selector("form").unwrap().unwrap();
    form.dispatch_event(&web_sys::Event::new("submit").unwrap())
        .unwrap();
    let mut error = None;
    for _ in 0..100 {
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
        error = host.query_selector("#signin-error").unwrap();
        if error.is_some() {
            break;
        }
    }
    let error = error.expect("a failed sign-in says why");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(!error.text_content().unwrap().is_empty());
    assert_eq!(input(&host, "signin-email").value(), "ops@example.com");
    assert_eq!(input(&host, "signin-password").value(), "");
    assert_eq!(
        window().location().pathname().unwrap(),
        "/signin",
        "a failed sign-in stays on the page"
    );
}
