//! `/api/v1/apps`.

use crate::ids::{AppId, UserId};
use crate::org::Profile;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppView {
    pub id: AppId,
    pub name: String,
    pub profile_source: bool,
    pub deactivate_on_remove: bool,
    pub population: u64,
}

/// `POST /api/v1/apps`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewApp {
    pub name: String,
    #[serde(default)]
    pub profile_source: bool,
    #[serde(default)]
    pub deactivate_on_remove: bool,
}

/// One app user of `GET /api/v1/apps/{appId}/users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppUserView {
    pub user_id: UserId,
    pub login: String,
    pub status: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub profile: ProfileView,
    pub assigned_at: String,
}

/// A profile as the API shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
}

impl From<Profile> for ProfileView {
    fn from(p: Profile) -> Self {
        Self {
            external_id: p.external_id,
            first_name: p.first_name,
            last_name: p.last_name,
            email: p.email,
            attributes: p.attributes,
        }
    }
}
