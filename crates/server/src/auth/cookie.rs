//! The session cookie: `HttpOnly` (scripts never see it), `SameSite=Strict` (other sites'
//! requests do not carry it), `Path=/`, and `Secure` when the console is served over https.
//! It has no expiry of its own: the server ends idle sessions.

use axum::http::{HeaderMap, header};

pub const NAME: &str = "safeguard_session";

/// The session secret of a request's cookie, if it has one.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether the request came over https: directly, or through a proxy that says so.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn set(secret: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{NAME}={secret}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

pub fn clear(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; safeguard_session=abc123; x=y"),
        );
        assert_eq!(session_secret(&headers).as_deref(), Some("abc123"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("safeguard_session="),
        );
        assert_eq!(session_secret(&headers), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let cookie = set("s", false);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert!(!cookie.contains("Secure"));
        assert!(set("s", true).ends_with("; Secure"));
    }
}
