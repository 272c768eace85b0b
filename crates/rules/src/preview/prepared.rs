//! The preview's imports read once, for a compare on every keystroke.
//!
//! [`compare`](super::compare) decides each import with [`decide`], which looks up each app's
//! rule (its override, by binary search) for every app impact: a million searches for 10,000
//! imports x 50 apps under two settings. Here the imports are read once, when they load: app ids
//! become small numbers and each import's app impacts three flat arrays (app number, population,
//! unassignments). A compare then resolves each app's rule once per settings, in a table indexed
//! by app number, and checks each app impact with integer arithmetic only. Only an app impact
//! that trips a limit is looked at again, in the import itself, to name the cause exactly as
//! [`decide`] does.

use super::{Comparison, Outcome};
use crate::evaluator::{Exceeded, Scope, check, conclude, decide};
use crate::ids::AppId;
use crate::limits::ACTIVATION_MINIMUM;
use crate::plan::Impact;
use crate::settings::{Limit, Settings};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// The imports of a preview, read once: see the module's documentation. It holds no borrow of
/// them, so it can be kept beside them (built when they load); [`Prepared::compare`] is given
/// the same imports again, to name the causes.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The app ids met in the imports: an app's number is its position.
    apps: Vec<AppId>,
    imports: Vec<PreparedImport>,
    /// One entry per app impact, the imports' one after the other.
    app: Vec<u32>,
    population: Vec<u32>,
    unassignments: Vec<u32>,
}

#[derive(Clone, Debug)]
struct PreparedImport {
    /// Its app impacts in the flat arrays, in the impact's order. `None`: a count does not fit
    /// in 32 bits, or the total overflows; such an import is decided by [`decide`] itself.
    entries: Option<Range<usize>>,
    /// Its counted unassignments over all apps.
    total: u64,
    /// The number of the import's own app.
    own: u32,
}

