//! The import safeguards: the two levels, set for the whole org, and (version 2 of the rule
//! book) counts beside their percents, apps' own overrides, the deactivation budget and the
//! roadblock's scope.
//!
//! The app-level value is one value for every app, but for the apps that have an override: the
//! console says so wherever it is edited.

use crate::ids::AppId;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The largest count limit: far above any org's population, and within what storage keeps.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

/// The percent both safeguards start at.
pub const DEFAULT_PERCENT: u8 = 20;

/// One safeguard: whether it is on, and the largest share of a population (in whole percent)
/// that an import may unassign. `percent` is always within 0..=100; build it with
/// [`Safeguard::new`] or [`parse_percent`] to keep that true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Safeguard {
    pub enabled: bool,
    pub percent: u8,
    /// An absolute limit beside the percent: at most this many counted unassignments. The
    /// smaller of the two limits holds.
    #[serde(default)]
    pub count: Option<u64>,
}

impl Safeguard {
    /// A safeguard with a percent already known to be valid; `None` when it is above 100.
    pub fn new(enabled: bool, percent: u8) -> Option<Self> {
        (percent <= 100).then_some(Self {
            enabled,
            percent,
            count: None,
        })
    }

    /// This safeguard with a count limit beside its percent.
    pub fn with_count(self, count: Option<u64>) -> Self {
        Self { count, ..self }
    }

    /// As a [`Limit`]: the rule the evaluator applies.
    pub fn limit(&self) -> Limit {
        Limit {
            enabled: self.enabled,
            percent: Some(self.percent),
            count: self.count,
        }
    }
}

impl Default for Safeguard {
    fn default() -> Self {
        Self {
            enabled: true,
            percent: DEFAULT_PERCENT,
            count: None,
        }
    }
}

/// A limit that may have a percent, a count, or both: an app's override and the deactivation
/// budget. An enabled limit with neither is refused where it is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Limit {
    pub enabled: bool,
    pub percent: Option<u8>,
    pub count: Option<u64>,
}

/// An app's own app-level limit, used instead of the org-wide one for that app only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppOverride {
    pub app_id: AppId,
    #[serde(flatten)]
    pub limit: Limit,
}

/// Which imports a paused import holds back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum RoadblockScope {
    /// Every import of the org waits (the incumbent's way).
    #[default]
    Org,
    /// Only the paused app's imports wait; several apps may each have one paused import.
    App,
}

impl RoadblockScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RoadblockScope::Org => "org",
            RoadblockScope::App => "app",
        }
    }
}

/// The org's safeguard settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub app_level: Safeguard,
    pub org_level: Safeguard,
    /// A limit on the users one import deactivates, against the org's active users. Off by
    /// default.
    #[serde(default)]
    pub deactivations: Limit,
    #[serde(default)]
    pub roadblock_scope: RoadblockScope,
    /// Apps with their own app-level limit, sorted by app id (see [`Settings::set_overrides`]);
    /// read from JSON in any order, they are sorted as they are read.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "sorted_overrides"
    )]
    pub overrides: Vec<AppOverride>,
}

/// `overrides` sorted by app id, the first of each app's kept.
fn sorted(mut overrides: Vec<AppOverride>) -> Vec<AppOverride> {
    overrides.sort_by(|a, b| a.app_id.cmp(&b.app_id));
    overrides.dedup_by(|later, earlier| later.app_id == earlier.app_id);
    overrides
}

/// Reads the overrides of [`Settings`] in any order: [`Settings::app_limit`] searches them by
/// app id.
fn sorted_overrides<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<AppOverride>, D::Error> {
    Vec::<AppOverride>::deserialize(deserializer).map(sorted)
}

impl Settings {
    /// The version 1 settings: two levels, nothing else.
    pub fn levels(app_level: Safeguard, org_level: Safeguard) -> Self {
        Self {
            app_level,
            org_level,
            ..Self::default()
        }
    }

    /// Sets the overrides, sorted by app id so that [`Settings::app_limit`] finds them by
    /// binary search (the preview asks for tens of thousands).
    pub fn set_overrides(&mut self, overrides: Vec<AppOverride>) {
        self.overrides = sorted(overrides);
    }

    /// The app-level limit of one app: its override, or the org-wide value.
    pub fn app_limit(&self, app_id: &AppId) -> Limit {
        self.override_of(app_id)
            .map_or_else(|| self.app_level.limit(), |o| o.limit)
    }

