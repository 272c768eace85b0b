//! Lists: `limit` (default 50, at most 1000) and an opaque `after` cursor; the answer carries
//! `Link: <...>; rel="next"` while more remain.

use crate::error::AppError;
use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use safeguard_rules::api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use serde::Serialize;

#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub limit: u32,
    /// The position after which the page starts (exclusive), decoded from the cursor.
    pub after: Option<i64>,
}

impl PageRequest {
    /// Reads `limit` and `after` as given in the query string. Either may be left out; given
    /// empty, it is refused like any other value that is not a number or a cursor.
    pub fn parse(limit: Option<&str>, after: Option<&str>) -> Result<Self, AppError> {
        let limit = match limit {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(AppError::bad_field(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_PAGE_SIZE}, got \"{text}\""),
                    ));
                }
            },
        };
        let after = match after {
            None => None,
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
                AppError::bad_field(
                    "after",
                    "is not a cursor this server gave; use the Link header of the previous page",
                )
            })?),
        };
        Ok(Self { limit, after })
    }

    /// How many rows to fetch: one more than the page, to know whether more remain.
    pub fn fetch(&self) -> u32 {
        self.limit + 1
    }
}

/// Cursors are opaque to clients: `c` followed by a position in base 36.
fn encode_cursor(position: i64) -> String {
    let mut n = position.unsigned_abs();
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.push('c');
    digits.iter().rev().collect()
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let digits = cursor.strip_prefix('c')?;
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    i64::from_str_radix(digits, 36).ok()
}

/// One page of rows fetched with [`PageRequest::fetch`], each with its position, as a JSON
/// array with a `Link` header when more remain.
pub fn page_response<T: Serialize>(
    uri: &Uri,
    request: PageRequest,
    mut rows: Vec<(i64, T)>,
) -> Response {
    let more = rows.len() > request.limit as usize;
    rows.truncate(request.limit as usize);
    let next = more
        .then(|| rows.last().map(|(position, _)| *position))
        .flatten();
    let items: Vec<T> = rows.into_iter().map(|(_, item)| item).collect();
    let mut response = Json(items).into_response();
    if let Some(position) = next {
        let link = format!(
            "<{}>; rel=\"next\"",
            next_url(uri, &encode_cursor(position))
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

/// The same request, with `after` set to the next page's cursor.
fn next_url(uri: &Uri, cursor: &str) -> String {
    let mut params: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("after="))
        .collect();
    let after = format!("after={cursor}");
    params.push(&after);
    format!("{}?{}", uri.path(), params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for n in [0, 1, 35, 36, 123_456_789] {
            assert_eq!(decode_cursor(&encode_cursor(n)), Some(n));
        }
        assert_eq!(decode_cursor("12"), None);
        assert_eq!(decode_cursor("c"), None);
    }

    #[test]
    fn limit_must_be_within_range() {
        assert!(PageRequest::parse(Some("0"), None).is_err());
        assert!(PageRequest::parse(Some("1001"), None).is_err());
        assert!(PageRequest::parse(Some("ten"), None).is_err());
        assert_eq!(
            PageRequest::parse(None, None).map(|p| p.limit).ok(),
            Some(50)
        );
    }

    #[test]
    fn the_next_link_keeps_other_parameters() {
        let uri: Uri = "/api/v1/imports?status=queued&after=c1&limit=2"
            .parse()
            .unwrap();
        assert_eq!(
            next_url(&uri, "c9"),
            "/api/v1/imports?status=queued&limit=2&after=c9"
        );
    }
}
