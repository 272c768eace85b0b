//! The bounds the server checks, written into the OpenAPI document from the constants that
//! check them: a client generated from the document, or a tool that generates requests from it,
//! then knows exactly which requests are taken.
//!
//! Some rules no JSON Schema can state: logins unique in a snapshot, app ids that name existing
//! apps, the System Log filter language (named by the string format
//! [`SYSTEM_LOG_FILTER_FORMAT`]), a CSV file's grammar. Those are said in the descriptions, and
//! the contract tests generate them with generators of their own.

use crate::limits::{
    MAX_APP_NAME_CHARS, MAX_BOUNCE_REMOVALS, MAX_GROUP_RULE_APPS, MAX_GROUP_RULE_ATTRIBUTE_CHARS,
    MAX_GROUP_RULE_NAME_CHARS, MAX_GROUP_RULE_VALUE_CHARS, MAX_PAGE_SIZE, SnapshotLimits,
};
use safeguard_rules::api::SourceKind;
use safeguard_rules::api::admins::{
    MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MAX_TOKEN_NAME_CHARS, MIN_PASSWORD_CHARS,
};
use safeguard_rules::api::apps::MAX_PRIORITY;
use safeguard_rules::api::sources::{
    MAX_EVERY_MINUTES, MAX_EXTRA_ATTRIBUTES, MAX_PAGE_SIZE as MAX_SOURCE_PAGE_SIZE,
    MAX_SETTING_CHARS,
};
use safeguard_rules::api::webhooks::{
    MAX_WEBHOOK_EVENT_TYPES, MAX_WEBHOOK_NAME_CHARS, MAX_WEBHOOK_URL_CHARS, WEBHOOK_EVENT_TYPES,
};
use safeguard_rules::settings::MAX_COUNT;
use serde_json::{Value, json};

/// The string format of a System Log filter (`eventType eq "system.import.roadblock"`).
pub const SYSTEM_LOG_FILTER_FORMAT: &str = "system-log-filter";

/// What the server trims from names and ids before it checks they are not empty: the characters
/// Rust's `char::is_whitespace` accepts (Unicode's White_Space), as ranges.
const WHITESPACE: &[(char, char)] = &[
    ('\u{9}', '\u{d}'),
    ('\u{20}', '\u{20}'),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// Control characters (`char::is_control`), which an email address may not hold.
const CONTROL: &[(char, char)] = &[('\u{0}', '\u{1f}'), ('\u{7f}', '\u{9f}')];

/// The inside of a regular-expression character class holding `ranges`, every character
/// escaped as `\uXXXX` so that ECMAScript and Python read it alike.
pub fn whitespace_class() -> String {
    class(WHITESPACE)
}

fn class(ranges: &[(char, char)]) -> String {
    let escape = |c: char| format!("\\u{:04x}", u32::from(c));
    ranges
        .iter()
        .map(|&(low, high)| {
            if low == high {
                escape(low)
            } else {
                format!("{}-{}", escape(low), escape(high))
            }
        })
        .collect()
}

/// A pattern a text matches when trimming leaves something: it holds a character that is not
/// whitespace. (JSON Schema patterns are not anchored.)
pub static NOT_BLANK: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("[^{}]", whitespace_class()));

/// An administrator's email address as `check_email` takes it: one `@` with something on each
/// side, no whitespace or control characters.
fn email_pattern() -> String {
    let part = format!("[^@{}{}]+", class(WHITESPACE), class(CONTROL));
    format!("^{part}@{part}$")
}

/// Adds every constraint to `document`. A place that is not in the document is logged and
/// skipped (the tests check there is none).
pub fn add(document: &mut Value) {
    for missing in apply(document) {
        tracing::error!(%missing, "the OpenAPI document has no such place to constrain");
    }
}

