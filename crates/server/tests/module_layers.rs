//! The server's top-level modules form layers: no module reaches, through the modules it uses,
//! back to itself. A circle (say `email` -> `state` -> `pipeline` -> `email`) means none of its
//! modules can be understood, tested or replaced on its own; configuration and value types that
//! several layers need belong below all of them (`config`, `limits`, `storage`).
//!
//! Read from the sources: every `crate::module` a module's files name outside comments and
//! their `#[cfg(test)]` parts counts as a use.
#![allow(clippy::unwrap_used)] // a test: a file that cannot be read should fail it

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules: `src/<name>.rs`, except the crate roots.
fn modules() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let module = name.strip_suffix(".rs")?.to_owned();
            (module != "lib" && module != "main").then_some(module)
        })
        .collect()
}

/// `src/<module>.rs` and every file under `src/<module>/`.
fn files_of(module: &str) -> Vec<PathBuf> {
    let mut files = vec![src().join(format!("{module}.rs"))];
    let mut folders = vec![src().join(module)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The code of a file without its comments and without its tests (a `#[cfg(test)]` module is
/// the last item of the files that have one).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The other top-level modules `code` names: `crate::name` and `crate::{name, ...}`.
fn uses(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let names = match rest.strip_prefix('{') {
            Some(group) => until_closed(group),
            None => rest,
        };
        let mut words = names.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'));
        let first_only = !rest.starts_with('{');
        for word in words.by_ref() {
            let head = word.split("::").next().unwrap_or_default();
            if modules.contains(head) {
                found.insert(head.to_owned());
            }
            if first_only {
                break;
            }
        }
    }
    found
}

/// `text` up to the `}` that closes a group opened just before it (nested groups included).
fn until_closed(text: &str) -> &str {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return &text[..at],
            '}' => depth -= 1,
            _ => {}
        }
    }
    text
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    modules
        .iter()
        .map(|module| {
            let mut used = BTreeSet::new();
            for file in files_of(module) {
                used.extend(uses(&code(&file), &modules));
            }
            used.remove(module);
            (module.clone(), used)
        })
        .collect()
}

/// A path from `from` back to itself, if there is one.
fn circle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in &graph[last] {
            if next == from {
                let mut circle = path.clone();
                circle.push(next.clone());
                return Some(circle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_uses_itself_through_others() {
    let graph = graph();
    // The reader sees the modules it should: a sanity check that it reads anything at all.
    assert!(graph["pipeline"].contains("storage"), "{graph:#?}");
    assert!(graph["state"].contains("pipeline"), "{graph:#?}");
    let circles: Vec<String> = graph
        .keys()
        .filter_map(|module| circle_through(&graph, module))
        .map(|circle| circle.join(" -> "))
        .collect();
    assert!(
        circles.is_empty(),
        "modules that use themselves through others:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_finds_a_circle_when_there_is_one() {
    let modules: BTreeSet<String> = ["email", "state", "pipeline"].map(str::to_owned).into();
    assert_eq!(
        uses(
            "use crate::{state::{Config, X}, pipeline};\nlet x = crate::email::x();",
            &modules
        ),
        modules
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("email", "state"),
        ("state", "pipeline"),
        ("pipeline", "email"),
    ]
    .map(|(a, b)| (a.to_owned(), BTreeSet::from([b.to_owned()])))
    .into();
    assert_eq!(
        circle_through(&graph, "email").unwrap(),
        ["email", "state", "pipeline", "email"]
    );
}
