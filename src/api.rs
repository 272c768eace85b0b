//! The one typed client of the HTTP API (`shared/spec/api.md`). Every page goes through it; every
//! answer that is not 2xx becomes an [`ApiError`] carrying the server's problem detail, so a page
//! can show what the server said instead of a status code.
//!
//! Every request is built in [`request`], which adds the console's header: the server refuses a
//! cookie-authenticated change without it, so a page on another site cannot make one with the
//! administrator's cookie. A 401 from any call but the sign-in itself means the session is gone
//! (signed out elsewhere, or idle too long): [`send`] takes the administrator to the sign-in page
//! from this one place, so no page has to.

use crate::sign_in_redirect;
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use safeguard_rules::api::{
    AdminView, ApiTokenView, AppPatch, AppView, BACKGROUND_HEADER, Bounce, BounceRemoval,
    BounceRemovalResult, CONSOLE_HEADER, ChangeRow, CreatedApiToken, ImportView, LogEvent, Me,
    NewAdmin, NewApiToken, OutboxMessage, Problem, RoadblockState, SafeguardsView, SignIn,
};
use safeguard_rules::api::{
    AppOverrideView, CreatedWebhook, NewWebhook, ResumeRequest, RotatedSecret, WebhookDelivery,
    WebhookPatch, WebhookView,
};
use safeguard_rules::settings::Limit;
use safeguard_rules::validation::FieldError;
use serde::de::DeserializeOwned;
use std::fmt;

const BASE: &str = "/api/v1";

/// What went wrong with a request, in words for the person at the console.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered with a problem detail (4xx/5xx).
    Problem(Problem),
    /// The request never got an answer (server down, network gone).
    Network(String),
    /// The answer was not what the API promises.
    Decode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(p) => Some(p.status),
            _ => None,
        }
    }

    /// A conflict: someone else changed the thing first (stale version, already resolved).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Not signed in, or the session expired.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// What the server said about one field of a rejected body (422), if anything.
    pub fn field_error(&self, field: &str) -> Option<String> {
        self.field_errors()
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    /// Every invalid field of a rejected body.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Problem(p) => &p.errors,
            _ => &[],
        }
    }

    /// The sentence to show: the problem's detail, or what kept the answer from arriving.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Problem(p) => p.detail.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Problem(p) => write!(f, "{p}"),
            ApiError::Network(e) => write!(f, "The server could not be reached: {e}"),
            ApiError::Decode(e) => write!(f, "The server's answer could not be read: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// One page of a list, and the cursor of the next one while more remain.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Sends a request and turns an answer that is not 2xx into an [`ApiError`], without looking at
/// what a 401 means: only the sign-in calls this directly (its 401 is a wrong password).
async fn answer(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    Err(ApiError::Problem(
        serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
            Problem::new(
                status,
                "unexpected",
                response.status_text().as_str(),
                format!("The server answered {status} {}", response.status_text()),
            )
        }),
    ))
}

/// [`answer`], and a 401 sends the administrator to the sign-in page. The error is still
/// returned, so the caller stops where it is.
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let result = answer(request).await;
    if let Err(e) = &result
        && e.is_unauthorized()
    {
        sign_in_redirect::go_to_sign_in();
    }
    result
}

/// The body of an answer, as text. Reading it is the same for every type of answer, so it is
/// not generic: one copy of this future serves every call, and only [`decode`] is per type.
async fn text(response: Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// [`send`], and the body of its answer.
async fn body(request: Result<Request, gloo_net::Error>) -> Result<String, ApiError> {
    text(send(request).await?).await
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// Every request starts here, so every request carries the console's header.
fn request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(&format!("{BASE}{path}"))
        .method(method)
        .header("Accept", "application/json")
        .header(CONSOLE_HEADER, "1")
}

fn get(path: &str) -> RequestBuilder {
    request(Method::GET, path)
}

fn post(path: &str) -> RequestBuilder {
    request(Method::POST, path)
}

fn delete(path: &str) -> RequestBuilder {
    request(Method::DELETE, path)
}

/// The `after` cursor of a `Link: <...>; rel="next"` header.
pub fn next_cursor(link: Option<String>) -> Option<String> {
    let link = link?;
    let part = link.split(',').find(|p| p.contains("rel=\"next\""))?;
    let url = part.split('<').nth(1)?.split('>').next()?;
    let query = url.split('?').nth(1)?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("after="))
        .map(|v| js_sys::decode_uri_component(v).map_or_else(|_| v.to_owned(), String::from))
}

