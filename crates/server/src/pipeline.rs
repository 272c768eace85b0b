//! The import pipeline: snapshot -> plan -> check -> apply, or pause.
//!
//! Every step that changes something runs on the store's single writer connection, inside one
//! `BEGIN IMMEDIATE` transaction, and re-reads what it decides on (is a roadblock up? is this
//! import still paused?) inside that transaction. A plan is applied in **one** transaction that
//! also writes the import's final status, so an import is either wholly applied and `completed`,
//! or not applied at all, even when the process dies midway.
//!
//! A plan with more than [`Pipeline::background_above`] changes is first committed as `running`,
//! answered, and then applied in a second transaction while the same thread still holds the
//! writer, so nothing else is planned against the org until it is done. A process that dies in
//! between leaves it `running`; [`Pipeline::recover`] marks it failed on the next start.
//!
//! The roadblock side (queue, resume, cancel, draining) is in [`crate::roadblock`].

mod apply;
mod plan;

use plan::{app_of, drop_in_background, name_new_users, plan_now};

use crate::actor::Actor;
use crate::clock::Clock;
use crate::email::Notifier;
use crate::events;
use crate::ids::new_id;
use crate::sources::{Snapshot, SourceError};
use crate::storage::{Db, ImportOrigin, ImportRow, NewImport, StorageError, Store, Writer};
use safeguard_rules::api::{ImportStatus, ImportView};
use safeguard_rules::plan::{Change, Counts};
use safeguard_rules::{Verdict, evaluate};
use std::sync::Arc;

/// Plans larger than this are answered `running` and applied after the answer.
pub const BACKGROUND_ABOVE: usize = 50_000;

/// The error of a failed import that a stopped process left `running`.
pub const INTERRUPTED: &str =
    "interrupted: the server stopped while applying; nothing of this import was applied";

/// The error of an import whose apply transaction failed.
pub const APPLY_FAILED: &str = "the plan could not be applied because of an internal error; nothing of this import was applied";

/// What the pipeline can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("no app has the id {0:?}")]
    UnknownApp(String),
    #[error("no import has the id {0:?}")]
    UnknownImport(String),
    /// Resume or cancel of an import that is not paused (any more).
    #[error("import {} is {}, not paused", .0.id, .0.status.as_str())]
    NotPaused(Box<ImportView>),
    /// The snapshot cannot be imported (found while planning a CSV file read as it is planned).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A partial resume names users the plan does not change; nothing was resumed.
    #[error("the resume names users the plan does not change")]
    InvalidResume(Vec<safeguard_rules::validation::FieldError>),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// How a step of an import ended, inside its transaction.
pub(crate) enum Next {
    /// Nothing more to do: queued, paused, completed, cancelled.
    Settled(ImportRow),
    /// Committed as `running`; apply `changes` in a transaction of its own.
    ApplyLater(ImportRow, Vec<Change>),
}

pub struct Pipeline {
    pub(crate) store: Arc<Store>,
    pub(crate) clock: Clock,
    /// Plans with more changes than this are applied after the answer.
    pub background_above: usize,
    /// Who hears of a roadblock by email; `None` queues no email (the demo's made-up history,
    /// benchmarks).
    pub(crate) notifier: Option<Notifier>,
}

impl Pipeline {
    pub fn new(store: Arc<Store>, clock: Clock) -> Self {
        Self {
            store,
            clock,
            background_above: BACKGROUND_ABOVE,
            notifier: None,
        }
    }

