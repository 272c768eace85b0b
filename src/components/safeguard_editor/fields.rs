//! The editor's fields as typed, and what they mean once read: each level's percent and count,
//! the deactivation budget and the roadblock's scope.
//!
//! Every field keeps its text, not its value, so a half-typed "1." stays on screen with its
//! error instead of being corrected under the administrator's fingers.

use crate::format;
use leptos::prelude::*;
use safeguard_rules::api::SafeguardsView;
use safeguard_rules::settings::{
    Limit, MAX_COUNT, RoadblockScope, Safeguard, Settings, parse_percent,
};

/// Reads a count typed by a person: blank is no count, otherwise a whole number
/// 0..=[`MAX_COUNT`], spaces around it allowed. The error names what is wrong.
pub fn parse_count(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = text.strip_prefix('-')
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return Err("A count is a whole number of at least 0".to_owned());
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "A count is a whole number of at least 0, without decimals or units: \"{text}\" is not one"
        ));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= MAX_COUNT => Ok(Some(n)),
        _ => Err(format!("A count is at most {}", format::count(MAX_COUNT))),
    }
}

/// Reads a percent that may be left blank (the budget's): blank is none, otherwise as
/// [`parse_percent`].
pub fn parse_optional_percent(text: &str) -> Result<Option<u8>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse_percent(text).map(Some)
    }
}

/// The text a count shows in its field: blank for no count.
fn count_text(count: Option<u64>) -> String {
    count.map(|c| c.to_string()).unwrap_or_default()
}

/// One level's fields: the toggle, the percent and the optional count.
#[derive(Clone, Copy)]
pub struct LevelFields {
    pub enabled: RwSignal<bool>,
    pub percent: RwSignal<String>,
    pub count: RwSignal<String>,
}

impl LevelFields {
    fn new(level: &Safeguard) -> Self {
        Self {
            enabled: RwSignal::new(level.enabled),
            percent: RwSignal::new(level.percent.to_string()),
            count: RwSignal::new(count_text(level.count)),
        }
    }

    fn set(&self, level: &Safeguard) {
        self.enabled.set(level.enabled);
        self.percent.set(level.percent.to_string());
        self.count.set(count_text(level.count));
    }

    /// The level as typed, or `None` while a field is invalid.
    fn safeguard(&self) -> Option<Safeguard> {
        let percent = parse_percent(&self.percent.get()).ok()?;
        let count = parse_count(&self.count.get()).ok()?;
        Some(Safeguard::new(self.enabled.get(), percent)?.with_count(count))
    }
}

/// The deactivation budget's fields: the toggle, an optional percent and an optional count.
#[derive(Clone, Copy)]
pub struct BudgetFields {
    pub enabled: RwSignal<bool>,
    pub percent: RwSignal<String>,
    pub count: RwSignal<String>,
}

/// What the server and the editor say of an enabled budget with neither a percent nor a count.
pub const BUDGET_NEEDS_A_LIMIT: &str =
    "An enabled budget needs a percent or a count (or both): enter at least one, or turn it off";

impl BudgetFields {
    fn new(budget: &Limit) -> Self {
        Self {
            enabled: RwSignal::new(budget.enabled),
            percent: RwSignal::new(budget.percent.map(|p| p.to_string()).unwrap_or_default()),
            count: RwSignal::new(count_text(budget.count)),
        }
    }

    fn set(&self, budget: &Limit) {
        self.enabled.set(budget.enabled);
        self.percent
            .set(budget.percent.map(|p| p.to_string()).unwrap_or_default());
        self.count.set(count_text(budget.count));
    }

    /// The error that belongs to the budget as a whole, not to one of its fields.
    pub fn missing_limit(&self) -> Option<&'static str> {
        let blank = |s: RwSignal<String>| s.with(|t| t.trim().is_empty());
        (self.enabled.get() && blank(self.percent) && blank(self.count))
            .then_some(BUDGET_NEEDS_A_LIMIT)
    }

    /// The budget as typed, or `None` while it is invalid.
    fn limit(&self) -> Option<Limit> {
        if self.missing_limit().is_some() {
            return None;
        }
        Some(Limit {
            enabled: self.enabled.get(),
            percent: parse_optional_percent(&self.percent.get()).ok()?,
            count: parse_count(&self.count.get()).ok()?,
        })
    }
}

/// Every field of the editor.
#[derive(Clone, Copy)]
pub struct Fields {
    pub app: LevelFields,
    pub org: LevelFields,
    pub budget: BudgetFields,
    pub scope: RwSignal<RoadblockScope>,
}

impl Fields {
    pub fn new(settings: &Settings) -> Self {
        Self {
            app: LevelFields::new(&settings.app_level),
            org: LevelFields::new(&settings.org_level),
            budget: BudgetFields::new(&settings.deactivations),
            scope: RwSignal::new(settings.roadblock_scope),
        }
    }

    /// Puts `settings` in the fields (the overrides are not edited here).
    pub fn set(&self, settings: &Settings) {
        self.app.set(&settings.app_level);
        self.org.set(&settings.org_level);
        self.budget.set(&settings.deactivations);
        self.scope.set(settings.roadblock_scope);
    }

    /// The settings as typed, with the saved overrides of `saved`; `None` while a field is
    /// invalid.
    pub fn settings(&self, saved: &SafeguardsView) -> Option<Settings> {
        Some(Settings {
            app_level: self.app.safeguard()?,
            org_level: self.org.safeguard()?,
            deactivations: self.budget.limit()?,
            roadblock_scope: self.scope.get(),
            ..saved.settings()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_blank_or_a_whole_number_from_zero() {
        assert_eq!(parse_count(""), Ok(None));
        assert_eq!(parse_count("  "), Ok(None));
        assert_eq!(parse_count(" 50 "), Ok(Some(50)));
        assert_eq!(parse_count("0"), Ok(Some(0)));
        assert_eq!(
            parse_count("-1"),
            Err("A count is a whole number of at least 0".to_owned())
        );
        assert!(parse_count("2.5").unwrap_err().contains("without decimals"));
        assert!(parse_count("ten").unwrap_err().contains("\"ten\""));
        assert_eq!(parse_count(&MAX_COUNT.to_string()), Ok(Some(MAX_COUNT)));
        assert!(
            parse_count(&(MAX_COUNT + 1).to_string())
                .unwrap_err()
                .contains("at most 1,000,000,000,000")
        );
        assert!(parse_count("99999999999999999999999").is_err());
    }

    #[test]
    fn a_budget_percent_may_be_blank() {
        assert_eq!(parse_optional_percent(""), Ok(None));
        assert_eq!(parse_optional_percent("5"), Ok(Some(5)));
        assert!(parse_optional_percent("101").is_err());
    }
}
