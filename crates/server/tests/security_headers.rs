//! Every answer carries the security headers: the console's page (at `/` and at a deep link),
//! its static files, and the API's answers, successes and problems alike. Scripts may come from
//! this origin only: the built console has no inline script (its loader is a file).
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::body::Body;
use axum::http::{Method, Request};
use support::{Response, TestApp};

/// What the console's build writes: a loader script file, and a stylesheet file.
const INDEX: &str = "<!DOCTYPE html>\n<html><head>\n<script type=\"module\" src=\"/loader-1.js\"></script>\n<link rel=\"stylesheet\" href=\"/main.css\"/></head><body></body></html>\n";

fn console() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("loader-1.js"), "await Promise.resolve();").unwrap();
    std::fs::write(dir.path().join("main.css"), "body { margin: 0 }").unwrap();
    dir
}

/// Asserts the headers every answer carries; answers the policy.
fn assert_security_headers(r: &Response, what: &str) -> String {
    let policy = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(
            policy.contains(directive),
            "{what}: {directive} in {policy}"
        );
    }
    // Nothing else may run: no inline script by hash or nonce, no `unsafe-inline`.
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{what}: {policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
    assert!(!policy.contains("sha256-"), "{what}: {policy}");
    assert!(!policy.contains("nonce-"), "{what}: {policy}");
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        r.header("referrer-policy").as_deref(),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        r.header("x-frame-options").as_deref(),
        Some("DENY"),
        "{what}"
    );
    policy
}

#[tokio::test]
async fn the_console_page_deep_links_and_files_carry_the_headers() {
    let dir = console();
    let app = TestApp::builder().console_dir(dir.path()).build();
    for path in ["/", "/imports/imp_123", "/loader-1.js", "/main.css"] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_security_headers(&r, path);
        // The console's files are cacheable (Trunk names them by content); only the API's are not.
        assert_ne!(
            r.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn api_answers_carry_the_headers_and_are_never_stored() {
    let app = TestApp::builder().max_body_bytes(64).build();
    let ok = app.get("/api/v1/safeguards").await;
    assert_eq!(ok.status, 200);
    let not_found = app.get("/api/v1/apps/app_nope").await;
    not_found.problem(404);
    let unknown_route = app.get("/api/v1/nothing-here").await;
    unknown_route.problem(404);
    let invalid = app
        .put_json("/api/v1/safeguards", &serde_json::json!({"version": 1}))
        .await;
    invalid.problem(422);
    let too_large = app
        .send_body(
            Method::POST,
            "/api/v1/apps",
            "application/json",
            "x".repeat(100),
        )
        .await;
    too_large.problem(413);
    let wrong_method = app
        .send(
            Request::delete("/api/v1/safeguards")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    wrong_method.problem(405);
    for (what, r) in [
        ("200", &ok),
        ("404", &not_found),
        ("unknown route", &unknown_route),
        ("422", &invalid),
        ("413", &too_large),
        ("405", &wrong_method),
    ] {
        assert_security_headers(r, what);
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some("no-store"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn without_a_console_the_placeholder_page_has_nothing_inline() {
    let app = TestApp::new();
    let page = app.get("/").await;
    assert_security_headers(&page, "placeholder page");
    // The placeholder page itself has nothing inline for the policy to block.
    assert!(!page.text().contains("style="));
    assert!(!page.text().contains("<script"));
}

/// The console as `make console` built it: its page has no inline script left.
#[test]
fn the_built_console_has_no_inline_script() {
    let index = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist/index.html");
    let html = std::fs::read_to_string(&index).unwrap_or_else(|e| {
        panic!(
            "no built console at {} ({e}): `make console` builds it",
            index.display()
        )
    });
    let mut rest = html.as_str();
    let mut scripts = 0;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').unwrap() + start;
        let tag = &rest[start..tag_end];
        assert!(tag.contains(" src=\""), "an inline script: {tag}");
        scripts += 1;
        rest = &rest[tag_end..];
    }
    assert_eq!(scripts, 1, "one loader script file");
    assert!(!html.contains("style=\""), "an inline style");
}