impl Prepared {
    /// Reads the imports, given as for [`compare`](super::compare): (the import's app, its
    /// impact).
    pub fn new<'a>(imports: impl IntoIterator<Item = (&'a AppId, &'a Impact)>) -> Self {
        // FxHash: the app ids are the org's own, and the map is met once per app impact,
        // 500,000 times when 10,000 imports load.
        let mut numbers: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut prepared = Prepared::default();
        let mut number_of = |apps: &mut Vec<AppId>, id: &'a AppId| -> Option<u32> {
            let next = u32::try_from(apps.len()).ok()?;
            Some(*numbers.entry(id.as_str()).or_insert_with(|| {
                apps.push(id.clone());
                next
            }))
        };
        for (import_app, impact) in imports {
            let start = prepared.app.len();
            let mut total: Option<u64> = Some(0);
            let mut fits = true;
            for app in &impact.apps {
                total = total.and_then(|t| t.checked_add(app.unassignments));
                let (Ok(population), Ok(unassignments), Some(number)) = (
                    u32::try_from(app.population),
                    u32::try_from(app.unassignments),
                    number_of(&mut prepared.apps, &app.app_id),
                ) else {
                    fits = false;
                    break;
                };
                prepared.app.push(number);
                prepared.population.push(population);
                prepared.unassignments.push(unassignments);
            }
            let own = number_of(&mut prepared.apps, import_app);
            prepared.imports.push(match (fits, total, own) {
                (true, Some(total), Some(own)) => PreparedImport {
                    entries: Some(start..prepared.app.len()),
                    total,
                    own,
                },
                _ => {
                    // Decided the slow way: its entries are not kept.
                    prepared.app.truncate(start);
                    prepared.population.truncate(start);
                    prepared.unassignments.truncate(start);
                    PreparedImport {
                        entries: None,
                        total: 0,
                        own: 0,
                    }
                }
            });
        }
        prepared
    }

    /// How many imports were read.
    pub fn len(&self) -> usize {
        self.imports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.imports.is_empty()
    }

    /// What `saved` and `proposed` decide for each import: the same as
    /// [`compare`](super::compare) over the same imports, cause for cause. `imports` must be the
    /// ones this was read from, in the same order; an import whose app or number of app impacts
    /// differs from what was read (or that comes after them) is decided by [`decide`] itself.
    pub fn compare<'a>(
        &self,
        saved: &Settings,
        proposed: &Settings,
        imports: impl IntoIterator<Item = (&'a AppId, &'a Impact)>,
    ) -> Comparison<'a> {
        let saved_rules = Rules::of(saved, &self.apps);
        let proposed_rules = Rules::of(proposed, &self.apps);
        let mut comparison = Comparison {
            outcomes: Vec::with_capacity(self.len()),
            ..Comparison::default()
        };
        for (n, (import_app, impact)) in imports.into_iter().enumerate() {
            let outcome = match self.read(n, import_app, impact) {
                Some(import) => {
                    let (saved_first, proposed_first) =
                        self.app_causes(import, impact, &saved_rules, &proposed_rules);
                    let first = |rules: &Rules, best: Option<Candidate>| {
                        best.and_then(|b| rules.exceeded(b, impact))
                    };
                    Outcome {
                        saved: conclude(
                            first(&saved_rules, saved_first),
                            saved,
                            impact,
                            import.total,
                            import_app,
                        ),
                        proposed: conclude(
                            first(&proposed_rules, proposed_first),
                            proposed,
                            impact,
                            import.total,
                            import_app,
                        ),
                    }
                }
                None => Outcome {
                    saved: decide(saved, impact, import_app),
                    proposed: decide(proposed, impact, import_app),
                },
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

    /// Import `n` as read, when `import_app` and `impact` match what was read of it.
    fn read(&self, n: usize, import_app: &AppId, impact: &Impact) -> Option<&PreparedImport> {
        let import = self.imports.get(n)?;
        let entries = import.entries.as_ref()?;
        let same_app = self.apps.get(import.own as usize) == Some(import_app);
        (same_app && entries.len() == impact.apps.len()).then_some(import)
    }

    /// The app impact each settings' app-level limits are reached first at, if any: one pass
    /// over the import's entries, in integers; names are compared only on a tie of everything
    /// else.
    fn app_causes(
        &self,
        import: &PreparedImport,
        impact: &Impact,
        saved: &Rules,
        proposed: &Rules,
    ) -> (Option<Candidate>, Option<Candidate>) {
        let (mut saved_best, mut proposed_best) = (None, None);
        let Some(entries) = import.entries.clone() else {
            return (None, None);
        };
        let app = self.app.get(entries.clone()).unwrap_or_default();
        let population = self.population.get(entries.clone()).unwrap_or_default();
        let unassignments = self.unassignments.get(entries).unwrap_or_default();
        for (k, ((&a, &p), &u)) in app.iter().zip(population).zip(unassignments).enumerate() {
            let a = a as usize;
            // Both tables hold every app number the imports use.
            let (Some(&s), Some(&q)) = (saved.trips.get(a), proposed.trips.get(a)) else {
                continue;
            };
            let own = a == import.own as usize;
            if s.trips(p, u) && s.may_precede(p, saved_best.as_ref()) {
                Candidate::offer(&mut saved_best, s.candidate(a, k, p, u, own), impact);
            }
            if q.trips(p, u) && q.may_precede(p, proposed_best.as_ref()) {
                Candidate::offer(&mut proposed_best, q.candidate(a, k, p, u, own), impact);
            }
        }
        (saved_best, proposed_best)
    }
}

/// An app impact that trips its app-level limit, with what orders it among the others.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    /// Its app's number.
    a: usize,
    /// Its place in the import's impact.
    k: usize,
    limit: u64,
    own: bool,
    unassignments: u32,
}

impl Candidate {
    /// Keeps in `best` whichever of it and `candidate` is reached first, in the order of
    /// `Exceeded::reached_before` for app-level limits: the smallest limit, the import's own
    /// app, the most unassignments, then the app's name and id.
    fn offer(best: &mut Option<Candidate>, candidate: Candidate, impact: &Impact) {
        let name = |c: &Candidate| {
            impact
                .apps
                .get(c.k)
                .map(|a| (a.app_name.as_str(), a.app_id.as_str()))
        };
        let first = match best {
            None => true,
            Some(b) => candidate
                .limit
                .cmp(&b.limit)
                .then_with(|| b.own.cmp(&candidate.own))
                .then_with(|| b.unassignments.cmp(&candidate.unassignments))
                .then_with(|| name(&candidate).cmp(&name(b)))
                .is_lt(),
        };
        if first {
            *best = Some(candidate);
        }
    }
}

