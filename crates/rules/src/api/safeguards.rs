//! `GET` and `PUT /api/v1/safeguards`, and `/api/v1/apps/{appId}/safeguard` (an app's override).

use crate::ids::AppId;
use crate::settings::{
    AppOverride, Limit, MAX_COUNT, RoadblockScope, Safeguard, Settings, json_kind,
    percent_from_json, whole_u64,
};
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The settings as the API shows them, with the version a `PUT` must name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SafeguardsView {
    pub app_level: Safeguard,
    pub org_level: Safeguard,
    #[serde(default)]
    pub deactivations: Limit,
    #[serde(default)]
    pub roadblock_scope: RoadblockScope,
    /// The apps with their own app-level limit (set on each app), for the editor to list. Not
    /// read by `PUT`.
    #[serde(default)]
    pub app_overrides: Vec<AppOverrideView>,
    pub version: u64,
}

impl SafeguardsView {
    pub fn settings(&self) -> Settings {
        let mut settings = Settings {
            app_level: self.app_level,
            org_level: self.org_level,
            deactivations: self.deactivations,
            roadblock_scope: self.roadblock_scope,
            overrides: Vec::new(),
        };
        settings.set_overrides(
            self.app_overrides
                .iter()
                .map(|o| AppOverride {
                    app_id: o.app_id.clone(),
                    limit: o.limit(),
                })
                .collect(),
        );
        settings
    }
}

/// An app's override as the API shows it: `GET /api/v1/apps/{appId}/safeguard`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppOverrideView {
    pub app_id: AppId,
    pub app_name: String,
    pub enabled: bool,
    pub percent: Option<u8>,
    pub count: Option<u64>,
}

impl AppOverrideView {
    pub fn limit(&self) -> Limit {
        Limit {
            enabled: self.enabled,
            percent: self.percent,
            count: self.count,
        }
    }
}

/// A `PUT` body as it arrives: every field kept as raw JSON so that validation can name each
/// invalid one (`appLevel.percent`), rather than failing on the first type error.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SafeguardsUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = Safeguard))]
    pub app_level: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Safeguard))]
    pub org_level: Option<Value>,
    /// Left out: kept as it is.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Limit>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivations: Option<Value>,
    /// `"org"` or `"app"`; left out: kept as it is.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<RoadblockScope>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadblock_scope: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub version: Option<Value>,
}

/// A valid `PUT`: what it sets. What it leaves out (a level's `count`, the budget, the scope)
/// keeps its value, so a client of version 1 changes nothing it does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsChange {
    pub app_level: LevelChange,
    pub org_level: LevelChange,
    pub deactivations: Option<Limit>,
    pub roadblock_scope: Option<RoadblockScope>,
}

/// A level as a `PUT` sets it: `count` is `None` when the body left it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelChange {
    pub enabled: bool,
    pub percent: u8,
    pub count: Option<Option<u64>>,
}

impl LevelChange {
    fn applied_to(self, current: Safeguard) -> Safeguard {
        Safeguard {
            enabled: self.enabled,
            percent: self.percent,
            count: self.count.unwrap_or(current.count),
        }
    }
}

impl SettingsChange {
    /// `current` with this change made.
    pub fn applied_to(&self, current: &Settings) -> Settings {
        Settings {
            app_level: self.app_level.applied_to(current.app_level),
            org_level: self.org_level.applied_to(current.org_level),
            deactivations: self.deactivations.unwrap_or(current.deactivations),
            roadblock_scope: self.roadblock_scope.unwrap_or(current.roadblock_scope),
            overrides: current.overrides.clone(),
        }
    }
}

impl SafeguardsUpdate {
    /// What the body sets and the version the client saw, or every invalid field.
    pub fn validate(&self) -> Result<(SettingsChange, u64), Vec<FieldError>> {
        let mut errors = Vec::new();
        let app_level = level(&mut errors, "appLevel", self.app_level.as_ref());
        let org_level = level(&mut errors, "orgLevel", self.org_level.as_ref());
        let deactivations = match &self.deactivations {
            None => Some(None),
            Some(value) => limit(&mut errors, "deactivations", value, false).map(Some),
        };
        let roadblock_scope = match &self.roadblock_scope {
            None => Some(None),
            Some(value) => scope(&mut errors, value).map(Some),
        };
        let version = match &self.version {
            Some(Value::Number(n)) if whole_u64(n).is_some() => whole_u64(n),
            None | Some(Value::Null) => {
                errors.push(FieldError::new(
                    "version",
                    "is required: send the version you read, so a change made meanwhile is not overwritten",
                ));
                None
            }
            Some(_) => {
                errors.push(FieldError::new("version", "must be a whole number"));
                None
            }
        };
        match (
            app_level,
            org_level,
            deactivations,
            roadblock_scope,
            version,
        ) {
            (
                Some(app_level),
                Some(org_level),
                Some(deactivations),
                Some(roadblock_scope),
                Some(version),
            ) if errors.is_empty() => Ok((
                SettingsChange {
                    app_level,
                    org_level,
                    deactivations,
                    roadblock_scope,
                },
                version,
            )),
            _ => Err(errors),
        }
    }
}

