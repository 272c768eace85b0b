//! `/api/v1/apps/{appId}/source`: where an app's snapshot comes from (`shared/spec/sources.md`).
//!
//! One app has one source. `upload` takes the snapshot in the request body; `ldap`, `scim` and
//! `csvFile` are read by the server, on demand or on a schedule. Secrets (`password`,
//! `bearerToken`) are write-only: an answer says only whether one is set.

use crate::snapshot::SnapshotUser;
use crate::validation::FieldError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// A nested setting read only from a JSON object: serde would also take an array of the fields
/// in order (`"schedule": [5]`), which no administrator means.
fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<T, D::Error> {
    let map = serde_json::Map::deserialize(deserializer)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

/// A whole number as JSON Schema's `integer` counts them: `5.0` is one, as `5` is.
fn whole_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    crate::settings::whole_u64(&number)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{number} is not a whole number from 0 to {}",
                u32::MAX
            ))
        })
}

/// [`object`], or `null`.
fn optional_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(map) => serde_json::from_value(serde_json::Value::Object(map))
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// The filter an LDAP source uses when it names none: every person entry.
pub const DEFAULT_LDAP_FILTER: &str = "(objectClass=inetOrgPerson)";
pub const DEFAULT_LDAP_PAGE_SIZE: u32 = 500;
pub const DEFAULT_SCIM_PAGE_SIZE: u32 = 100;
/// The largest page a source may ask for: what Active Directory's MaxPageSize and most SCIM
/// services allow.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// The longest schedule: a week. Longer is not a schedule anyone relies on.
pub const MAX_EVERY_MINUTES: u32 = 7 * 24 * 60;
/// How many users `POST .../source/test` shows.
pub const SAMPLE_SIZE: usize = 5;
pub use crate::warnings::{ImportWarnings, MAX_LISTED_WARNINGS, SourceWarning};
/// The longest URL, path, DN or filter a setting holds.
pub const MAX_SETTING_CHARS: usize = 2048;
/// The most extra attributes a source copies into the app profile.
pub const MAX_EXTRA_ATTRIBUTES: usize = 100;

/// The kinds of source, as `kind` names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    #[default]
    Upload,
    Ldap,
    Scim,
    CsvFile,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Upload => "upload",
            SourceKind::Ldap => "ldap",
            SourceKind::Scim => "scim",
            SourceKind::CsvFile => "csvFile",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "upload" => Some(SourceKind::Upload),
            "ldap" => Some(SourceKind::Ldap),
            "scim" => Some(SourceKind::Scim),
            "csvFile" => Some(SourceKind::CsvFile),
            _ => None,
        }
    }
}

/// When a source is read on its own: every `everyMinutes` after the last import started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
    #[serde(deserialize_with = "whole_u32")]
    pub every_minutes: u32,
}

/// Which of the source's fields give a user's five known fields. A field left out takes the
/// kind's default ([`SourceMapping::ldap_default`], [`SourceMapping::scim_default`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceMapping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// A mapping with every field named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedMapping {
    pub external_id: String,
    pub login: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

impl SourceMapping {
    /// OpenLDAP's attributes. For Active Directory name `objectGUID` and `userPrincipalName`.
    pub fn ldap_default() -> ResolvedMapping {
        ResolvedMapping {
            external_id: "entryUUID".to_owned(),
            login: "uid".to_owned(),
            email: "mail".to_owned(),
            first_name: "givenName".to_owned(),
            last_name: "sn".to_owned(),
        }
    }

    /// SCIM's core User schema. `emails` means the primary address, else the first.
    pub fn scim_default() -> ResolvedMapping {
        ResolvedMapping {
            external_id: "id".to_owned(),
            login: "userName".to_owned(),
            email: "emails".to_owned(),
            first_name: "name.givenName".to_owned(),
            last_name: "name.familyName".to_owned(),
        }
    }

