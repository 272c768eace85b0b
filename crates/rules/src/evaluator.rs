//! The threshold evaluator: settings + a plan's impact -> proceed, or pause with the cause.
//!
//! Each app the plan unassigns users from is held to its app-level limit (its override, or the
//! org-wide value), the plan's total to the org-level limit, and the users it deactivates to the
//! deactivation budget. A limit may come from a percent, a count or the smaller of both
//! ([`limit_of`]).
//!
//! When several limits are exceeded the import is stopped by the one reached first: the one with
//! the smallest limit. An app-level limit equal to the org-level one takes priority; among apps
//! with equal limits, the import's own app comes first, then the app with the most unassignments,
//! then the app name. The deactivation budget is the cause only when no unassignment limit is
//! exceeded. Every exceeded limit is still reported beside the cause.

use crate::ids::AppId;
use crate::limits::{Basis, limit_of};
use crate::plan::{AppImpact, Impact};
use crate::settings::{Limit, Settings};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Which safeguard a limit belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    App,
    Org,
    /// The deactivation budget: users deactivated against the org's active users.
    Deactivations,
}

/// One safeguard limit applied to one population: what was allowed and what the plan would do.
/// For `scope: app`, `app_id` and `app_name` say which app. For `scope: deactivations`,
/// `population` is the org's active users and `unassignments` the users the plan deactivates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LimitCheck {
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// The limit's percent, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u8>,
    /// The limit's count, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Whether `limit` came from the percent or the count.
    #[serde(default)]
    pub basis: Basis,
    pub population: u64,
    pub limit: u64,
    pub unassignments: u64,
}

impl LimitCheck {
    /// The rule as people read it: "20 %", "a count of 50", or "20 % or 50, whichever is
    /// smaller".
    pub fn rule_text(&self) -> String {
        rule_text(self.percent, self.count)
    }
}

/// [`LimitCheck::rule_text`] of a percent and a count.
pub fn rule_text(percent: Option<u8>, count: Option<u64>) -> String {
    match (percent, count) {
        (Some(p), Some(c)) => format!("{p} % or {c}, whichever is smaller"),
        (Some(p), None) => format!("{p} %"),
        (None, Some(c)) => format!("a count of {c}"),
        (None, None) => "no limit".to_owned(),
    }
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
    pub scope: Scope,
    /// The app, for an app-level limit; `None` for the org level and the budget.
    pub app: Option<&'a AppImpact>,
    pub percent: Option<u8>,
    pub count: Option<u64>,
    pub basis: Basis,
    pub population: u64,
    pub limit: u64,
    /// Counted unassignments; for the budget, users deactivated.
    pub unassignments: u64,
}

impl Exceeded<'_> {
    pub fn to_check(&self) -> LimitCheck {
        LimitCheck {
            scope: self.scope,
            app_id: self.app.map(|a| a.app_id.clone()),
            app_name: self.app.map(|a| a.app_name.clone()),
            percent: self.percent,
            count: self.count,
            basis: self.basis,
            population: self.population,
            limit: self.limit,
            unassignments: self.unassignments,
        }
    }

    /// The order in which limits are reached: the budget after every unassignment limit, then
    /// the smallest limit, app level before org level, the import's own app, the most
    /// unassignments, the app's name.
    fn reached_before(&self, other: &Self, import_app: &AppId) -> Ordering {
        let rank = |e: &Self| match e.app {
            Some(app) if app.app_id == *import_app => 0,
            Some(_) => 1,
            None => 2,
        };
        let budget = |e: &Self| e.scope == Scope::Deactivations;
        budget(self)
            .cmp(&budget(other))
            .then_with(|| self.limit.cmp(&other.limit))
            .then_with(|| (self.app.is_none()).cmp(&other.app.is_none()))
            .then_with(|| rank(self).cmp(&rank(other)))
            .then_with(|| other.unassignments.cmp(&self.unassignments))
            .then_with(|| {
                let name = |e: &Self| e.app.map(|a| (a.app_name.as_str(), a.app_id.as_str()));
                name(self).cmp(&name(other))
            })
    }
}

/// `counted` of `population` held to `rule`: exceeded when over its limit (strictly).
pub(crate) fn check<'a>(
    scope: Scope,
    app: Option<&'a AppImpact>,
    rule: Limit,
    population: u64,
    counted: u64,
) -> Option<Exceeded<'a>> {
    let (limit, basis) = limit_of(rule, population)?;
    (counted > limit).then_some(Exceeded {
        scope,
        app,
        percent: rule.percent,
        count: rule.count,
        basis,
        population,
        limit,
        unassignments: counted,
    })
}

/// Every limit the impact exceeds, in no particular order.
pub fn exceeded<'a>(settings: &Settings, impact: &'a Impact) -> impl Iterator<Item = Exceeded<'a>> {
    let apps = impact.apps.iter().filter_map(move |app| {
        check(
            Scope::App,
            Some(app),
            settings.app_limit(&app.app_id),
            app.population,
            app.unassignments,
        )
    });
    let org = check(
        Scope::Org,
        None,
        settings.org_level.limit(),
        impact.org_population,
        impact.total_unassignments(),
    );
    let budget = check(
        Scope::Deactivations,
        None,
        settings.deactivations,
        impact.active_users,
        impact.deactivations,
    );
    apps.chain(org).chain(budget)
}

/// Only the cause: the limit [`evaluate`] would name, or `None` when the import proceeds. One
/// pass over the impact and no allocation, for the preview, which decides tens of thousands of
/// imports on every keystroke.
pub fn decide<'a>(
    settings: &Settings,
    impact: &'a Impact,
    import_app: &AppId,
) -> Option<Exceeded<'a>> {
    let mut first: Option<Exceeded<'a>> = None;
    let mut total: u64 = 0;
    // Without overrides every app has the org-wide rule: no search per app.
    let plain = settings.overrides.is_empty();
    let org_wide = settings.app_level.limit();
    for app in &impact.apps {
        total += app.unassignments;
        let rule = if plain {
            org_wide
        } else {
            settings.app_limit(&app.app_id)
        };
        if let Some(e) = check(
            Scope::App,
            Some(app),
            rule,
            app.population,
            app.unassignments,
        ) {
            consider(&mut first, e, import_app);
        }
    }
    conclude(first, settings, impact, total, import_app)
}

/// Keeps in `first` whichever of it and `candidate` is reached first.
fn consider<'a>(first: &mut Option<Exceeded<'a>>, candidate: Exceeded<'a>, import_app: &AppId) {
    if first
        .as_ref()
        .is_none_or(|f| candidate.reached_before(f, import_app).is_lt())
    {
        *first = Some(candidate);
    }
}

/// The cause, given `first` (the app-level limit reached first, if any) and the impact's
/// `total` counted unassignments: the org level is weighed against it, and the budget applies
/// only when no unassignment limit is exceeded.
pub(crate) fn conclude<'a>(
    mut first: Option<Exceeded<'a>>,
    settings: &Settings,
    impact: &Impact,
    total: u64,
    import_app: &AppId,
) -> Option<Exceeded<'a>> {
    if let Some(e) = check(
        Scope::Org,
        None,
        settings.org_level.limit(),
        impact.org_population,
        total,
    ) {
        consider(&mut first, e, import_app);
    }
    if first.is_none() {
        first = check(
            Scope::Deactivations,
            None,
            settings.deactivations,
            impact.active_users,
            impact.deactivations,
        );
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
