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
//! Median and min of each, and the ratio of the medians. Not timed: starting the service and
//! filling it (through its `/Bulk`; its time is printed).
//!
//! `cargo bench -p safeguard-server --bench scim_read`

// The tests' harness: `scim_server` finds the tools' Python through `super::smtp_tls`.
#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/support/smtp_tls.rs"]
mod smtp_tls;

#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/support/scim_server.rs"]
mod scim_server;

use safeguard_rules::api::{ScimSettings, SourceMapping};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_server::sources::scim;
use scim_server::{DEPARTMENT, ScimServer, TOKEN, users};
use std::time::{Duration, Instant};

const USERS: usize = 10_000;
const RUNS: usize = 5;
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
        let settings = ScimSettings {
            base_url: server.base_url(),
            bearer_token: Some(TOKEN.to_owned()),
            bearer_token_set: true,
            page_size,
            filter: None,
            mapping: SourceMapping::default(),
            attributes: vec!["title".to_owned(), DEPARTMENT.to_owned()],
            schedule: None,
        };
        let mut floor = Vec::new();
        let mut reads = Vec::new();
        for run in 0..RUNS {
            let time = Instant::now();
            let bytes = plain_loop(&settings).await;
            floor.push(time.elapsed());

            let time = Instant::now();
            let read = match scim::read(&settings, &SnapshotLimits::DEFAULT, TIMEOUT).await {
                Ok(read) => read,
                Err(e) => panic!("the read failed: {e}"),
            };
            reads.push(time.elapsed());
            assert_eq!(read.users.len(), USERS, "every user read");
            assert!(read.warnings.is_empty());
            println!(
                "  pages of {page_size}, run {}: floor {:.0} ms ({:.1} MiB), scim::read {:.0} ms",
                run + 1,
                ms(floor[run]),
                bytes as f64 / f64::from(1 << 20),
                ms(reads[run])
            );
        }
        let (floor_median, read_median) = (median(&mut floor), median(&mut reads));
        println!(
            "pages of {page_size} ({} pages), {RUNS} runs: floor median {:.0} ms (min {:.0}), scim::read median {:.0} ms (min {:.0}); ratio {:.2}",
            USERS.div_ceil(page_size as usize),
            ms(floor_median),
            ms(floor[0]),
            ms(read_median),
            ms(reads[0]),
            read_median.as_secs_f64() / floor_median.as_secs_f64()
        );
    }
}

/// The floor: every page `scim::read` asks for, fetched in turn with the same headers, each
/// body read whole and dropped. Answers the bytes read.
async fn plain_loop(settings: &ScimSettings) -> usize {
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(e) => panic!("no client: {e}"),
    };
    let mut bytes = 0;
    let mut start = 1;
    while start <= USERS {
        let url = format!(
            "{}/Users?startIndex={start}&count={}",
            settings.base_url, settings.page_size
        );
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
            Ok(body) => bytes += body.len(),
            Err(e) => panic!("{url}: {e}"),
        }
        // The service answers at most 1000 a page, as many as the largest page asked for.
        start += settings.page_size as usize;
    }
    bytes
}

/// Sorts `times` and answers the median.
fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