    /// This mapping over `defaults`.
    pub fn resolve(&self, defaults: ResolvedMapping) -> ResolvedMapping {
        let pick = |given: &Option<String>, default: String| given.clone().unwrap_or(default);
        ResolvedMapping {
            external_id: pick(&self.external_id, defaults.external_id),
            login: pick(&self.login, defaults.login),
            email: pick(&self.email, defaults.email),
            first_name: pick(&self.first_name, defaults.first_name),
            last_name: pick(&self.last_name, defaults.last_name),
        }
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        let fields = [
            ("externalId", &self.external_id),
            ("login", &self.login),
            ("email", &self.email),
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                let field = format!("mapping.{name}");
                if value.trim().is_empty() {
                    errors.push(FieldError::new(
                        field,
                        "must name an attribute of the source (or be left out for the default)",
                    ));
                } else if value.chars().count() > 256 || value.chars().any(char::is_whitespace) {
                    errors.push(FieldError::new(
                        field,
                        "must be one attribute name, without spaces, of at most 256 characters",
                    ));
                }
            }
        }
    }
}

/// `scope` of an LDAP search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LdapScope {
    /// The whole subtree under the base DN.
    #[default]
    Sub,
    /// The base DN's children only.
    One,
}

/// An LDAP v3 directory (OpenLDAP, Active Directory), read with a paged search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LdapSettings {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    #[serde(default)]
    pub start_tls: bool,
    /// PEM certificates trusted beside the system's roots, for a directory with a private CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<String>,
    /// Who binds; none binds anonymously.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_dn: Option<String>,
    /// Write-only: kept when left out of a `PUT`; never in an answer (answers are
    /// [`SourceSettings::redacted`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// In answers: whether a password is stored.
    #[serde(default)]
    pub password_set: bool,
    pub base_dn: String,
    #[serde(default)]
    pub scope: LdapScope,
    #[serde(default = "default_ldap_filter")]
    pub filter: String,
    #[serde(default = "default_ldap_page_size", deserialize_with = "whole_u32")]
    pub page_size: u32,
    #[serde(default, deserialize_with = "object")]
    pub mapping: SourceMapping,
    /// More attributes copied into the app profile, by name.
    #[serde(default)]
    pub attributes: Vec<String>,
    #[serde(default, deserialize_with = "optional_object")]
    pub schedule: Option<Schedule>,
}

fn default_ldap_filter() -> String {
    DEFAULT_LDAP_FILTER.to_owned()
}

fn default_ldap_page_size() -> u32 {
    DEFAULT_LDAP_PAGE_SIZE
}

fn default_scim_page_size() -> u32 {
    DEFAULT_SCIM_PAGE_SIZE
}

/// A SCIM 2.0 service provider's `/Users` (RFC 7644), paged with `startIndex` and `count`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScimSettings {
    /// The service's base URL; `/Users` is read under it.
    pub base_url: String,
    /// Write-only: kept when left out of a `PUT`; never in an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
    /// In answers: whether a token is stored.
    #[serde(default)]
    pub bearer_token_set: bool,
    #[serde(default = "default_scim_page_size", deserialize_with = "whole_u32")]
    pub page_size: u32,
    /// A SCIM filter (`active eq true`), sent as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, deserialize_with = "object")]
    pub mapping: SourceMapping,
    /// More attribute paths copied into the app profile (`title`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
    #[serde(default)]
    pub attributes: Vec<String>,
    #[serde(default, deserialize_with = "optional_object")]
    pub schedule: Option<Schedule>,
}

/// A CSV file on the server's disk that another job writes (an HR export).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvFileSettings {
    /// An absolute path on the server.
    pub path: String,
    #[serde(default, deserialize_with = "optional_object")]
    pub schedule: Option<Schedule>,
}

/// The snapshot comes with each `POST /apps/{id}/imports`; there is nothing to schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadSettings {
    #[serde(default, deserialize_with = "optional_object")]
    pub schedule: Option<Schedule>,
}

/// An app's source: `GET` and `PUT /api/v1/apps/{appId}/source`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SourceSettings {
    Upload(UploadSettings),
    Ldap(LdapSettings),
    Scim(ScimSettings),
    CsvFile(CsvFileSettings),
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings::Upload(UploadSettings::default())
    }
}

impl SourceSettings {
    pub fn kind(&self) -> SourceKind {
        match self {
            SourceSettings::Upload(_) => SourceKind::Upload,
            SourceSettings::Ldap(_) => SourceKind::Ldap,
            SourceSettings::Scim(_) => SourceKind::Scim,
            SourceSettings::CsvFile(_) => SourceKind::CsvFile,
        }
    }

