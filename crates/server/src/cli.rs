//! The command line: `safeguard serve --listen ADDR --db PATH [--demo] [--console-dir DIR]
//! [--max-body-bytes N] [--max-snapshot-rows N]`.

use crate::limits::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SNAPSHOT_ROWS};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "safeguard",
    version,
    about = "Import safeguards for identity imports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serves the HTTP API and the built console on one port.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one. The bound URL is printed on stdout as
    /// `Safeguard listening on http://HOST:PORT`.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The SQLite database file; created with its schema when missing.
    #[arg(long)]
    pub db: PathBuf,
    /// Fill an empty database with a demo org (apps, users, import history, a roadblock).
    #[arg(long)]
    pub demo: bool,
    /// The built console (Trunk's output).
    #[arg(long, default_value = "dist")]
    pub console_dir: PathBuf,
    /// Requests with a larger body are refused with 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Snapshots with more users are refused with 413, before anything is planned.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAPSHOT_ROWS)]
    pub max_snapshot_rows: usize,
    /// A console session unused for this many minutes ends.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub session_idle_minutes: u64,
}
