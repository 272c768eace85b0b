//! `safeguard`: the server binary. Only the command line lives here; see the library.

use clap::Parser;
use safeguard_server::auth::bootstrap::{FirstAdmin, ensure_first_admin};
use safeguard_server::cli::{Cli, Command, ServeArgs};
use safeguard_server::clock::Clock;
use safeguard_server::config::default_mail_from;
use safeguard_server::email::{Notifier, RetryPolicy};
use safeguard_server::pipeline::Pipeline;
use safeguard_server::secrets::{KEY_VARIABLE, KeySource, SecretKey};
use safeguard_server::storage::Store;
use safeguard_server::{AppState, Config, app, demo};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("safeguard: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    // Bound first: the links in notification email name the address, and a roadblock can be
    // queued while the database is recovered below.
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let address = listener.local_addr()?;
    let (secret_key, key_source) = SecretKey::load(env_var(KEY_VARIABLE).as_deref(), &args.db)
        .map_err(|e| format!("the secret key: {e}"))?;
    let config = Config {
        max_body_bytes: args.max_body_bytes,
        max_snapshot_rows: args.max_snapshot_rows,
        console_dir: args.console_dir,
        smtp_url: match (args.smtp_url, env_var("SAFEGUARD_SMTP_PASSWORD")) {
            (Some(url), Some(password)) => Some(url.with_password(&password)?),
            (url, _) => url,
        },
        smtp_ca: args.smtp_ca_file,
        mail_from: args.mail_from.unwrap_or_else(default_mail_from),
        notify: args.notify,
        public_url: args
            .public_url
            .unwrap_or_else(|| format!("http://{address}")),
        email_retry: RetryPolicy::default(),
        admin_token: env_var("SAFEGUARD_ADMIN_TOKEN"),
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes * 60),
        source_timeout: std::time::Duration::from_secs(args.source_timeout_seconds),
        secret_key: Some(secret_key),
        ..Config::default()
    };
    let notifier = Notifier::new(&config);
    let db = args.db.clone();
    let demo = args.demo;
    let (pipeline, first_admin) = tokio::task::spawn_blocking(
        move || -> Result<(Pipeline, FirstAdmin), Box<dyn std::error::Error + Send + Sync>> {
            let store = Arc::new(Store::open(&db)?);
            let pipeline = Pipeline::new(store, Clock::System).with_notifier(notifier);
            let interrupted = pipeline.recover()?;
            if interrupted > 0 {
                tracing::warn!(
                    interrupted,
                    "imports interrupted by the last stop were marked failed"
                );
            }
            if demo {
                // The demo's exports (the file its Zoom app is read from) live beside its database.
                let exports = std::path::absolute(&db)
                    .ok()
                    .and_then(|db| db.parent().map(|d| d.join("demo-exports")));
                demo::fill_with_exports(&pipeline, exports.as_deref())?;
            }
            let first = ensure_first_admin(
                pipeline.store(),
                env_var("SAFEGUARD_ADMIN_EMAIL").as_deref(),
                env_var("SAFEGUARD_ADMIN_PASSWORD").as_deref(),
                &pipeline.clock().stamp(),
            )?;
            Ok((pipeline, first))
        },
    )
    .await?
    .map_err(|e| e.to_string())?;

    match &config.smtp_url {
        Some(url) => {
            tracing::info!(%url, notify = config.notify.len(), "notification email goes over SMTP")
        }
        None => tracing::info!("no --smtp-url: notification email stays in the console's outbox"),
    }
    let state = AppState::new(pipeline, config);
    {
        let mut out = std::io::stdout().lock();
        match &first_admin {
            FirstAdmin::Generated { email, password } => writeln!(
                out,
                "First super-administrator: sign in as {email} with the password {password} (shown only this once)"
            )?,
            FirstAdmin::FromEnvironment { email } => writeln!(
                out,
                "Super-administrator {email} created from SAFEGUARD_ADMIN_EMAIL and SAFEGUARD_ADMIN_PASSWORD"
            )?,
            FirstAdmin::Existing => {}
        }
        if let KeySource::Created(path) = &key_source {
            writeln!(
                out,
                "Created the secret key file {}: it seals the passwords and tokens of app sources. Back it up with the database (or set {KEY_VARIABLE} instead).",
                path.display()
            )?;
        }
        if args.demo {
            let (super_email, super_password) = demo::DEMO_SUPER_ADMIN;
            let (reader_email, reader_password) = demo::DEMO_READ_ONLY_ADMIN;
            writeln!(
                out,
                "Demo sign-in: {super_email} / {super_password} (super-administrator), {reader_email} / {reader_password} (read-only administrator)"
            )?;
        }
        // Last: whoever waits for this line may stop reading stdout after it.
        writeln!(out, "Safeguard listening on http://{address}")?;
        out.flush()?;
    }
    tracing::info!(%address, db = %args.db.display(), "serving");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// An environment variable's value; unset and empty are the same.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Ctrl-C or SIGTERM. Requests in flight finish; a plan being applied finishes too, because the
/// runtime waits for its blocking thread before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