async fn page<T: DeserializeOwned>(request: RequestBuilder) -> Result<Page<T>, ApiError> {
    let response = send(request.build()).await?;
    let next = next_cursor(response.headers().get("link"));
    Ok(Page {
        items: decode(&text(response).await?)?,
        next,
    })
}

/// Builds `?a=b&c=d` from the parameters that have a value.
pub fn query(params: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", js_sys::encode_uri_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub async fn safeguards() -> Result<SafeguardsView, ApiError> {
    decode(&body(get("/safeguards").build()).await?)
}

pub async fn save_safeguards(settings: &SafeguardsView) -> Result<SafeguardsView, ApiError> {
    let request = request(Method::PUT, "/safeguards").json(settings);
    decode(&body(request).await?)
}

pub async fn apps() -> Result<Vec<AppView>, ApiError> {
    decode(&body(get("/apps").build()).await?)
}

pub async fn app(id: &str) -> Result<AppView, ApiError> {
    let path = format!("/apps/{}", js_sys::encode_uri_component(id));
    decode(&body(get(&path).build()).await?)
}

fn app_safeguard_path(app_id: &str) -> String {
    format!("/apps/{}/safeguard", js_sys::encode_uri_component(app_id))
}

/// The app's own app-level safeguard, or `None` when it uses the org-wide one.
pub async fn app_safeguard(app_id: &str) -> Result<Option<AppOverrideView>, ApiError> {
    match body(get(&app_safeguard_path(app_id)).build()).await {
        Ok(text) => decode(&text).map(Some),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Gives the app its own app-level safeguard, in place of the org-wide one.
pub async fn save_app_safeguard(app_id: &str, limit: &Limit) -> Result<AppOverrideView, ApiError> {
    let request = request(Method::PUT, &app_safeguard_path(app_id)).json(limit);
    decode(&body(request).await?)
}

/// Removes the app's override: it uses the org-wide app-level safeguard again.
pub async fn remove_app_safeguard(app_id: &str) -> Result<(), ApiError> {
    send(delete(&app_safeguard_path(app_id)).build())
        .await
        .map(drop)
}

/// Changes an app's directory settings (its profile source priority, what entries are matched
/// by, whether returning users are reactivated); what the patch leaves out is kept.
pub async fn update_app(id: &str, patch: &AppPatch) -> Result<AppView, ApiError> {
    let path = format!("/apps/{}", js_sys::encode_uri_component(id));
    decode(&body(request(Method::PATCH, &path).json(patch)).await?)
}

pub async fn imports(
    status: Option<&str>,
    app_id: Option<&str>,
    limit: u32,
    after: Option<&str>,
) -> Result<Page<ImportView>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[
        ("status", status),
        ("appId", app_id),
        ("limit", Some(&limit)),
        ("after", after),
    ]);
    page(get(&format!("/imports{q}"))).await
}

pub async fn import(id: &str) -> Result<ImportView, ApiError> {
    let path = format!("/imports/{}", js_sys::encode_uri_component(id));
    decode(&body(get(&path).build()).await?)
}

pub async fn changes(
    import_id: &str,
    kind: Option<&str>,
    limit: u32,
    after: Option<&str>,
) -> Result<Page<ChangeRow>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[("kind", kind), ("limit", Some(&limit)), ("after", after)]);
    let id = js_sys::encode_uri_component(import_id);
    page(get(&format!("/imports/{id}/changes{q}"))).await
}

/// Where the browser downloads a plan's changes as CSV.
pub fn changes_csv_url(import_id: &str, kind: Option<&str>) -> String {
    let id = js_sys::encode_uri_component(import_id);
    format!(
        "{BASE}/imports/{id}/changes{}",
        query(&[("kind", kind), ("format", Some("csv"))])
    )
}

pub async fn roadblock() -> Result<RoadblockState, ApiError> {
    decode(&body(get("/roadblock").build()).await?)
}