    /// Queues roadblock email through `notifier` from now on. Set it before [`Self::recover`],
    /// whose draining can pause an import too.
    pub fn with_notifier(mut self, notifier: Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    pub fn notifier(&self) -> Option<&Notifier> {
        self.notifier.as_ref()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A dry run: plans and checks against the org as committed now, changes and queues nothing.
    /// The answer's id is not stored; nothing can be fetched by it later.
    ///
    /// It runs on the writer, in a transaction that changes nothing, to plan against the org the
    /// writer keeps loaded: loading it on a read connection would cost seconds for a large org.
    pub fn simulate(&self, app_id: &str, snapshot: &Snapshot) -> Result<ImportView, PipelineError> {
        self.store.writer().transaction(|db| {
            let app = app_of(db, app_id)?;
            let settings = db.safeguards()?.settings();
            let planned = plan_now(db, &app, snapshot)?;
            let verdict = evaluate(&settings, &planned.impact, &app.id);
            let at = self.clock.stamp();
            let affected = affected_users(&planned.changes);
            drop_in_background(planned.changes);
            Ok(ImportView {
                id: new_id("imp"),
                app_id: app.id.clone(),
                app_name: app.name.clone(),
                status: ImportStatus::Simulated,
                created_at: at.clone(),
                started_at: Some(at.clone()),
                finished_at: Some(at),
                counts: planned.counts,
                impact: planned.impact,
                roadblock: verdict.roadblock().cloned(),
                resolved_by: None,
                error: None,
                trigger: Default::default(),
                source: Default::default(),
                warnings: planned.warnings,
                affected: Some(affected),
            })
        })
    }

    /// Starts an import of `app_id` from `snapshot`. `reply` is called once, as soon as the
    /// import's answer is known (`queued`, `paused`, `completed`, or `running` for a large plan);
    /// the call then goes on applying a large plan before it returns. Run it on a blocking
    /// thread.
    pub fn start(
        &self,
        app_id: &str,
        snapshot: Snapshot,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        self.start_from(app_id, snapshot, &ImportOrigin::default(), actor, reply);
    }

    /// [`Self::start`], recording where the snapshot came from and what started the import.
    pub fn start_from(
        &self,
        app_id: &str,
        snapshot: Snapshot,
        origin: &ImportOrigin,
        actor: &Actor,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) {
        let mut writer = self.store.writer();
        let result = writer.transaction(|db| {
            let app = app_of(db, app_id)?;
            let at = self.clock.stamp();
            let id = new_id("imp");
            // A CSV file's rows are counted as it is planned, below.
            let counts = Counts {
                scanned: snapshot.known_len().unwrap_or(0) as u64,
                ..Counts::default()
            };
            // Under a roadblock every import waits (scope `app`: every import of the paused
            // app); and none may overtake imports still queued before it.
            let scope = db.safeguards()?.roadblock_scope;
            let wait = db.holding_back(app.id.as_str(), scope)?.is_some()
                || db.queued_ahead(app.id.as_str(), scope)? > 0;
            let status = if wait {
                ImportStatus::Queued
            } else {
                ImportStatus::Running
            };
            let row = db.insert_import(&NewImport {
                id: &id,
                app_id: &app.id,
                status,
                created_at: &at,
                counts,
                actor,
                origin,
            })?;
            if wait {
                // A queued import keeps its users until its turn comes: a CSV file is read now.
                let users = snapshot.into_users()?;
                db.store_snapshot(&row.id, &users)?;
                let snapshot = Snapshot::Users(users);
                // A provisional plan against the org as it is now, so the queue and the
                // Safeguards preview can say what this import is expected to do. Only counts and
                // impact are kept; the import is planned again when its turn comes.
                let mut row = row;
                let planned = plan_now(db, &app, &snapshot)?;
                drop_in_background(planned.changes);
                row.counts = planned.counts;
                row.impact = planned.impact;
                db.save_import(&row)?;
                return Ok((Next::Settled(row), true));
            }
            Ok((self.plan_and_decide(db, row, &snapshot, actor)?, false))
        });
        match result {
            Err(e) => reply(Err(e)),
            Ok((next, queued)) => {
                self.settle(&mut writer, next, reply);
                if queued {
                    // Only does something when the queue stands without a roadblock (a process
                    // that died while draining): then the oldest runs now.
                    self.drain(&mut writer);
                }
                self.reload_org(&mut writer);
            }
        }
    }

    /// After an import step that changed the org, once its answer is sent and while the writer
    /// is still held: loads the org again, so that the next import or dry run plans at once
    /// instead of first loading it (seconds for a million users). Nothing to do when the step
    /// changed nothing. A failure here only means the next plan loads it.
    pub(crate) fn reload_org(&self, writer: &mut Writer<'_>) {
        if let Err(error) = writer.transaction(|db| db.indexed_org().map(drop)) {
            tracing::warn!(%error, "could not load the org after an import; the next plan will");
        }
    }

    /// Plans an import (a new one, or a queued one whose turn has come), stores the plan,
    /// checks it, and applies it or pauses it. Runs inside the caller's transaction.
    pub(crate) fn plan_and_decide(
        &self,
        db: &Db<'_>,
        mut row: ImportRow,
        snapshot: &Snapshot,
        actor: &Actor,
    ) -> Result<Next, PipelineError> {
        let at = self.clock.stamp();
        let app = app_of(db, row.app_id.as_str())?;
        let settings = db.safeguards()?.settings();
        let mut planned = plan_now(db, &app, snapshot)?;
        name_new_users(&mut planned.changes);
        row.status = ImportStatus::Running;
        row.started_at = Some(at.clone());
        row.counts = planned.counts;
        row.impact = planned.impact;
        // After what the source could not read: what the planner could not match.
        row.warnings.extend(planned.warnings);
        db.store_plan(row.seq, &planned.changes)?;
        db.append_event(&events::import_started(actor, &row, &at))?;
        match evaluate(&settings, &row.impact, &row.app_id) {
            Verdict::Pause(roadblock) => {
                row.status = ImportStatus::Paused;
                db.append_event(&events::roadblock(actor, &row, &roadblock, &at))?;
                // In this transaction: the email is queued if and only if the pause is recorded,
                // and sending happens later, off the import's path.
                if let Some(notifier) = &self.notifier {
                    notifier.queue_roadblock(db, &row, &roadblock, &at)?;
                }
                row.roadblock = Some(roadblock);
                db.save_import(&row)?;
                tracing::warn!(import = %row.id, app = %row.app_name, "import paused by a safeguard");
                Ok(Next::Settled(row))
            }
            Verdict::Proceed => self.apply_now_or_later(db, row, planned.changes, actor),
        }
    }

    /// Applies a plan in the caller's transaction, or, when it is large, marks the import
    /// `running` for [`Self::finish`] to apply after the commit.
    pub(crate) fn apply_now_or_later(
        &self,
        db: &Db<'_>,
        mut row: ImportRow,
        changes: Vec<Change>,
        actor: &Actor,
    ) -> Result<Next, PipelineError> {
        if changes.len() > self.background_above {
            row.status = ImportStatus::Running;
            db.save_import(&row)?;
            return Ok(Next::ApplyLater(row, changes));
        }
        self.apply_and_complete(db, &mut row, &changes, actor)?;
        Ok(Next::Settled(row))
    }

    fn apply_and_complete(
        &self,
        db: &Db<'_>,
        row: &mut ImportRow,
        changes: &[Change],
        actor: &Actor,
    ) -> Result<(), StorageError> {
        let at = self.clock.stamp();
        apply::apply(db, row, changes, actor, &at)?;
        row.status = ImportStatus::Completed;
        row.finished_at = Some(at.clone());
        db.save_import(row)?;
        db.append_event(&events::import_completed(actor, row, &at))?;
        tracing::info!(import = %row.id, app = %row.app_name, changes = changes.len(), "import completed");
        Ok(())
    }

    /// Answers the step's import, then applies a large plan.
    pub(crate) fn settle(
        &self,
        writer: &mut Writer<'_>,
        next: Next,
        reply: impl FnOnce(Result<ImportView, PipelineError>),
    ) -> ImportStatus {
        match next {
            Next::Settled(row) => {
                reply(Ok(row.view()));
                row.status
            }
            Next::ApplyLater(row, changes) => {
                reply(Ok(row.view()));
                self.finish(writer, row, &changes)
            }
        }
    }

    /// Applies a plan committed as `running`, in one transaction with its final status. When
    /// that fails, the import is marked failed (nothing of it was applied).
    pub(crate) fn finish(
        &self,
        writer: &mut Writer<'_>,
        row: ImportRow,
        changes: &[Change],
    ) -> ImportStatus {
        // Changes a resumed import applies are the resumer's; others are the starter's.
        let actor = match &row.resolution {
            Some((_, by, _)) => by.clone(),
            None => row.actor.clone(),
        };
        let mut done = row.clone();
        let applied =
            writer.transaction(|db| self.apply_and_complete(db, &mut done, changes, &actor));
        match applied {
            Ok(()) => done.status,
            Err(error) => {
                tracing::error!(import = %row.id, %error, "applying a plan failed");
                self.fail(writer, row, APPLY_FAILED, &actor);
                ImportStatus::Failed
            }
        }
    }

    /// Marks an import failed, in its own transaction; answers whether that was saved.
    pub(crate) fn fail(
        &self,
        writer: &mut Writer<'_>,
        mut row: ImportRow,
        error: &str,
        actor: &Actor,
    ) -> bool {
        let at = self.clock.stamp();
        row.status = ImportStatus::Failed;
        row.error = Some(error.to_owned());
        row.finished_at = Some(at.clone());
        let saved = writer.transaction(|db| {
            db.save_import(&row)?;
            db.append_event(&events::import_completed(actor, &row, &at))
        });
        if let Err(e) = &saved {
            tracing::error!(import = %row.id, error = %e, "could not mark an import failed");
        }
        saved.is_ok()
    }

    /// An import whose source could not be read: recorded as failed with `error` (what failed
    /// and where), so Import Monitoring shows it, with nothing planned or applied.
    pub fn record_unreadable(
        &self,
        app_id: &str,
        origin: &ImportOrigin,
        actor: &Actor,
        error: &str,
    ) -> Result<ImportView, PipelineError> {
        self.store.writer().transaction(|db| {
            let app = app_of(db, app_id)?;
            let at = self.clock.stamp();
            let mut row = db.insert_import(&NewImport {
                id: &new_id("imp"),
                app_id: &app.id,
                status: ImportStatus::Failed,
                created_at: &at,
                counts: Counts::default(),
                actor,
                origin,
            })?;
            row.started_at = Some(at.clone());
            row.finished_at = Some(at.clone());
            row.error = Some(error.to_owned());
            db.save_import(&row)?;
            db.append_event(&events::import_completed(actor, &row, &at))?;
            tracing::warn!(import = %row.id, app = %row.app_name, error, "an import's source could not be read");
            Ok(row.view())
        })
    }

    /// After a restart: imports a stopped process left `running` never committed their apply
    /// transaction, so nothing of them was applied; they are marked failed. Then a queue left
    /// standing without a roadblock runs.
    pub fn recover(&self) -> Result<usize, StorageError> {
        let mut writer = self.store.writer();
        let interrupted = writer.transaction(|db| {
            let rows = db.running_imports()?;
            let at = self.clock.stamp();
            for mut row in rows.iter().cloned() {
                row.status = ImportStatus::Failed;
                row.error = Some(INTERRUPTED.to_owned());
                row.finished_at = Some(at.clone());
                db.save_import(&row)?;
                db.append_event(&events::import_completed(&Actor::system(), &row, &at))?;
                tracing::warn!(import = %row.id, "import interrupted by a stop; marked failed");
            }
            Ok::<_, StorageError>(rows.len())
        })?;
        self.drain(&mut writer);
        Ok(interrupted)
    }
}

/// The users a plan would unassign or deactivate, named, for a dry run's answer (its plan is not
/// stored, so this is the only place an administrator sees them before starting it).
fn affected_users(
    changes: &[safeguard_rules::plan::Change],
) -> Vec<safeguard_rules::api::ChangeRow> {
    use safeguard_rules::plan::ChangeKind;
    changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::Unassign | ChangeKind::Deactivate))
        .filter_map(|c| {
            Some(safeguard_rules::api::ChangeRow {
                kind: c.kind,
                // Only existing users are unassigned or deactivated, so they have ids.
                user_id: c.user_id.clone()?,
                login: c.login.clone(),
                app_id: c.app_id.clone(),
                app_name: c.app_name.clone(),
                cause: c.cause,
                skipped: false,
            })
        })
        .take(safeguard_rules::api::imports::DRY_RUN_AFFECTED_MAX)
        .collect()
}
