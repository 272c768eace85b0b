//! Why a filter did not parse, and where.

/// A filter that does not parse. `position` is the 0-based character offset (not byte offset) of
/// the offending token, or the length of the text in characters when the filter ended too soon,
/// so a user interface can put a caret under it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at position {position}: {message}")]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

impl FilterError {
    pub(super) fn new(position: usize, message: impl Into<String>) -> Self {
        FilterError {
            position,
            message: message.into(),
        }
    }
}