/// [`roadblock`], asked by the console itself (the banner's polling): it does not count as the
/// administrator's activity, so an unattended console's session still ends when idle.
pub async fn roadblock_in_background() -> Result<RoadblockState, ApiError> {
    let request = get("/roadblock").header(BACKGROUND_HEADER, "1");
    decode(&body(request.build()).await?)
}

pub async fn resume(import_id: &str) -> Result<ImportView, ApiError> {
    let id = js_sys::encode_uri_component(import_id);
    decode(&body(post(&format!("/imports/{id}/resume")).build()).await?)
}

/// Resumes part of a paused import: the excluded users keep everything, and with
/// `skip_deactivations` nobody is deactivated. An empty request resumes the whole plan.
pub async fn resume_part(import_id: &str, part: &ResumeRequest) -> Result<ImportView, ApiError> {
    let id = js_sys::encode_uri_component(import_id);
    decode(&body(post(&format!("/imports/{id}/resume")).json(part)).await?)
}

pub async fn cancel(import_id: &str) -> Result<ImportView, ApiError> {
    let id = js_sys::encode_uri_component(import_id);
    decode(&body(post(&format!("/imports/{id}/cancel")).build()).await?)
}

/// Uploads a CSV snapshot; with `dry_run` the server only plans and checks it.
pub async fn import_csv(app_id: &str, csv: String, dry_run: bool) -> Result<ImportView, ApiError> {
    let id = js_sys::encode_uri_component(app_id);
    let q = if dry_run { "?dryRun=true" } else { "" };
    let request = post(&format!("/apps/{id}/imports{q}"))
        .header("Content-Type", "text/csv")
        .body(csv);
    decode(&body(request).await?)
}

pub async fn logs(
    filter: Option<&str>,
    since: Option<&str>,
    until: Option<&str>,
    limit: u32,
    after: Option<&str>,
) -> Result<Page<LogEvent>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[
        ("filter", filter),
        ("since", since),
        ("until", until),
        ("limit", Some(&limit)),
        ("after", after),
    ]);
    page(get(&format!("/logs{q}"))).await
}

/// Signs in: the server sets the session cookie. A wrong email or password answers 401 and too
/// many failures 429, both with a detail to show, so this one does not go to the sign-in page.
pub async fn sign_in(credentials: &SignIn) -> Result<Me, ApiError> {
    decode(&text(answer(post("/sessions").json(credentials)).await?).await?)
}

pub async fn sign_out() -> Result<(), ApiError> {
    send(delete("/sessions/current").build()).await.map(drop)
}

/// Who is signed in; a 401 when nobody is.
pub async fn me() -> Result<Me, ApiError> {
    decode(&body(get("/users/me").build()).await?)
}

pub async fn admins() -> Result<Vec<AdminView>, ApiError> {
    decode(&body(get("/admins").build()).await?)
}

pub async fn create_admin(admin: &NewAdmin) -> Result<AdminView, ApiError> {
    decode(&body(post("/admins").json(admin)).await?)
}

pub async fn api_tokens() -> Result<Vec<ApiTokenView>, ApiError> {
    decode(&body(get("/api-tokens").build()).await?)
}

/// Creates a token; the answer holds the token itself, which no later answer shows again.
pub async fn create_api_token(token: &NewApiToken) -> Result<CreatedApiToken, ApiError> {
    decode(&body(post("/api-tokens").json(token)).await?)
}

pub async fn revoke_api_token(id: &str) -> Result<(), ApiError> {
    let id = js_sys::encode_uri_component(id);
    send(delete(&format!("/api-tokens/{id}")).build())
        .await
        .map(drop)
}

/// Notification email, newest first, with where each message stands.
pub async fn outbox(limit: u32, after: Option<&str>) -> Result<Page<OutboxMessage>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[("limit", Some(&limit)), ("after", after)]);
    page(get(&format!("/org/email/outbox{q}"))).await
}

/// The bounce list, newest first.
pub async fn bounces(limit: u32, after: Option<&str>) -> Result<Page<Bounce>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[("limit", Some(&limit)), ("after", after)]);
    page(get(&format!("/org/email/bounces{q}"))).await
}

/// Takes addresses off the bounce list; the answer names each one removed or not found.
pub async fn remove_bounces(addresses: Vec<String>) -> Result<BounceRemovalResult, ApiError> {
    let request = post("/org/email/bounces/remove-list").json(&BounceRemoval {
        email_addresses: addresses,
    });
    decode(&body(request).await?)
}

