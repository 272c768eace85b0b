//! `scim`: a SCIM 2.0 service's `/Users`, read page by page with index pagination (RFC 7644
//! §3.4.2.4: `startIndex` and `count`).
//!
//! The read is all or nothing. A page that fails, a list that ends before its `totalResults`,
//! a total that changes between pages or a user listed twice means the pages do not add up to
//! one list of the service's users; importing them anyway would plan the missing users as
//! removed. So each of these is [`SourceError::Unreadable`], never a shorter list.

use super::{SourceError, SourceRead};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use safeguard_rules::api::sources::ResolvedMapping;
use safeguard_rules::api::{ScimSettings, SourceMapping};
use safeguard_rules::snapshot::{SnapshotLimits, SnapshotUser, too_many_users};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The core User schema: its attributes sit at the top of a resource, not under the URN.
const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The largest page body read. A page of 1000 users is a few MiB; a body past this is not a
/// page of users, and reading it on would only hold the server's memory.
const MAX_PAGE_BYTES: usize = 64 << 20;
/// How much of a refusal's body is read for its `detail`.
const MAX_ERROR_BYTES: usize = 64 << 10;

/// Every user of the service, or why the service could not be read whole.
///
/// Each request (connecting, sending, reading the whole answer) is bounded by `timeout`.
pub async fn read(
    settings: &ScimSettings,
    limits: &SnapshotLimits,
    timeout: Duration,
) -> Result<SourceRead, SourceError> {
    let mapping = settings.mapping.resolve(SourceMapping::scim_default());
    let users_url = users_url(&settings.base_url);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        // A redirect would send the bearer token wherever the answer points; the base URL is
        // set to where the service is instead.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            unreadable(
                &users_url,
                &format!("the HTTP client could not start: {}", causes(&e)),
            )
        })?;
    let authorization = match settings.bearer_token.as_deref() {
        None => None,
        Some(token) => {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                unreadable(
                    &users_url,
                    "the bearer token has characters an HTTP header cannot carry (a line break?)",
                )
            })?;
            value.set_sensitive(true);
            Some(value)
        }
    };
    let fetcher = Fetcher {
        client,
        authorization,
        timeout,
    };

    let mut walk = Walk::new(settings.page_size);
    let mut users = Users::new(&mapping, &settings.attributes, limits);
    while let Some((start, count)) = walk.next_page() {
        let url = page_url(&users_url, start, count, settings.filter.as_deref());
        let page = fetcher
            .page(&url)
            .await
            .map_err(|reason| unreadable(&url, &reason))?;
        walk.take(page.total_results, page.resources.len())
            .map_err(|reason| unreadable(&url, &reason))?;
        users
            .take(&page.resources, start)
            .map_err(|stop| match stop {
                Stop::Unreadable(reason) => unreadable(&url, &reason),
                Stop::TooLarge => {
                    let error = too_many_users("users", limits);
                    SourceError::TooLarge {
                        detail: format!(
                            "SCIM {users_url}: {}; nothing was imported.",
                            error.message
                        ),
                        errors: vec![error],
                    }
                }
            })?;
    }
    Ok(users.read)
}

/// The users of the pages read so far, and every resource seen, to tell a repeat.
struct Users<'a> {
    mapping: &'a ResolvedMapping,
    attributes: &'a [String],
    limits: &'a SnapshotLimits,
    seen: HashSet<String>,
    read: SourceRead,
}

/// Why the pages cannot be imported.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    Unreadable(String),
    /// More users than [`SnapshotLimits::max_users`].
    TooLarge,
}

impl<'a> Users<'a> {
    fn new(
        mapping: &'a ResolvedMapping,
        attributes: &'a [String],
        limits: &'a SnapshotLimits,
    ) -> Self {
        Users {
            mapping,
            attributes,
            limits,
            seen: HashSet::new(),
            read: SourceRead::default(),
        }
    }

