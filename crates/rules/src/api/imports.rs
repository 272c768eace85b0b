//! `/api/v1/apps/{appId}/imports`, `/api/v1/imports` and `/api/v1/roadblock`.

use crate::api::sources::{ImportTrigger, ImportWarnings, SourceKind};
use crate::evaluator::Roadblock;
use crate::ids::{AppId, UserId};
use crate::plan::{Cause, ChangeKind, Counts, Impact};
use crate::snapshot::SnapshotUser;
use serde::{Deserialize, Serialize};

/// Where an import is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ImportStatus {
    /// Started while a roadblock stands; runs when it is resolved.
    Queued,
    /// Its plan is being applied.
    Running,
    /// It tripped a safeguard; nothing of it is applied. The org is under a roadblock.
    Paused,
    Completed,
    /// Paused, then cancelled by an administrator; nothing of it was applied.
    Cancelled,
    /// It could not be planned or applied; nothing of it was applied.
    Failed,
    /// A dry run: planned and checked, nothing changed.
    Simulated,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 7] = [
        ImportStatus::Queued,
        ImportStatus::Running,
        ImportStatus::Paused,
        ImportStatus::Completed,
        ImportStatus::Cancelled,
        ImportStatus::Failed,
        ImportStatus::Simulated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Paused => "paused",
            ImportStatus::Completed => "completed",
            ImportStatus::Cancelled => "cancelled",
            ImportStatus::Failed => "failed",
            ImportStatus::Simulated => "simulated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the import will not change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ImportStatus::Completed
                | ImportStatus::Cancelled
                | ImportStatus::Failed
                | ImportStatus::Simulated
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Resolution {
    Resume,
    Cancel,
}

/// Who resolved a roadblock, how, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolvedBy {
    pub action: Resolution,
    pub by: String,
    pub at: String,
}

/// An import as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportView {
    pub id: String,
    pub app_id: AppId,
    pub app_name: String,
    pub status: ImportStatus,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// For a `queued` import: what it is expected to do, planned against the org as it was
    /// when it was queued. It is planned again, and these replaced, when its turn comes.
    pub counts: Counts,
    pub impact: Impact,
    pub roadblock: Option<Roadblock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<ResolvedBy>,
    /// Why a `failed` import failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What started it: an administrator in the console, the app's schedule, or a script.
    #[serde(default)]
    pub trigger: ImportTrigger,
    /// The kind of source its snapshot came from.
    #[serde(default)]
    pub source: SourceKind,
    /// Entries the source listed that could not be imported (no login, say): left out, not
    /// removed.
    #[serde(default, skip_serializing_if = "ImportWarnings::is_empty")]
    pub warnings: ImportWarnings,
    /// For a dry run only, whose plan is not stored: the users it would unassign or deactivate
    /// (up to [`DRY_RUN_AFFECTED_MAX`] rows, in plan order). Stored imports list theirs at
    /// `GET /api/v1/imports/{id}/changes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected: Option<Vec<ChangeRow>>,
}

/// How many affected users a dry run's answer names at most.
pub const DRY_RUN_AFFECTED_MAX: usize = 1000;

/// `POST /api/v1/imports/{id}/resume`: what to leave out of the resume (nothing, by default).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResumeRequest {
    /// Users who keep everything: none of the plan's changes to them apply.
    #[serde(default)]
    pub exclude_user_ids: Vec<UserId>,
    /// No user is deactivated, and unassignments caused only by a deactivation are skipped.
    #[serde(default)]
    pub skip_deactivations: bool,
}

/// One change of a stored plan: `GET /api/v1/imports/{id}/changes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeRow {
    pub kind: ChangeKind,
    pub user_id: UserId,
    pub login: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// Left out by a partial resume: not applied.
    #[serde(default)]
    pub skipped: bool,
}

/// `GET /api/v1/roadblock`: `{"active": false}` or the paused import and how many wait.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoadblockState {
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<u64>,
    /// Every paused import, oldest first: under roadblock scope `app`, one per app at most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<ImportView>,
}

/// A JSON snapshot: `POST /api/v1/apps/{appId}/imports` with `Content-Type: application/json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotBody {
    pub users: Vec<SnapshotUser>,
}
