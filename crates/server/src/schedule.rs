//! Schedules: each app whose source has `schedule: {"everyMinutes": n}` is imported every n
//! minutes after its last scheduled start. When the next run is due is stored with the source
//! (`next_run_at`), so it outlives a restart: a run missed while the server was down starts
//! once, soon after the start, and the next one n minutes after that.
//!
//! During a roadblock a scheduled import is queued like any other, but never a second one for
//! the same app: while one waits, the schedule skips and logs `system.import.schedule.skip`.

use crate::actor::Actor;
use crate::clock::stamp;
use crate::email::worker::Running;
use crate::error::AppError;
use crate::events;
use crate::live_imports;
use crate::state::AppState;
use safeguard_rules::AppId;
use safeguard_rules::api::ImportTrigger;
use std::time::Duration;

/// Starts the schedule's task; it runs while the returned handle (held by the router) lives.
pub fn start(state: AppState) -> Option<Running> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: schedules do not run for this router");
        return None;
    };
    Some(Running::from_task(runtime.spawn(run(state))))
}

async fn run(state: AppState) {
    loop {
        let now = state.pipeline.clock().stamp();
        match state.read(move |db| Ok(db.due_sources(&now)?)).await {
            Ok(due) => {
                for app_id in due {
                    run_one(&state, &app_id).await;
                }
            }
            Err(error) => tracing::error!(?error, "could not read the schedules"),
        }
        tokio::time::sleep(state.config.schedule_poll).await;
    }
}

/// Moves the app's next run on, then imports it unless a scheduled import of it already waits
/// behind a roadblock.
async fn run_one(state: &AppState, app_id: &AppId) {
    let id = app_id.clone();
    let decided = state
        .blocking(move |pipeline| {
            let now = pipeline.clock().now();
            pipeline.store().writer().transaction(|db| {
                let Some(source) = db.app_source(id.as_str())? else {
                    return Ok::<_, AppError>(false);
                };
                let Some(schedule) = source.settings.schedule() else {
                    return Ok(false);
                };
                let every = Duration::from_secs(u64::from(schedule.every_minutes) * 60);
                db.set_next_run(&id, &stamp(now + every))?;
                let scope = db.safeguards()?.roadblock_scope;
                if db.holding_back(id.as_str(), scope)?.is_some()
                    && let Some(queued) = db.queued_scheduled_import(&id)?
                {
                    let name = db.app(id.as_str())?.map(|a| a.name).unwrap_or_default();
                    db.append_event(&events::sources::schedule_skipped(
                        id.as_str(),
                        &name,
                        &queued,
                        &stamp(now),
                    ))?;
                    tracing::info!(app = %id, "scheduled import skipped: one already waits");
                    return Ok(false);
                }
                Ok(true)
            })
        })
        .await;
    match decided {
        Ok(true) => {
            let started = live_imports::start(
                state,
                app_id.as_str(),
                ImportTrigger::Schedule,
                &Actor::system(),
                false,
            )
            .await;
            match started {
                Ok(view) => {
                    tracing::info!(app = %app_id, import = %view.id, status = view.status.as_str(), "scheduled import")
                }
                Err(error) => {
                    tracing::error!(app = %app_id, ?error, "a scheduled import could not start")
                }
            }
        }
        Ok(false) => {}
        Err(error) => tracing::error!(app = %app_id, ?error, "could not run a schedule"),
    }
}
