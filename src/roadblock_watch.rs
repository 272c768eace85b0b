//! Whether the org is under a roadblock, kept fresh for every page: polled on an interval and
//! whenever the tab regains focus, so the banner appears and goes without a reload.

use crate::api::{self, ApiError};
use leptos::prelude::*;
use safeguard_rules::api::RoadblockState;
use std::time::Duration;

/// How often the console asks whether a roadblock stands.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

/// Shared through context; [`RoadblockWatch::refresh`] asks again at once (after a resume, say).
#[derive(Clone, Copy)]
pub struct RoadblockWatch {
    pub state: RwSignal<Option<Result<RoadblockState, ApiError>>>,
    version: RwSignal<u64>,
}

impl RoadblockWatch {
    /// Starts watching and provides the watch to every page below.
    pub fn provide() -> Self {
        let watch = Self {
            state: RwSignal::new(None),
            version: RwSignal::new(0),
        };
        provide_context(watch);
        Effect::new(move |_| {
            watch.version.track();
            leptos::task::spawn_local(async move {
                let result = api::roadblock_in_background().await;
                watch.state.set(Some(result));
            });
        });
        if let Ok(handle) = set_interval_with_handle(move || watch.refresh(), POLL_EVERY) {
            on_cleanup(move || handle.clear());
        }
        let focus = window_event_listener(leptos::ev::focus, move |_| watch.refresh());
        on_cleanup(move || focus.remove());
        watch
    }

    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// The roadblock, when one stands.
    pub fn active(&self) -> Option<RoadblockState> {
        match self.state.get() {
            Some(Ok(state)) if state.active => Some(state),
            _ => None,
        }
    }
}
