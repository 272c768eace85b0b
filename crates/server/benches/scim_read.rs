//! The SCIM source reading a real SCIM 2.0 service (`scim2-server` on loopback) holding 10,000
//! users, each with a name, two addresses (the primary second), a title and an enterprise
//! department.
//!
//! Timed, one report per run (no harness), for pages of 100 (the default) and of 1000 (the
//! most a source asks for), runs taken in turn so that both see the same machine:
//! - the floor: the same pages fetched by a plain HTTP loop, each body read whole and
//!   discarded: what any reader of this service pays;
//! - `scim::read`: the same pages, parsed, checked to add up (totalResults, repeats) and mapped
//!   to users with the default mapping and two extra attributes.
//!
//! The service (Python) takes most of the time, and its pace varies with the machine's load; so
//! the same two are also timed against the pages it answered replayed from memory by a local
//! HTTP server, where what is left is HTTP on loopback and the reader's own work.
//!
//! Median and min of each, and the ratio of the medians. Not timed: starting the service and
//! filling it (through its `/Bulk`; its time is printed).
//!
//! `cargo bench -p safeguard-server --bench scim_read`

// The tests' harness: `scim_server` finds the tools' Python through `super::smtp_tls`, which
// names `super::certificates`.
#[allow(dead_code)]
#[path = "../tests/support/certificates.rs"]
mod certificates;

#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/support/smtp_tls.rs"]
mod smtp_tls;

#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/support/scim_server.rs"]
mod scim_server;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::get;
use safeguard_rules::api::{ScimSettings, SourceMapping};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_server::sources::scim;
use scim_server::{DEPARTMENT, ScimServer, TOKEN, users};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: usize = 10_000;
/// Runs of each against the service (a run takes seconds there), and against the replay.
const RUNS: usize = 3;
const REPLAY_RUNS: usize = 10;
const TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => panic!("no runtime: {e}"),
    };
    runtime.block_on(bench());
}

async fn bench() {
    let server = ScimServer::start().await;
    let started = Instant::now();
    server.add_all(&users(0..USERS)).await;
    println!(
        "scim2-server on 127.0.0.1:{} filled with {USERS} users in {:.1} s",
        server.port,
        started.elapsed().as_secs_f64()
    );
    for page_size in [100, 1000] {
        let live = settings(server.base_url(), page_size);
        let pages = compare("scim2-server", &live, RUNS).await;
        let replay = settings(replay_server(pages).await, page_size);
        compare("replayed", &replay, REPLAY_RUNS).await;
    }
}

fn settings(base_url: String, page_size: u32) -> ScimSettings {
    ScimSettings {
        base_url,
        bearer_token: Some(TOKEN.to_owned()),
        bearer_token_set: true,
        page_size,
        filter: None,
        mapping: SourceMapping::default(),
        attributes: vec!["title".to_owned(), DEPARTMENT.to_owned()],
        schedule: None,
    }
}

/// Times the floor and `scim::read` in turn, `runs` times each; prints each run and the
/// medians. Answers the pages of the last floor run.
async fn compare(label: &str, settings: &ScimSettings, runs: usize) -> Vec<Page> {
    let page_size = settings.page_size;
    let mut floor = Vec::new();
    let mut reads = Vec::new();
    let mut pages = Vec::new();
    for run in 0..runs {
        let time = Instant::now();
        pages = plain_loop(settings).await;
        floor.push(time.elapsed());

        let time = Instant::now();
        let read = match scim::read(settings, &SnapshotLimits::DEFAULT, TIMEOUT).await {
            Ok(read) => read,
            Err(e) => panic!("the read failed: {e}"),
        };
        reads.push(time.elapsed());
        assert_eq!(read.users.len(), USERS, "every user read");
        assert!(read.warnings.is_empty());
        let bytes: usize = pages.iter().map(|(_, body)| body.len()).sum();
        println!(
            "  {label}, pages of {page_size}, run {}: floor {:.1} ms ({:.1} MiB), scim::read {:.1} ms",
            run + 1,
            ms(floor[run]),
            bytes as f64 / f64::from(1 << 20),
            ms(reads[run])
        );
    }
    let (floor_median, read_median) = (median(&mut floor), median(&mut reads));
    println!(
        "{label}, pages of {page_size} ({} pages), {runs} runs: floor median {:.1} ms (min {:.1}), scim::read median {:.1} ms (min {:.1}); ratio {:.2}",
        USERS.div_ceil(page_size as usize),
        ms(floor_median),
        ms(floor[0]),
        ms(read_median),
        ms(reads[0]),
        read_median.as_secs_f64() / floor_median.as_secs_f64()
    );
    pages
}

/// A page's query (`startIndex=..&count=..`) and the body answered to it.
type Page = (String, Bytes);

/// A local HTTP server answering these pages under `/v2/Users` as the service did; answers its
/// base URL.
async fn replay_server(pages: Vec<Page>) -> String {
    let pages: Arc<HashMap<String, Bytes>> = Arc::new(pages.into_iter().collect());
    let app = Router::new().route(
        "/v2/Users",
        get(move |uri: Uri| {
            let pages = pages.clone();
            async move {
                match pages.get(uri.query().unwrap_or("")) {
                    Some(body) => (
                        [(header::CONTENT_TYPE, "application/scim+json")],
                        body.clone(),
                    )
                        .into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        }),
    );
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(e) => panic!("no port for the replay: {e}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => panic!("no address: {e}"),
    };
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            panic!("the replay stopped: {e}");
        }
    });
    format!("http://{address}/v2")
}

/// The floor: every page `scim::read` asks for, fetched in turn with the same headers, each
/// body read whole and kept as it came (not parsed). Answers the pages.
async fn plain_loop(settings: &ScimSettings) -> Vec<Page> {
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(e) => panic!("no client: {e}"),
    };
    let mut pages = Vec::new();
    let mut start = 1;
    while start <= USERS {
        let query = format!("startIndex={start}&count={}", settings.page_size);
        let url = format!("{}/Users?{query}", settings.base_url);
        let body = match client
            .get(&url)
            .bearer_auth(TOKEN)
            .header("accept", "application/scim+json")
            .send()
            .await
        {
            Ok(response) => response.bytes().await,
            Err(e) => panic!("{url}: {e}"),
        };
        match body {
            Ok(body) => pages.push((query, body)),
            Err(e) => panic!("{url}: {e}"),
        }
        // The service answers at most 1000 a page, as many as the largest page asked for.
        start += settings.page_size as usize;
    }
    pages
}

/// Sorts `times` and answers the median.
fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
