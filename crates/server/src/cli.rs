//! The command line: `safeguard serve --listen ADDR --db PATH [--demo] [--console-dir DIR]
//! [--max-body-bytes N] [--max-snapshot-rows N] [--smtp-url smtp://HOST:PORT] [--smtp-ca-file PATH]
//! [--notify ADDRESS]...
//! [--mail-from MAILBOX] [--public-url URL]`.
//!
//! Every value is checked here, so a mistyped address or URL stops the server at start with a
//! clear message instead of failing the first email an hour later.

use crate::config::{SmtpCa, SmtpUrl};
use crate::limits::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SNAPSHOT_ROWS};
use clap::{Parser, Subcommand};
use lettre::Address;
use lettre::message::Mailbox;
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
    /// Requests with a larger body are refused with 413. The default, 256,000,000, holds a CSV
    /// of --max-snapshot-rows' default of 2,000,000 rows at 128 bytes a row.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Snapshots with more users are refused with 413, before anything is planned.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAPSHOT_ROWS)]
    pub max_snapshot_rows: usize,
    /// A console session unused for this many minutes ends.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub session_idle_minutes: u64,
    /// Sends notification email through this SMTP server. smtp://HOST:PORT upgrades with
    /// STARTTLS when offered (add ?tls=required to insist); smtps://HOST:PORT is TLS from the
    /// start; smtp://USER:PASSWORD@HOST:PORT signs in (or give the password in
    /// SAFEGUARD_SMTP_PASSWORD). Without it, messages stay in the outbox that the console's
    /// Notifications page shows.
    #[arg(long, value_name = "smtp://HOST:PORT")]
    pub smtp_url: Option<SmtpUrl>,
    /// Also trusts the CA certificates (PEM) in this file for the SMTP server's certificate,
    /// beside the system's roots: a relay with a private CA.
    #[arg(long, value_name = "PATH", value_parser = parse_ca_file)]
    pub smtp_ca_file: Option<SmtpCa>,
    /// Also tells this address of every roadblock, beside the super-administrators. Repeatable.
    #[arg(long = "notify", value_name = "ADDRESS", value_parser = parse_address)]
    pub notify: Vec<String>,
    /// The sender of notification email [default: "Safeguard <safeguard@localhost>"].
    #[arg(long, value_name = "MAILBOX")]
    pub mail_from: Option<Mailbox>,
    /// The console's address as administrators reach it, for links in email. Defaults to the
    /// bound address, which is only right when administrators reach the server by it (not when
    /// listening on 0.0.0.0 or behind a proxy).
    #[arg(long, value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// How long one step of reading an app's live source may take (connecting, signing in, one
    /// page of users); a directory slower than this fails the import, which changes nothing.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub source_timeout_seconds: u64,
}

fn parse_ca_file(text: &str) -> Result<SmtpCa, String> {
    SmtpCa::load(std::path::Path::new(text))
}

/// A recipient address, as given (compared without case later).
fn parse_address(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    trimmed
        .parse::<Address>()
        .map(|_| trimmed.to_owned())
        .map_err(|e| format!("\"{text}\" is not an email address: {e}"))
}

fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or_default();
    if host.is_empty() || host.contains(['?', '#', ' ']) {
        return Err(format!(
            "\"{text}\" is not an http:// or https:// URL such as https://safeguard.example.com"
        ));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let mut all = vec!["safeguard", "serve", "--db", "x.db"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).map(|cli| match cli.command {
            Command::Serve(args) => args,
        })
    }

    /// README.md's table of limits gives each flag's default as `--help` does.
    #[test]
    fn the_readme_gives_every_limit_flag_its_default() {
        use clap::CommandFactory;
        let readme = include_str!("../../../README.md");
        let command = Cli::command();
        let serve = command.find_subcommand("serve").unwrap();
        for flag in [
            "max-body-bytes",
            "max-snapshot-rows",
            "session-idle-minutes",
        ] {
            let argument = serve
                .get_arguments()
                .find(|a| a.get_long() == Some(flag))
                .unwrap();
            let default = argument.get_default_values()[0].to_str().unwrap();
            let row = readme
                .lines()
                .find(|line| line.starts_with('|') && line.contains(&format!("`--{flag}`")))
                .unwrap_or_else(|| panic!("README.md has no row for --{flag}"));
            let default_cell = row.split('|').nth(3).unwrap().replace(',', "");
            assert!(
                default_cell.trim_start().starts_with(default),
                "README.md says {row:?}; --help says {default}"
            );
        }
    }

    #[test]
    fn email_options_are_checked_at_start() {
        let args = serve(&[
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--notify",
            "ops@example.com",
            "--notify",
            " sec@example.com",
            "--public-url",
            "https://safeguard.example.com/",
        ])
        .unwrap();
        assert_eq!(args.smtp_url, Some(SmtpUrl::new("127.0.0.1", 2525)));
        assert_eq!(args.notify, ["ops@example.com", "sec@example.com"]);
        assert_eq!(
            args.public_url.as_deref(),
            Some("https://safeguard.example.com")
        );
        for bad in [
            &["--smtp-url", "http://mail:465"][..],
            &["--smtp-url", "smtp://mail:25?tls=sometimes"],
            &["--smtp-ca-file", "/nonexistent/ca.pem"],
            &["--notify", "not-an-address"],
            &["--mail-from", "nobody"],
            &["--public-url", "safeguard.example.com"],
        ] {
            let error = serve(bad).unwrap_err().to_string();
            assert!(error.contains(bad[1]), "{error}");
        }
    }
}
