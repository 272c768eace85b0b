//! Sign-in, sessions, API tokens and roles, over the real router and a real SQLite file.
#![allow(clippy::unwrap_used)] // helpers panic where a step fails, like the tests

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use safeguard_server::auth::bootstrap::{FirstAdmin, ensure_first_admin};
use safeguard_server::auth::throttle::ThrottlePolicy;
use safeguard_server::storage::Store;
use serde_json::{Value, json};
use std::time::Duration;
use support::{Response, TestApp};

const HOST: &str = "console.test:8080";
const ORIGIN: &str = "http://console.test:8080";
const SUPER: (&str, &str) = ("root@example.com", "root-password-123");
const READER: (&str, &str) = ("reader@example.com", "reader-password-123");

/// A request as the console sends it: the session cookie, this origin, the console's header.
fn console_request(
    method: Method,
    path: &str,
    cookie: &str,
    body: Option<&Value>,
) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header("x-safeguard-console", "1")
        .header(header::COOKIE, cookie);
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

async fn sign_in_response(app: &TestApp, email: &str, password: &str) -> Response {
    app.send_anonymous(
        Request::post("/api/v1/sessions")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"username": email, "password": password}).to_string(),
            ))
            .unwrap(),
    )
    .await
}

/// Signs in; answers the `Cookie` header value to send back.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let r = sign_in_response(app, email, password).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.header("set-cookie").unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn add_admin(app: &TestApp, (email, password): (&str, &str), role: &str) {
    let r = app
        .post_json(
            "/api/v1/admins",
            &json!({"email": email, "password": password, "role": role}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn with_admins() -> TestApp {
    let app = TestApp::new();
    add_admin(&app, SUPER, "SUPER_ADMIN").await;
    add_admin(&app, READER, "READ_ONLY_ADMIN").await;
    app
}

/// Every route the router serves, as (method, concrete path), from the router itself.
fn every_route() -> Vec<(Method, String)> {
    let (_, document) = safeguard_server::routes::api_router().split_for_parts();
    let mut routes = Vec::new();
    for (path, item) in &document.paths.paths {
        let concrete = path
            .replace("{appId}", "app_unknown")
            .replace("{id}", "id_unknown");
        let operations = [
            (Method::GET, item.get.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::DELETE, item.delete.is_some()),
            (Method::PATCH, item.patch.is_some()),
        ];
        for (method, present) in operations {
            if present {
                routes.push((method, concrete.clone()));
            }
        }
    }
    assert!(routes.len() >= 25, "the router lists its routes");
    routes
}

fn changes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD)
}