/// Every webhook, newest first; never a secret.
pub async fn webhooks() -> Result<Vec<WebhookView>, ApiError> {
    decode(&body(get("/webhooks").build()).await?)
}

/// Creates a webhook; the answer holds its signing secret, which no later answer shows again.
pub async fn create_webhook(hook: &NewWebhook) -> Result<CreatedWebhook, ApiError> {
    decode(&body(post("/webhooks").json(hook)).await?)
}

/// Changes the fields the patch names (turning a hook on or off, say).
pub async fn update_webhook(id: &str, patch: &WebhookPatch) -> Result<WebhookView, ApiError> {
    let id = js_sys::encode_uri_component(id);
    let request = request(Method::PATCH, &format!("/webhooks/{id}")).json(patch);
    decode(&body(request).await?)
}

pub async fn delete_webhook(id: &str) -> Result<(), ApiError> {
    let id = js_sys::encode_uri_component(id);
    send(delete(&format!("/webhooks/{id}")).build())
        .await
        .map(drop)
}

/// A new signing secret, shown this once; the one it replaces still signs for a while.
pub async fn rotate_webhook_secret(id: &str) -> Result<RotatedSecret, ApiError> {
    let id = js_sys::encode_uri_component(id);
    decode(&body(post(&format!("/webhooks/{id}/rotate-secret")).build()).await?)
}

/// Sends a test event now and answers how it went.
pub async fn test_webhook(id: &str) -> Result<WebhookDelivery, ApiError> {
    let id = js_sys::encode_uri_component(id);
    decode(&body(post(&format!("/webhooks/{id}/test")).build()).await?)
}

/// A webhook's deliveries, newest first, each with every attempt.
pub async fn webhook_deliveries(
    id: &str,
    limit: u32,
    after: Option<&str>,
) -> Result<Page<WebhookDelivery>, ApiError> {
    let limit = limit.to_string();
    let q = query(&[("limit", Some(&limit)), ("after", after)]);
    let id = js_sys::encode_uri_component(id);
    page(get(&format!("/webhooks/{id}/deliveries{q}"))).await
}

/// Where the app's users come from, and on what schedule; a secret only as whether one is set.
pub async fn app_source(app_id: &str) -> Result<safeguard_rules::api::SourceSettings, ApiError> {
    let id = js_sys::encode_uri_component(app_id);
    decode(&body(get(&format!("/apps/{id}/source")).build()).await?)
}

/// Saves the app's source. A secret left out keeps the stored one; an empty one removes it.
pub async fn save_app_source(
    app_id: &str,
    settings: &safeguard_rules::api::SourceSettings,
) -> Result<safeguard_rules::api::SourceSettings, ApiError> {
    let id = js_sys::encode_uri_component(app_id);
    let mut sent = serde_json::to_value(settings).map_err(|e| ApiError::Network(e.to_string()))?;
    // The secret typed (or "" to remove the stored one) goes in the request under its kind's
    // name, whatever the settings' own serialization does with it; answers never carry one.
    if let (Some(secret), Some(fields)) = (settings.secret(), sent.as_object_mut()) {
        let name = match settings {
            safeguard_rules::api::SourceSettings::Scim(_) => "bearerToken",
            _ => "password",
        };
        fields.insert(name.to_owned(), secret.into());
    }
    let request = request(Method::PUT, &format!("/apps/{id}/source")).json(&sent);
    decode(&body(request).await?)
}

/// Reads the saved source now and imports nothing: how many users, a sample, what was left out.
pub async fn test_app_source(
    app_id: &str,
) -> Result<safeguard_rules::api::SourceTestResult, ApiError> {
    let id = js_sys::encode_uri_component(app_id);
    decode(&body(post(&format!("/apps/{id}/source/test")).build()).await?)
}

/// Imports from the app's live source now. No body: the server reads the source itself, so
/// there is no Content-Type either. With `dry_run` it only plans and checks, and stores nothing.
pub async fn import_now(app_id: &str, dry_run: bool) -> Result<ImportView, ApiError> {
    let id = js_sys::encode_uri_component(app_id);
    let q = if dry_run { "?dryRun=true" } else { "" };
    decode(&body(post(&format!("/apps/{id}/imports{q}")).build()).await?)
}
