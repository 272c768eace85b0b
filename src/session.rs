//! Who is signed in, for every page: loaded once from `/users/me` when the signed-in shell
//! starts, and shared through context.
//!
//! The server decides what an administrator may do; the console only explains it in advance, by
//! disabling what a read-only administrator cannot change and saying why next to it.

use crate::api::{self, ApiError};
use crate::sign_in_redirect;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use safeguard_rules::api::Me;

/// Where the session stands while the shell starts.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    Loading,
    SignedIn,
    /// `/users/me` failed for another reason than "not signed in" (a 401 has already sent the
    /// administrator to the sign-in page).
    Failed(ApiError),
}

/// Shared through context by the signed-in shell.
#[derive(Clone, Copy)]
pub struct Session {
    /// `None` while `/users/me` is on its way.
    me: RwSignal<Option<Result<Me, ApiError>>>,
}

impl Session {
    /// Loads `/users/me` and provides the session to every page below. Also lets the one API
    /// client reach the sign-in page through the router (no reload) while this shell stands.
    pub fn provide() -> Self {
        let navigate = use_navigate();
        sign_in_redirect::register_navigator(move |href| {
            navigate(
                href,
                NavigateOptions {
                    // The expired page comes back through `next`; Back need not show it again.
                    replace: true,
                    ..Default::default()
                },
            );
        });
        on_cleanup(sign_in_redirect::forget_navigator);
        let session = Self {
            me: RwSignal::new(None),
        };
        session.load();
        provide_context(session);
        session
    }

    /// Provides a session that is already known, without asking the server: for a component
    /// mounted on its own, as the component tests do.
    pub fn provide_signed_in(me: Me) -> Self {
        let session = Self {
            me: RwSignal::new(Some(Ok(me))),
        };
        provide_context(session);
        session
    }

    fn load(&self) {
        let me = self.me;
        me.set(None);
        leptos::task::spawn_local(async move {
            me.set(Some(api::me().await));
        });
    }

    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// The signed-in administrator, once known.
    pub fn me(&self) -> Option<Me> {
        self.me
            .with(|me| me.as_ref().and_then(|r| r.as_ref().ok()).cloned())
    }

    pub fn state(&self) -> SessionState {
        self.me.with(|me| match me {
            None => SessionState::Loading,
            Some(Ok(_)) => SessionState::SignedIn,
            // Leaving for the sign-in page: nothing to explain meanwhile.
            Some(Err(e)) if e.is_unauthorized() => SessionState::Loading,
            Some(Err(e)) => SessionState::Failed(e.clone()),
        })
    }

    /// Asks `/users/me` again (after the server could not be reached, say).
    pub fn retry(&self) {
        self.load();
    }
}

/// Whether the signed-in administrator may change things. Without a session in context (a
/// component mounted on its own, as the component tests do) nothing is disabled: the server
/// refuses what the role does not allow either way.
pub fn can_change() -> Signal<bool> {
    match use_context::<Session>() {
        Some(session) => {
            Signal::derive(move || session.me().is_some_and(|me| me.role.can_change()))
        }
        None => Signal::derive(|| true),
    }
}

/// Why change controls are disabled for a read-only administrator, one sentence per control, shown
/// both as the control's tooltip and as text beside it.
pub mod reasons {
    pub const RESUME: &str = "Read-only administrators can't resume imports or cancel them.";
    pub const SAVE_SAFEGUARDS: &str = "Read-only administrators can't change the safeguards.";
    pub const START_IMPORT: &str =
        "Read-only administrators can't start imports; a dry run is fine.";
    pub const ADD_ADMIN: &str = "Read-only administrators can't add administrators.";
    pub const API_TOKENS: &str = "Read-only administrators can't create or revoke API tokens.";
    pub const BOUNCES: &str =
        "Read-only administrators can't remove addresses from the bounce list.";
    pub const WEBHOOKS: &str =
        "Read-only administrators can't create, change, test or delete webhooks.";
    pub const DIRECTORY: &str = "Read-only administrators can't change an app's profile source priority, matching or reactivation.";
    pub const IMPORT_SETTINGS: &str = "Read-only administrators can't change an app's import settings, test its source or import from it; a dry run is fine.";
}