#[tokio::test]
async fn every_route_but_sign_in_answers_401_without_credentials() {
    let app = TestApp::new();
    for (method, path) in every_route() {
        let r = app
            .send_anonymous(
                Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        if method == Method::POST && path == "/api/v1/sessions" {
            // Sign-in itself: an empty body is a bad request, never "sign in first".
            assert_ne!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            continue;
        }
        let problem = r.problem(401);
        assert!(
            problem["detail"].as_str().unwrap().contains("Sign in"),
            "{method} {path}: {problem}"
        );
    }
    // A wrong token and an unknown scheme are refused too.
    for authorization in ["SSWS not-a-token", "Bearer abc"] {
        let r = app
            .send_anonymous(
                Request::get("/api/v1/safeguards")
                    .header(header::AUTHORIZATION, authorization)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        r.problem(401);
    }
}

#[tokio::test]
async fn read_only_administrators_read_everything_and_change_nothing() {
    let app = with_admins().await;
    let before_settings = app.get("/api/v1/safeguards").await.json();
    let before_apps = app.get("/api/v1/apps").await.json();
    let cookie = sign_in(&app, READER.0, READER.1).await;
    for (method, path) in every_route() {
        if path.starts_with("/api/v1/sessions") {
            continue; // signing in and out are checked on their own
        }
        let body = json!({"users": [], "name": "x", "email": "a@b.c", "password": "long enough password", "role": "SUPER_ADMIN"});
        let r = app
            .send(console_request(
                method.clone(),
                &path,
                &cookie,
                changes(&method).then_some(&body),
            ))
            .await;
        if changes(&method) {
            let problem = r.problem(403);
            assert!(
                problem["detail"].as_str().unwrap().contains("Read-only"),
                "{method} {path}: {problem}"
            );
        } else {
            assert!(
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&r.status),
                "{method} {path} answered {}",
                r.status
            );
        }
    }
    // Nothing changed.
    assert_eq!(app.get("/api/v1/safeguards").await.json(), before_settings);
    assert_eq!(app.get("/api/v1/apps").await.json(), before_apps);
    // A dry run changes nothing, so a read-only administrator may run one.
    let app_id = app.create_app("Workday").await;
    let r = app
        .send(console_request(
            Method::POST,
            &format!("/api/v1/apps/{app_id}/imports?dryRun=true"),
            &cookie,
            Some(&json!({"users": [support::snapshot_user("a@example.com", &[])]})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .send(console_request(
            Method::GET,
            "/api/v1/users/me",
            &cookie,
            None,
        ))
        .await;
    assert_eq!(r.json()["role"], "READ_ONLY_ADMIN");
    // And sign out.
    let r = app
        .send(console_request(
            Method::DELETE,
            "/api/v1/sessions/current",
            &cookie,
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
}

#[tokio::test]
async fn a_forged_cross_site_change_is_refused_and_changes_nothing() {
    let app = with_admins().await;
    let cookie = sign_in(&app, SUPER.0, SUPER.1).await;
    let before = app.get("/api/v1/safeguards").await.json();
    let change = json!({
        "appLevel": {"enabled": true, "percent": 90},
        "orgLevel": {"enabled": true, "percent": 90},
        "version": before["version"],
    });
    let forged = |origin: Option<&str>, console_header: bool| {
        let mut builder = Request::put("/api/v1/safeguards")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        if console_header {
            builder = builder.header("x-safeguard-console", "1");
        }
        builder.body(Body::from(change.to_string())).unwrap()
    };
    for (origin, console_header) in [
        (Some("https://evil.example"), true),
        (Some("https://evil.example"), false),
        (None, true),
        (None, false),
        (Some(ORIGIN), false),
        (Some("http://console.test:9999"), true),
    ] {
        let r = app.send(forged(origin, console_header)).await;
        let problem = r.problem(403);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("nothing was changed"),
            "{problem}"
        );
    }
    assert_eq!(app.get("/api/v1/safeguards").await.json(), before);
    // The console's own request goes through.
    let r = app.send(forged(Some(ORIGIN), true)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A sign-in posted from another site is refused too.
    let r = app
        .send_anonymous(
            Request::post("/api/v1/sessions")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"username": SUPER.0, "password": SUPER.1}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    r.problem(403);
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_records_who_and_sign_out_ends_it() {
    let app = with_admins().await;
    let r = sign_in_response(&app, "ROOT@example.com", SUPER.1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["email"], SUPER.0);
    assert_eq!(r.json()["role"], "SUPER_ADMIN");
    let set = r.header("set-cookie").unwrap();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    assert!(!set.contains("Secure"), "plain http: {set}");
    let cookie = set.split(';').next().unwrap().to_owned();

    let me = app
        .send(console_request(
            Method::GET,
            "/api/v1/users/me",
            &cookie,
            None,
        ))
        .await;
    assert_eq!(me.json()["email"], SUPER.0);

    // A change records the signed-in administrator as its actor.
    let version = app.get("/api/v1/safeguards").await.json()["version"].clone();
    let r = app
        .send(console_request(
            Method::PUT,
            "/api/v1/safeguards",
            &cookie,
            Some(&json!({"appLevel": {"enabled": true, "percent": 30}, "orgLevel": {"enabled": true, "percent": 20}, "version": version})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let update = &app.events("system.import.safeguard.update").await[0];
    assert_eq!(update["actor"]["displayName"], SUPER.0);
    assert_eq!(update["actor"]["id"], me.json()["id"]);
    let started = &app.events("user.session.start").await[0];
    assert_eq!(started["actor"]["displayName"], SUPER.0);

    let r = app
        .send(console_request(
            Method::DELETE,
            "/api/v1/sessions/current",
            &cookie,
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = app
        .send(console_request(
            Method::GET,
            "/api/v1/users/me",
            &cookie,
            None,
        ))
        .await;
    r.problem(401);
    assert_eq!(app.events("user.session.end").await.len(), 1);

    // Over https (behind a proxy that says so) the cookie is Secure.
    let r = app
        .send_anonymous(
            Request::post("/api/v1/sessions")
                .header("x-forwarded-proto", "https")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"username": SUPER.0, "password": SUPER.1}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert!(r.header("set-cookie").unwrap().ends_with("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = with_admins().await;
    let wrong_password = sign_in_response(&app, SUPER.0, "not the password").await;
    let unknown = sign_in_response(&app, "nobody@example.com", SUPER.1).await;
    let a = wrong_password.problem(401);
    let b = unknown.problem(401);
    assert_eq!(a["detail"], b["detail"]);
    assert!(wrong_password.header("set-cookie").is_none());
    let failures = app.events("user.authentication.auth_failed").await;
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0]["outcome"]["reason"], "INVALID_CREDENTIALS");
    assert_eq!(failures[0]["actor"]["displayName"], "nobody@example.com");
}

#[tokio::test]
async fn repeated_failures_slow_down_then_lock_even_the_right_password() {
    let app = TestApp::builder()
        .config(|c| {
            c.throttle = ThrottlePolicy {
                free_failures: 2,
                first_delay: Duration::from_millis(20),
                max_delay: Duration::from_millis(50),
                lock_after: 5,
                lock_address_after: 50,
                lock_for: Duration::from_secs(600),
                window: Duration::from_secs(600),
            }
        })
        .build();
    add_admin(&app, SUPER, "SUPER_ADMIN").await;
    for _ in 0..5 {
        sign_in_response(&app, SUPER.0, "guess-guess-guess")
            .await
            .problem(401);
    }
    let r = sign_in_response(&app, SUPER.0, SUPER.1).await;
    let problem = r.problem(429);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("locked for 10 more minutes"),
        "{problem}"
    );
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((590..=600).contains(&retry), "{retry}");
    assert_eq!(app.events("user.account.lock").await.len(), 1);
    let failures = app.events("user.authentication.auth_failed").await;
    assert_eq!(failures[0]["outcome"]["reason"], "LOCKED_OUT");
    // Another account is not locked (its address has failed only five times).
    add_admin(&app, READER, "READ_ONLY_ADMIN").await;
    sign_in(&app, READER.0, READER.1).await;
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::builder()
        .config(|c| c.session_idle = Duration::from_secs(1))
        .build();
    add_admin(&app, SUPER, "SUPER_ADMIN").await;
    let cookie = sign_in(&app, SUPER.0, SUPER.1).await;
    let r = app
        .send(console_request(
            Method::GET,
            "/api/v1/imports",
            &cookie,
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = app
        .send(console_request(
            Method::GET,
            "/api/v1/imports",
            &cookie,
            None,
        ))
        .await;
    let problem = r.problem(401);
    assert!(
        problem["detail"].as_str().unwrap().contains("expired"),
        "{problem}"
    );
}

#[tokio::test]
async fn the_administrators_requests_keep_a_session_alive_and_background_polls_do_not() {
    let app = TestApp::builder()
        .config(|c| c.session_idle = Duration::from_secs(2))
        .build();
    add_admin(&app, SUPER, "SUPER_ADMIN").await;
    let active = sign_in(&app, SUPER.0, SUPER.1).await;
    let polling = sign_in(&app, SUPER.0, SUPER.1).await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let r = app
            .send(console_request(
                Method::GET,
                "/api/v1/imports",
                &active,
                None,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let mut poll = console_request(Method::GET, "/api/v1/roadblock", &polling, None);
        poll.headers_mut()
            .insert("x-safeguard-background", "1".parse().unwrap());
        let r = app.send(poll).await;
        if r.status == StatusCode::UNAUTHORIZED {
            return; // the poll did not keep its session alive: more than 2 s passed
        }
    }
    panic!("background polls kept a session alive past its idle time");
}

#[tokio::test]
async fn api_tokens_are_shown_once_stored_hashed_act_with_their_role_and_can_be_revoked() {
    let app = with_admins().await;
    let super_cookie = sign_in(&app, SUPER.0, SUPER.1).await;
    let r = app
        .send(console_request(
            Method::POST,
            "/api/v1/api-tokens",
            &super_cookie,
            Some(&json!({"name": "nightly sync"})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 40);

    // Listed without the token; the database holds no copy of it.
    let listed = app.get("/api/v1/api-tokens").await.json();
    assert_eq!(listed[0]["name"], "nightly sync");
    assert_eq!(listed[0]["createdBy"], SUPER.0);
    assert!(!listed.to_string().contains(&token));
    let db = std::fs::read(app.db_path()).unwrap();
    let wal = std::fs::read(app.db_path().with_extension("db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "the token is stored in clear"
        );
    }

    // The token works, as its maker.
    let with_token = |method: Method, path: &str, body: Option<Value>| {
        let builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("SSWS {token}"));
        match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        }
    };
    let r = app
        .send(with_token(Method::GET, "/api/v1/users/me", None))
        .await;
    assert_eq!(r.json()["email"], SUPER.0);
    let r = app
        .send(with_token(
            Method::POST,
            "/api/v1/apps",
            Some(json!({"name": "By token"})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

    // A read-only administrator's token is read-only.
    let reader_cookie = sign_in(&app, READER.0, READER.1).await;
    let r = app
        .send(console_request(
            Method::POST,
            "/api/v1/api-tokens",
            &reader_cookie,
            Some(&json!({"name": "reader"})),
        ))
        .await;
    r.problem(403);

    // Revoked, it is refused.
    let id = created["id"].as_str().unwrap();
    let r = app
        .send(console_request(
            Method::DELETE,
            &format!("/api/v1/api-tokens/{id}"),
            &super_cookie,
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    app.send(with_token(Method::GET, "/api/v1/users/me", None))
        .await
        .problem(401);
    assert_eq!(app.get("/api/v1/api-tokens").await.json(), json!([]));
    assert_eq!(app.events("system.api_token.revoke").await.len(), 1);
    // Revoking again: there is no such token any more.
    app.send(console_request(
        Method::DELETE,
        &format!("/api/v1/api-tokens/{id}"),
        &super_cookie,
        None,
    ))
    .await
    .problem(404);
    // A bad name is refused with the field named.
    let r = app
        .send(console_request(
            Method::POST,
            "/api/v1/api-tokens",
            &super_cookie,
            Some(&json!({"name": "  "})),
        ))
        .await;
    assert_eq!(r.problem(422)["errors"][0]["field"], "name");
}

#[tokio::test]
async fn administrators_are_validated_and_unique() {
    let app = with_admins().await;
    let r = app
        .post_json(
            "/api/v1/admins",
            &json!({"email": "not-an-address", "password": "short", "role": "SUPER_ADMIN"}),
        )
        .await;
    let problem = r.problem(422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);
    let r = app
        .post_json(
            "/api/v1/admins",
            &json!({"email": "READER@example.com", "password": "another-password-1", "role": "SUPER_ADMIN"}),
        )
        .await;
    r.problem(409);
    let r = app
        .post_json(
            "/api/v1/admins",
            &json!({"email": "x@example.com", "password": "another-password-1", "role": "OWNER"}),
        )
        .await;
    r.problem(422);
    let admins = app.get("/api/v1/admins").await.json();
    assert_eq!(admins.as_array().unwrap().len(), 2);
    assert!(
        !admins.to_string().contains("argon2"),
        "no hashes in the API"
    );
    assert_eq!(app.events("user.account.privilege.grant").await.len(), 2);
}

#[test]
fn the_first_start_creates_a_super_administrator() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("a.db")).unwrap();
    let at = "2026-01-01T00:00:00.000Z";
    // Nobody yet: a generated password, printed once.
    let first = ensure_first_admin(&store, None, None, at).unwrap();
    let FirstAdmin::Generated { email, password } = first else {
        panic!("{first:?}")
    };
    assert_eq!(email, "admin@safeguard.local");
    assert!(password.len() >= 20);
    let stored = store.read(|db| db.admin_by_email(&email)).unwrap().unwrap();
    assert!(safeguard_server::auth::password::verify(
        &password,
        &stored.password_hash
    ));
    // Started again: nothing more.
    assert_eq!(
        ensure_first_admin(&store, None, None, at).unwrap(),
        FirstAdmin::Existing
    );
    // The environment's administrator is added when missing, once.
    let env = ensure_first_admin(
        &store,
        Some("ops@example.com"),
        Some("ops-password-123"),
        at,
    );
    assert_eq!(
        env.unwrap(),
        FirstAdmin::FromEnvironment {
            email: "ops@example.com".to_owned()
        }
    );
    assert_eq!(
        ensure_first_admin(
            &store,
            Some("ops@example.com"),
            Some("ops-password-123"),
            at
        )
        .unwrap(),
        FirstAdmin::Existing
    );
    // A password too short to be safe is refused at start.
    let err = ensure_first_admin(&store, Some("new@example.com"), Some("short"), at).unwrap_err();
    assert!(
        err.to_string().contains("SAFEGUARD_ADMIN_PASSWORD"),
        "{err}"
    );
}
