//! Imports from a live source (LDAP, SCIM, a file on disk): the source read whole, then the same
//! pipeline as an upload. Started by `POST /apps/{id}/imports` without a body, by Import now in
//! the console, and by the app's schedule ([`crate::schedule`]).
//!
//! A read that fails records a failed import saying what failed and where, so Import Monitoring
//! shows it beside the others, and nothing is planned or applied.

use crate::actor::Actor;
use crate::error::AppError;
use crate::pipeline::PipelineError;
use crate::sources::{LiveSnapshot, ReadBounds, SourceError, read_live};
use crate::state::AppState;
use crate::storage::ImportOrigin;
use safeguard_rules::api::{ImportTrigger, ImportView, SourceSettings};
use safeguard_rules::org::App;

/// An app and its source, the source's secret opened.
pub struct AppSource {
    pub app: App,
    pub settings: SourceSettings,
}

/// The app and its source (`upload` when none was set), with the secret opened for reading.
pub async fn source_of(state: &AppState, app_id: &str) -> Result<AppSource, AppError> {
    let id = app_id.to_owned();
    let (app, stored) = state
        .read(move |db| {
            let app = db
                .app(&id)?
                .ok_or_else(|| AppError::NotFound(format!("No app has the id \"{id}\".")))?;
            Ok((app, db.app_source(&id)?))
        })
        .await?;
    let Some(stored) = stored else {
        return Ok(AppSource {
            app,
            settings: SourceSettings::default(),
        });
    };
    let mut settings = stored.settings;
    if let Some(sealed) = &stored.sealed_secret {
        let key = state
            .config
            .secret_key
            .as_ref()
            .ok_or_else(|| AppError::internal(no_key()))?;
        let secret = key
            .open(sealed, app.id.as_str())
            .map_err(|e| AppError::SourceUnreadable(format!("The source of {}: {e}.", app.name)))?;
        settings.set_secret(Some(secret), true);
    }
    Ok(AppSource { app, settings })
}

fn no_key() -> std::io::Error {
    std::io::Error::other("the server has no secret key to open source secrets with")
}

/// What one read may take on this server.
pub fn bounds(state: &AppState) -> ReadBounds {
    ReadBounds {
        limits: state.config.snapshot_limits(),
        timeout: state.config.source_timeout,
        max_file_bytes: state.config.max_body_bytes as u64,
    }
}

/// Reads the app's source and imports it (or, for a dry run, plans and checks it and changes
/// nothing). A source that cannot be read: a dry run answers the problem; an import is
/// recorded as failed with it.
pub async fn start(
    state: &AppState,
    app_id: &str,
    trigger: ImportTrigger,
    actor: &Actor,
    dry_run: bool,
) -> Result<ImportView, AppError> {
    let source = source_of(state, app_id).await?;
    if matches!(source.settings, SourceSettings::Upload(_)) {
        return Err(AppError::UnsupportedMediaType(format!(
            "{} takes its snapshot with each request: send the users as application/json or text/csv, or set a live source first (PUT /api/v1/apps/{}/source); nothing was imported.",
            source.app.name, source.app.id
        )));
    }
    let mut origin = ImportOrigin {
        trigger,
        source: source.settings.kind(),
        warnings: Default::default(),
    };
    let read = read_live(&source.settings, bounds(state)).await;
    let LiveSnapshot { snapshot, warnings } = match read {
        Ok(read) => read,
        Err(error) if dry_run => return Err(AppError::from(error)),
        Err(error) => {
            let detail = failure_sentence(&error);
            let app_id = source.app.id.to_string();
            let actor = actor.clone();
            return state
                .blocking(move |pipeline| {
                    Ok(pipeline.record_unreadable(&app_id, &origin, &actor, &detail)?)
                })
                .await;
        }
    };
    origin.warnings = warnings;
    let app_id = source.app.id.to_string();
    if dry_run {
        let mut view = state
            .blocking(
                move |pipeline| match pipeline.simulate(&app_id, &snapshot) {
                    // A file that turns out malformed as it is planned: the source's fault, not
                    // the request's.
                    Err(PipelineError::Source(e)) => {
                        Err(AppError::SourceUnreadable(failure_sentence(&e)))
                    }
                    other => Ok(other?),
                },
            )
            .await?;
        view.trigger = origin.trigger;
        view.source = origin.source;
        // What the source could not read, then what the planner could not match.
        let planned = std::mem::replace(&mut view.warnings, origin.warnings);
        view.warnings.extend(planned);
        return Ok(view);
    }
    let actor = actor.clone();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let pipeline = state.pipeline.clone();
    tokio::task::spawn_blocking(move || {
        let mut sender = Some(sender);
        let mut unreadable = None;
        pipeline.start_from(&app_id, snapshot, &origin, &actor, |result| match result {
            // Found while planning (a CSV file is read as it is planned): the transaction
            // that would have recorded the import was rolled back, so it is recorded failed
            // below, once the pipeline has let go of the writer.
            Err(PipelineError::Source(e)) => unreadable = Some(e),
            other => {
                if let Some(sender) = sender.take() {
                    // The client may have gone away; the import goes on regardless.
                    let _ = sender.send(other.map_err(AppError::from));
                }
            }
        });
        if let (Some(error), Some(sender)) = (unreadable, sender) {
            let recorded = pipeline
                .record_unreadable(&app_id, &origin, &actor, &failure_sentence(&error))
                .map_err(AppError::from);
            let _ = sender.send(recorded);
        }
    });
    receiver.await.map_err(AppError::internal)?
}

/// A failed read in one sentence, with the first fields at fault.
pub fn failure_sentence(error: &SourceError) -> String {
    let (detail, errors) = match error {
        SourceError::Unreadable { detail } => return detail.clone(),
        SourceError::Malformed { detail, errors }
        | SourceError::Invalid { detail, errors }
        | SourceError::TooLarge { detail, errors } => (detail, errors),
    };
    let shown: Vec<String> = errors.iter().take(3).map(ToString::to_string).collect();
    match (shown.is_empty(), errors.len() > shown.len()) {
        (true, _) => detail.clone(),
        (false, false) => format!("{detail} {}", shown.join("; ")),
        (false, true) => format!(
            "{detail} {} (and {} more)",
            shown.join("; "),
            errors.len() - shown.len()
        ),
    }
}
