//! The headers every answer carries, the console's files and the API's alike.
//!
//! - `Content-Security-Policy`: the console loads its own script, wasm, styles and API, and
//!   nothing else; no page may frame it, and no `<base>`, plugin or foreign form target is
//!   allowed. See [`content_security_policy`].
//! - `X-Content-Type-Options: nosniff`: a CSV download or JSON answer is never run as a script.
//! - `Referrer-Policy: same-origin`: nothing at all goes to other sites (as with `no-referrer`),
//!   while the console's own calls to the API keep their `Origin`. Under `no-referrer` the Fetch
//!   standard sends `Origin: null` on a same-origin `POST`/`PUT`, which would defeat the
//!   Origin check that sign-in will use against cross-site requests; `strict-origin-when-cross-origin`
//!   would tell other sites our origin for no benefit.
//! - `X-Frame-Options: DENY`: the same as `frame-ancestors 'none'`, for browsers that predate it.
//! - `Cache-Control: no-store` on `/api` answers: imports, users and the log are current state,
//!   and a shared machine's cache should not keep them. The console's files are left to the
//!   static file service's validators (`Last-Modified`), since Trunk names them by content hash.
//!
//! # No inline script
//!
//! The policy allows scripts from this origin only: `script-src 'self' 'wasm-unsafe-eval'`
//! and nothing else. Trunk writes its wasm loader inline into `index.html`; the console's build
//! moves it into a file of its own (`scripts/external-loader.sh`, Trunk's post-build hook), so
//! no hash or nonce is needed. The console sets no inline styles either (no `style` attributes,
//! no `<style>` elements), so `style-src 'self'` needs no exception.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy's sources. `'wasm-unsafe-eval'` lets the page compile WebAssembly, and nothing else: it
/// does not allow `eval` of JavaScript. `img-src data:` is for images CSS may inline.
const DIRECTIVES: [(&str, &str); 9] = [
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("frame-ancestors", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("object-src", "'none'"),
];

const REFERRER_POLICY: &str = "same-origin";

/// The `Content-Security-Policy` value.
pub fn content_security_policy() -> String {
    DIRECTIVES
        .iter()
        .map(|(name, sources)| format!("{name} {sources}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a path is the API's: its answers are never cached.
fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The middleware: adds the headers to every answer, whatever produced it (a handler, a problem,
/// a static file, a 413 from the body limit).
pub async fn add(request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let mut response = next.run(request).await;
    let out = response.headers_mut();
    out.insert(header::CONTENT_SECURITY_POLICY, POLICY.clone());
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY),
    );
    out.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if api {
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The policy as a header value, built once.
static POLICY: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
    // Only fixed ASCII text goes in, so this cannot fail; the fallback is still restrictive.
    HeaderValue::from_str(&content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_come_from_this_origin_only() {
        let policy = content_security_policy();
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(policy.starts_with("default-src 'self'; "));
        assert!(policy.ends_with("object-src 'none'"));
        assert!(!policy.contains("sha256") && !policy.contains("unsafe-inline"));
    }
}
