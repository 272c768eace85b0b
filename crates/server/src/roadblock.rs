//! The roadblock: while an import is paused, every import started is queued; an administrator
//! resolves it once, by resuming or cancelling the paused import, and the queue then drains
//! oldest first, each queued import planned against the org as it is then and checked like any
//! other (it may pause again, and those behind it stay queued).
//!
//! "Each action is taken once": resume and cancel run on the single writer connection and
//! re-read the import's status inside their `BEGIN IMMEDIATE` transaction, so of two clicks at
//! the same moment exactly one finds the import paused; the other is told it is already
//! resolved.

use crate::actor::Actor;
use crate::events;
use crate::pipeline::{Next, Pipeline, PipelineError};
use crate::sources::Snapshot;
use crate::storage::{ImportRow, Writer};
use safeguard_rules::api::{ImportStatus, ImportView, Resolution, RoadblockState};

impl Pipeline {
    /// "Resume All Imports": applies the paused import's plan as planned, then drains the queue.
    /// `reply` gets the resumed import (`completed`, or `running` for a large plan).
    pub fn resume(
        &self,
        import_id: &str,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.resolve(import_id, Resolution::Resume, actor, reply);
    }

    /// "Cancel the Affected Import and Resume Other Imports": the paused import ends cancelled,
    /// nothing of it applied; then the queue drains.
    pub fn cancel(
        &self,
        import_id: &str,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.resolve(import_id, Resolution::Cancel, actor, reply);
    }

    fn resolve(
        &self,
        import_id: &str,
        action: Resolution,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        let mut writer = self.store.writer();
        let result = writer.transaction(|db| {
            let mut row = db
                .import(import_id)?
                .ok_or_else(|| PipelineError::UnknownImport(import_id.to_owned()))?;
            if row.status != ImportStatus::Paused {
                return Err(PipelineError::NotPaused(Box::new(row.view())));
            }
            let at = self.clock.stamp();
            row.resolution = Some((action, actor.clone(), at.clone()));
            let resumed = action == Resolution::Resume;
            db.append_event(&events::roadblock_resolved(actor, &row, resumed, &at))?;
            tracing::info!(import = %row.id, ?action, by = %actor.id, "roadblock resolved");
            if resumed {
                let changes = db.plan(row.seq)?;
                self.apply_now_or_later(db, row, changes, actor)
            } else {
                row.status = ImportStatus::Cancelled;
                row.finished_at = Some(at);
                db.save_import(&row)?;
                Ok(Next::Settled(row))
            }
        });
        match result {
            Err(e) => reply(Err(e)),
            Ok(next) => {
                self.settle(&mut writer, next, reply);
                self.drain(&mut writer);
                self.reload_org(&mut writer);
            }
        }
    }

    /// Runs queued imports, oldest first, until the queue is empty or one pauses.
    pub(crate) fn drain(&self, writer: &mut Writer<'_>) {
        loop {
            let step = writer.transaction(|db| {
                if db.paused_import()?.is_some() {
                    return Ok(None);
                }
                let Some(row) = db.oldest_queued()? else {
                    return Ok(None);
                };
                let Some(snapshot) = db.take_snapshot(&row.id)? else {
                    return Ok(Some(Err(row)));
                };
                let actor = row.actor.clone();
                Ok::<_, PipelineError>(Some(Ok(self.plan_and_decide(
                    db,
                    row,
                    &Snapshot::Users(snapshot),
                    &actor,
                )?)))
            });
            match step {
                Ok(None) => return,
                Ok(Some(Ok(next))) => {
                    if self.settle(writer, next, |_| {}) == ImportStatus::Paused {
                        return;
                    }
                }
                Ok(Some(Err(row))) => {
                    let actor = row.actor.clone();
                    let missing =
                        "the snapshot of this queued import is missing; nothing of it was applied";
                    if !self.fail(writer, row, missing, &actor) {
                        return;
                    }
                }
                Err(error) => {
                    // Planning the oldest failed and rolled back; fail it, so the queue behind
                    // it is not stuck.
                    tracing::error!(%error, "planning a queued import failed");
                    let oldest = self.store.read(|db| db.oldest_queued());
                    match oldest {
                        Ok(Some(row)) => {
                            let actor = row.actor.clone();
                            if !self.fail(writer, row, crate::pipeline::APPLY_FAILED, &actor) {
                                return;
                            }
                        }
                        _ => return,
                    }
                }
            }
        }
    }

    /// `GET /api/v1/roadblock`: the paused import and how many wait behind it.
    pub fn roadblock_state(&self) -> Result<RoadblockState, PipelineError> {
        self.store.read(|db| {
            Ok(match db.paused_import()? {
                None => RoadblockState {
                    active: false,
                    import: None,
                    queued: None,
                },
                Some(row) => RoadblockState {
                    active: true,
                    import: Some(ImportRow::view(&row)),
                    queued: Some(db.count_with_status(ImportStatus::Queued)?),
                },
            })
        })
    }
}
