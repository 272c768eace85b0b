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
//! # The console's inline script
//!
//! Trunk (0.21) loads the wasm with an inline `<script type="module">` in `index.html`, which
//! `script-src 'self'` alone would block. Trunk can put a nonce placeholder on it
//! (`create_nonce`), but that needs a per-answer rewrite of the page; instead the server hashes
//! every inline script of the built `index.html` (SHA-256, as CSP Level 2 defines) and allows
//! exactly those with `'sha256-…'` sources. The hashes are computed at start and again whenever
//! `index.html` changes on disk, so a console rebuilt under a running server keeps working.
//! The console sets no inline styles (no `style` attributes, no `<style>` elements), so
//! `style-src 'self'` needs no exception.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// The policy's sources, before the hashes of the console's inline scripts are added to
/// `script-src`. `'wasm-unsafe-eval'` lets the page compile WebAssembly, and nothing else: it
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

/// The `Content-Security-Policy` value allowing these inline scripts (`'sha256-…'` sources).
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    DIRECTIVES
        .iter()
        .map(|(name, sources)| {
            if *name == "script-src" && !inline_script_hashes.is_empty() {
                format!("{name} {sources} {}", inline_script_hashes.join(" "))
            } else {
                format!("{name} {sources}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The CSP hash source (`'sha256-<base64>'`) of every inline `<script>` of a page: every script
/// element without a `src` attribute. The hash is of the element's text as the browser parses
/// it, so line breaks are normalised to `\n` first, as HTML parsing does.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<script") {
        let tag_start = at + found;
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let attributes = &lower[tag_start + "<script".len()..tag_start + tag_len];
        let body_start = tag_start + tag_len + 1;
        let Some(body_len) = lower[body_start..].find("</script") else {
            break;
        };
        at = body_start + body_len;
        if !has_src(attributes) {
            let text = html[body_start..at]
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let digest = Sha256::digest(text.as_bytes());
            hashes.push(format!("'sha256-{}'", BASE64.encode(digest)));
        }
    }
    hashes
}

/// Whether a script tag's (lowercased) attributes include `src`, so the browser loads it from a
/// file (covered by `'self'`) and its text is not run.
fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|word| word == "src" || word.starts_with("src="))
}

/// The headers to add, with the policy for the console's current `index.html`.
pub struct SecurityHeaders {
    index: PathBuf,
    policy: RwLock<Policy>,
}

struct Policy {
    /// When `index.html` was last modified when the policy was computed (`None`: no file).
    modified: Option<SystemTime>,
    value: HeaderValue,
}

impl SecurityHeaders {
    pub fn new(console_dir: &Path) -> Arc<Self> {
        let index = console_dir.join("index.html");
        let policy = Policy::read(&index);
        Arc::new(Self {
            index,
            policy: RwLock::new(policy),
        })
    }

    /// The policy, recomputed when `index.html` changed since it was last read.
    fn current(&self) -> HeaderValue {
        let modified = modified(&self.index);
        if let Ok(policy) = self.policy.read()
            && policy.modified == modified
        {
            return policy.value.clone();
        }
        let fresh = Policy::read(&self.index);
        let value = fresh.value.clone();
        if let Ok(mut policy) = self.policy.write() {
            *policy = fresh;
        }
        value
    }

    /// The policy as last computed, without looking at the file.
    fn cached(&self) -> HeaderValue {
        match self.policy.read() {
            Ok(policy) => policy.value.clone(),
            Err(_) => policy_header(&[]),
        }
    }
}

impl Policy {
    fn read(index: &Path) -> Self {
        let modified = modified(index);
        let hashes = match std::fs::read_to_string(index) {
            Ok(html) => inline_script_hashes(&html),
            Err(_) => Vec::new(),
        };
        if !hashes.is_empty() {
            tracing::info!(
                scripts = hashes.len(),
                "allowing the console's inline scripts by hash"
            );
        }
        Self {
            modified,
            value: policy_header(&hashes),
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn policy_header(hashes: &[String]) -> HeaderValue {
    // Only ASCII goes in (fixed text and base64), so this cannot fail; the fallback is the
    // policy with no inline script allowed, never none at all.
    HeaderValue::from_str(&content_security_policy(hashes))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// Whether a path is the API's: its answers are never cached.
fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The middleware: adds the headers to every answer, whatever produced it (a handler, a problem,
/// a static file, a 413 from the body limit).
pub async fn add(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let api = is_api(request.uri().path());
    let mut response = next.run(request).await;
    // Only a page's own policy applies to it, so only console answers need the fresh one; API
    // answers skip the file check.
    let policy = if api {
        headers.cached()
    } else {
        headers.current()
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_SECURITY_POLICY, policy);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_files_are_not() {
        let html = "<head><script src=\"/a.js\"></script>\n<SCRIPT type=\"module\">\r\nrun();\r\n</SCRIPT></head>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        // The browser hashes the text with `\n` line breaks.
        let expected = BASE64.encode(Sha256::digest(b"\nrun();\n"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }

    #[test]
    fn the_policy_adds_hashes_to_script_src_only() {
        let policy = content_security_policy(&["'sha256-abc'".to_owned()]);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc';"));
        assert!(policy.starts_with("default-src 'self'; "));
        assert!(policy.ends_with("object-src 'none'"));
        assert_eq!(policy.matches("sha256").count(), 1);
    }

    #[test]
    fn a_known_digest() {
        // The example of the CSP Level 2 specification: `alert('Hello, world.');`.
        let hashes = inline_script_hashes("<script>alert('Hello, world.');</script>");
        assert_eq!(
            hashes,
            ["'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"]
        );
    }
}