    pub fn schedule(&self) -> Option<Schedule> {
        match self {
            SourceSettings::Upload(s) => s.schedule,
            SourceSettings::Ldap(s) => s.schedule,
            SourceSettings::Scim(s) => s.schedule,
            SourceSettings::CsvFile(s) => s.schedule,
        }
    }

    /// The secret this source holds, if its kind has one.
    pub fn secret(&self) -> Option<&str> {
        match self {
            SourceSettings::Ldap(s) => s.password.as_deref(),
            SourceSettings::Scim(s) => s.bearer_token.as_deref(),
            _ => None,
        }
    }

    /// Sets the secret (a decrypted one from storage, or none to keep it out of an answer) and
    /// whether one is set.
    pub fn set_secret(&mut self, secret: Option<String>, is_set: bool) {
        match self {
            SourceSettings::Ldap(s) => {
                s.password = secret;
                s.password_set = is_set;
            }
            SourceSettings::Scim(s) => {
                s.bearer_token = secret;
                s.bearer_token_set = is_set;
            }
            _ => {}
        }
    }

    /// The settings an answer shows: no secret, only whether one is set.
    pub fn redacted(&self) -> Self {
        let mut shown = self.clone();
        let is_set = self.secret().is_some_and(|s| !s.is_empty());
        shown.set_secret(None, is_set);
        shown
    }

    /// Every invalid field, or none.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_schedule(self.schedule(), self.kind(), &mut errors);
        match self {
            SourceSettings::Upload(_) => {}
            SourceSettings::Ldap(s) => {
                check_url(&s.url, &["ldap://", "ldaps://"], &mut errors);
                if s.start_tls && s.url.to_ascii_lowercase().starts_with("ldaps://") {
                    errors.push(FieldError::new(
                        "startTls",
                        "must be false with an ldaps:// URL, which is TLS from the first byte",
                    ));
                }
                if let Some(pem) = &s.ca_certificate
                    && !pem.contains("-----BEGIN CERTIFICATE-----")
                {
                    errors.push(FieldError::new(
                        "caCertificate",
                        "must be PEM: one or more -----BEGIN CERTIFICATE----- blocks",
                    ));
                }
                if s.base_dn.trim().is_empty() {
                    errors.push(FieldError::new(
                        "baseDn",
                        "must name the entry to search under (dc=example,dc=com)",
                    ));
                } else if !s.base_dn.contains('=') {
                    errors.push(FieldError::new(
                        "baseDn",
                        format!(
                            "must be a DN such as ou=people,dc=example,dc=com (got \"{}\")",
                            s.base_dn
                        ),
                    ));
                }
                if s.bind_dn.as_deref().is_some_and(|dn| !dn.contains('=')) {
                    errors.push(FieldError::new(
                        "bindDn",
                        "must be a DN such as cn=reader,dc=example,dc=com",
                    ));
                }
                let filter = s.filter.trim();
                if !(filter.starts_with('(') && filter.ends_with(')') && balanced(filter)) {
                    errors.push(FieldError::new(
                        "filter",
                        format!(
                            "must be an LDAP filter in parentheses, such as {DEFAULT_LDAP_FILTER}"
                        ),
                    ));
                }
                check_length("filter", &s.filter, &mut errors);
                check_length("baseDn", &s.base_dn, &mut errors);
                check_page_size(s.page_size, &mut errors);
                s.mapping.check(&mut errors);
                check_attributes(&s.attributes, &mut errors);
            }
            SourceSettings::Scim(s) => {
                check_url(&s.base_url, &["http://", "https://"], &mut errors);
                // Sent as `Authorization: Bearer ...`: a header carries visible ASCII only.
                if let Some(token) = &s.bearer_token
                    && !token.bytes().all(|b| b.is_ascii_graphic())
                {
                    errors.push(FieldError::new(
                        "bearerToken",
                        "may hold only visible ASCII characters (no spaces, line breaks or accents): it is sent in an HTTP header",
                    ));
                }
                check_page_size(s.page_size, &mut errors);
                if let Some(filter) = &s.filter {
                    check_length("filter", filter, &mut errors);
                }
                s.mapping.check(&mut errors);
                check_attributes(&s.attributes, &mut errors);
            }
            SourceSettings::CsvFile(s) => {
                if !s.path.starts_with('/') {
                    errors.push(FieldError::new(
                        "path",
                        format!(
                            "must be an absolute path on the server, such as /var/exports/workday.csv (got \"{}\")",
                            s.path
                        ),
                    ));
                }
                check_length("path", &s.path, &mut errors);
            }
        }
        errors
    }
}

