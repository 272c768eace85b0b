//! The prepared preview decides exactly what `compare` (and so `decide`, and so the server)
//! decides, cause for cause, on generated settings and imports: percents, counts, overrides,
//! the deactivation budget, ties between limits, apps met at different places in different
//! imports, and counts too large for the prepared arrays.

use proptest::prelude::*;
use safeguard_rules::AppId;
use safeguard_rules::evaluator::decide;
use safeguard_rules::plan::{AppImpact, Impact};
use safeguard_rules::preview::{Prepared, compare};
use safeguard_rules::settings::{AppOverride, Limit, Safeguard, Settings};

/// The apps imports may list; app `APPS` is "hr", an import's app no impact lists.
const APPS: usize = 10;

fn app_id(n: usize) -> AppId {
    if n < APPS {
        AppId::from(format!("app-{n}"))
    } else {
        AppId::from("hr")
    }
}

/// Counts that make small limits, ties with a percent's limit and large ones all likely.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10, Just(20u64), Just(50u64), 0u64..600, 0u64..5_000]
}

fn percent() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0u8), Just(20u8), Just(100u8), 0u8..=100]
}

fn safeguard() -> impl Strategy<Value = Safeguard> {
    (any::<bool>(), percent(), prop::option::of(count())).prop_map(|(enabled, percent, count)| {
        Safeguard::new(enabled, percent)
            .expect("a percent within 0..=100")
            .with_count(count)
    })
}

/// An override's or the budget's limit; its percent may even be above 100 (the type allows it,
/// and the prepared check must agree with `decide` there too).
fn limit() -> impl Strategy<Value = Limit> {
    (
        any::<bool>(),
        prop::option::of(prop_oneof![percent(), any::<u8>()]),
        prop::option::of(count()),
    )
        .prop_map(|(enabled, percent, count)| Limit {
            enabled,
            percent,
            count,
        })
}

/// Settings with counts on either level, the budget, and overrides on up to half the apps (the
/// import's app "hr" among the candidates).
fn settings() -> impl Strategy<Value = Settings> {
    let overridden = prop::sample::subsequence((0..=APPS).collect::<Vec<_>>(), 0..=6);
    (
        safeguard(),
        safeguard(),
        limit(),
        overridden,
        prop::collection::vec(limit(), 6),
    )
        .prop_map(
            |(app_level, org_level, deactivations, overridden, limits)| {
                let mut settings = Settings::levels(app_level, org_level);
                settings.deactivations = deactivations;
                settings.set_overrides(
                    overridden
                        .into_iter()
                        .zip(limits)
                        .map(|(n, limit)| AppOverride {
                            app_id: app_id(n),
                            limit,
                        })
                        .collect(),
                );
                settings
            },
        )
}

/// Populations around the activation minimum, small ones for the counts, and now and then one
/// too large for 32 bits.
fn population() -> impl Strategy<Value = u64> {
    prop_oneof![
        10 => prop_oneof![
            Just(40u64),
            Just(99u64),
            Just(100u64),
            Just(1_000u64),
            0u64..200,
            0u64..5_000,
        ],
        1 => (1u64 << 32)..(1u64 << 40),
    ]
}

/// One import: up to 8 apps, picked from the org's in any order (so an app sits at different
/// places in different imports, and now and then twice in one), names from a small set so that
/// ties happen; the users it deactivates; its app, a listed one or "hr".
fn import() -> impl Strategy<Value = (AppId, Impact)> {
    let app = (
        0..APPS,
        population(),
        prop_oneof![0u64..=1_000, 0u64..=60],
        prop::sample::select(vec!["Asana", "Box", "Zoom"]),
    );
    let budget = (population(), prop_oneof![0u64..=1_000, 0u64..=30], 0u64..30);
    (
        prop::collection::vec(app, 0..8),
        0u64..10_000,
        budget,
        0usize..10,
    )
        .prop_map(|(apps, elsewhere, (active_users, permille, few), import)| {
            let apps: Vec<AppImpact> = apps
                .into_iter()
                .map(|(n, population, permille, name)| AppImpact {
                    app_id: app_id(n),
                    app_name: name.to_owned(),
                    population,
                    unassignments: population / 1_000 * permille
                        + population % 1_000 * permille / 1_000,
                })
                .collect();
            let org_population = apps.iter().map(|a| a.population).sum::<u64>() + elsewhere;
            let deactivations = (active_users / 1_000 * permille).max(few.min(active_users));
            let import = apps
                .get(import)
                .map_or_else(|| app_id(APPS), |a| a.app_id.clone());
            (
                import,
                Impact {
                    org_population,
                    apps,
                    deactivations,
                    active_users,
                },
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn the_prepared_compare_decides_as_compare_does(
        saved in settings(),
        proposed in settings(),
        imports in prop::collection::vec(import(), 0..12),
    ) {
        let pairs = || imports.iter().map(|(a, i)| (a, i));
        let prepared = Prepared::new(pairs());
        prop_assert_eq!(prepared.len(), imports.len());
        let fast = prepared.compare(&saved, &proposed, pairs());
        let plain = compare(&saved, &proposed, pairs());
        prop_assert_eq!(&fast, &plain);
        for ((app, impact), outcome) in imports.iter().zip(&fast.outcomes) {
            prop_assert_eq!(outcome.saved, decide(&saved, impact, app));
            prop_assert_eq!(outcome.proposed, decide(&proposed, impact, app));
            // The cause names the very app impact `decide` names, not only an equal one.
            let cause_app = outcome.proposed.and_then(|e| e.app).map(std::ptr::from_ref);
            let decided_app = decide(&proposed, impact, app)
                .and_then(|e| e.app)
                .map(std::ptr::from_ref);
            prop_assert_eq!(cause_app, decided_app);
        }
    }

    #[test]
    fn imports_it_was_not_read_from_are_still_decided_right(
        saved in settings(),
        proposed in settings(),
        read in prop::collection::vec(import(), 0..6),
        given in prop::collection::vec(import(), 0..10),
    ) {
        // Read from some imports, then given others (a list that changed since): every import
        // whose app count differs from what was read, or that comes after them, is decided by
        // `decide`; the rest must not be stale either, so they are given as read.
        let prepared = Prepared::new(read.iter().map(|(a, i)| (a, i)));
        let mut imports = read.clone();
        imports.extend(given);
        let pairs = || imports.iter().map(|(a, i)| (a, i));
        prop_assert_eq!(
            prepared.compare(&saved, &proposed, pairs()),
            compare(&saved, &proposed, pairs())
        );
    }
}
