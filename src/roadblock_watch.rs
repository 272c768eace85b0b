//! Whether the org is under a roadblock, kept fresh for every page: polled on an interval and
//! whenever the tab regains focus, so the banner appears and goes without a reload. Beside it, the
//! roadblock scope, which says whether a paused import holds every import or only its app's.

use crate::api::{self, ApiError};
use leptos::prelude::*;
use safeguard_rules::api::RoadblockState;
use safeguard_rules::settings::RoadblockScope;
use std::time::Duration;

/// How often the console asks whether a roadblock stands.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

/// Shared through context; [`RoadblockWatch::refresh`] asks again at once (after a resume, say).
#[derive(Clone, Copy)]
pub struct RoadblockWatch {
    pub state: RwSignal<Option<Result<RoadblockState, ApiError>>>,
    version: RwSignal<u64>,
    /// The saved roadblock scope, once read; see [`RoadblockWatch::scope`].
    saved_scope: RwSignal<Option<RoadblockScope>>,
    /// The paused imports the scope was last read for.
    scope_read_for: StoredValue<Option<Vec<String>>>,
}

impl RoadblockWatch {
    /// Starts watching and provides the watch to every page below.
    pub fn provide() -> Self {
        let watch = Self {
            state: RwSignal::new(None),
            version: RwSignal::new(0),
            saved_scope: RwSignal::new(None),
            scope_read_for: StoredValue::new(None),
        };
        provide_context(watch);
        Effect::new(move |_| {
            watch.version.track();
            leptos::task::spawn_local(async move {
                let result = api::roadblock_in_background().await;
                if let Ok(state) = &result {
                    watch.read_scope_if_changed(state);
                }
                let _ = watch.state.try_set(Some(result));
            });
        });
        if let Ok(handle) = set_interval_with_handle(move || watch.refresh(), POLL_EVERY) {
            on_cleanup(move || handle.clear());
        }
        // Back in the tab, the scope may have been changed elsewhere: read it again.
        let focus = window_event_listener(leptos::ev::focus, move |_| {
            watch.scope_read_for.set_value(None);
            watch.refresh();
        });
        on_cleanup(move || focus.remove());
        watch
    }

    /// Reads the saved scope when the paused imports differ from the last time it was read.
    /// Only then: the settings are not polled, so an unattended console does not look active
    /// (polling the roadblock itself is marked as the console's own, reading settings is not).
    fn read_scope_if_changed(self, state: &RoadblockState) {
        if !state.active {
            return;
        }
        let ids: Vec<String> = paused_imports(state).iter().map(|i| i.id.clone()).collect();
        if self.scope_read_for.get_value().as_ref() == Some(&ids) {
            return;
        }
        self.scope_read_for.set_value(Some(ids));
        leptos::task::spawn_local(async move {
            if let Ok(saved) = api::safeguards().await {
                let _ = self.saved_scope.try_set(Some(saved.roadblock_scope));
            }
        });
    }

    /// The roadblock scope: as saved once read; before that (or when it cannot be read), `app`
    /// when two or more imports are paused, which only that scope allows.
    pub fn scope(&self, state: &RoadblockState) -> RoadblockScope {
        self.saved_scope
            .get()
            .unwrap_or(if state.imports.len() > 1 {
                RoadblockScope::App
            } else {
                RoadblockScope::Org
            })
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

/// Every paused import, oldest first: `imports`, or the one `import` of a server that lists no
/// more.
pub fn paused_imports(state: &RoadblockState) -> Vec<safeguard_rules::api::ImportView> {
    if state.imports.is_empty() {
        state.import.iter().cloned().collect()
    } else {
        state.imports.clone()
    }
}