fn check_schedule(schedule: Option<Schedule>, kind: SourceKind, errors: &mut Vec<FieldError>) {
    let Some(schedule) = schedule else { return };
    if kind == SourceKind::Upload {
        errors.push(FieldError::new(
            "schedule",
            "must be null for an upload source: its snapshot comes with each request",
        ));
    } else if schedule.every_minutes < 1 {
        errors.push(FieldError::new(
            "schedule.everyMinutes",
            "must be at least 1 minute",
        ));
    } else if schedule.every_minutes > MAX_EVERY_MINUTES {
        errors.push(FieldError::new(
            "schedule.everyMinutes",
            format!("must be at most {MAX_EVERY_MINUTES} minutes (a week)"),
        ));
    }
}

fn check_url(url: &str, schemes: &[&str], errors: &mut Vec<FieldError>) {
    let field = if schemes[0].starts_with("ldap") {
        "url"
    } else {
        "baseUrl"
    };
    let lower = url.to_ascii_lowercase();
    match schemes.iter().find(|s| lower.starts_with(**s)) {
        None => errors.push(FieldError::new(
            field,
            format!(
                "must start with {} (got \"{}\")",
                schemes.join(" or "),
                url.chars().take(60).collect::<String>()
            ),
        )),
        Some(scheme) => {
            let host = &url[scheme.len()..];
            if host.is_empty() || host.starts_with('/') || host.starts_with(':') {
                errors.push(FieldError::new(field, "must name a host"));
            } else if url.chars().any(char::is_whitespace) {
                errors.push(FieldError::new(field, "must not contain spaces"));
            }
        }
    }
    check_length(field, url, errors);
}

fn check_length(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.chars().count() > MAX_SETTING_CHARS {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_SETTING_CHARS} characters"),
        ));
    }
}

fn check_page_size(size: u32, errors: &mut Vec<FieldError>) {
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        errors.push(FieldError::new(
            "pageSize",
            format!("must be from 1 to {MAX_PAGE_SIZE} (got {size})"),
        ));
    }
}

fn check_attributes(attributes: &[String], errors: &mut Vec<FieldError>) {
    if attributes.len() > MAX_EXTRA_ATTRIBUTES {
        errors.push(FieldError::new(
            "attributes",
            format!("must name at most {MAX_EXTRA_ATTRIBUTES} attributes"),
        ));
    }
    for (i, name) in attributes.iter().enumerate() {
        if name.is_empty() || name.chars().any(char::is_whitespace) || name.chars().count() > 256 {
            errors.push(FieldError::new(
                format!("attributes[{i}]"),
                "must be one attribute name, without spaces, of at most 256 characters",
            ));
        }
    }
}

/// Whether every parenthesis of an LDAP filter closes, none before it opens.
fn balanced(filter: &str) -> bool {
    let mut depth = 0_i32;
    let mut escaped = false;
    for c in filter.chars() {
        match c {
            '\\' => escaped = !escaped,
            '(' if !escaped => depth += 1,
            ')' if !escaped => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    depth == 0
}

/// The answer to `POST /api/v1/apps/{appId}/source/test`: the source read, nothing imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SourceTestResult {
    pub ok: bool,
    /// How many users an import would read.
    pub users: u64,
    /// The first users, as they would be imported.
    pub sample: Vec<SnapshotUser>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "ImportWarnings::is_empty")]
    pub warnings: ImportWarnings,
}

/// What started an import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ImportTrigger {
    /// An administrator in the console (Import now, an uploaded file).
    Manual,
    /// The app's schedule.
    Schedule,
    /// A script or another system calling the API with a token.
    #[default]
    Api,
}

