//! Every bound the server puts on what a request may send, in one place, with why each value.
//!
//! A request over a limit is refused before anything changes, with a problem answer that names
//! the limit and its value: 413 for sizes (the body, a snapshot's users or columns), 422 for
//! values (a field too long, too many attributes, too many apps), 400 for query parameters (a
//! filter too long or nested too deeply, a page larger than [`MAX_PAGE_SIZE`]).
//!
//! The limits a snapshot's rows must meet are pure checks shared with the console, so they live
//! in the rules crate ([`SnapshotLimits`]) and are re-exported here; so are the filter's and the
//! page size, which the console also enforces.

pub use safeguard_rules::api::MAX_PAGE_SIZE;
pub use safeguard_rules::filter::{MAX_FILTER_LENGTH, MAX_NESTING_DEPTH};
pub use safeguard_rules::snapshot::SnapshotLimits;

/// The most users one snapshot may hold, by default (`--max-snapshot-rows`): 2,000,000. See
/// [`SnapshotLimits::max_users`].
pub const DEFAULT_MAX_SNAPSHOT_ROWS: usize = SnapshotLimits::DEFAULT.max_users;

/// What a CSV row of a snapshot takes on average, as the default body limit counts it: 128
/// bytes. A row of ids, login, names, email and a handful of attributes is 80 to 100 bytes (the
/// benchmarks' 1,000,000-row file is 89 MiB).
pub const BODY_BYTES_PER_ROW: usize = 128;

/// The largest body accepted, by default (`--max-body-bytes`): 256,000,000 bytes, room for a
/// CSV snapshot of [`DEFAULT_MAX_SNAPSHOT_ROWS`] rows of [`BODY_BYTES_PER_ROW`], so that the
/// largest snapshot the row limit allows is not refused for its size first. It also bounds the
/// memory one request can take: the body is held while it is planned.
pub const DEFAULT_MAX_BODY_BYTES: usize = DEFAULT_MAX_SNAPSHOT_ROWS * BODY_BYTES_PER_ROW;

/// Characters of an app's name: 200. Names are shown in lists, emails and log lines; an admin
/// console's names are a few words.
pub const MAX_APP_NAME_CHARS: usize = 200;

/// Characters of a group rule's name: the same as an app's, for the same reason.
pub const MAX_GROUP_RULE_NAME_CHARS: usize = MAX_APP_NAME_CHARS;

/// Characters of the attribute a group rule reads: an attribute name, bounded as a snapshot
/// bounds them (128), since a longer one could never match.
pub const MAX_GROUP_RULE_ATTRIBUTE_CHARS: usize = SnapshotLimits::DEFAULT.max_attribute_name_chars;

/// Characters of the value a group rule matches: an attribute value, bounded as a snapshot
/// bounds them (1,024), since a longer one could never match.
pub const MAX_GROUP_RULE_VALUE_CHARS: usize = SnapshotLimits::DEFAULT.max_attribute_value_chars;

/// Apps one group rule assigns: 100. Creating a rule assigns every matching user to each app in
/// one transaction, so this bounds that transaction; real rules name a handful.
pub const MAX_GROUP_RULE_APPS: usize = 100;

/// Addresses one bounce-list remove-list request may name: 1,000, the most a list page shows, so
/// "select all, remove" on the console always fits; it bounds the one transaction it runs in.
pub const MAX_BOUNCE_REMOVALS: usize = 1000;

/// The snapshot limits this server applies: the shared defaults, with the configured row limit.
pub fn snapshot_limits(max_snapshot_rows: usize) -> SnapshotLimits {
    SnapshotLimits {
        max_users: max_snapshot_rows,
        ..SnapshotLimits::DEFAULT
    }
}

/// Whether `text` has more than `max` characters (Unicode scalar values, as people count them,
/// not bytes).
pub fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && text.chars().count() > max
}
