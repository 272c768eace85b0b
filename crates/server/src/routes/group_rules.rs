//! `/api/v1/group-rules`: users whose profile attribute matches are assigned to the rule's apps.
//! Unassignments a rule causes later (an import changes the attribute) are not counted by the
//! safeguards.

use crate::error::AppError;
use crate::ids::new_id;
use crate::limits::{
    MAX_GROUP_RULE_APPS, MAX_GROUP_RULE_ATTRIBUTE_CHARS, MAX_GROUP_RULE_NAME_CHARS,
    MAX_GROUP_RULE_VALUE_CHARS, longer_than,
};
use crate::routes::apps::PageQuery;
use crate::routes::extract::{ApiQuery, CurrentActor, JsonBody};
use crate::routes::pagination::{PageRequest, page_response};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use safeguard_rules::GroupRuleId;
use safeguard_rules::api::{GroupRuleView, NewGroupRule, Problem};
use safeguard_rules::org::GroupRule;
use safeguard_rules::validation::FieldError;

/// Group rules, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/group-rules",
    tag = "group rules",
    params(PageQuery),
    responses(
        (status = 200, description = "Group rules; `Link` while more remain", body = Vec<GroupRuleView>),
        (status = 400, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_group_rules(
    State(state): State<AppState>,
    uri: Uri,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, AppError> {
    let page = PageRequest::parse(query.limit.as_deref(), query.after.as_deref())?;
    let rows = state
        .read(move |db| Ok(db.group_rule_views(page.fetch(), page.after)?))
        .await?;
    Ok(page_response(&uri, page, rows))
}

/// Creates a group rule. Every active user whose attribute equals the value is assigned to the
/// rule's apps at once, with the rule as the assignment's source.
#[utoipa::path(
    post,
    path = "/api/v1/group-rules",
    tag = "group rules",
    request_body = NewGroupRule,
    responses(
        (status = 201, description = "The group rule", body = GroupRuleView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, unknown apps, a field over its length limit or more than 100 apps", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_group_rule(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(new): JsonBody<NewGroupRule>,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    for (field, value) in [("name", &new.name), ("attribute", &new.attribute)] {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, "is required"));
        }
    }
    for (field, value, max) in [
        ("name", &new.name, MAX_GROUP_RULE_NAME_CHARS),
        ("attribute", &new.attribute, MAX_GROUP_RULE_ATTRIBUTE_CHARS),
        ("equals", &new.equals, MAX_GROUP_RULE_VALUE_CHARS),
    ] {
        if longer_than(value, max) {
            errors.push(FieldError::new(
                field,
                format!("is longer than {max} characters, the limit for this field"),
            ));
        }
    }
    if new.app_ids.is_empty() {
        errors.push(FieldError::new("appIds", "must name at least one app"));
    } else if new.app_ids.len() > MAX_GROUP_RULE_APPS {
        // Refused before any app is looked up: the list may be huge.
        return Err(AppError::invalid(
            "The group rule is invalid; nothing was created.",
            vec![FieldError::new(
                "appIds",
                format!(
                    "names {} apps; a group rule may name at most {MAX_GROUP_RULE_APPS}",
                    new.app_ids.len()
                ),
            )],
        ));
    }
    let rule = GroupRule {
        id: GroupRuleId(new_id("grp")),
        name: new.name.trim().to_owned(),
        attribute: new.attribute.trim().to_owned(),
        equals: new.equals,
        app_ids: new.app_ids,
    };
    let view = state
        .blocking(move |pipeline| {
            let at = pipeline.clock().stamp();
            pipeline.store().writer().transaction(|db| {
                for (i, app_id) in rule.app_ids.iter().enumerate() {
                    if db.app(app_id.as_str())?.is_none() {
                        errors.push(FieldError::new(
                            format!("appIds[{i}]"),
                            format!("no app has the id \"{app_id}\""),
                        ));
                    }
                }
                if !errors.is_empty() {
                    return Err(AppError::invalid(
                        "The group rule is invalid; nothing was created.",
                        errors,
                    ));
                }
                db.insert_group_rule(&rule, &actor, &at)?;
                let mut assigned = 0u64;
                for user in db.active_users()? {
                    if rule.matches(&user.profile) {
                        for app_id in &rule.app_ids {
                            if db.assign(
                                user.id.as_str(),
                                app_id.as_str(),
                                Some(rule.id.as_str()),
                                &at,
                            )? {
                                assigned += 1;
                            }
                        }
                    }
                }
                tracing::info!(rule = %rule.id, assigned, "group rule created");
                let views = db.group_rule_views(u32::MAX, None)?;
                views
                    .into_iter()
                    .map(|(_, v)| v)
                    .find(|v| v.id == rule.id)
                    .ok_or_else(|| {
                        AppError::internal(std::io::Error::other("a created group rule is missing"))
                    })
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}