impl ImportTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportTrigger::Manual => "manual",
            ImportTrigger::Schedule => "schedule",
            ImportTrigger::Api => "api",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "manual" => Some(ImportTrigger::Manual),
            "schedule" => Some(ImportTrigger::Schedule),
            "api" => Some(ImportTrigger::Api),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ldap(json: &str) -> SourceSettings {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_ldap_source_takes_the_defaults_of_the_spec() {
        let source = ldap(
            r#"{"kind": "ldap", "url": "ldap://dir.example.com", "baseDn": "dc=example,dc=com"}"#,
        );
        let SourceSettings::Ldap(s) = &source else {
            panic!("not ldap")
        };
        assert_eq!(s.filter, DEFAULT_LDAP_FILTER);
        assert_eq!(s.page_size, 500);
        assert_eq!(s.scope, LdapScope::Sub);
        assert_eq!(s.schedule, None);
        assert_eq!(
            s.mapping.resolve(SourceMapping::ldap_default()).login,
            "uid"
        );
        assert!(source.validate().is_empty(), "{:?}", source.validate());
    }

    #[test]
    fn a_secret_is_never_in_an_answer() {
        let source = ldap(
            r#"{"kind": "ldap", "url": "ldaps://dir", "baseDn": "dc=x", "bindDn": "cn=r,dc=x", "password": "s3cret"}"#,
        );
        let shown = serde_json::to_value(source.redacted()).unwrap();
        assert_eq!(shown["passwordSet"], true);
        assert!(shown.get("password").is_none(), "{shown}");
        assert_eq!(shown["kind"], "ldap");
        assert_eq!(shown["schedule"], serde_json::Value::Null);
    }

    #[test]
    fn bad_settings_name_their_field() {
        let source = ldap(
            r#"{"kind": "ldap", "url": "http://dir", "baseDn": " ", "filter": "(uid=a", "pageSize": 0,
                "mapping": {"login": ""}, "schedule": {"everyMinutes": 0}}"#,
        );
        let fields: Vec<String> = source.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "schedule.everyMinutes",
                "url",
                "baseDn",
                "filter",
                "pageSize",
                "mapping.login"
            ]
        );
    }

    #[test]
    fn an_unknown_field_or_kind_is_refused() {
        assert!(
            serde_json::from_str::<SourceSettings>(
                r#"{"kind": "csvFile", "path": "/x", "pth": 1}"#
            )
            .is_err()
        );
        assert!(serde_json::from_str::<SourceSettings>(r#"{"kind": "ftp"}"#).is_err());
        let csv: SourceSettings =
            serde_json::from_str(r#"{"kind": "csvFile", "path": "exports/hr.csv"}"#).unwrap();
        assert_eq!(csv.validate()[0].field, "path");
    }

    #[test]
    fn an_upload_source_has_no_schedule() {
        let upload: SourceSettings =
            serde_json::from_str(r#"{"kind": "upload", "schedule": {"everyMinutes": 5}}"#).unwrap();
        assert_eq!(upload.validate()[0].field, "schedule");
        assert_eq!(
            serde_json::to_value(SourceSettings::default()).unwrap(),
            serde_json::json!({"kind": "upload", "schedule": null})
        );
    }

    #[test]
    fn warnings_count_all_and_list_the_first_hundred() {
        let mut warnings = ImportWarnings::default();
        for i in 0..150 {
            warnings.push(format!("uid={i}"), "no uid");
        }
        assert_eq!(warnings.count, 150);
        assert_eq!(warnings.first.len(), MAX_LISTED_WARNINGS);
    }

    #[test]
    fn nested_settings_are_objects_not_arrays() {
        let array_mapping = r#"{"kind": "scim", "baseUrl": "https://x", "mapping": [null, null]}"#;
        assert!(serde_json::from_str::<SourceSettings>(array_mapping).is_err());
        let array_schedule = r#"{"kind": "csvFile", "path": "/x", "schedule": [5]}"#;
        assert!(serde_json::from_str::<SourceSettings>(array_schedule).is_err());
        let fine = r#"{"kind": "csvFile", "path": "/x", "schedule": {"everyMinutes": 5.0}}"#;
        let fine: SourceSettings = serde_json::from_str(fine).unwrap();
        assert_eq!(fine.schedule(), Some(Schedule { every_minutes: 5 }));
    }

    #[test]
    fn filters_must_balance() {
        assert!(balanced("(&(objectClass=person)(cn=a\\29b))"));
        assert!(!balanced("(&(objectClass=person)"));
        assert!(!balanced(")("));
    }
}