/// Adds every constraint; answers the places that were not found.
fn apply(document: &mut Value) -> Vec<String> {
    let snapshot = SnapshotLimits::DEFAULT;
    let not_blank = NOT_BLANK.as_str();
    let id = |max: usize| json!({"minLength": 1, "maxLength": max, "pattern": not_blank});
    let mut missing = Vec::new();
    let mut field = |schema: &str, property: &str, extra: Value| {
        let pointer = format!("/components/schemas/{schema}/properties/{property}");
        if !merge(document, &pointer, extra) {
            missing.push(pointer);
        }
    };

    let percent = json!({"minimum": 0, "maximum": 100});
    field("Safeguard", "percent", percent);

    field("NewApp", "name", id(MAX_APP_NAME_CHARS));

    field("NewGroupRule", "name", id(MAX_GROUP_RULE_NAME_CHARS));
    field(
        "NewGroupRule",
        "attribute",
        id(MAX_GROUP_RULE_ATTRIBUTE_CHARS),
    );
    field(
        "NewGroupRule",
        "equals",
        json!({"maxLength": MAX_GROUP_RULE_VALUE_CHARS}),
    );
    field(
        "NewGroupRule",
        "appIds",
        json!({"minItems": 1, "maxItems": MAX_GROUP_RULE_APPS, "items": {"type": "string", "minLength": 1}}),
    );

    field(
        "NewAdmin",
        "email",
        json!({"maxLength": MAX_EMAIL_CHARS, "pattern": email_pattern()}),
    );
    field(
        "NewAdmin",
        "password",
        json!({"minLength": MIN_PASSWORD_CHARS, "maxLength": MAX_PASSWORD_CHARS}),
    );
    field("NewApiToken", "name", id(MAX_TOKEN_NAME_CHARS));

    field(
        "BounceRemoval",
        "emailAddresses",
        json!({"minItems": 1, "maxItems": MAX_BOUNCE_REMOVALS}),
    );

    field("SnapshotUser", "externalId", id(snapshot.max_field_chars));
    field("SnapshotUser", "login", id(snapshot.max_field_chars));
    for name in ["firstName", "lastName"] {
        field(
            "SnapshotUser",
            name,
            json!({"maxLength": snapshot.max_name_chars}),
        );
    }
    field(
        "SnapshotUser",
        "email",
        json!({"maxLength": snapshot.max_field_chars}),
    );
    field(
        "SnapshotUser",
        "attributes",
        json!({
            "maxProperties": snapshot.max_attributes,
            "propertyNames": {"maxLength": snapshot.max_attribute_name_chars},
            "additionalProperties": {"type": "string", "maxLength": snapshot.max_attribute_value_chars},
        }),
    );

    // A hook's URL: http(s), with a host and without a user name or password (said in its
    // description; a pattern for every URL the server takes would be a URL parser).
    let url = json!({
        "maxLength": MAX_WEBHOOK_URL_CHARS,
        "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
    });
    let event_types = json!({
        "minItems": 1,
        "maxItems": MAX_WEBHOOK_EVENT_TYPES,
        "items": {"type": "string", "enum": WEBHOOK_EVENT_TYPES},
    });
    for schema in ["NewWebhook", "WebhookPatch"] {
        field(schema, "name", id(MAX_WEBHOOK_NAME_CHARS));
        field(schema, "url", url.clone());
        field(schema, "eventTypes", event_types.clone());
    }

    // A source's settings: the bounds JSON Schema can say. A filter's parentheses, a DN's
    // shape and a PEM block are said in the descriptions and checked by the server.
    // One attribute name: no character the server counts as whitespace (`char::is_whitespace`).
    let one_name = format!("^[^{}]+$", whitespace_class());
    let no_spaces = json!({"minLength": 1, "maxLength": 256, "pattern": one_name});
    let page_size = json!({"minimum": 1, "maximum": MAX_SOURCE_PAGE_SIZE});
    let attributes = json!({
        "maxItems": MAX_EXTRA_ATTRIBUTES,
        "items": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": one_name},
    });
    field(
        "LdapSettings",
        "url",
        json!({"maxLength": MAX_SETTING_CHARS, "pattern": "^[Ll][Dd][Aa][Pp][Ss]?://[^\\s/:]"}),
    );
    field(
        "LdapSettings",
        "baseDn",
        json!({"minLength": 1, "maxLength": MAX_SETTING_CHARS, "pattern": "="}),
    );
    field(
        "ScimSettings",
        "baseUrl",
        json!({"maxLength": MAX_SETTING_CHARS, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/:]"}),
    );
    field(
        "CsvFileSettings",
        "path",
        json!({"maxLength": MAX_SETTING_CHARS, "pattern": "^/"}),
    );
    for schema in ["LdapSettings", "ScimSettings"] {
        field(schema, "pageSize", page_size.clone());
        field(schema, "attributes", attributes.clone());
    }
    for name in ["externalId", "login", "email", "firstName", "lastName"] {
        field("SourceMapping", name, no_spaces.clone());
    }
    field(
        "Schedule",
        "everyMinutes",
        json!({"minimum": 1, "maximum": MAX_EVERY_MINUTES}),
    );

    // A change of the safeguards names all three fields (the server says which is missing).
    let required = json!({"required": ["appLevel", "orgLevel", "version"]});
    if !merge(document, "/components/schemas/SafeguardsUpdate", required) {
        missing.push("/components/schemas/SafeguardsUpdate".to_owned());
    }
    if !merge(
        document,
        "/components/schemas/SafeguardsUpdate/properties/version",
        json!({"minimum": 0}),
    ) {
        missing.push("SafeguardsUpdate.version".to_owned());
    }
    // Only a profile source may deactivate the users removed from it. Said with `if`/`then`,
    // which leaves the object's own shape alone for client generators.
    let profile_source_rule = json!({
        "if": {"properties": {"deactivateOnRemove": {"const": true}}, "required": ["deactivateOnRemove"]},
        "then": {"properties": {"profileSource": {"const": true}}, "required": ["profileSource"]},
    });
    if !merge(document, "/components/schemas/NewApp", profile_source_rule) {
        missing.push("/components/schemas/NewApp".to_owned());
    }

    // Directory settings: `matchBy` always holds "login", each value once; a priority only on
    // a profile source.
    let match_by = json!({"minItems": 1, "uniqueItems": true, "contains": {"const": "login"}});
    for schema in ["NewApp", "AppPatch"] {
        let pointer = format!("/components/schemas/{schema}/properties/matchBy");
        if !merge(document, &pointer, match_by.clone()) {
            missing.push(pointer);
        }
        let pointer = format!("/components/schemas/{schema}/properties/profileSourcePriority");
        if !merge(
            document,
            &pointer,
            json!({"minimum": 1, "maximum": MAX_PRIORITY}),
        ) {
            missing.push(pointer);
        }
    }
    let ranked_rule = json!({
        "if": {"properties": {"profileSourcePriority": {"type": "integer"}}, "required": ["profileSourcePriority"]},
        "then": {"properties": {"profileSource": {"const": true}}, "required": ["profileSource"]},
    });
    if !merge(
        document,
        "/components/schemas/NewApp",
        json!({"allOf": [ranked_rule]}),
    ) {
        missing.push("/components/schemas/NewApp (priority)".to_owned());
    }
    // Limits: percents 0..=100, counts from 0 to the largest the server stores; an enabled
    // limit that may lack both (an override, the budget) has at least one.
    let count = json!({"minimum": 0, "maximum": MAX_COUNT});
    let percent = json!({"minimum": 0, "maximum": 100});
    let one_of_them = json!({
        "required": ["enabled"],
        "if": {"properties": {"enabled": {"const": true}}, "required": ["enabled"]},
        "then": {"anyOf": [
            {"required": ["percent"], "properties": {"percent": {"type": "integer"}}},
            {"required": ["count"], "properties": {"count": {"type": "integer"}}},
        ]},
    });
    for (pointer, extra) in [
        (
            "/components/schemas/Safeguard/properties/count",
            count.clone(),
        ),
        ("/components/schemas/Limit/properties/count", count.clone()),
        (
            "/components/schemas/Limit/properties/percent",
            percent.clone(),
        ),
        ("/components/schemas/Limit", one_of_them.clone()),
        (
            "/components/schemas/AppOverrideUpdate/properties/count",
            count,
        ),
        (
            "/components/schemas/AppOverrideUpdate/properties/percent",
            percent,
        ),
        ("/components/schemas/AppOverrideUpdate", one_of_them),
        // A bearer token goes into an HTTP header: visible ASCII only.
        (
            "/components/schemas/ScimSettings/properties/bearerToken",
            json!({"pattern": "^[!-~]*$"}),
        ),
    ] {
        if !merge(document, pointer, extra) {
            missing.push(pointer.to_owned());
        }
    }

    missing.extend(tag_source_kinds(document));
    missing.extend(parameters(document));
    missing
}

/// Query and path parameters, on every operation that has them.
fn parameters(document: &mut Value) -> Vec<String> {
    let mut found = std::collections::BTreeSet::new();
    for (_, operation) in super::operations(document) {
        let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            let place = parameter["in"].as_str().unwrap_or_default().to_owned();
            let extra = match (place.as_str(), name.as_str()) {
                // Ids are opaque, never empty.
                ("path", _) => json!({"minLength": 1}),
                ("query", "limit") => json!({"minimum": 1, "maximum": MAX_PAGE_SIZE}),
                // What `Link` headers carry: `c` and a position in base 36.
                ("query", "after") => json!({"pattern": "^c[0-9A-Za-z]{1,12}$"}),
                ("query", "since" | "until") => json!({"format": "date-time"}),
                ("query", "filter") => json!({"format": SYSTEM_LOG_FILTER_FORMAT}),
                ("query", "format") => json!({"enum": ["csv", "json"]}),
                _ => continue,
            };
            found.insert(name);
            if let Some(schema) = parameter.get_mut("schema") {
                merge_into(schema, extra);
            }
        }
    }
    ["limit", "after", "since", "filter", "format"]
        .into_iter()
        .filter(|name| !found.contains(*name))
        .map(|name| format!("query parameter {name}"))
        .collect()
}

