//! The canonical form of a filter: lowercase keywords, single spaces, text always in double quotes
//! with JSON escapes, and only the parentheses the meaning needs (plus the ones `not` requires).
//! It parses back to an equal [`Filter`].

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{AttrPath, Filter, Literal, Node, Operator};

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Compare {
                path,
                operator,
                value,
            } => write!(f, "{path} {operator} {value}"),
            Node::Present(path) => write!(f, "{path} pr"),
            // A parenthesized `and` inside an `and` is its own node, so it keeps its parentheses;
            // an `or` inside an `and` needs them because `and` binds tighter.
            Node::And(terms) => write_joined(f, terms, " and ", |term| {
                matches!(term, Node::And(_) | Node::Or(_))
            }),
            Node::Or(terms) => write_joined(f, terms, " or ", |term| matches!(term, Node::Or(_))),
            Node::Not(inner) => write!(f, "not ({inner})"),
        }
    }
}

fn write_joined(
    f: &mut Formatter<'_>,
    terms: &[Node],
    separator: &str,
    needs_parentheses: impl Fn(&Node) -> bool,
) -> fmt::Result {
    for (index, term) in terms.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(term) {
            write!(f, "({term})")?;
        } else {
            write!(f, "{term}")?;
        }
    }
    Ok(())
}

impl Display for AttrPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names.join("."))
    }
}

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Text(text) => write_quoted(f, text),
            Literal::Number(number) => write!(f, "{number}"),
            Literal::Bool(value) => write!(f, "{value}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// Control characters are escaped so the canonical form stays on one line and shows what is
/// there; everything else is written as itself.
fn write_quoted(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}
