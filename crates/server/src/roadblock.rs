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
use safeguard_rules::plan::Change;
use safeguard_rules::resume::{self, ResumeChoice};

impl Pipeline {
    /// "Resume All Imports": applies the paused import's plan as planned, then drains the queue.
    /// `reply` gets the resumed import (`completed`, or `running` for a large plan).
    pub fn resume(
        &self,
        import_id: &str,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.resolve(
            import_id,
            Resolution::Resume,
            &ResumeChoice::default(),
            actor,
            reply,
        );
    }

    /// A resume that leaves out `choice`'s users, or deactivations: those changes stay in the
    /// plan marked skipped, and the rest is applied. An id the plan does not change refuses
    /// the whole resume.
    pub fn resume_part(
        &self,
        import_id: &str,
        choice: &ResumeChoice,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.resolve(import_id, Resolution::Resume, choice, actor, reply);
    }

    /// "Cancel the Affected Import and Resume Other Imports": the paused import ends cancelled,
    /// nothing of it applied; then the queue drains.
    pub fn cancel(
        &self,
        import_id: &str,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.resolve(
            import_id,
            Resolution::Cancel,
            &ResumeChoice::default(),
            actor,
            reply,
        );
    }

    fn resolve(
        &self,
        import_id: &str,
        action: Resolution,
        choice: &ResumeChoice,
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
            if resumed {
                let changes = db.plan(row.seq)?;
                let skipped = resume::skipped(&changes, choice)
                    .map_err(PipelineError::InvalidResume)?;
                let totals = resume::totals(&changes, &skipped);
                db.mark_skipped(row.seq, &skipped)?;
                db.append_event(&events::roadblock_resolved(
                    actor,
                    &row,
                    Some((choice, &totals)),
                    &at,
                ))?;
                tracing::info!(import = %row.id, ?action, by = %actor.id, skipped = totals.skipped, "roadblock resolved");
                let applied: Vec<Change> = changes
                    .into_iter()
                    .zip(skipped)
                    .filter_map(|(change, skip)| (!skip).then_some(change))
                    .collect();
                self.apply_now_or_later(db, row, applied, actor)
            } else {
                db.append_event(&events::roadblock_resolved(actor, &row, None, &at))?;
                tracing::info!(import = %row.id, ?action, by = %actor.id, "roadblock resolved");
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
                let scope = db.safeguards()?.roadblock_scope;
                let Some(row) = db.next_to_run(scope)? else {
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
                // One that pauses holds back what it holds back (the whole queue, or its app's);
                // the next round asks again what may run.
                Ok(Some(Ok(next))) => {
                    self.settle(writer, next, |_| {});
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
                    let oldest = self.store.read(|db| {
                        let scope = db.safeguards()?.roadblock_scope;
                        db.next_to_run(scope)
                    });
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

    /// `GET /api/v1/roadblock`: the paused imports (the oldest as `import`, for clients of
    /// version 1) and how many wait.
    pub fn roadblock_state(&self) -> Result<RoadblockState, PipelineError> {
        self.store.read(|db| {
            let paused = db.paused_imports()?;
            Ok(match paused.first() {
                None => RoadblockState {
                    active: false,
                    import: None,
                    queued: None,
                    imports: Vec::new(),
                },
                Some(oldest) => RoadblockState {
                    active: true,
                    import: Some(ImportRow::view(oldest)),
                    queued: Some(db.count_with_status(ImportStatus::Queued)?),
                    imports: paused.iter().map(ImportRow::view).collect(),
                },
            })
        })
    }
}
