//! The override as typed on an app's page, checked as the server checks it, and what it means
//! for the app in words: its limit, and the imports it would decide differently.

use crate::components::safeguard_editor::{parse_count, parse_optional_percent, preview};
use crate::format;
use safeguard_rules::api::{ImportView, SafeguardsView};
use safeguard_rules::ids::AppId;
use safeguard_rules::limits::ACTIVATION_MINIMUM;
use safeguard_rules::preview::limit_for;
use safeguard_rules::settings::{AppOverride, Limit, Settings};
use safeguard_rules::validation::FieldError;

/// Where the card puts the error of an enabled override with neither a percent nor a count:
/// under both fields, since either one fixes it. (The server names `percent` for it.)
pub const NEITHER: &str = "percentOrCount";

/// What the form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub enabled: bool,
    pub percent: String,
    pub count: String,
}

impl Draft {
    /// The form filled with a limit: the app's own one, or the org-wide one to start from.
    pub fn of(limit: Limit) -> Self {
        Self {
            enabled: limit.enabled,
            percent: limit.percent.map(|p| p.to_string()).unwrap_or_default(),
            count: limit.count.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    /// The limit typed, or every field in error (named as the server names them). A blank field
    /// is no value; both read as the org editor reads them, with its words.
    pub fn limit(&self) -> Result<Limit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let percent = parse_optional_percent(&self.percent)
            .map_err(|e| errors.push(FieldError::new("percent", e)));
        let count = parse_count(&self.count).map_err(|e| errors.push(FieldError::new("count", e)));
        let (Ok(percent), Ok(count)) = (percent, count) else {
            return Err(errors);
        };
        if self.enabled && percent.is_none() && count.is_none() {
            return Err(vec![FieldError::new(
                NEITHER,
                "an enabled override needs a percent or a count (or both); enter one, or turn the safeguard off for this app",
            )]);
        }
        Ok(Limit {
            enabled: self.enabled,
            percent,
            count,
        })
    }
}

/// A limit's rule as people read it: "20 %", "a count of 5", "off".
pub fn rule_words(limit: Limit) -> String {
    if limit.enabled {
        safeguard_rules::evaluator::rule_text(limit.percent, limit.count)
    } else {
        "off".to_owned()
    }
}

/// The limit `rule` sets on an app of `population` app users, or why there is none.
pub fn limit_words(rule: Limit, population: u64) -> String {
    match limit_for(rule, population) {
        Some(limit) => format!(
            "at most {} unassignments ({})",
            format::count(limit),
            rule_words(rule)
        ),
        None if !rule.enabled => "not checked: the safeguard is off".to_owned(),
        None => format!(
            "not checked: a percent applies only from {} app users, and this app has {}; a count applies at any size",
            format::count(ACTIVATION_MINIMUM),
            format::count(population)
        ),
    }
}

/// `saved` with this app's override replaced by `own` (or removed, for `None`).
pub fn with_override(saved: &Settings, app_id: &AppId, own: Option<Limit>) -> Settings {
    let mut settings = saved.clone();
    let mut overrides: Vec<AppOverride> = settings
        .overrides
        .iter()
        .filter(|o| &o.app_id != app_id)
        .cloned()
        .collect();
    if let Some(limit) = own {
        overrides.push(AppOverride {
            app_id: app_id.clone(),
            limit,
        });
    }
    settings.set_overrides(overrides);
    settings
}

/// One sentence per import the app's override `own` would decide differently than the saved
/// settings do (the org editor's sentences); empty when nothing changes.
pub fn differences(
    saved: &SafeguardsView,
    app_id: &AppId,
    own: Option<Limit>,
    imports: &[ImportView],
) -> Vec<String> {
    let settings = saved.settings();
    let proposed = with_override(&settings, app_id, own);
    preview(&settings, &proposed, imports).differences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(enabled: bool, percent: &str, count: &str) -> Draft {
        Draft {
            enabled,
            percent: percent.to_owned(),
            count: count.to_owned(),
        }
    }

    #[test]
    fn a_typed_override_reads_as_the_server_reads_it() {
        assert_eq!(
            draft(true, " 50 ", "").limit(),
            Ok(Limit {
                enabled: true,
                percent: Some(50),
                count: None
            })
        );
        assert_eq!(
            draft(false, "", "").limit(),
            Ok(Limit::default()),
            "an override that turns the app's safeguard off needs no value"
        );
        let errors = draft(true, "101", "-1").limit().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["percent", "count"]);
        assert!(errors[1].message.contains("at least 0"), "{errors:?}");
        let errors = draft(true, "", "").limit().unwrap_err();
        assert_eq!(errors[0].field, NEITHER);
        assert!(errors[0].message.contains("a percent or a count"));
        let errors = draft(true, "", "abc").limit().unwrap_err();
        assert!(
            errors[0].message.contains("\"abc\" is not one"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_percent_is_not_checked_below_the_minimum_and_a_count_is() {
        let percent = Limit {
            enabled: true,
            percent: Some(20),
            count: None,
        };
        assert!(
            limit_words(percent, 40).starts_with("not checked: a percent applies only from 100")
        );
        assert_eq!(
            limit_words(percent, 1_000),
            "at most 200 unassignments (20 %)"
        );
        let count = Limit {
            count: Some(5),
            ..percent
        };
        assert_eq!(
            limit_words(count, 40),
            "at most 5 unassignments (20 % or 5, whichever is smaller)"
        );
        assert_eq!(
            limit_words(Limit::default(), 1_000),
            "not checked: the safeguard is off"
        );
    }
}
