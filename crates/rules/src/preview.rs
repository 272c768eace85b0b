//! The preview: what proposed settings would decide, beside what the saved ones decide.
//!
//! The console runs this in the browser on every keystroke over the paused, queued and recent
//! imports, so it allocates one row per import and nothing per app. [`Prepared`] reads the
//! imports once, when they load, so that each keystroke's compare resolves every app's rule once
//! instead of once per app impact.

mod prepared;

pub use prepared::Prepared;

use crate::evaluator::{Exceeded, decide};
use crate::ids::AppId;
use crate::limits::{is_checked, limit_of};
use crate::org::AppPopulation;
use crate::plan::Impact;
use crate::settings::{Limit, Settings};

/// An app's limit under the saved and the proposed settings. `None` means not checked: the
/// app-level safeguard is off, or the app has fewer app users than the activation minimum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppLimit<'a> {
    pub app: &'a AppPopulation,
    pub below_minimum: bool,
    pub saved: Option<u64>,
    pub proposed: Option<u64>,
}

/// The limit `rule` sets on a population, or `None` when it is off or does not apply (a
/// percent below the activation minimum).
pub fn limit_for(rule: Limit, population: u64) -> Option<u64> {
    limit_of(rule, population).map(|(limit, _)| limit)
}

/// Every app's limit, saved -> proposed, in the order of `populations`.
pub fn app_limits<'a>(
    saved: &Settings,
    proposed: &Settings,
    populations: &'a [AppPopulation],
) -> Vec<AppLimit<'a>> {
    populations
        .iter()
        .map(|app| AppLimit {
            app,
            below_minimum: !is_checked(app.population),
            saved: limit_for(saved.app_limit(&app.app_id), app.population),
            proposed: limit_for(proposed.app_limit(&app.app_id), app.population),
        })
        .collect()
}

/// What the saved and the proposed settings decide for one import: the limit that stops it, or
/// `None` when it proceeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome<'a> {
    pub saved: Option<Exceeded<'a>>,
    pub proposed: Option<Exceeded<'a>>,
}

impl Outcome<'_> {
    pub fn changed(&self) -> bool {
        self.saved.is_some() != self.proposed.is_some()
    }
}

/// The outcomes of many imports, and how many the proposal turns around each way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison<'a> {
    pub outcomes: Vec<Outcome<'a>>,
    /// Imports that proceed under the saved settings and would pause under the proposed ones.
    pub would_now_pause: usize,
    /// Imports that pause under the saved settings and would proceed under the proposed ones.
    pub would_now_pass: usize,
}

/// Compares saved and proposed settings over imports given as (the import's app, its impact).
pub fn compare<'a>(
    saved: &Settings,
    proposed: &Settings,
    imports: impl IntoIterator<Item = (&'a AppId, &'a Impact)>,
) -> Comparison<'a> {
    let mut comparison = Comparison::default();
    for (app_id, impact) in imports {
        let outcome = Outcome {
            saved: decide(saved, impact, app_id),
            proposed: decide(proposed, impact, app_id),
        };
        match (outcome.saved.is_some(), outcome.proposed.is_some()) {
            (false, true) => comparison.would_now_pause += 1,
            (true, false) => comparison.would_now_pass += 1,
            _ => {}
        }
        comparison.outcomes.push(outcome);
    }
    comparison
}
