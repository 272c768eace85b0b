//! A bar chart of limits: for each limit an import meets, its counted unassignments (or
//! deactivations) as a bar, with the limit marked on it.
//!
//! Each bar has its own scale (the larger of its count and its limit, plus a quarter), so a limit
//! of 20 among populations of 10,000 is as readable as one of 2,000. Labels and figures are text
//! above the bar, not inside the SVG, so the chart reflows at 390 px instead of shrinking.

use crate::format;
use leptos::prelude::*;
use safeguard_rules::evaluator::rule_text;
use safeguard_rules::limits::is_checked;
use safeguard_rules::plan::Impact;
use safeguard_rules::preview::limit_for;
use safeguard_rules::settings::{Limit, Settings};

/// How many app rows a chart shows; the rest are summed up in a sentence.
pub const MAX_APP_BARS: usize = 10;

/// One bar: what is counted against one limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartBar {
    /// "Workday", "Whole org", "Deactivations".
    pub label: String,
    /// "App level", "Org level", "Deactivation budget".
    pub level: &'static str,
    pub counted: u64,
    pub population: u64,
    /// The largest count that passes; `None` when the limit is off or not checked.
    pub limit: Option<u64>,
    /// "20 %", "a count of 50", or why there is no limit ("off", "below 100: not checked").
    pub rule: String,
    /// "unassigned" or "deactivated".
    pub verb: &'static str,
}

impl ChartBar {
    pub fn over(&self) -> bool {
        self.limit.is_some_and(|l| self.counted > l)
    }

    /// The bar's figures in words: "312 of 1,204 unassigned; limit 240 (20 %)".
    pub fn figures(&self) -> String {
        let of = format!(
            "{} of {} {}",
            format::count(self.counted),
            format::count(self.population),
            self.verb
        );
        match self.limit {
            Some(limit) => format!("{of}; limit {} ({})", format::count(limit), self.rule),
            None => format!("{of}; {}", self.rule),
        }
    }

    /// Where the bar ends and where the limit sits, in percent of the bar's width.
    fn geometry(&self) -> (f64, Option<f64>) {
        let top = self.counted.max(self.limit.unwrap_or(0));
        let scale = (top as f64 * 1.25).max(1.0);
        let at = |n: u64| (n as f64 / scale * 100.0).min(100.0);
        (at(self.counted), self.limit.map(at))
    }
}

fn bar(
    label: String,
    level: &'static str,
    rule: Limit,
    population: u64,
    counted: u64,
    verb: &'static str,
) -> ChartBar {
    let limit = limit_for(rule, population);
    let rule = if !rule.enabled {
        "off".to_owned()
    } else if limit.is_none() && !is_checked(population) {
        "below 100: not checked".to_owned()
    } else {
        rule_text(rule.percent, rule.count)
    };
    ChartBar {
        label,
        level,
        counted,
        population,
        limit,
        rule,
        verb,
    }
}

/// The bars of every limit `settings` hold an import's `impact` to: each app it unassigns from,
/// the org, and the deactivation budget when it is on or the import deactivates anyone. The
/// apps come nearest-to-their-limit first; the second value counts the apps left out.
pub fn bars_for(settings: &Settings, impact: &Impact) -> (Vec<ChartBar>, usize) {
    let mut apps: Vec<ChartBar> = impact
        .apps
        .iter()
        .filter(|a| a.unassignments > 0)
        .map(|a| {
            bar(
                a.app_name.clone(),
                "App level",
                settings.app_limit(&a.app_id),
                a.population,
                a.unassignments,
                "unassigned",
            )
        })
        .collect();
    // Over the limit first, then the nearest to it (a share of the limit, in integers).
    apps.sort_by(|a, b| {
        let share = |c: &ChartBar| match c.limit {
            Some(l) => (c.counted.saturating_mul(1000) / l.max(1)).min(u64::MAX / 2),
            None => 0,
        };
        b.over()
            .cmp(&a.over())
            .then(share(b).cmp(&share(a)))
            .then(b.counted.cmp(&a.counted))
            .then(a.label.cmp(&b.label))
    });
    let left_out = apps.len().saturating_sub(MAX_APP_BARS);
    apps.truncate(MAX_APP_BARS);
    apps.push(bar(
        "Whole org".to_owned(),
        "Org level",
        settings.org_level.limit(),
        impact.org_population,
        impact.total_unassignments(),
        "unassigned",
    ));
    if settings.deactivations.enabled || impact.deactivations > 0 {
        apps.push(bar(
            "Active users".to_owned(),
            "Deactivation budget",
            settings.deactivations,
            impact.active_users,
            impact.deactivations,
            "deactivated",
        ));
    }
    (apps, left_out)
}

