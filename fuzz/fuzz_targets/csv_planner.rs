//! The streaming CSV planner on arbitrary bytes, against a small org: it must answer exactly
//! what reading the file and then planning it answers (the same plan, change for change, or the
//! same rejection), read in one pass and read in parts on two threads. The parts path cuts the
//! file at line breaks and falls back to one pass on any doubt; raw bytes (quotes across cuts,
//! carriage returns, byte order marks, invalid UTF-8) are where such a cut could go wrong.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_rules::csv_planner::{CsvPlanInput, plan_csv_in_parts, plan_csv_with};
use safeguard_rules::org::{App, AppPopulation, Assignment, GroupRule, Profile, User, UserStatus};
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::{PlanInput, plan_import};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_rules::snapshot_csv::read_csv_with;
use safeguard_rules::{AppId, GroupRuleId, UserId};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Eight users: logins that fold together, two app users of HR sharing an external id, one user
/// HR does not list, one deactivated, two sharing an email; two apps (the first a profile source
/// that deactivates, the second matching by email, with an app user of its own) and a group
/// rule.
struct Org {
    apps: Vec<App>,
    users: Vec<User>,
    assignments: Vec<Assignment>,
    populations: Vec<AppPopulation>,
    rules: Vec<GroupRule>,
    index: OrgIndex,
}

fn org() -> &'static Org {
    static ORG: OnceLock<Org> = OnceLock::new();
    ORG.get_or_init(|| {
        let mut chat = App::new(AppId::from("app_chat"), "Chat", false, false);
        chat.match_by_email = true;
        let apps = vec![App::new(AppId::from("app_hr"), "HR", true, true), chat];
        let people = [
            ("a@x", Some("1"), "Sales", UserStatus::Active),
            ("A@X", Some("2"), "Eng", UserStatus::Active),
            ("b@x", Some("1"), "Sales", UserStatus::Active),
            ("c@x", None, "", UserStatus::Active),
            ("d@x", Some("4"), "Eng", UserStatus::Deactivated),
            ("e@x", Some("5"), "Sales", UserStatus::Active),
            ("f\"@x", Some("6,6"), "Ops", UserStatus::Active),
            ("g@x", Some(""), "Sales", UserStatus::Active),
        ];
        let users: Vec<User> = people
            .iter()
            .enumerate()
            .map(|(i, (login, _, department, status))| {
                let mut attributes = BTreeMap::new();
                if !department.is_empty() {
                    attributes.insert("department".to_owned(), (*department).to_owned());
                }
                User {
                    id: UserId(format!("usr_{i}")),
                    login: (*login).to_owned(),
                    status: *status,
                    profile: Profile {
                        first_name: Some(format!("N{i}")),
                        // Users 1 and 2 share an email; user 5's is their login.
                        email: match i {
                            1 | 2 => Some("ab@x".to_owned()),
                            5 => Some("e@x".to_owned()),
                            _ => None,
                        },
                        attributes,
                        ..Profile::default()
                    },
                }
            })
            .collect();
        let rule = GroupRule {
            id: GroupRuleId::from("grp_sales"),
            name: "Sales".to_owned(),
            attribute: "department".to_owned(),
            equals: "Sales".to_owned(),
            app_ids: vec![AppId::from("app_chat")],
        };
        let mut assignments = Vec::new();
        for ((i, user), (_, external_id, _, _)) in users.iter().enumerate().zip(&people) {
            if i != 3 {
                assignments.push(Assignment::direct(
                    user.id.clone(),
                    apps[0].id.clone(),
                    external_id.map(str::to_owned),
                ));
            }
            if i == 6 {
                // Chat's own app user, with its own id and what Chat's source said of them.
                let mut app_user =
                    Assignment::direct(user.id.clone(), apps[1].id.clone(), Some("6".to_owned()));
                app_user.app_profile = Some(Box::new(Profile {
                    first_name: Some("Chat".to_owned()),
                    ..Profile::default()
                }));
                assignments.push(app_user);
            }
            if user
                .profile
                .attributes
                .get("department")
                .map(String::as_str)
                == Some("Sales")
            {
                assignments.push(Assignment::by_rule(
                    user.id.clone(),
                    apps[1].id.clone(),
                    rule.id.clone(),
                ));
            }
        }
        let populations = apps
            .iter()
            .map(|app| AppPopulation {
                app_id: app.id.clone(),
                app_name: app.name.clone(),
                population: assignments.iter().filter(|a| a.app_id == app.id).count() as u64,
            })
            .collect();
        let index = OrgIndex::new(&users, &assignments, &apps);
        Org {
            apps,
            users,
            assignments,
            populations,
            rules: vec![rule],
            index,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the app, small limits or the defaults, and where parts start.
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let org = org();
    let app = &org.apps[usize::from(choice & 1)];
    let limits = if choice & 2 == 0 {
        SnapshotLimits::DEFAULT
    } else {
        SnapshotLimits {
            max_users: 6,
            max_columns: 6,
            max_attributes: 4,
            max_field_chars: 8,
            max_name_chars: 8,
            max_attribute_name_chars: 10,
            max_attribute_value_chars: 6,
        }
    };
    let expected = read_csv_with(bytes, &limits).map(|snapshot| {
        plan_import(PlanInput {
            app,
            apps: &org.apps,
            users: &org.users,
            assignments: &org.assignments,
            populations: &org.populations,
            group_rules: &org.rules,
            snapshot: &snapshot,
        })
    });
    let input = CsvPlanInput {
        app,
        apps: &org.apps,
        users: &org.users,
        assignments: &org.assignments,
        populations: &org.populations,
        group_rules: &org.rules,
        index: &org.index,
    };
    let parts_from = usize::from(choice >> 2);
    assert_eq!(
        plan_csv_with(bytes, &limits, input),
        expected,
        "in one pass"
    );
    assert_eq!(
        plan_csv_in_parts(bytes, &limits, input, parts_from),
        expected,
        "in parts"
    );
});
