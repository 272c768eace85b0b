//! Whether a System Log event matches a filter. The rules are in the module documentation of
//! [`super`]; this file is where they are kept.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::ast::{AttrPath, Filter, Literal, Node, Operator};

impl Filter {
    /// Whether `event`, the JSON of one System Log event, satisfies this filter.
    pub fn matches(&self, event: &Value) -> bool {
        self.root.matches(event)
    }
}

impl Node {
    // Recursion here follows the tree, whose depth the parser bounded.
    fn matches(&self, event: &Value) -> bool {
        match self {
            Node::Compare {
                path,
                operator: Operator::Ne,
                value,
            } => !values_at(event, path)
                .into_iter()
                .any(|found| equals(found, value)),
            Node::Compare {
                path,
                operator,
                value,
            } => values_at(event, path)
                .into_iter()
                .any(|found| compare(*operator, found, value)),
            Node::Present(path) => values_at(event, path).into_iter().any(is_present),
            Node::And(terms) => terms.iter().all(|term| term.matches(event)),
            Node::Or(terms) => terms.iter().any(|term| term.matches(event)),
            Node::Not(inner) => !inner.matches(event),
        }
    }
}

/// Every value the path reaches. An array anywhere on the way, or at the end, stands for each of
/// its elements, which is how `target.displayName` reaches the name of every target. The walk
/// keeps its own work list rather than recursing, so a deeply nested event cannot exhaust the
/// stack either.
fn values_at<'a>(event: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let mut reached = Vec::new();
    let mut pending = vec![(event, 0)];
    while let Some((value, depth)) = pending.pop() {
        match (value, path.names.get(depth)) {
            (Value::Array(elements), _) => {
                pending.extend(elements.iter().map(|element| (element, depth)));
            }
            (_, None) => reached.push(value),
            (Value::Object(fields), Some(name)) => {
                if let Some(field) = fields.get(name) {
                    pending.push((field, depth + 1));
                }
            }
            _ => {}
        }
    }
    reached
}

/// `pr`: there, and not null, empty text or an empty array. Arrays never arrive here whole
/// ([`values_at`] opens them), so an empty one contributes no value at all.
fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => !text.is_empty(),
        _ => true,
    }
}

fn compare(operator: Operator, found: &Value, value: &Literal) -> bool {
    match operator {
        Operator::Eq => equals(found, value),
        Operator::Ne => !equals(found, value),
        Operator::Co => text_test(found, value, |found, wanted| found.contains(wanted)),
        Operator::Sw => text_test(found, value, |found, wanted| found.starts_with(wanted)),
        Operator::Ew => text_test(found, value, |found, wanted| found.ends_with(wanted)),
        Operator::Gt => order(found, value).is_some_and(Ordering::is_gt),
        Operator::Ge => order(found, value).is_some_and(Ordering::is_ge),
        Operator::Lt => order(found, value).is_some_and(Ordering::is_lt),
        Operator::Le => order(found, value).is_some_and(Ordering::is_le),
    }
}

fn equals(found: &Value, value: &Literal) -> bool {
    match (found, value) {
        (Value::String(found), Literal::Text(wanted)) => fold(found) == fold(wanted),
        (Value::Number(found), Literal::Number(wanted)) => {
            compare_numbers(found, wanted) == Some(Ordering::Equal)
        }
        (Value::Bool(found), Literal::Bool(wanted)) => found == wanted,
        (Value::Null, Literal::Null) => true,
        _ => false,
    }
}

fn text_test(found: &Value, value: &Literal, test: impl Fn(&str, &str) -> bool) -> bool {
    match (found, value) {
        (Value::String(found), Literal::Text(wanted)) => test(&fold(found), &fold(wanted)),
        _ => false,
    }
}

/// How `found` orders against `value`, when they are of a kind that orders.
fn order(found: &Value, value: &Literal) -> Option<Ordering> {
    match (found, value) {
        (Value::String(found), Literal::Text(wanted)) => Some(fold(found).cmp(&fold(wanted))),
        (Value::Number(found), Literal::Number(wanted)) => compare_numbers(found, wanted),
        _ => None,
    }
}

/// Text comparisons ignore case, as SCIM's do.
fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Integers compare exactly, so that ids beyond 2^53 are not confused; anything with a fraction
/// compares as a float.
fn compare_numbers(found: &Number, wanted: &Number) -> Option<Ordering> {
    match (exact_integer(found), exact_integer(wanted)) {
        (Some(found), Some(wanted)) => Some(found.cmp(&wanted)),
        _ => found.as_f64()?.partial_cmp(&wanted.as_f64()?),
    }
}

fn exact_integer(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(written: &str) -> AttrPath {
        AttrPath {
            names: written.split('.').map(str::to_owned).collect(),
        }
    }

    #[test]
    fn filter_paths_open_arrays_at_every_step() {
        let event = json!({"a": [{"b": [1, 2]}, {"b": 3}, {"c": 4}, [{"b": 5}]]});
        let mut reached: Vec<i64> = values_at(&event, &path("a.b"))
            .into_iter()
            .filter_map(Value::as_i64)
            .collect();
        reached.sort_unstable();
        assert_eq!(reached, vec![1, 2, 3, 5]);
    }

    #[test]
    fn filter_paths_through_scalars_reach_nothing() {
        let event = json!({"a": "text", "b": null});
        assert!(values_at(&event, &path("a.b")).is_empty());
        assert!(values_at(&event, &path("b.c")).is_empty());
        assert!(values_at(&event, &path("missing")).is_empty());
    }

    #[test]
    fn filter_large_integers_compare_exactly() {
        let big = Number::from(9_007_199_254_740_993_u64);
        let neighbour = Number::from(9_007_199_254_740_992_u64);
        assert_eq!(compare_numbers(&big, &neighbour), Some(Ordering::Greater));
        let float = Number::from_f64(1.0).unwrap();
        assert_eq!(
            compare_numbers(&Number::from(1), &float),
            Some(Ordering::Equal)
        );
    }
}