/// The chart itself; `caption` says whose limits these are.
#[component]
pub fn LimitChart(
    bars: Vec<ChartBar>,
    /// Apps within their limits not drawn (see [`MAX_APP_BARS`]).
    #[prop(default = 0)]
    left_out: usize,
    #[prop(into)] caption: String,
    #[prop(default = "limit-chart")] testid: &'static str,
) -> impl IntoView {
    view! {
        <figure class="limit-chart" data-testid=testid>
            <figcaption>{caption}</figcaption>
            <ul>
                {bars.into_iter().map(|b| {
                    let (end, mark) = b.geometry();
                    let over = b.over();
                    let figures = b.figures();
                    let aria = format!("{} ({}): {figures}", b.label, b.level);
                    view! {
                        <li class="chart-row" class:over=over data-testid="chart-row">
                            <div class="chart-label">
                                <span class="chart-name">{b.label.clone()}<span class="muted">{format!(" · {}", b.level)}</span></span>
                                <span class="chart-figures" data-testid="chart-figures">{figures}</span>
                            </div>
                            <svg class="chart-bar" width="100%" height="14" role="img" aria-label=aria>
                                <rect class="bar-track" x="0" y="3" width="100%" height="8" rx="2"></rect>
                                <rect class=if over { "bar-over" } else { "bar-fill" } x="0" y="3" width=format!("{}%", format::one_decimal(end)) height="8" rx="2"></rect>
                                {mark.map(|m| view! {
                                    <rect class="bar-limit" data-testid="chart-limit" x=format!("{}%", format::one_decimal(m)) y="0" width="3" height="14"></rect>
                                })}
                            </svg>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(left_out > 0).then(|| view! {
                <p class="muted">{format!("{left_out} more {} within their limits not drawn.", if left_out == 1 { "app" } else { "apps" })}</p>
            })}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::plan::AppImpact;
    use safeguard_rules::settings::Safeguard;

    fn impact(apps: &[(&str, u64, u64)]) -> Impact {
        Impact {
            org_population: apps.iter().map(|a| a.1).sum(),
            apps: apps
                .iter()
                .map(|(name, population, unassignments)| AppImpact {
                    app_id: format!("app_{name}").into(),
                    app_name: (*name).to_owned(),
                    population: *population,
                    unassignments: *unassignments,
                })
                .collect(),
            deactivations: 0,
            active_users: 0,
        }
    }

    #[test]
    fn each_app_is_a_bar_against_its_limit_with_the_org_last() {
        let settings = Settings::default();
        let (bars, left_out) = bars_for(&settings, &impact(&[("A", 100, 10), ("B", 100, 30)]));
        assert_eq!(left_out, 0);
        let labels: Vec<_> = bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["B", "A", "Whole org"], "over the limit first");
        assert!(bars[0].over());
        assert_eq!(bars[0].figures(), "30 of 100 unassigned; limit 20 (20 %)");
        assert_eq!(bars[2].figures(), "40 of 200 unassigned; limit 40 (20 %)");
        assert!(!bars[2].over(), "40 is at the limit, not over it");
    }

    #[test]
    fn a_small_app_and_a_level_that_is_off_say_why_they_have_no_limit() {
        let settings = Settings::levels(Safeguard::default(), Safeguard::new(false, 20).unwrap());
        let (bars, _) = bars_for(&settings, &impact(&[("Small", 40, 40)]));
        assert_eq!(
            bars[0].figures(),
            "40 of 40 unassigned; below 100: not checked"
        );
        assert_eq!(bars[1].figures(), "40 of 40 unassigned; off");
        assert!(bars.iter().all(|b| !b.over() && b.geometry().1.is_none()));
    }

    #[test]
    fn the_limit_mark_and_the_bar_share_one_scale() {
        let (bars, _) = bars_for(&Settings::default(), &impact(&[("A", 1000, 100)]));
        let (end, mark) = bars[0].geometry();
        // 100 against a limit of 200: the bar ends halfway to the mark.
        assert!((end * 2.0 - mark.unwrap()).abs() < 1e-9);
    }

    #[test]
    fn many_apps_keep_the_ten_nearest_their_limit() {
        let apps: Vec<(String, u64, u64)> =
            (1..=15).map(|i| (format!("App {i:02}"), 100, i)).collect();
        let refs: Vec<(&str, u64, u64)> =
            apps.iter().map(|(n, p, u)| (n.as_str(), *p, *u)).collect();
        let (bars, left_out) = bars_for(&Settings::default(), &impact(&refs));
        assert_eq!(left_out, 5);
        assert_eq!(bars.len(), MAX_APP_BARS + 1);
        assert_eq!(bars[0].label, "App 15");
    }

    #[test]
    fn the_budget_is_drawn_when_it_is_on() {
        let settings = Settings {
            deactivations: Limit {
                enabled: true,
                percent: None,
                count: Some(10),
            },
            ..Settings::default()
        };
        let mut impact = impact(&[("P", 1000, 11)]);
        impact.deactivations = 11;
        impact.active_users = 1000;
        let (bars, _) = bars_for(&settings, &impact);
        let budget = bars.last().unwrap();
        assert_eq!(budget.level, "Deactivation budget");
        assert!(budget.over());
        assert_eq!(
            budget.figures(),
            "11 of 1,000 deactivated; limit 10 (a count of 10)"
        );
    }
}
