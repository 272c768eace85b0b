//! The HTTP API's request and response types (`shared/spec/api.md`), shared by the server and
//! the console so both read and write exactly the same JSON: `camelCase`, ids as strings,
//! timestamps as RFC 3339 UTC strings.

pub mod admins;
pub mod apps;
pub mod email;
pub mod group_rules;
pub mod imports;
pub mod logs;
pub mod problem;
pub mod safeguards;
pub mod sources;
pub mod webhooks;

pub use admins::{
    AdminView, ApiTokenView, BACKGROUND_HEADER, CONSOLE_HEADER, CreatedApiToken, Me, NewAdmin,
    NewApiToken, Role, SignIn,
};
pub use apps::{AppPatch, AppUserView, AppView, MatchField, NewApp};
pub use email::{
    Bounce, BounceRemoval, BounceRemovalError, BounceRemovalResult, DeliveryStatus, OutboxMessage,
};
pub use group_rules::{GroupRuleView, NewGroupRule};
pub use imports::{
    ChangeRow, ImportStatus, ImportView, Resolution, ResolvedBy, ResumeRequest, RoadblockState,
    SnapshotBody,
};
pub use logs::{LogActor, LogEvent, LogOutcome, LogTarget};
pub use problem::Problem;
pub use safeguards::{AppOverrideUpdate, AppOverrideView, SafeguardsUpdate, SafeguardsView};
pub use sources::{
    CsvFileSettings, ImportTrigger, ImportWarnings, LdapScope, LdapSettings, ResolvedMapping,
    Schedule, ScimSettings, SourceKind, SourceMapping, SourceSettings, SourceTestResult,
    SourceWarning, UploadSettings,
};
pub use webhooks::{
    CreatedWebhook, NewWebhook, RotatedSecret, WebhookAttempt, WebhookDelivery,
    WebhookDeliveryStatus, WebhookFormat, WebhookPatch, WebhookView,
};

/// The base path of every route.
pub const BASE_PATH: &str = "/api/v1";
/// Page size when a list request names none, and the most a request may ask for.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 1000;