/// `PUT /api/v1/apps/{appId}/safeguard`: the app's own app-level limit, raw for validation.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppOverrideUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = bool))]
    pub enabled: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u8>, minimum = 0, maximum = 100))]
    #[serde(default)]
    pub percent: Option<Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>, minimum = 0))]
    #[serde(default)]
    pub count: Option<Value>,
}

impl AppOverrideUpdate {
    /// The override, or every invalid field. An enabled override needs a percent or a count.
    pub fn validate(&self) -> Result<Limit, Vec<FieldError>> {
        let mut fields = serde_json::Map::new();
        if let Some(v) = &self.enabled {
            fields.insert("enabled".to_owned(), v.clone());
        }
        if let Some(v) = &self.percent {
            fields.insert("percent".to_owned(), v.clone());
        }
        if let Some(v) = &self.count {
            fields.insert("count".to_owned(), v.clone());
        }
        let mut errors = Vec::new();
        let found = limit(&mut errors, "", &Value::Object(fields), true);
        match found {
            Some(limit) if errors.is_empty() => Ok(limit),
            _ => Err(errors),
        }
    }
}

/// `name.field`, or `field` at the top of a body.
fn field(name: &str, part: &str) -> String {
    if name.is_empty() {
        part.to_owned()
    } else {
        format!("{name}.{part}")
    }
}

fn enabled(errors: &mut Vec<FieldError>, name: &str, value: Option<&Value>) -> Option<bool> {
    match value {
        Some(Value::Bool(b)) => Some(*b),
        other => {
            errors.push(FieldError::new(
                field(name, "enabled"),
                format!(
                    "must be true or false, got {}",
                    other.map_or("nothing", json_kind)
                ),
            ));
            None
        }
    }
}

/// A count limit: `null` (none) or a whole number from 0. `Err` once reported.
fn count(errors: &mut Vec<FieldError>, name: &str, value: &Value) -> Result<Option<u64>, ()> {
    let at = field(name, "count");
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => match (whole_u64(n), n.as_i64(), n.as_f64()) {
            (Some(v), _, _) if v <= MAX_COUNT => Ok(Some(v)),
            (Some(v), _, _) => {
                errors.push(FieldError::new(
                    at,
                    format!("must be at most {MAX_COUNT}, got {v}"),
                ));
                Err(())
            }
            (None, Some(v), _) => {
                errors.push(FieldError::new(at, format!("must be at least 0, got {v}")));
                Err(())
            }
            (_, _, Some(v)) => {
                errors.push(FieldError::new(
                    at,
                    format!("must be a whole number, got {v}"),
                ));
                Err(())
            }
            _ => {
                errors.push(FieldError::new(at, "must be a whole number from 0"));
                Err(())
            }
        },
        other => {
            errors.push(FieldError::new(
                at,
                format!(
                    "must be null or a whole number from 0, got {}",
                    json_kind(other)
                ),
            ));
            Err(())
        }
    }
}

fn level(errors: &mut Vec<FieldError>, name: &str, value: Option<&Value>) -> Option<LevelChange> {
    let Some(Value::Object(fields)) = value else {
        let found = value.map_or("nothing", json_kind);
        errors.push(FieldError::new(
            name,
            format!(
                "must be an object {{\"enabled\": bool, \"percent\": 0..100, \"count\"?: null or 0..}}, got {found}"
            ),
        ));
        return None;
    };
    let enabled = enabled(errors, name, fields.get("enabled"));
    let percent_field = field(name, "percent");
    let percent = match fields.get("percent") {
        Some(v) => percent_from_json(&percent_field, v)
            .map_err(|e| errors.push(e))
            .ok(),
        None => {
            errors.push(FieldError::new(percent_field, "is required"));
            None
        }
    };
    let count = match fields.get("count") {
        None => Ok(None),
        Some(v) => count(errors, name, v).map(Some),
    };
    let safeguard = Safeguard::new(enabled?, percent?)?;
    Some(LevelChange {
        enabled: safeguard.enabled,
        percent: safeguard.percent,
        count: count.ok()?,
    })
}

