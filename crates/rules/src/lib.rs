//! The import safeguard rules, as plain Rust over in-memory values.
//!
//! This crate is the rule book (`shared/spec/safeguards.md`) in code. It has no I/O and no web
//! types, so the server (natively) and the console (in WebAssembly) compile the same rules: the
//! rule that previews a threshold change is the rule that enforces it.
//!
//! - [`settings`]: the two safeguards, their defaults and validation.
//! - [`snapshot`] and [`snapshot_csv`]: what a source says its users are.
//! - [`org`]: the org as the planner sees it: apps, users, assignments, group rules.
//! - [`planner`]: snapshot + org -> [`plan::Plan`], every change named, with the counted impact.
//! - [`csv_planner`] and [`org_index`]: a CSV file + org -> the same plan, read row by row
//!   without building the snapshot, against an index of the org built once.
//! - [`limits`] and [`evaluator`]: impact + settings -> proceed, or pause with the cause.
//! - [`preview`]: what other settings would have decided for many imports at once.
//! - [`filter`]: the System Log filter language.
//! - [`api`]: the HTTP API's request and response types.

pub mod api;
pub mod csv_planner;
pub mod evaluator;
pub mod filter;
mod hash_slots;
pub mod ids;
pub mod limits;
pub mod org;
pub mod org_index;
pub mod plan;
pub mod planner;
pub mod preview;
pub mod resume;
pub mod settings;
pub mod snapshot;
pub mod snapshot_csv;
pub mod validation;
pub mod warnings;

pub use csv_planner::{CsvPlanInput, plan_csv, plan_csv_with};
pub use evaluator::{Verdict, evaluate};
pub use ids::{AppId, GroupRuleId, UserId};
pub use org_index::OrgIndex;
pub use plan::{Cause, Change, ChangeKind, Counts, Impact, Plan};
pub use planner::{PlanInput, plan_import};
pub use settings::{Safeguard, Settings};
