//! The System Log filter language: the `filter=` parameter of `GET /api/v1/logs` and the search box
//! of the console's System Log page.
//!
//! This is the reference for administrators who write filters and for code that accepts them.
//!
//! # What a filter looks like
//!
//! ```text
//! debugContext.debugData.category eq "email.bulkAppUnassignmentAppLevelRoadblock"
//! eventType eq "system.import.roadblock" and (severity eq "WARN" or not (outcome.result eq "SUCCESS"))
//! target.displayName sw "work" and published gt "2026-01-01T00:00:00Z"
//! outcome.reason pr
//! ```
//!
//! A condition is an attribute path, an operator and a value (`attrPath op value`), or an
//! attribute path followed by `pr` (present). Conditions are joined by `and` and `or`, negated by
//! `not (...)` and grouped by parentheses.
//!
//! - **Attribute paths** are dotted (`actor.displayName`, `debugContext.debugData.category`) and
//!   case-sensitive, because they name JSON fields exactly. A path name starts with a letter or
//!   `_` and continues with letters, digits and `_`; names after a dot may start with a digit.
//! - **Operators**: `eq` (equals), `ne` (not equal), `co` (contains), `sw` (starts with), `ew`
//!   (ends with), `gt`, `ge`, `lt`, `le` (greater / less than, or equal) and `pr` (present).
//! - **Keywords and operators are case-insensitive**: `AND`, `Or`, `NOT`, `Eq`, `TRUE` all work.
//! - **Values** are double-quoted text with the escapes `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
//!   `\t` and `\uXXXX` (as in JSON, surrogate pairs included), unquoted numbers in JSON form
//!   (`42`, `-1.5`, `2e3`), `true`, `false` and `null`. Single quotes are not string quotes.
//! - **Precedence**: `not` binds tightest and must be followed by parentheses (`not (a eq "x")`),
//!   then `and`, then `or`; `and` and `or` are left-associative. So `a or b and c` means
//!   `a or (b and c)`. Parentheses group.
//! - `co`, `sw` and `ew` take text only; `gt`, `ge`, `lt` and `le` take text or a number; `eq`
//!   and `ne` take any value. A value of the wrong kind is a parse error, not a silent mismatch.
//!
//! # How a filter matches an event
//!
//! An event is the JSON of one System Log event.
//!
//! - A path is followed through JSON objects field by field. When it meets an **array** (`target`
//!   is an array of objects), it continues into every element, and the condition holds if it holds
//!   for **any** of them: `target.displayName eq "Workday"` matches when any target is named
//!   Workday. The same applies to an array at the end of the path.
//! - **Text comparisons ignore case**, as in SCIM filters (RFC 7644): `severity eq "warn"` matches
//!   `"WARN"`, and `co`, `sw`, `ew` compare lowercased text.
//! - `eq` between a JSON number and a number compares numerically (`1` equals `1.0`); `true`,
//!   `false` and `null` only equal themselves. Text never equals a number: `target.id eq "42"` does
//!   not match the number `42`.
//! - `gt`, `ge`, `lt`, `le` compare numbers numerically and text lexicographically after
//!   lowercasing, so RFC 3339 timestamps written the same way, in UTC, compare in time order:
//!   `published gt "2026-01-01T00:00:00Z"`.
//! - A condition on a **missing attribute** is false, with one exception: `ne` is exactly
//!   `not (... eq ...)`, so it is true when the attribute is missing, and on an array it is true
//!   only when **no** element equals the value.
//! - `pr` is true when the path reaches a value that is not `null`, not empty text and not an
//!   empty array.
//!
//! # Limits
//!
//! A filter is at most [`MAX_FILTER_LENGTH`] bytes and nests parentheses and `not` at most
//! [`MAX_NESTING_DEPTH`] levels deep (`not (...)` is one level). Each limit has its own error.
//! Parsing never panics, and its recursion is bounded by the nesting limit.
//!
//! # Errors and the canonical form
//!
//! [`parse`] returns a [`FilterError`] whose `position` is the 0-based **character** (not byte)
//! offset of the offending token, or the end of the text for an unexpected end, so a user interface
//! can put a caret under it. A [`Filter`] displays in a canonical form (lowercase keywords, single
//! spaces, only the parentheses the meaning needs) that parses back to an equal filter.
//!
//! ```
//! use serde_json::json;
//! use safeguard_rules::filter;
//!
//! let roadblocks = filter::parse(r#"eventType eq "system.import.roadblock" AND target.displayName eq "workday""#)?;
//! let event = json!({
//!     "eventType": "system.import.roadblock",
//!     "target": [{"id": "0oa1", "type": "AppInstance", "displayName": "Workday"}],
//! });
//! assert!(roadblocks.matches(&event));
//! assert_eq!(
//!     roadblocks.to_string(),
//!     r#"eventType eq "system.import.roadblock" and target.displayName eq "workday""#,
//! );
//!
//! let error = filter::parse(r#"eventType equals "x""#).unwrap_err();
//! assert_eq!(error.position, 10);
//! # Ok::<(), filter::FilterError>(())
//! ```

mod ast;
mod display;
mod error;
mod eval;
mod lexer;
mod parser;

pub use ast::Filter;
pub use error::FilterError;

/// The longest filter accepted, in bytes of UTF-8. A filter travels in a URL query string, and
/// anything longer than this is not something an administrator typed.
pub const MAX_FILTER_LENGTH: usize = 4096;

/// How deeply parentheses and `not (...)` may nest. Parsing recurses once per level, so this also
/// bounds the parser's stack use on hostile input.
pub const MAX_NESTING_DEPTH: usize = 32;

/// Parses filter text into a [`Filter`], or explains where and why it is not a filter.
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    let filter = parser::parse(text)?;
    // The canonical form is what the console shows and sends back, so it must parse too: it
    // can be longer than what was typed (escaped control characters, spaces between tokens),
    // and a filter whose canonical form outgrows the limit is refused here, not later.
    let canonical = filter.to_string().len();
    if canonical > MAX_FILTER_LENGTH {
        return Err(FilterError {
            position: text.chars().count(),
            message: format!(
                "written in canonical form this filter is {canonical} bytes, over the limit of \
                 {MAX_FILTER_LENGTH} bytes; shorten it"
            ),
        });
    }
    Ok(filter)
}

impl std::str::FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}