    /// Takes the resources of the page at `start`: active users with their login and
    /// externalId are kept, inactive ones left out, the rest warned about.
    fn take(&mut self, resources: &[Value], start: u64) -> Result<(), Stop> {
        for (i, resource) in resources.iter().enumerate() {
            let index = start + i as u64;
            let entry = entry_of(resource, index);
            // A resource's `id` is unique and never reassigned (RFC 7643 §3.1); seeing one
            // again means the list moved under the pages.
            let key =
                lookup(resource, "id").or_else(|| lookup(resource, &self.mapping.external_id));
            if let Some(key) = key
                && !self.seen.insert(key)
            {
                return Err(Stop::Unreadable(format!(
                    "the user {entry} is listed twice (again at position {index}): the service's list shifted while it was paged (users added or removed meanwhile), so the pages are not one consistent list"
                )));
            }
            match user_of(resource, self.mapping, self.attributes) {
                Entry::Inactive => {}
                Entry::Missing { field, path } => self.read.warnings.push(
                    entry,
                    format!("has no {path}, which the mapping reads as its {field}; left out"),
                ),
                Entry::User(user) => {
                    if self.read.users.len() >= self.limits.max_users {
                        return Err(Stop::TooLarge);
                    }
                    self.read.users.push(user);
                }
            }
        }
        Ok(())
    }
}

/// `{baseUrl}/Users`, whether the base URL ends in a slash or not.
fn users_url(base_url: &str) -> String {
    format!("{}/Users", base_url.trim().trim_end_matches('/'))
}

fn page_url(users_url: &str, start: u64, count: u64, filter: Option<&str>) -> String {
    let mut url = format!("{users_url}?startIndex={start}&count={count}");
    if let Some(filter) = filter.filter(|f| !f.trim().is_empty()) {
        url.push_str("&filter=");
        url.push_str(&encode(filter));
    }
    url
}

/// Percent-encodes a query value. A space is `%20`, not `+`, which some services read as a
/// plus sign.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unreadable(url: &str, reason: &str) -> SourceError {
    SourceError::Unreadable {
        detail: format!("SCIM {url}: {reason}; nothing was imported."),
    }
}

/// Where the pages are: the next one to ask for, and whether they add up.
///
/// Pages advance by the number of resources each answer holds, never by the `count` asked for:
/// a service may answer fewer (its `maxResults`), and assuming it did not would skip users.
#[derive(Debug)]
struct Walk {
    page_size: u64,
    next_start: u64,
    total: Option<u64>,
    received: u64,
}

impl Walk {
    fn new(page_size: u32) -> Self {
        Walk {
            page_size: u64::from(page_size.max(1)),
            next_start: 1,
            total: None,
            received: 0,
        }
    }

    /// The `startIndex` and `count` of the next page, or `None` when every user is read.
    fn next_page(&self) -> Option<(u64, u64)> {
        match self.total {
            Some(total) if self.received >= total => None,
            _ => Some((self.next_start, self.page_size)),
        }
    }

    /// Takes a page's `totalResults` and how many resources it holds; answers why the pages no
    /// longer add up to one list, if they do not.
    fn take(&mut self, total: u64, listed: usize) -> Result<(), String> {
        if let Some(before) = self.total
            && before != total
        {
            return Err(format!(
                "the service's totalResults changed from {before} to {total} between pages: users were added or removed while it was read, so the pages are not one consistent list"
            ));
        }
        self.total = Some(total);
        let listed = listed as u64;
        if listed == 0 && self.received < total {
            return Err(format!(
                "the page listed no users, though totalResults says {total} and {} were read: the list ended early",
                self.received
            ));
        }
        self.received += listed;
        if self.received > total {
            return Err(format!(
                "the pages listed {} users, more than the service's totalResults of {total}",
                self.received
            ));
        }
        self.next_start += listed;
        Ok(())
    }
}

struct Fetcher {
    client: reqwest::Client,
    authorization: Option<HeaderValue>,
    timeout: Duration,
}

/// One ListResponse: its `totalResults` and its `Resources`.
#[derive(Debug)]
struct Page {
    total_results: u64,
    resources: Vec<Value>,
}

