//! The parsed form of a filter.
//!
//! The tree is private so that every [`Filter`] comes from [`super::parse`] and keeps the parser's
//! guarantees: its depth is bounded by the nesting limit, and `and` / `or` nodes have at least two
//! terms, which is what lets the canonical form parse back to an equal tree.

use serde_json::Number;

/// A parsed System Log filter. Build one with [`super::parse`]; test an event with
/// [`Filter::matches`]; print it in canonical form with `Display`.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub(super) root: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    /// `path op value`.
    Compare {
        path: AttrPath,
        operator: Operator,
        value: Literal,
    },
    /// `path pr`.
    Present(AttrPath),
    /// Two or more terms joined by `and`. A parenthesized `and` inside another stays a separate
    /// node, so that the tree mirrors the text.
    And(Vec<Node>),
    /// Two or more terms joined by `or`.
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A dotted attribute path, one entry per name: `actor.displayName` is `["actor", "displayName"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct AttrPath {
    pub(super) names: Vec<String>,
}

/// The comparison operators; `pr` takes no value and is [`Node::Present`] instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Operator {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Operator {
    /// Every operator a condition may use, as an administrator types it, for error messages.
    pub(super) const ALL_KEYWORDS: &'static str = "eq, ne, co, sw, ew, gt, ge, lt, le, pr";

    pub(super) fn keyword(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Co => "co",
            Operator::Sw => "sw",
            Operator::Ew => "ew",
            Operator::Gt => "gt",
            Operator::Ge => "ge",
            Operator::Lt => "lt",
            Operator::Le => "le",
        }
    }

    /// The operator a word names, ignoring case; `pr` is not one of these.
    pub(super) fn from_keyword(word: &str) -> Option<Operator> {
        [
            Operator::Eq,
            Operator::Ne,
            Operator::Co,
            Operator::Sw,
            Operator::Ew,
            Operator::Gt,
            Operator::Ge,
            Operator::Lt,
            Operator::Le,
        ]
        .into_iter()
        .find(|operator| word.eq_ignore_ascii_case(operator.keyword()))
    }
}

/// The value on the right of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Literal {
    Text(String),
    Number(Number),
    Bool(bool),
    Null,
}
