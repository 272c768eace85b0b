//! The safeguard settings editor with its live preview.
//!
//! Every version 2 setting is edited here: each level's percent and count, the deactivation
//! budget and the roadblock's scope; the apps with their own app-level value are listed where
//! the org-wide one is edited. As the administrator types, the rules crate recomputes, in the
//! browser and without a request, what the proposed settings would decide: each app's limit,
//! the org's, the budget's, and for the paused, queued and recent imports whether each passes or
//! pauses, beside what the saved settings decide. It is the same code the server runs when it
//! checks an import.

mod budget_input;
mod editor;
mod fields;
mod level_input;
mod limits_table;
mod override_list;
mod preview_rows;
mod save_outcome;
mod scope_choice;
mod what_changed;

pub use editor::SafeguardEditor;
pub use fields::{parse_count, parse_optional_percent};
pub use preview_rows::{MAX_ROWS, Preview, PreviewRow, prepare, preview, preview_prepared};
pub use what_changed::what_changed;