impl Fetcher {
    /// One page, or why it could not be read (the caller adds the URL).
    async fn page(&self, url: &str) -> Result<Page, String> {
        let mut request = self.client.get(url).header(ACCEPT, "application/scim+json");
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.transport_reason(&e))?;
        let status = response.status();
        if !status.is_success() {
            // The body only explains the refusal; it may be cut or absent.
            let body = self
                .body(&mut response, MAX_ERROR_BYTES)
                .await
                .unwrap_or_default();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            return Err(status_reason(
                status,
                &body,
                self.authorization.is_some(),
                location.as_deref(),
            ));
        }
        let body = self.body(&mut response, MAX_PAGE_BYTES).await?;
        parse_page(&body)
    }

    /// The whole body, up to `max` bytes.
    async fn body(&self, response: &mut reqwest::Response, max: usize) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_reason(&e))?
        {
            if body.len() + chunk.len() > max {
                return Err(format!(
                    "the answer is larger than {} MiB, more than a page of users",
                    max >> 20
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport_reason(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            format!(
                "the service did not answer within {:?} (the source's timeout)",
                self.timeout
            )
        } else if error.is_connect() {
            format!(
                "could not connect: {} (is the service up, and the base URL right?)",
                causes(error)
            )
        } else if error.is_body() || error.is_decode() {
            format!(
                "the answer was cut off: {} (the service stopped or dropped the connection midway)",
                causes(error)
            )
        } else {
            let causes = causes(error);
            let lower = causes.to_ascii_lowercase();
            if lower.contains("connection closed") || lower.contains("connection reset") {
                format!(
                    "the service closed the connection without answering: {causes} (it stopped, or something between dropped the connection)"
                )
            } else {
                format!("the request failed: {causes}")
            }
        }
    }
}

/// The causes under a reqwest error, innermost last ("connection refused", "invalid peer
/// certificate: UnknownIssuer"), without reqwest's own sentence, which repeats the URL.
fn causes(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        // hyper and rustls often wrap an error in one that prints the same text, and the HTTP
        // client's wrappers ("client error (Connect)") say nothing the next cause does not.
        let wrapper = text.starts_with("client error (")
            || text == "request or response body error"
            || text == "error sending request";
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

fn status_reason(
    status: StatusCode,
    body: &[u8],
    token_set: bool,
    location: Option<&str>,
) -> String {
    let code = format!(
        "{} {}",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    );
    let code = code.trim_end();
    let hint = match status.as_u16() {
        401 if token_set => " (check the bearer token: the service refused it)".to_owned(),
        401 => " (the service wants a bearer token, and none is set)".to_owned(),
        403 => " (the bearer token was accepted but may not read /Users: check its scopes or role)"
            .to_owned(),
        404 => " (check the base URL: /Users is read under it)".to_owned(),
        429 => " (the service limits how fast it is read; the next import tries again)".to_owned(),
        300..=399 => match location {
            Some(to) => format!(
                " to {to} (redirects are not followed: set the base URL to where the service is)"
            ),
            None => {
                " (redirects are not followed: set the base URL to where the service is)".to_owned()
            }
        },
        _ => String::new(),
    };
    let detail = scim_error_detail(body)
        .map(|d| format!(": \"{d}\""))
        .unwrap_or_default();
    format!("the service answered {code}{hint}{detail}")
}

/// The `detail` of a SCIM Error body (RFC 7644 §3.12), shortened to a line.
fn scim_error_detail(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let detail = get(value.as_object()?, "detail")?.as_str()?.trim();
    if detail.is_empty() {
        return None;
    }
    let short: String = detail.chars().take(200).collect();
    Some(if short.len() < detail.len() {
        format!("{short}...")
    } else {
        short
    })
}

/// A page's body as a ListResponse, or why it is not one.
fn parse_page(body: &[u8]) -> Result<Page, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the answer is not a SCIM ListResponse: not JSON ({} at line {}, column {})",
            super::json_reason(&e),
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(mut object) = value else {
        return Err("the answer is not a SCIM ListResponse: JSON, but not an object".to_owned());
    };
    if let Some(schemas) = get(&object, "schemas") {
        let listed = schemas
            .as_array()
            .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(LIST_RESPONSE)));
        if !listed {
            return Err(format!(
                "the answer is not a SCIM ListResponse: its schemas are {schemas}"
            ));
        }
    }
    let total_results = get(&object, "totalResults")
        .and_then(Value::as_u64)
        .ok_or("the answer is not a SCIM ListResponse: it has no totalResults")?;
    let key = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case("Resources"))
        .cloned();
    let resources = match key.and_then(|k| object.remove(&k)) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(resources)) => resources,
        Some(_) => {
            return Err(
                "the answer is not a SCIM ListResponse: its Resources is not a list".to_owned(),
            );
        }
    };
    Ok(Page {
        total_results,
        resources,
    })
}

