//! `GET /api/v1/logs`: System Log events, in the shape administrators know from Okta.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogEvent {
    pub uuid: String,
    pub published: String,
    pub event_type: String,
    /// `DEBUG`, `INFO`, `WARN` or `ERROR`.
    pub severity: String,
    pub display_message: String,
    pub actor: LogActor,
    pub target: Vec<LogTarget>,
    pub outcome: LogOutcome,
    pub debug_context: DebugContext,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogActor {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogTarget {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
}

/// `result` is `SUCCESS`, `FAILURE` or `ALLOW`/`DENY`-like words; `reason` says why, when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogOutcome {
    pub result: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DebugContext {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub debug_data: serde_json::Map<String, serde_json::Value>,
}
