//! The threshold evaluator: settings + a plan's impact -> proceed, or pause with the cause.
//!
//! When several limits are exceeded the import is stopped by the one reached first: the one with
//! the smallest limit. An app-level limit equal to the org-level one takes priority; among apps
//! with equal limits, the import's own app comes first, then the app with the most unassignments,
//! then the app name. Every exceeded limit is still reported beside the cause.

use crate::ids::AppId;
use crate::limits::{exceeds, is_checked, limit};
use crate::plan::{AppImpact, Impact};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Which safeguard a limit belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    App,
    Org,
}

/// One safeguard limit applied to one population: what was allowed and what the plan would do.
/// For `scope: app`, `app_id` and `app_name` say which app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LimitCheck {
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    pub percent: u8,
    pub population: u64,
    pub limit: u64,
    pub unassignments: u64,
}

/// Why an import is paused: the limit that stopped it, and every limit it exceeded (the cause
/// first, then in the order they would have been reached).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Roadblock {
    pub cause: LimitCheck,
    pub exceeded: Vec<LimitCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Proceed,
    Pause(Roadblock),
}

impl Verdict {
    pub fn is_pause(&self) -> bool {
        matches!(self, Verdict::Pause(_))
    }

    pub fn roadblock(&self) -> Option<&Roadblock> {
        match self {
            Verdict::Proceed => None,
            Verdict::Pause(r) => Some(r),
        }
    }
}

/// An exceeded limit, borrowed from the impact: what [`decide`] answers without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded<'a> {
    /// The app, for an app-level limit; `None` for the org level.
    pub app: Option<&'a AppImpact>,
    pub percent: u8,
    pub population: u64,
    pub limit: u64,
    pub unassignments: u64,
}

impl Exceeded<'_> {
    pub fn scope(&self) -> Scope {
        if self.app.is_some() {
            Scope::App
        } else {
            Scope::Org
        }
    }

    pub fn to_check(&self) -> LimitCheck {
        LimitCheck {
            scope: self.scope(),
            app_id: self.app.map(|a| a.app_id.clone()),
            app_name: self.app.map(|a| a.app_name.clone()),
            percent: self.percent,
            population: self.population,
            limit: self.limit,
            unassignments: self.unassignments,
        }
    }

    /// The order in which limits are reached: smallest limit first; app level before org level
    /// on equal limits; then the import's own app, the most unassignments, the app name.
    fn reached_before(&self, other: &Self, import_app: &AppId) -> Ordering {
        let rank = |e: &Self| match e.app {
            Some(app) if app.app_id == *import_app => 0,
            Some(_) => 1,
            None => 2,
        };
        self.limit
            .cmp(&other.limit)
            .then_with(|| (self.app.is_none()).cmp(&other.app.is_none()))
            .then_with(|| rank(self).cmp(&rank(other)))
            .then_with(|| other.unassignments.cmp(&self.unassignments))
            .then_with(|| {
                let name = |e: &Self| e.app.map(|a| (a.app_name.as_str(), a.app_id.as_str()));
                name(self).cmp(&name(other))
            })
    }
}

/// Every limit the impact exceeds under `settings`, in no particular order.
pub fn exceeded<'a>(settings: &Settings, impact: &'a Impact) -> impl Iterator<Item = Exceeded<'a>> {
    let app_level = settings.app_level;
    let apps = impact.apps.iter().filter_map(move |app| {
        let checked = app_level.enabled && is_checked(app.population);
        (checked && exceeds(app_level.percent, app.population, app.unassignments)).then(|| {
            Exceeded {
                app: Some(app),
                percent: app_level.percent,
                population: app.population,
                limit: limit(app_level.percent, app.population),
                unassignments: app.unassignments,
            }
        })
    });
    let org_level = settings.org_level;
    let org = (org_level.enabled && is_checked(impact.org_population))
        .then(|| {
            let total = impact.total_unassignments();
            exceeds(org_level.percent, impact.org_population, total).then(|| Exceeded {
                app: None,
                percent: org_level.percent,
                population: impact.org_population,
                limit: limit(org_level.percent, impact.org_population),
                unassignments: total,
            })
        })
        .flatten();
    apps.chain(org)
}

/// The limit that stops the import, or `None` when it proceeds. Allocates nothing: this is what
/// the preview runs over thousands of past imports on every keystroke.
pub fn decide<'a>(
    settings: &Settings,
    impact: &'a Impact,
    import_app: &AppId,
) -> Option<Exceeded<'a>> {
    // One pass over the apps finds the first app limit reached and the org's total together:
    // the same answer as the minimum of `exceeded`, with half the memory traffic (the property
    // tests check that `decide` and `evaluate` agree).
    let app_level = settings.app_level;
    let check_apps = app_level.enabled;
    let mut total: u64 = 0;
    let mut first: Option<Exceeded<'a>> = None;
    for app in &impact.apps {
        total += app.unassignments;
        if check_apps
            && is_checked(app.population)
            && exceeds(app_level.percent, app.population, app.unassignments)
        {
            let candidate = Exceeded {
                app: Some(app),
                percent: app_level.percent,
                population: app.population,
                limit: limit(app_level.percent, app.population),
                unassignments: app.unassignments,
            };
            if first
                .as_ref()
                .is_none_or(|f| candidate.reached_before(f, import_app).is_lt())
            {
                first = Some(candidate);
            }
        }
    }
    let org_level = settings.org_level;
    if org_level.enabled
        && is_checked(impact.org_population)
        && exceeds(org_level.percent, impact.org_population, total)
    {
        let org = Exceeded {
            app: None,
            percent: org_level.percent,
            population: impact.org_population,
            limit: limit(org_level.percent, impact.org_population),
            unassignments: total,
        };
        if first
            .as_ref()
            .is_none_or(|f| org.reached_before(f, import_app).is_lt())
        {
            first = Some(org);
        }
    }
    first
}

/// The full verdict on an import of `import_app` whose plan has `impact`.
pub fn evaluate(settings: &Settings, impact: &Impact, import_app: &AppId) -> Verdict {
    let mut all: Vec<Exceeded<'_>> = exceeded(settings, impact).collect();
    all.sort_by(|a, b| a.reached_before(b, import_app));
    match all.first() {
        None => Verdict::Proceed,
        Some(cause) => Verdict::Pause(Roadblock {
            cause: cause.to_check(),
            exceeded: all.iter().map(Exceeded::to_check).collect(),
        }),
    }
}