/// What one resource gives the import.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    /// `active: false`: not a user of the source.
    Inactive,
    /// Without the value the mapping reads as `field` (`login`, `externalId`) at `path`.
    Missing {
        field: &'static str,
        path: String,
    },
    User(SnapshotUser),
}

fn user_of(resource: &Value, mapping: &ResolvedMapping, attributes: &[String]) -> Entry {
    if is_inactive(resource) {
        return Entry::Inactive;
    }
    let Some(external_id) = lookup(resource, &mapping.external_id) else {
        return Entry::Missing {
            field: "externalId",
            path: mapping.external_id.clone(),
        };
    };
    let Some(login) = lookup(resource, &mapping.login) else {
        return Entry::Missing {
            field: "login",
            path: mapping.login.clone(),
        };
    };
    let attributes: BTreeMap<String, String> = attributes
        .iter()
        .filter_map(|path| lookup(resource, path).map(|value| (path.clone(), value)))
        .collect();
    Entry::User(SnapshotUser {
        external_id,
        login,
        first_name: lookup(resource, &mapping.first_name),
        last_name: lookup(resource, &mapping.last_name),
        email: lookup(resource, &mapping.email),
        attributes,
    })
}

/// `active` is false (or the string "false", as some services send it). A resource without
/// `active` is active: the attribute is optional.
fn is_inactive(resource: &Value) -> bool {
    match resource.as_object().and_then(|o| get(o, "active")) {
        Some(Value::Bool(active)) => !active,
        Some(Value::String(active)) => active.trim().eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// How a warning names a resource: its `id`, else its `meta.location`, else its place in the
/// list.
fn entry_of(resource: &Value, index: u64) -> String {
    lookup(resource, "id")
        .or_else(|| lookup(resource, "meta.location"))
        .unwrap_or_else(|| format!("the user at position {index}"))
}

/// The value at `path` in a resource, as text; `None` when absent, null or empty.
///
/// A path is an attribute (`userName`), a sub-attribute (`name.givenName`), either after a
/// schema URN (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department` looks in
/// that extension's object), and may pick values of a multi-valued attribute with an `eq`
/// filter (`emails[type eq "work"].value`). Of several values, the one marked `primary` is
/// taken, else the first: RFC 7643 lets at most one be primary, and a profile field holds one.
/// Names are compared without regard to case, as SCIM does (RFC 7643 §2.1).
fn lookup(resource: &Value, path: &str) -> Option<String> {
    let (scope, rest) = scope_of(resource, path)?;
    let mut node = scope;
    for step in steps(rest) {
        node = step_into(node, step)?;
    }
    text_of(node)
}

/// The object a path starts in, and the path within it.
fn scope_of<'a, 'p>(resource: &'a Value, path: &'p str) -> Option<(&'a Value, &'p str)> {
    let path = path.trim();
    if !path
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
    {
        return Some((resource, path));
    }
    let object = resource.as_object()?;
    // An extension's attributes sit under its URN, a key of the resource; the longest URN
    // that starts the path is the one meant.
    let extension = object
        .iter()
        .filter(|(key, _)| {
            path.len() > key.len()
                && path.as_bytes().get(key.len()) == Some(&b':')
                && path
                    .get(..key.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(key))
        })
        .max_by_key(|(key, _)| key.len());
    if let Some((key, value)) = extension {
        return Some((value, &path[key.len() + 1..]));
    }
    // The core schema's attributes are at the top of the resource.
    let (urn, rest) = path.rsplit_once(':')?;
    if urn.eq_ignore_ascii_case(CORE_USER) {
        Some((resource, rest))
    } else {
        // An extension the resource does not have: the value is absent.
        None
    }
}

/// The steps of a path, split at dots outside a filter's brackets (whose values may hold
/// dots: `emails[value eq "a.b@example.com"]`).
fn steps(path: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let mut depth = 0_u32;
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in path.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            '.' if !quoted && depth == 0 => {
                steps.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    steps.push(&path[start..]);
    steps
}

/// One step down: `name` or `name[sub eq "value"]`. Of a multi-valued attribute, a step goes
/// into the value [`chosen`].
fn step_into<'a>(node: &'a Value, step: &str) -> Option<&'a Value> {
    let node = match node {
        Value::Array(values) => chosen(values.iter())?,
        other => other,
    };
    let object = node.as_object()?;
    let Some((name, filter)) = step.split_once('[') else {
        return get(object, step);
    };
    let filter = filter.strip_suffix(']')?;
    let (sub, wanted) = eq_filter(filter)?;
    let Value::Array(values) = get(object, name)? else {
        return None;
    };
    chosen(values.iter().filter(|v| {
        v.as_object()
            .and_then(|o| get(o, sub))
            .and_then(text_of)
            .is_some_and(|t| t.eq_ignore_ascii_case(wanted))
    }))
}

/// `sub eq "value"` (or `sub eq value`): the only filter a mapping needs to pick one value.
fn eq_filter(filter: &str) -> Option<(&str, &str)> {
    let mut parts = filter.trim().splitn(3, char::is_whitespace);
    let sub = parts.next()?;
    let op = parts.next()?;
    let value = parts.next()?.trim();
    if !op.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Some((sub, value))
}

/// Of several values, the one marked `primary`, else the first.
fn chosen<'a>(values: impl Iterator<Item = &'a Value> + Clone) -> Option<&'a Value> {
    let primary = values.clone().find(|v| {
        v.as_object()
            .and_then(|o| get(o, "primary"))
            .is_some_and(|p| p.as_bool() == Some(true) || p.as_str() == Some("true"))
    });
    primary.or_else(|| values.clone().next())
}

