//! Bad input to the safeguard settings of version 2 of the rule book (`PUT /api/v1/safeguards`
//! and `PUT /api/v1/apps/{appId}/safeguard`): each invalid field is named, and nothing of the
//! body is taken.

use safeguard_rules::api::safeguards::{AppOverrideUpdate, SafeguardsUpdate};
use safeguard_rules::settings::{Limit, RoadblockScope, Settings};
use safeguard_rules::validation::FieldError;
use serde_json::{Value, json};

fn put(body: Value) -> Result<Settings, Vec<FieldError>> {
    serde_json::from_value::<SafeguardsUpdate>(body)
        .expect("a body of the right shape")
        .validate()
        .map(|(change, _)| change.applied_to(&Settings::default()))
}

fn put_override(body: Value) -> Result<Limit, Vec<FieldError>> {
    serde_json::from_value::<AppOverrideUpdate>(body)
        .expect("a body of the right shape")
        .validate()
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

/// A valid body with `field` set to `value`.
fn body_with(field: &str, value: Value) -> Value {
    let mut body = json!({
        "appLevel": {"enabled": true, "percent": 20},
        "orgLevel": {"enabled": true, "percent": 20},
        "version": 3
    });
    body[field] = value;
    body
}

#[test]
fn a_count_below_0_is_refused_wherever_a_count_is_set() {
    for (field, value, named) in [
        (
            "appLevel",
            json!({"enabled": true, "percent": 20, "count": -1}),
            "appLevel.count",
        ),
        (
            "orgLevel",
            json!({"enabled": true, "percent": 20, "count": -50}),
            "orgLevel.count",
        ),
        (
            "deactivations",
            json!({"enabled": true, "percent": null, "count": -1}),
            "deactivations.count",
        ),
    ] {
        let errors = put(body_with(field, value)).expect_err("a negative count");
        assert_eq!(fields(&errors), [named]);
        assert!(errors[0].message.contains("at least 0"), "{errors:?}");
    }

    let errors = put_override(json!({"enabled": true, "count": -2})).expect_err("negative");
    assert_eq!(fields(&errors), ["count"]);
    assert!(errors[0].message.contains("at least 0"), "{errors:?}");

    // 0 itself is a count: any counted unassignment trips.
    assert_eq!(
        put_override(json!({"enabled": true, "count": 0})),
        Ok(Limit {
            enabled: true,
            percent: None,
            count: Some(0)
        })
    );
}

#[test]
fn a_count_that_is_not_a_whole_number_is_refused() {
    for count in [json!(2.5), json!("5"), json!(true), json!([5])] {
        let errors = put(body_with(
            "orgLevel",
            json!({"enabled": true, "percent": 20, "count": count}),
        ))
        .expect_err("not a whole number");
        assert_eq!(fields(&errors), ["orgLevel.count"], "{count}");
        let errors = put_override(json!({"enabled": true, "count": count})).expect_err("refused");
        assert_eq!(fields(&errors), ["count"], "{count}");
    }
}

#[test]
fn an_enabled_override_with_neither_a_percent_nor_a_count_is_refused() {
    for body in [
        json!({"enabled": true, "percent": null, "count": null}),
        json!({"enabled": true}),
    ] {
        let errors = put_override(body.clone()).expect_err("nothing to limit by");
        assert_eq!(fields(&errors), ["percent"], "{body}");
        assert!(errors[0].message.contains("both are null"), "{errors:?}");
    }
    // A disabled override needs neither: it turns the app's check off.
    assert_eq!(
        put_override(json!({"enabled": false, "percent": null, "count": null})),
        Ok(Limit {
            enabled: false,
            percent: None,
            count: None
        })
    );
    // Each of them alone, or both, will do.
    assert!(put_override(json!({"enabled": true, "percent": 50})).is_ok());
    assert!(put_override(json!({"enabled": true, "percent": 50, "count": 5})).is_ok());
}

#[test]
fn an_enabled_budget_with_neither_a_percent_nor_a_count_is_refused() {
    let errors = put(body_with(
        "deactivations",
        json!({"enabled": true, "percent": null, "count": null}),
    ))
    .expect_err("nothing to limit by");
    assert_eq!(fields(&errors), ["deactivations.percent"]);
}

#[test]
fn a_roadblock_scope_that_is_neither_org_nor_app_is_refused() {
    for scope in [
        json!("team"),
        json!("ORG"),
        json!("App"),
        json!(""),
        json!(1),
        json!(true),
        json!({"scope": "org"}),
        json!(["app"]),
    ] {
        let errors = put(body_with("roadblockScope", scope.clone())).expect_err("refused");
        assert_eq!(fields(&errors), ["roadblockScope"], "{scope}");
        assert!(
            errors[0].message.contains("\"org\"") && errors[0].message.contains("\"app\""),
            "the message names both values: {errors:?}"
        );
    }
    let scope_of = |s: &str| put(body_with("roadblockScope", json!(s))).map(|s| s.roadblock_scope);
    assert_eq!(scope_of("org"), Ok(RoadblockScope::Org));
    assert_eq!(scope_of("app"), Ok(RoadblockScope::App));
}

#[test]
fn an_override_percent_above_100_and_a_missing_enabled_are_named_together() {
    let errors = put_override(json!({"percent": 101, "count": -1})).expect_err("refused");
    assert_eq!(fields(&errors), ["enabled", "percent", "count"]);
}

#[test]
fn every_bad_field_of_one_body_is_named_and_nothing_is_taken() {
    let errors = put(json!({
        "appLevel": {"enabled": true, "percent": 20, "count": -1},
        "orgLevel": {"enabled": true, "percent": 20, "count": 50},
        "deactivations": {"enabled": true, "percent": 120, "count": null},
        "roadblockScope": "everyone",
        "version": 3
    }))
    .expect_err("three bad fields");
    assert_eq!(
        fields(&errors),
        ["appLevel.count", "deactivations.percent", "roadblockScope"]
    );
}
