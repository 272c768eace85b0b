//! Every answer carries the security headers: the console's page (at `/` and at a deep link),
//! its static files, and the API's answers, successes and problems alike. The policy allows the
//! console's inline loader script by its hash, and follows the page when it is rebuilt.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::body::Body;
use axum::http::{Method, Request};
use support::{Response, TestApp};

/// What Trunk writes: an inline module script that loads the wasm, and a stylesheet file.
const INDEX: &str = "<!DOCTYPE html>\n<html><head>\n<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\n<link rel=\"stylesheet\" href=\"/main.css\"/></head><body></body></html>\n";

/// The SHA-256 of the inline script's text, base64: what a browser computes for `INDEX`.
/// (`printf "\nimport init from '/app.js';\nawait init();\n" | openssl sha256 -binary | base64`)
const INDEX_SCRIPT_HASH: &str = "'sha256-mStLiw5ufhC4Rn65S+yuobFT1L6YIq0IsINW02YqTpc='";

fn console() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(
        dir.path().join("app.js"),
        "export default async function init() {}",
    )
    .unwrap();
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
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
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
    for path in ["/", "/imports/imp_123", "/app.js", "/main.css"] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        let policy = assert_security_headers(&r, path);
        // The loader script is allowed by its hash, and nothing else inline is.
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {INDEX_SCRIPT_HASH};"
            )),
            "{path}: {policy}"
        );
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
async fn without_a_console_the_policy_allows_no_inline_script() {
    let app = TestApp::new();
    let page = app.get("/").await;
    let policy = assert_security_headers(&page, "placeholder page");
    assert!(!policy.contains("sha256"), "{policy}");
    // The placeholder page itself has nothing inline for the policy to block.
    assert!(!page.text().contains("style="));
    assert!(!page.text().contains("<script"));
}

#[tokio::test]
async fn a_rebuilt_console_gets_the_policy_of_its_new_page() {
    let dir = console();
    let app = TestApp::builder().console_dir(dir.path()).build();
    let before = assert_security_headers(&app.get("/").await, "before");
    assert!(before.contains(INDEX_SCRIPT_HASH));

    // A rebuild writes a new loader (new file names); make sure the modification time moves
    // even on file systems with coarse timestamps.
    let index = dir.path().join("index.html");
    std::fs::write(&index, INDEX.replace("/app.js", "/app-2.js")).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&index)
        .unwrap()
        .set_modified(later)
        .unwrap();

    let after = assert_security_headers(&app.get("/").await, "after");
    assert!(!after.contains(INDEX_SCRIPT_HASH), "{after}");
    assert_eq!(after.matches("'sha256-").count(), 1, "{after}");
}
