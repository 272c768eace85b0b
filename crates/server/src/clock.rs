//! Time: what "now" is, and how timestamps are written.
//!
//! Every stored timestamp is RFC 3339 in UTC with exactly three fractional digits
//! (`2026-01-31T09:15:00.000Z`), so that comparing the text compares the time; the system log's
//! `since` and `until` rely on it.

use std::sync::{Arc, Mutex};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, UtcOffset};

/// Where "now" comes from. The server uses the system clock; the demo runs past imports on a
/// clock it sets, so the history it builds reads as if it happened over the last days.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    pub fn manual(at: OffsetDateTime) -> Self {
        Clock::Manual(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Manual(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a manual clock; the system clock ignores this.
    pub fn set(&self, to: OffsetDateTime) {
        if let Clock::Manual(at) = self {
            *at.lock().unwrap_or_else(|p| p.into_inner()) = to;
        }
    }

    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }

    /// Now, as stored text.
    pub fn stamp(&self) -> String {
        stamp(self.now())
    }
}

/// A time as stored and shown: RFC 3339, UTC, milliseconds.
pub fn stamp(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
}

/// Reads an RFC 3339 timestamp given by a client (any offset) into the stored form.
pub fn parse_rfc3339(text: &str) -> Option<String> {
    OffsetDateTime::parse(text, &Rfc3339).ok().map(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_with_milliseconds() {
        let at = OffsetDateTime::parse("2026-01-31T10:15:00.5+01:00", &Rfc3339).unwrap();
        assert_eq!(stamp(at), "2026-01-31T09:15:00.500Z");
    }

    #[test]
    fn client_timestamps_are_normalised() {
        assert_eq!(
            parse_rfc3339("2026-01-31T10:15:00+01:00").as_deref(),
            Some("2026-01-31T09:15:00.000Z")
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
