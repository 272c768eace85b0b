//! Where a signed-out administrator is sent, and where they come back to.
//!
//! Any request may answer 401 once the session has expired, so the one client ([`crate::api`])
//! sends the administrator to `/signin?next=<the page they were on>` from a single place; the
//! sign-in page returns them there, but only to a path on this site: a `next` that left the site
//! would let a link to the sign-in page forward a fresh session's administrator anywhere.
//!
//! The path rules are pure functions so they can be tested without a browser.

use std::cell::RefCell;
use std::rc::Rc;

/// The sign-in page's path.
pub const SIGN_IN_PATH: &str = "/signin";

/// Where to go after signing in: `next` when it is a path on this site, otherwise `/`.
///
/// A same-site path starts with one `/`. `//host` and `/\host` are other sites to a browser (it
/// reads a backslash as a slash), and it drops tabs and newlines from URLs, so `/\t/host` would
/// become `//host`: any control character or backslash is refused. The sign-in page itself is no
/// destination either; it would only ask again.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_owned();
    };
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control());
    let is_sign_in = next == SIGN_IN_PATH
        || next.starts_with(&format!("{SIGN_IN_PATH}?"))
        || next.starts_with(&format!("{SIGN_IN_PATH}/"));
    if same_site && !is_sign_in {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The sign-in page's address that returns to `current` (a path and query) afterwards.
pub fn sign_in_href(current: &str) -> String {
    if safe_next(Some(current)) == "/" {
        // Nothing worth coming back to: the dashboard is where a sign-in goes anyway.
        SIGN_IN_PATH.to_owned()
    } else {
        format!("{SIGN_IN_PATH}?next={}", encode_component(current))
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, as `encodeURIComponent`
/// does (and then some: it leaves `!'()*` alone), so the value survives as one query parameter.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

type Navigator = Rc<dyn Fn(&str)>;

thread_local! {
    // The router's navigation, registered by the signed-in shell (the console runs on one thread).
    static NAVIGATOR: RefCell<Option<Navigator>> = const { RefCell::new(None) };
}

/// Lets [`go_to_sign_in`] move within the app (no reload) while the router lives.
pub fn register_navigator(navigate: impl Fn(&str) + 'static) {
    NAVIGATOR.with(|n| *n.borrow_mut() = Some(Rc::new(navigate)));
}

/// Forgets the router's navigation, when the component that registered it goes.
pub fn forget_navigator() {
    NAVIGATOR.with(|n| *n.borrow_mut() = None);
}

/// Sends the administrator to the sign-in page, to come back to the page they are on.
///
/// Several requests in flight may all answer 401; only the first one moves, the others find the
/// sign-in page already showing.
pub fn go_to_sign_in() {
    let location = leptos::prelude::location();
    let path = location.pathname().unwrap_or_default();
    if path == SIGN_IN_PATH {
        return;
    }
    let search = location.search().unwrap_or_default();
    let href = sign_in_href(&format!("{path}{search}"));
    // Taken out of the cell before the call: navigating may run code that registers anew.
    let navigate = NAVIGATOR.with(|n| n.borrow().clone());
    match navigate {
        Some(navigate) => navigate(&href),
        // No router yet (or any more): a plain page load gets there as well.
        None => {
            let _ = location.replace(&href);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_on_this_site_is_kept() {
        assert_eq!(safe_next(Some("/imports/imp_1")), "/imports/imp_1");
        assert_eq!(
            safe_next(Some("/imports?status=paused&appId=a")),
            "/imports?status=paused&appId=a"
        );
        assert_eq!(safe_next(Some("/")), "/");
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for next in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_sign_in_page_is_no_destination() {
        assert_eq!(safe_next(Some("/signin")), "/");
        assert_eq!(safe_next(Some("/signin?next=/apps")), "/");
        assert_eq!(safe_next(Some("/signing-policy")), "/signing-policy");
    }

    #[test]
    fn the_sign_in_address_carries_the_page_and_its_query() {
        assert_eq!(
            sign_in_href("/imports?status=paused&appId=a b"),
            "/signin?next=%2Fimports%3Fstatus%3Dpaused%26appId%3Da%20b"
        );
        assert_eq!(sign_in_href("/"), "/signin");
        assert_eq!(sign_in_href("/signin?next=/apps"), "/signin");
    }

    #[test]
    fn encoding_matches_encode_uri_component_for_paths() {
        assert_eq!(encode_component("/apps/app_1"), "%2Fapps%2Fapp_1");
        assert_eq!(encode_component("é"), "%C3%A9");
        assert_eq!(encode_component("a-b_c.d~e"), "a-b_c.d~e");
    }
}
