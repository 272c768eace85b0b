//! `GET` and `PUT /api/v1/safeguards`.

use crate::settings::{Safeguard, Settings, json_kind, percent_from_json, whole_u64};
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The settings as the API shows them, with the version a `PUT` must name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SafeguardsView {
    pub app_level: Safeguard,
    pub org_level: Safeguard,
    pub version: u64,
}

impl SafeguardsView {
    pub fn settings(&self) -> Settings {
        Settings {
            app_level: self.app_level,
            org_level: self.org_level,
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
    pub app_level: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Safeguard))]
    pub org_level: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub version: Option<serde_json::Value>,
}

impl SafeguardsUpdate {
    /// The new settings and the version the client saw, or every invalid field.
    pub fn validate(&self) -> Result<(Settings, u64), Vec<FieldError>> {
        let mut errors = Vec::new();
        let app_level = level(&mut errors, "appLevel", self.app_level.as_ref());
        let org_level = level(&mut errors, "orgLevel", self.org_level.as_ref());
        let version = match &self.version {
            Some(serde_json::Value::Number(n)) if whole_u64(n).is_some() => whole_u64(n),
            None | Some(serde_json::Value::Null) => {
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
        match (app_level, org_level, version) {
            (Some(app_level), Some(org_level), Some(version)) if errors.is_empty() => Ok((
                Settings {
                    app_level,
                    org_level,
                },
                version,
            )),
            _ => Err(errors),
        }
    }
}

fn level(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: Option<&serde_json::Value>,
) -> Option<Safeguard> {
    let Some(serde_json::Value::Object(fields)) = value else {
        let found = value.map_or("nothing", json_kind);
        errors.push(FieldError::new(
            name,
            format!("must be an object {{\"enabled\": bool, \"percent\": 0..100}}, got {found}"),
        ));
        return None;
    };
    let enabled = match fields.get("enabled") {
        Some(serde_json::Value::Bool(b)) => Some(*b),
        other => {
            errors.push(FieldError::new(
                format!("{name}.enabled"),
                format!(
                    "must be true or false, got {}",
                    other.map_or("nothing", json_kind)
                ),
            ));
            None
        }
    };
    let percent_field = format!("{name}.percent");
    let percent = match fields.get("percent") {
        Some(v) => percent_from_json(&percent_field, v)
            .map_err(|e| errors.push(e))
            .ok(),
        None => {
            errors.push(FieldError::new(percent_field, "is required"));
            None
        }
    };
    Safeguard::new(enabled?, percent?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn update(body: serde_json::Value) -> SafeguardsUpdate {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_valid_body_gives_settings_and_version() {
        let (settings, version) = update(json!({
            "appLevel": {"enabled": true, "percent": 15},
            "orgLevel": {"enabled": false, "percent": 30},
            "version": 4
        }))
        .validate()
        .unwrap();
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
}