/// A limit whose percent and count may each be null (the budget, an override); an enabled one
/// needs at least one of them.
fn limit(errors: &mut Vec<FieldError>, name: &str, value: &Value, top: bool) -> Option<Limit> {
    let Value::Object(fields) = value else {
        errors.push(FieldError::new(
            name,
            format!(
                "must be an object {{\"enabled\": bool, \"percent\": null or 0..100, \"count\": null or 0..}}, got {}",
                json_kind(value)
            ),
        ));
        return None;
    };
    let enabled = enabled(errors, name, fields.get("enabled"));
    let percent_field = field(name, "percent");
    let percent = match fields.get("percent") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => percent_from_json(&percent_field, v)
            .map(Some)
            .map_err(|e| errors.push(e)),
    };
    let count = match fields.get("count") {
        None => Ok(None),
        Some(v) => count(errors, name, v),
    };
    let (enabled, percent, count) = (enabled?, percent.ok()?, count.ok()?);
    if enabled && percent.is_none() && count.is_none() {
        let what = if top {
            "an enabled override"
        } else {
            "an enabled budget"
        };
        errors.push(FieldError::new(
            percent_field,
            format!("{what} needs a percent or a count (or both); both are null"),
        ));
        return None;
    }
    Some(Limit {
        enabled,
        percent,
        count,
    })
}

fn scope(errors: &mut Vec<FieldError>, value: &Value) -> Option<RoadblockScope> {
    match value.as_str() {
        Some("org") => Some(RoadblockScope::Org),
        Some("app") => Some(RoadblockScope::App),
        _ => {
            errors.push(FieldError::new(
                "roadblockScope",
                format!(
                    "must be \"org\" (every import waits) or \"app\" (only the paused app's imports wait), got {}",
                    match value {
                        Value::String(s) => format!("\"{s}\""),
                        other => json_kind(other).to_owned(),
                    }
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn update(body: Value) -> SafeguardsUpdate {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_valid_body_gives_settings_and_version() {
        let (change, version) = update(json!({
            "appLevel": {"enabled": true, "percent": 15},
            "orgLevel": {"enabled": false, "percent": 30},
            "version": 4
        }))
        .validate()
        .unwrap();
        let settings = change.applied_to(&Settings::default());
        assert_eq!(settings.app_level.percent, 15);
        assert!(!settings.org_level.enabled);
        assert_eq!(version, 4);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let errors = update(json!({
            "appLevel": {"enabled": true, "percent": 101},
            "orgLevel": {"enabled": "yes", "percent": 2.5}
        }))
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "appLevel.percent",
                "orgLevel.enabled",
                "orgLevel.percent",
                "version"
            ]
        );
    }

    #[test]
    fn what_a_body_leaves_out_is_kept() {
        let mut current = Settings::default();
        current.app_level.count = Some(40);
        current.deactivations = Limit {
            enabled: true,
            percent: None,
            count: Some(10),
        };
        current.roadblock_scope = RoadblockScope::App;
        let (change, _) = update(json!({
            "appLevel": {"enabled": true, "percent": 25},
            "orgLevel": {"enabled": true, "percent": 20, "count": null},
            "version": 1
        }))
        .validate()
        .unwrap();
        let next = change.applied_to(&current);
        assert_eq!(next.app_level.count, Some(40), "left out: kept");
        assert_eq!(next.org_level.count, None, "null: cleared");
        assert_eq!(next.deactivations, current.deactivations);
        assert_eq!(next.roadblock_scope, RoadblockScope::App);
    }

    #[test]
    fn counts_the_budget_and_the_scope_are_checked_and_named() {
        let errors = update(json!({
            "appLevel": {"enabled": true, "percent": 20, "count": -1},
            "orgLevel": {"enabled": true, "percent": 20, "count": 2.5},
            "deactivations": {"enabled": true, "percent": null, "count": null},
            "roadblockScope": "team",
            "version": 1
        }))
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "appLevel.count",
                "orgLevel.count",
                "deactivations.percent",
                "roadblockScope"
            ]
        );
        assert!(errors[0].message.contains("at least 0"));
        assert!(errors[3].message.contains("\"team\""));
    }

    #[test]
    fn an_enabled_override_needs_a_percent_or_a_count() {
        let body = |v: Value| serde_json::from_value::<AppOverrideUpdate>(v).unwrap();
        let errors = body(json!({"enabled": true, "percent": null, "count": null}))
            .validate()
            .unwrap_err();
        assert_eq!(errors[0].field, "percent");
        assert_eq!(
            body(json!({"enabled": true, "count": 5})).validate(),
            Ok(Limit {
                enabled: true,
                percent: None,
                count: Some(5)
            })
        );
        assert!(
            body(json!({"enabled": false}))
                .validate()
                .is_ok_and(|l| !l.enabled)
        );
        let errors = body(json!({"percent": 120, "count": -2}))
            .validate()
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["enabled", "percent", "count"]);
    }
}
