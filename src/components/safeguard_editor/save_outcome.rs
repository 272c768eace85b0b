//! What a refused save means. Two different 409s come back from `PUT /api/v1/safeguards`
//! (crates/server/src/routes/safeguards.rs tells them apart by the problem's `type`):
//! - `stale-version`: someone else saved first; the editor says what they changed and offers
//!   their values;
//! - `several-paused`: going back to scope `org` while two or more imports are paused; the
//!   server's answer names them and is shown as it is.

use crate::api::ApiError;

/// Why a save was refused, as the editor answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Another administrator saved first.
    VersionConflict,
    /// Any other conflict with the server's state, e.g. the scope while several are paused.
    State,
    /// Values the server refused (422): each shown beside its field.
    Invalid,
    /// Anything else: the problem as the server gave it.
    Other,
}

pub fn refusal(error: &ApiError) -> Refusal {
    match error {
        ApiError::Problem(p) if p.status == 409 => {
            // A server without the version 2 types calls every conflict `conflict`.
            if p.kind.ends_with("/stale-version") || p.kind.ends_with("/conflict") {
                Refusal::VersionConflict
            } else {
                Refusal::State
            }
        }
        ApiError::Problem(p) if p.status == 422 => Refusal::Invalid,
        _ => Refusal::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_rules::api::Problem;

    #[test]
    fn the_two_conflicts_are_told_apart_by_their_type() {
        let problem = |kind: &str, status: u16| {
            ApiError::Problem(Problem::new(status, kind, "Conflict", "detail"))
        };
        assert_eq!(
            refusal(&problem("stale-version", 409)),
            Refusal::VersionConflict
        );
        assert_eq!(refusal(&problem("several-paused", 409)), Refusal::State);
        assert_eq!(refusal(&problem("invalid", 422)), Refusal::Invalid);
        assert_eq!(refusal(&ApiError::Network("down".into())), Refusal::Other);
    }
}