/// Every app's app-level rule under one settings, by app number.
struct Rules {
    limits: Vec<Limit>,
    trips: Vec<Trip>,
}

impl Rules {
    fn of(settings: &Settings, apps: &[AppId]) -> Self {
        let limits: Vec<Limit> = apps.iter().map(|id| settings.app_limit(id)).collect();
        let trips = limits.iter().map(|&l| Trip::of(l)).collect();
        Self { limits, trips }
    }

    /// The exceeded limit of `candidate`, an app impact of `impact`, as [`decide`] names it.
    fn exceeded<'a>(&self, candidate: Candidate, impact: &'a Impact) -> Option<Exceeded<'a>> {
        let (Some(&rule), Some(app)) = (self.limits.get(candidate.a), impact.apps.get(candidate.k))
        else {
            return None;
        };
        check(
            Scope::App,
            Some(app),
            rule,
            app.population,
            app.unassignments,
        )
    }
}

/// A rule as integers (its percent at most 255: from a u8): tripped by `unassignments` over `count`, or (from the activation
/// minimum up) by `100 * unassignments > percent * population`. An absent part never trips:
/// no count is `u64::MAX`, no percent a `minimum` no population reaches.
#[derive(Clone, Copy, Debug)]
struct Trip {
    count: u64,
    percent: u32,
    minimum: u64,
}

impl Trip {
    fn of(rule: Limit) -> Self {
        match (rule.enabled, rule.percent) {
            (false, _) => Self {
                count: u64::MAX,
                percent: 0,
                minimum: u64::MAX,
            },
            (true, percent) => Self {
                count: rule.count.unwrap_or(u64::MAX),
                percent: percent.map_or(0, u32::from),
                minimum: if percent.is_some() {
                    ACTIVATION_MINIMUM
                } else {
                    u64::MAX
                },
            },
        }
    }

    /// Exactly `limit_of(rule, population)` exceeded by `unassignments`: over the count, or
    /// over `floor(percent * population / 100)`, which is `100 * u > percent * p`. From 32-bit
    /// counts neither product overflows.
    #[inline]
    fn trips(self, population: u32, unassignments: u32) -> bool {
        let (p, u) = (u64::from(population), u64::from(unassignments));
        (u > self.count) | ((p >= self.minimum) & (100 * u > u64::from(self.percent) * p))
    }

    /// Whether an app impact of `population` that trips this rule can have a limit no larger
    /// than `best`'s, and so be reached before it (ties are decided in [`Candidate::offer`]):
    /// without dividing, since most app impacts that trip are reached after the first found.
    /// `best.limit` is below the unassignments that tripped it, a 32-bit count, so
    /// `100 * limit + 99` does not overflow.
    #[inline]
    fn may_precede(self, population: u32, best: Option<&Candidate>) -> bool {
        let Some(best) = best else {
            return true;
        };
        let p = u64::from(population);
        // floor(percent * p / 100) <= limit exactly when percent * p <= 100 * limit + 99.
        self.count <= best.limit
            || (p >= self.minimum && u64::from(self.percent) * p <= 100 * best.limit + 99)
    }

    /// The limit `limit_of` sets on `population` (the smaller of the count and the percent's),
    /// for an app impact that trips it.
    fn candidate(
        self,
        a: usize,
        k: usize,
        population: u32,
        unassignments: u32,
        own: bool,
    ) -> Candidate {
        let by_percent = if u64::from(population) >= self.minimum {
            // floor(percent * population / 100) in 32-bit divisions, which WebAssembly does
            // natively (a 64-bit one by a constant becomes an emulated 128-bit multiply):
            // percent * (100 q + r) / 100 = percent * q + floor(percent * r / 100).
            let (q, r) = (population / 100, population % 100);
            u64::from(self.percent) * u64::from(q) + u64::from(self.percent * r / 100)
        } else {
            u64::MAX
        };
        Candidate {
            a,
            k,
            limit: by_percent.min(self.count),
            own,
            unassignments,
        }
    }
}
