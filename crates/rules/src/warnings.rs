//! What an import read but left out, and why: entries of the source it could not read and
//! entries the planner could not match to one user. Shown with the import.

use serde::{Deserialize, Serialize};

/// How many warnings an import lists; the count goes on past it.
pub const MAX_LISTED_WARNINGS: usize = 100;

/// An entry the source listed that the import left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SourceWarning {
    /// Where it is in the source: an LDAP DN, a SCIM resource id, a file's row.
    pub entry: String,
    pub reason: String,
}

/// What an import read but could not import: how many, and the first
/// [`MAX_LISTED_WARNINGS`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportWarnings {
    pub count: u64,
    pub first: Vec<SourceWarning>,
}

impl ImportWarnings {
    pub fn push(&mut self, entry: impl Into<String>, reason: impl Into<String>) {
        self.count += 1;
        if self.first.len() < MAX_LISTED_WARNINGS {
            self.first.push(SourceWarning {
                entry: entry.into(),
                reason: reason.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Takes in `other`'s warnings after these, up to the listed maximum.
    pub fn extend(&mut self, other: ImportWarnings) {
        self.count += other.count;
        let room = MAX_LISTED_WARNINGS.saturating_sub(self.first.len());
        self.first.extend(other.first.into_iter().take(room));
    }
}
