//! What every handler shares: the pipeline (and through it the store and the clock), the
//! server's configuration ([`crate::config`]) and the sign-in throttle.

use crate::auth::throttle::Throttle;
use crate::config::Config;
use crate::error::AppError;
use crate::pipeline::{Pipeline, PipelineError};
use crate::storage::{Db, Store};
use safeguard_rules::api::ImportView;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pipeline: Arc<Pipeline>,
    pub config: Arc<Config>,
    /// Failed sign-ins, per account and per address.
    pub throttle: Arc<Throttle>,
}

/// How a pipeline call answers: once, with the import, possibly before it has finished.
pub type Reply = Box<dyn FnOnce(Result<ImportView, PipelineError>) + Send>;

impl AppState {
    pub fn new(pipeline: Pipeline, config: Config) -> Self {
        Self {
            pipeline: Arc::new(pipeline),
            throttle: Arc::new(Throttle::new(config.throttle.clone())),
            config: Arc::new(config),
        }
    }

    pub fn store(&self) -> &Store {
        self.pipeline.store()
    }

    /// Runs a read on a blocking thread, on a read-only connection.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db<'_>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || pipeline.store().read(f)).await?
    }

    /// Runs `f` on a blocking thread with the pipeline.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Pipeline) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || f(&pipeline)).await?
    }

    /// Runs a pipeline step that replies before it is done (a large plan is applied after the
    /// answer; resolving a roadblock drains the queue after it). Answers as soon as `reply` is
    /// called; the step goes on on its blocking thread.
    pub async fn with_reply(
        &self,
        f: impl FnOnce(&Pipeline, Reply) + Send + 'static,
    ) -> Result<ImportView, AppError> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || {
            let reply: Reply = Box::new(move |result| {
                // The client may have gone away; the step goes on regardless.
                let _ = sender.send(result);
            });
            f(&pipeline, reply);
        });
        Ok(receiver.await.map_err(AppError::internal)??)
    }
}