/// Merges the members of `extra` into the object at `pointer`; false when there is none.
/// A source's settings are one object whose `kind` says which: each kind's schema names `kind`
/// among its own properties and requires it. (The generated `oneOf` adds `kind` beside each
/// kind's schema, which forbids properties it does not list, so no object would match.)
fn tag_source_kinds(document: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (schema, kind) in [
        ("UploadSettings", SourceKind::Upload),
        ("LdapSettings", SourceKind::Ldap),
        ("ScimSettings", SourceKind::Scim),
        ("CsvFileSettings", SourceKind::CsvFile),
    ] {
        let pointer = format!("/components/schemas/{schema}");
        let Some(object) = document
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
        else {
            missing.push(pointer);
            continue;
        };
        if let Some(properties) = object
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            properties.insert(
                "kind".to_owned(),
                json!({"type": "string", "enum": [kind.as_str()]}),
            );
        }
        if let Some(required) = object
            .entry("required")
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            required.insert(0, json!("kind"));
        }
    }
    missing
}

fn merge(document: &mut Value, pointer: &str, extra: Value) -> bool {
    match document.pointer_mut(pointer) {
        Some(target) if target.is_object() => {
            merge_into(target, extra);
            true
        }
        _ => false,
    }
}

fn merge_into(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_constrained_is_in_the_document() {
        let generated = crate::routes::api_router().split_for_parts().1;
        let mut document = serde_json::to_value(generated).unwrap();
        assert_eq!(apply(&mut document), Vec::<String>::new());
    }

    #[test]
    fn the_whitespace_class_is_what_the_server_trims() {
        let in_class = |c: char| WHITESPACE.iter().any(|&(l, h)| (l..=h).contains(&c));
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(in_class(c), c.is_whitespace(), "U+{:04X}", u32::from(c));
        }
        let in_control = |c: char| CONTROL.iter().any(|&(l, h)| (l..=h).contains(&c));
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(in_control(c), c.is_control(), "U+{:04X}", u32::from(c));
        }
        assert!(
            NOT_BLANK.starts_with("[^\\u0009-\\u000d\\u0020"),
            "{}",
            *NOT_BLANK
        );
    }
}