    /// The override of one app, if it has one.
    pub fn override_of(&self, app_id: &AppId) -> Option<&AppOverride> {
        self.overrides
            .binary_search_by(|o| o.app_id.as_str().cmp(app_id.as_str()))
            .ok()
            .map(|at| &self.overrides[at])
    }
}

/// Reads a percent typed by a person (the console's input box): an integer 0..=100, spaces
/// around it allowed. The error message is the one the console shows under the input and the
/// server puts in its problem answer, so both say the same thing.
pub fn parse_percent(text: &str) -> Result<u8, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("enter a whole number from 0 to 100".to_owned());
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "\"{text}\" is not a whole number from 0 to 100 (no signs, decimals or units)"
        ));
    }
    match text.parse::<u32>() {
        Ok(n) if n <= 100 => Ok(n as u8),
        _ => Err(format!("{text} is more than 100")),
    }
}

/// Reads a percent from a JSON value of an API body: the same rule as [`parse_percent`], for
/// values that arrive as JSON numbers. `field` names it in the error (`appLevel.percent`).
pub fn percent_from_json(field: &str, value: &serde_json::Value) -> Result<u8, FieldError> {
    let err = |m: String| FieldError::new(field, m);
    match value {
        serde_json::Value::Number(n) => match (whole_u64(n), n.as_i64(), n.as_f64()) {
            (Some(v), _, _) if v <= 100 => Ok(v as u8),
            (Some(v), _, _) => Err(err(format!("must be at most 100, got {v}"))),
            (None, Some(v), _) => Err(err(format!("must be at least 0, got {v}"))),
            (_, _, Some(v)) => Err(err(format!("must be a whole number, got {v}"))),
            _ => Err(err("must be a whole number from 0 to 100".to_owned())),
        },
        serde_json::Value::Null => Err(err("is required".to_owned())),
        other => Err(err(format!(
            "must be a whole number from 0 to 100, got {}",
            json_kind(other)
        ))),
    }
}

/// A JSON number that is a whole number and not negative, as JSON Schema's `integer` counts
/// them: `20.0` is one, as `20` is.
pub fn whole_u64(n: &serde_json::Number) -> Option<u64> {
    n.as_u64().or_else(|| {
        let f = n.as_f64()?;
        // Below 2^53 every whole f64 is exact.
        (f >= 0.0 && f.fract() == 0.0 && f < 9_007_199_254_740_992.0).then_some(f as u64)
    })
}

pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_both_on_at_twenty_percent() {
        let s = Settings::default();
        assert_eq!(s.app_level, Safeguard::new(true, 20).unwrap());
        assert_eq!(s.org_level, Safeguard::new(true, 20).unwrap());
    }

    #[test]
    fn a_json_percent_is_a_whole_number_as_json_schema_counts_them() {
        assert_eq!(percent_from_json("p", &json!(31.0)), Ok(31));
        assert_eq!(percent_from_json("p", &json!(100)), Ok(100));
        assert!(percent_from_json("p", &json!(31.5)).is_err());
        assert!(percent_from_json("p", &json!(101.0)).is_err());
        assert!(percent_from_json("p", &json!(-1.0)).is_err());
    }

    #[test]
    fn typed_percent_accepts_zero_to_one_hundred() {
        assert_eq!(parse_percent("0"), Ok(0));
        assert_eq!(parse_percent(" 100 "), Ok(100));
        assert_eq!(parse_percent("020"), Ok(20));
    }

    #[test]
    fn typed_percent_rejects_what_is_not_a_whole_percent() {
        assert!(parse_percent("101").unwrap_err().contains("more than 100"));
        assert!(
            parse_percent("-1")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(
            parse_percent("12.5")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(
            parse_percent("20%")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_percent("").is_err());
        assert!(
            parse_percent("99999999999999999999")
                .unwrap_err()
                .contains("more than 100")
        );
    }

    #[test]
    fn json_percent_names_the_field_and_the_reason() {
        let e = percent_from_json("appLevel.percent", &json!(101)).unwrap_err();
        assert_eq!(e.field, "appLevel.percent");
        assert!(e.message.contains("at most 100"));
        assert!(
            percent_from_json("orgLevel.percent", &json!(-3))
                .unwrap_err()
                .message
                .contains("at least 0")
        );
        assert!(
            percent_from_json("orgLevel.percent", &json!(20.5))
                .unwrap_err()
                .message
                .contains("whole number")
        );
        assert!(
            percent_from_json("orgLevel.percent", &json!("20"))
                .unwrap_err()
                .message
                .contains("a string")
        );
        assert_eq!(percent_from_json("orgLevel.percent", &json!(0)), Ok(0));
    }
}
