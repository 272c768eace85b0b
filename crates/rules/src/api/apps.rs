//! `/api/v1/apps`.

use crate::ids::{AppId, UserId};
use crate::org::{App, Profile};
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// What an entry of an app's snapshot is matched to a user by, after this app's external id
/// (`sources.md`): `login` always, `email` when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MatchField {
    Login,
    Email,
}

impl MatchField {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchField::Login => "login",
            MatchField::Email => "email",
        }
    }
}

/// `matchBy` of an app that matches by email too, or by login only.
pub fn match_by(by_email: bool) -> Vec<MatchField> {
    if by_email {
        vec![MatchField::Login, MatchField::Email]
    } else {
        vec![MatchField::Login]
    }
}

/// The lowest rank a profile source may be given: far more than any org has sources.
pub const MAX_PRIORITY: u32 = 1_000_000;

fn default_match_by() -> Vec<MatchField> {
    match_by(false)
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppView {
    pub id: AppId,
    pub name: String,
    pub profile_source: bool,
    pub deactivate_on_remove: bool,
    /// A profile source's rank, 1 the highest; `null` for other apps.
    pub profile_source_priority: Option<u32>,
    pub match_by: Vec<MatchField>,
    pub reactivate_on_return: bool,
    pub population: u64,
}

impl AppView {
    /// The app's settings, as the planner reads them.
    pub fn app(&self) -> App {
        App {
            id: self.id.clone(),
            name: self.name.clone(),
            profile_source: self.profile_source,
            deactivate_on_remove: self.deactivate_on_remove,
            profile_source_priority: self.profile_source_priority,
            match_by_email: self.match_by.contains(&MatchField::Email),
            reactivate_on_return: self.reactivate_on_return,
        }
    }
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
    /// A profile source's rank, 1 the highest, unique among profile sources; when left out, a
    /// new profile source ranks after every other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub profile_source_priority: Option<u32>,
    #[serde(default = "default_match_by")]
    pub match_by: Vec<MatchField>,
    #[serde(default = "yes")]
    pub reactivate_on_return: bool,
}

impl NewApp {
    /// The problems of the directory settings, each naming its field. That a priority is
    /// unique is for the server to check, against the apps it has.
    pub fn validate_directory(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.deactivate_on_remove && !self.profile_source {
            errors.push(FieldError::new(
                "deactivateOnRemove",
                "only a profile source can deactivate users removed from it; set profileSource too",
            ));
        }
        check_priority(
            &mut errors,
            self.profile_source,
            self.profile_source_priority,
        );
        check_match_by(&mut errors, &self.match_by);
        errors
    }
}

/// `PATCH /api/v1/apps/{appId}`: the directory settings of an app; what is left out is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub profile_source_priority: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_by: Option<Vec<MatchField>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactivate_on_return: Option<bool>,
}

impl AppPatch {
    /// The app with this patch applied, or the problems, each naming its field.
    pub fn apply_to(&self, app: &App) -> Result<App, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.profile_source_priority.is_some() {
            check_priority(
                &mut errors,
                app.profile_source,
                self.profile_source_priority,
            );
        }
        if let Some(match_by) = &self.match_by {
            check_match_by(&mut errors, match_by);
        }
        if self.reactivate_on_return.is_some() && !app.profile_source {
            errors.push(FieldError::new(
                "reactivateOnReturn",
                "only a profile source reactivates users; this app is not one",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut patched = app.clone();
        if let Some(priority) = self.profile_source_priority {
            patched.profile_source_priority = Some(priority);
        }
        if let Some(match_by) = &self.match_by {
            patched.match_by_email = match_by.contains(&MatchField::Email);
        }
        if let Some(reactivate) = self.reactivate_on_return {
            patched.reactivate_on_return = reactivate;
        }
        Ok(patched)
    }
}

fn check_priority(errors: &mut Vec<FieldError>, profile_source: bool, priority: Option<u32>) {
    match priority {
        Some(_) if !profile_source => errors.push(FieldError::new(
            "profileSourcePriority",
            "only a profile source is ranked; set profileSource too, or leave the priority out",
        )),
        Some(0) => errors.push(FieldError::new(
            "profileSourcePriority",
            "must be 1 or more (1 is the highest rank)",
        )),
        Some(p) if p > MAX_PRIORITY => errors.push(FieldError::new(
            "profileSourcePriority",
            format!("must be at most {MAX_PRIORITY}, got {p}"),
        )),
        _ => {}
    }
}

fn check_match_by(errors: &mut Vec<FieldError>, match_by: &[MatchField]) {
    if !match_by.contains(&MatchField::Login) {
        errors.push(FieldError::new(
            "matchBy",
            "must hold \"login\": entries are always matched by login, and by email only beside it",
        ));
    }
    for (k, field) in match_by.iter().enumerate() {
        if match_by[..k].contains(field) {
            errors.push(FieldError::new(
                format!("matchBy[{k}]"),
                format!("\"{}\" is listed twice", field.as_str()),
            ));
        }
    }
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

impl ProfileView {
    /// The profile of an app user: its app's id for the user beside a profile.
    pub fn of(profile: Profile, external_id: Option<String>) -> Self {
        Self {
            external_id,
            first_name: profile.first_name,
            last_name: profile.last_name,
            email: profile.email,
            attributes: profile.attributes,
        }
    }
}