/// A value as text: a string, number or boolean as is; of a multi-valued attribute, the
/// [`chosen`] one; of a complex one, its `value`.
fn text_of(node: &Value) -> Option<String> {
    match node {
        Value::String(text) if text.trim().is_empty() => None,
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Array(values) => text_of(chosen(values.iter())?),
        Value::Object(object) => text_of(get(object, "value")?),
        Value::Null => None,
    }
}

/// A member of a JSON object, its name compared without regard to case.
fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEPARTMENT: &str =
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";

    fn ada() -> Value {
        json!({
            "schemas": [CORE_USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "2819c223",
            "userName": "ada@example.com",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [
                {"value": "ada@home.example", "type": "home"},
                {"value": "ada@example.com", "type": "work", "primary": true}
            ],
            "title": "Analyst",
            "active": true,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "department": "Engines",
                "manager": {"value": "26118915", "displayName": "Charles"}
            },
            "meta": {"location": "https://scim.example.com/v2/Users/2819c223"}
        })
    }

    #[test]
    fn paths_reach_sub_attributes_extensions_and_filtered_values() {
        let ada = ada();
        assert_eq!(lookup(&ada, "name.givenName").as_deref(), Some("Ada"));
        assert_eq!(lookup(&ada, "NAME.familyname").as_deref(), Some("Lovelace"));
        assert_eq!(lookup(&ada, DEPARTMENT).as_deref(), Some("Engines"));
        assert_eq!(
            lookup(
                &ada,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
            )
            .as_deref(),
            Some("26118915")
        );
        assert_eq!(
            lookup(&ada, "urn:ietf:params:scim:schemas:core:2.0:User:userName").as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(
            lookup(&ada, "emails[type eq \"home\"].value").as_deref(),
            Some("ada@home.example")
        );
        assert_eq!(
            lookup(&ada, "emails[value eq \"ada@home.example\"].type").as_deref(),
            Some("home")
        );
        assert_eq!(lookup(&ada, "active").as_deref(), Some("true"));
    }

    #[test]
    fn absent_null_and_empty_values_are_none() {
        let mut ada = ada();
        ada["nickName"] = json!("  ");
        ada["displayName"] = Value::Null;
        assert_eq!(lookup(&ada, "nickName"), None);
        assert_eq!(lookup(&ada, "displayName"), None);
        assert_eq!(lookup(&ada, "name.middleName"), None);
        assert_eq!(lookup(&ada, "emails[type eq \"other\"].value"), None);
        assert_eq!(
            lookup(
                &ada,
                "urn:ietf:params:scim:schemas:extension:other:2.0:User:department"
            ),
            None
        );
        // A complex attribute without a `value` is not one text.
        assert_eq!(lookup(&ada, "name"), None);
    }

    #[test]
    fn the_primary_email_is_chosen_else_the_first() {
        let ada = ada();
        assert_eq!(lookup(&ada, "emails").as_deref(), Some("ada@example.com"));
        assert_eq!(
            lookup(&ada, "emails.value").as_deref(),
            Some("ada@example.com")
        );
        let none_primary = json!({"emails": [{"value": "a@x"}, {"value": "b@x"}]});
        assert_eq!(lookup(&none_primary, "emails").as_deref(), Some("a@x"));
        let strings = json!({"emails": ["a@x", "b@x"]});
        assert_eq!(lookup(&strings, "emails").as_deref(), Some("a@x"));
        assert_eq!(lookup(&json!({"emails": []}), "emails"), None);
    }

    #[test]
    fn the_default_mapping_reads_the_core_schema() {
        let mapping = SourceMapping::default().resolve(SourceMapping::scim_default());
        let Entry::User(user) = user_of(
            &ada(),
            &mapping,
            &[
                "title".to_owned(),
                DEPARTMENT.to_owned(),
                "costCenter".to_owned(),
            ],
        ) else {
            panic!("not a user")
        };
        assert_eq!(user.external_id, "2819c223");
        assert_eq!(user.login, "ada@example.com");
        assert_eq!(user.first_name.as_deref(), Some("Ada"));
        assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
        assert_eq!(user.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            user.attributes,
            BTreeMap::from([
                ("title".to_owned(), "Analyst".to_owned()),
                (DEPARTMENT.to_owned(), "Engines".to_owned()),
            ])
        );
    }

    #[test]
    fn inactive_and_incomplete_resources_are_not_users() {
        let mapping = SourceMapping::default().resolve(SourceMapping::scim_default());
        let mut off = ada();
        off["active"] = json!(false);
        assert_eq!(user_of(&off, &mapping, &[]), Entry::Inactive);
        off["active"] = json!("False");
        assert_eq!(user_of(&off, &mapping, &[]), Entry::Inactive);
        let mut no_login = ada();
        no_login.as_object_mut().unwrap().remove("userName");
        assert_eq!(
            user_of(&no_login, &mapping, &[]),
            Entry::Missing {
                field: "login",
                path: "userName".to_owned()
            }
        );
        let mut without_active = ada();
        without_active.as_object_mut().unwrap().remove("active");
        assert!(matches!(
            user_of(&without_active, &mapping, &[]),
            Entry::User(_)
        ));
        assert_eq!(entry_of(&no_login, 7), "2819c223");
        assert_eq!(entry_of(&json!({}), 7), "the user at position 7");
    }

    #[test]
    fn pages_advance_by_what_each_answer_holds() {
        let mut walk = Walk::new(100);
        assert_eq!(walk.next_page(), Some((1, 100)));
        // The service answers at most 30 a page.
        walk.take(75, 30).unwrap();
        assert_eq!(walk.next_page(), Some((31, 100)));
        walk.take(75, 30).unwrap();
        assert_eq!(walk.next_page(), Some((61, 100)));
        walk.take(75, 15).unwrap();
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn an_empty_service_is_one_page() {
        let mut walk = Walk::new(100);
        walk.take(0, 0).unwrap();
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn pages_that_do_not_add_up_are_refused() {
        let mut walk = Walk::new(10);
        walk.take(25, 10).unwrap();
        let changed = walk.take(26, 10).unwrap_err();
        assert!(changed.contains("changed from 25 to 26"), "{changed}");

        let mut walk = Walk::new(10);
        walk.take(25, 10).unwrap();
        let early = walk.take(25, 0).unwrap_err();
        assert!(early.contains("ended early"), "{early}");

        let mut walk = Walk::new(10);
        let more = walk.take(5, 10).unwrap_err();
        assert!(more.contains("more than"), "{more}");
    }

    #[test]
    fn a_user_listed_again_on_a_later_page_stops_the_read() {
        let mapping = SourceMapping::default().resolve(SourceMapping::scim_default());
        let limits = SnapshotLimits::DEFAULT;
        let mut users = Users::new(&mapping, &[], &limits);
        let page = |ids: &[&str]| -> Vec<Value> {
            ids.iter()
                .map(|id| json!({"id": id, "userName": format!("{id}@example.com")}))
                .collect()
        };
        users.take(&page(&["a", "b"]), 1).unwrap();
        // A user removed before the second page moved "b" back onto it.
        let Err(Stop::Unreadable(reason)) = users.take(&page(&["b", "c"]), 3) else {
            panic!("a repeat was taken")
        };
        assert!(
            reason.starts_with("the user b is listed twice (again at position 3)"),
            "{reason}"
        );
    }

    #[test]
    fn only_kept_users_count_toward_the_limit() {
        let mapping = SourceMapping::default().resolve(SourceMapping::scim_default());
        let limits = SnapshotLimits {
            max_users: 2,
            ..SnapshotLimits::DEFAULT
        };
        let mut users = Users::new(&mapping, &[], &limits);
        let resources = vec![
            json!({"id": "1", "userName": "a@x"}),
            json!({"id": "2", "userName": "b@x", "active": false}),
            json!({"id": "3"}),
            json!({"id": "4", "userName": "d@x"}),
        ];
        users.take(&resources, 1).unwrap();
        assert_eq!(users.read.users.len(), 2);
        assert_eq!(users.read.warnings.count, 1);
        assert_eq!(users.read.warnings.first[0].entry, "3");
        assert_eq!(
            users.read.warnings.first[0].reason,
            "has no userName, which the mapping reads as its login; left out"
        );
        assert_eq!(
            users.take(&[json!({"id": "5", "userName": "e@x"})], 5),
            Err(Stop::TooLarge)
        );
    }

    #[test]
    fn a_page_must_be_a_list_response() {
        let page = parse_page(
            br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 2, "Resources": [{"id": "a"}, {"id": "b"}]}"#,
        )
        .unwrap();
        assert_eq!((page.total_results, page.resources.len()), (2, 2));
        let empty = parse_page(br#"{"totalResults": 0}"#).unwrap();
        assert!(empty.resources.is_empty());
        for (body, says) in [
            (&b"<html>Sign in</html>"[..], "not JSON"),
            (b"[]", "not an object"),
            (
                br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "500"}"#,
                "schemas are",
            ),
            (br#"{"Resources": []}"#, "no totalResults"),
            (br#"{"totalResults": 1, "Resources": {}}"#, "not a list"),
        ] {
            let reason = parse_page(body).unwrap_err();
            assert!(reason.contains(says), "{reason}");
        }
    }

    #[test]
    fn refusals_say_what_to_check() {
        let body = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "401", "detail": "Authorization failure"}"#;
        let reason = status_reason(StatusCode::UNAUTHORIZED, body, true, None);
        assert_eq!(
            reason,
            "the service answered 401 Unauthorized (check the bearer token: the service refused it): \"Authorization failure\""
        );
        assert!(status_reason(StatusCode::UNAUTHORIZED, b"", false, None).contains("none is set"));
        assert!(status_reason(StatusCode::NOT_FOUND, b"", true, None).contains("base URL"));
        let moved = status_reason(
            StatusCode::MOVED_PERMANENTLY,
            b"",
            true,
            Some("https://scim.example.com/v2/Users"),
        );
        assert!(
            moved.contains("to https://scim.example.com/v2/Users"),
            "{moved}"
        );
    }

    #[test]
    fn page_urls_carry_index_count_and_filter() {
        let users = users_url("https://scim.example.com/v2/");
        assert_eq!(users, "https://scim.example.com/v2/Users");
        assert_eq!(
            page_url(&users, 201, 100, Some("title eq \"Engineer\"")),
            "https://scim.example.com/v2/Users?startIndex=201&count=100&filter=title%20eq%20%22Engineer%22"
        );
        assert_eq!(
            page_url(&users, 1, 100, Some(" ")),
            "https://scim.example.com/v2/Users?startIndex=1&count=100"
        );
    }
}
