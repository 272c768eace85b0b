//! Fills a database with many completed imports, for the API load benchmark
//! (`scripts/bench-api.sh`): `cargo run --release -p safeguard-server --example seed_imports --
//! PATH COUNT`. Writes straight through the storage module in one transaction; what it writes
//! is what the pipeline writes for an import that changed nothing.

use safeguard_rules::api::ImportStatus;
use safeguard_rules::ids::AppId;
use safeguard_rules::org::App;
use safeguard_rules::plan::Counts;
use safeguard_server::actor::Actor;
use safeguard_server::clock::Clock;
use safeguard_server::ids::new_id;
use safeguard_server::storage::{ImportOrigin, NewImport};
use safeguard_server::storage::{StorageError, Store};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: seed_imports PATH COUNT")?);
    let count: u64 = args
        .next()
        .ok_or("usage: seed_imports PATH COUNT")?
        .parse()?;
    let store = Store::open(&path)?;
    let actor = Actor::system();
    let at = Clock::System.stamp();
    let app_id = AppId::from("app_load");
    store.writer().transaction(|db| {
        db.insert_app(
            &App::new(app_id.clone(), "Load test source", false, false),
            &actor,
            &at,
        )?;
        for i in 0..count {
            let id = new_id("imp");
            db.insert_import(&NewImport {
                id: &id,
                app_id: &app_id,
                status: ImportStatus::Completed,
                created_at: &at,
                counts: Counts {
                    scanned: i % 5000,
                    unchanged: i % 5000,
                    ..Counts::default()
                },
                actor: &actor,
                origin: &ImportOrigin::default(),
            })?;
        }
        Ok::<_, StorageError>(())
    })?;
    println!("{count} imports stored in {}", path.display());
    Ok(())
}
