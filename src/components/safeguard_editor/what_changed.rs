//! What another administrator's save changed, in words: shown when a save meets a newer version.

use safeguard_rules::api::{AppOverrideView, SafeguardsView};
use safeguard_rules::evaluator::rule_text;
use safeguard_rules::settings::{Limit, RoadblockScope};

fn describe(limit: Limit) -> String {
    let rule = rule_text(limit.percent, limit.count);
    if limit.enabled {
        rule
    } else if limit.percent.is_none() && limit.count.is_none() {
        "off".to_owned()
    } else {
        format!("off ({rule})")
    }
}

fn scope_words(scope: RoadblockScope) -> &'static str {
    match scope {
        RoadblockScope::Org => "org (every import waits)",
        RoadblockScope::App => "app (only the paused app's imports wait)",
    }
}

fn overrides_words(overrides: &[AppOverrideView]) -> String {
    if overrides.is_empty() {
        return "none".to_owned();
    }
    overrides
        .iter()
        .map(|o| format!("{} ({})", o.app_name, describe(o.limit())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What another administrator's save changed, setting by setting, in words.
pub fn what_changed(before: &SafeguardsView, after: &SafeguardsView) -> Vec<String> {
    let mut changes = Vec::new();
    let mut changed = |name: &str, old: String, new: String| {
        if old != new {
            changes.push(format!("{name}: {old} -> {new} (now saved)"));
        }
    };
    changed(
        "App level",
        describe(before.app_level.limit()),
        describe(after.app_level.limit()),
    );
    changed(
        "Org level",
        describe(before.org_level.limit()),
        describe(after.org_level.limit()),
    );
    changed(
        "Deactivation budget",
        describe(before.deactivations),
        describe(after.deactivations),
    );
    changed(
        "Roadblock scope",
        scope_words(before.roadblock_scope).to_owned(),
        scope_words(after.roadblock_scope).to_owned(),
    );
    changed(
        "Apps with their own app-level value",
        overrides_words(&before.app_overrides),
        overrides_words(&after.app_overrides),
    );
    if changes.is_empty() {
        changes.push(format!(
            "The values are the same; the version is now {}.",
            after.version
        ));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::settings::Safeguard;

    fn view(app: (bool, u8), org: (bool, u8), version: u64) -> SafeguardsView {
        SafeguardsView {
            app_level: Safeguard::new(app.0, app.1).unwrap(),
            org_level: Safeguard::new(org.0, org.1).unwrap(),
            deactivations: Default::default(),
            roadblock_scope: Default::default(),
            app_overrides: Vec::new(),
            version,
        }
    }

    #[test]
    fn a_conflict_says_what_the_other_change_saved() {
        let mine = view((true, 20), (true, 20), 3);
        let theirs = view((true, 15), (false, 20), 4);
        assert_eq!(
            what_changed(&mine, &theirs),
            [
                "App level: 20 % -> 15 % (now saved)",
                "Org level: 20 % -> off (20 %) (now saved)"
            ]
        );
        assert_eq!(
            what_changed(&mine, &view((true, 20), (true, 20), 4)),
            ["The values are the same; the version is now 4."]
        );
    }

    #[test]
    fn counts_the_budget_the_scope_and_the_overrides_are_described_too() {
        let mine = view((true, 20), (true, 20), 3);
        let mut theirs = view((true, 20), (true, 20), 4);
        theirs.org_level.count = Some(50);
        theirs.deactivations = Limit {
            enabled: true,
            percent: None,
            count: Some(10),
        };
        theirs.roadblock_scope = RoadblockScope::App;
        theirs.app_overrides = vec![AppOverrideView {
            app_id: "app_workday".into(),
            app_name: "Workday".into(),
            enabled: true,
            percent: Some(50),
            count: None,
        }];
        assert_eq!(
            what_changed(&mine, &theirs),
            [
                "Org level: 20 % -> 20 % or 50, whichever is smaller (now saved)",
                "Deactivation budget: off -> a count of 10 (now saved)",
                "Roadblock scope: org (every import waits) -> app (only the paused app's imports wait) (now saved)",
                "Apps with their own app-level value: none -> Workday (50 %) (now saved)",
            ]
        );
    }
}
