//! The CSV planner answers exactly what reading the snapshot and then planning it answers: the
//! same plan, change for change, or the same rejection with the same errors. Checked over
//! generated orgs (users with or without profiles, logins in mixed case, shared external ids,
//! deactivated users, group rules and rule-given assignments, a source that may deactivate) and
//! generated files (columns in any order and case, quoted cells with commas, quotes and line
//! breaks, spaces, empty cells, repeated and case-folded logins, repeated external ids, missing
//! columns, short rows, values over small limits, more rows than allowed, a byte order mark,
//! Windows line endings). Every file is also planned in parts, however small, as large files
//! are, so the merging of parts is held to the same answer.

#[path = "fixtures/org.rs"]
mod org;

use org::csv::cell;
use proptest::prelude::*;
use safeguard_rules::csv_planner::{CsvPlanInput, plan_csv_in_parts, plan_csv_with};
use safeguard_rules::org::{
    App, AppPopulation, Assignment, AssignmentSource, GroupRule, Profile, User, UserStatus,
};
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::{PlanInput, plan_import};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_rules::snapshot_csv::read_csv_with;
use safeguard_rules::{AppId, GroupRuleId, UserId};

const DEPARTMENTS: [&str; 4] = ["", "Sales", "Eng", " Ops "];
const NAMES: [&str; 4] = ["", "Ada", "Bo, Jr.", "Cy\n\"C\""];

/// One org user: login number and case, external id (none, own, or shared), first name,
/// department, deactivated, and which of the 4 apps (by rule or directly) they are in.
#[derive(Clone, Debug)]
struct UserSpec {
    upper: bool,
    external_id: u8,
    first_name: usize,
    department: usize,
    deactivated: bool,
    apps: [u8; 4],
}

/// One row: a known user (by number) or a new one, and how its cells are written. Rows take
/// their logins from a shuffled list, so most are distinct; `repeat` takes the previous row's.
#[derive(Clone, Debug)]
struct RowSpec {
    repeat: bool,
    upper: bool,
    external_id: u8,
    first_name: usize,
    department: usize,
    title: bool,
    quote: bool,
    spaces: bool,
    short: bool,
}

#[derive(Clone, Debug)]
struct Case {
    users: Vec<UserSpec>,
    deactivate: bool,
    rules: Vec<(usize, [bool; 4])>,
    /// Optional columns present, in order: firstName, lastName, email, department, title.
    columns: Vec<usize>,
    header_case: bool,
    /// Bit 0: a byte order mark before the header; bit 1: Windows line endings.
    framing: u8,
    missing_login: bool,
    rows: Vec<RowSpec>,
    /// The login number of each row, before `repeat`.
    logins: Vec<u8>,
    limits: Option<SnapshotLimits>,
}

fn user_spec() -> impl Strategy<Value = UserSpec> {
    (
        any::<bool>(),
        0u8..12,
        0usize..4,
        0usize..4,
        prop::bool::weighted(0.1),
        prop::array::uniform4(0u8..4),
    )
        .prop_map(
            |(upper, external_id, first_name, department, deactivated, apps)| UserSpec {
                upper,
                external_id,
                first_name,
                department,
                deactivated,
                apps,
            },
        )
}

fn row_spec() -> impl Strategy<Value = RowSpec> {
    (
        prop::bool::weighted(0.03),
        any::<bool>(),
        0u8..40,
        0usize..4,
        0usize..4,
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.005),
    )
        .prop_map(
            |(repeat, upper, external_id, first_name, department, title, quote, spaces, short)| {
                RowSpec {
                    repeat,
                    upper,
                    external_id,
                    first_name,
                    department,
                    title,
                    quote,
                    spaces,
                    short,
                }
            },
        )
}

fn limits() -> impl Strategy<Value = Option<SnapshotLimits>> {
    prop_oneof![
        3 => Just(None),
        1 => (0usize..24, 4usize..8, 5usize..12, 0usize..3, 3usize..8).prop_map(
            |(max_users, max_columns, max_field_chars, max_attributes, max_value)| {
                Some(SnapshotLimits {
                    max_users,
                    max_columns,
                    max_attributes,
                    max_field_chars,
                    max_name_chars: max_field_chars - 2,
                    max_attribute_name_chars: 128,
                    max_attribute_value_chars: max_value,
                })
            }
        ),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(user_spec(), 0..16),
        any::<bool>(),
        prop::collection::vec((1usize..4, prop::array::uniform4(any::<bool>())), 0..3),
        Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
        0usize..6,
        any::<bool>(),
        prop::bool::weighted(0.03),
        prop::collection::vec(row_spec(), 0..20),
        Just((0u8..24).collect::<Vec<u8>>()).prop_shuffle(),
        limits(),
        0u8..4,
    )
        .prop_map(
            |(
                users,
                deactivate,
                rules,
                mut columns,
                keep,
                header_case,
                missing_login,
                rows,
                logins,
                limits,
                framing,
            )| {
                columns.truncate(keep);
                Case {
                    users,
                    deactivate,
                    rules,
                    columns,
                    header_case,
                    framing,
                    missing_login,
                    rows,
                    logins,
                    limits,
                }
            },
        )
}

/// Login number `n` as written: known users are 0..16 (those the org has), the rest are new.
fn login(n: u8, upper: bool) -> String {
    let login = format!("u{n}@example.com");
    if upper { login.to_uppercase() } else { login }
}

struct Built {
    apps: Vec<App>,
    users: Vec<User>,
    assignments: Vec<Assignment>,
    populations: Vec<AppPopulation>,
    rules: Vec<GroupRule>,
}

fn build(case: &Case) -> Built {
    let apps: Vec<App> = (0..4)
        .map(|i| App {
            id: AppId::from(format!("app-{i}")),
            name: format!("App {}", i % 3),
            profile_source: i == 0,
            deactivate_on_remove: i == 0 && case.deactivate,
        })
        .collect();
    let rules: Vec<GroupRule> = case
        .rules
        .iter()
        .enumerate()
        .map(|(r, (department, gives))| GroupRule {
            id: GroupRuleId::from(format!("rule-{r}")),
            name: format!("Rule {r}"),
            attribute: "department".to_owned(),
            equals: DEPARTMENTS[*department].trim().to_owned(),
            app_ids: apps
                .iter()
                .zip(gives)
                .filter(|(_, on)| **on)
                .map(|(a, _)| a.id.clone())
                .collect(),
        })
        .collect();
    let mut users = Vec::new();
    let mut assignments = Vec::new();
    for (n, spec) in case.users.iter().enumerate() {
        let id = UserId::from(format!("user-{n}"));
        let department = DEPARTMENTS[spec.department].trim();
        let first_name = NAMES[spec.first_name];
        users.push(User {
            id: id.clone(),
            login: login(n as u8, spec.upper),
            status: if spec.deactivated {
                UserStatus::Deactivated
            } else {
                UserStatus::Active
            },
            profile: Profile {
                // Mostly the user's own id; some have none, some share another's.
                external_id: match spec.external_id {
                    0 => None,
                    1 | 2 => Some(format!("e{}", spec.external_id + 10)),
                    _ => Some(format!("e{n}")),
                },
                first_name: (!first_name.is_empty()).then(|| first_name.to_owned()),
                attributes: [("department", department)]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                ..Profile::default()
            },
        });
        for (app, how) in apps.iter().zip(spec.apps) {
            let source = match how {
                0 | 1 => continue,
                2 => AssignmentSource::Direct,
                _ => match rules.first() {
                    Some(rule) => AssignmentSource::GroupRule(rule.id.clone()),
                    None => AssignmentSource::Direct,
                },
            };
            assignments.push(Assignment {
                user_id: id.clone(),
                app_id: app.id.clone(),
                source,
            });
        }
    }
    let populations = apps
        .iter()
        .take(3) // App 3 has no population: its unassignments count against zero.
        .map(|app| AppPopulation {
            app_id: app.id.clone(),
            app_name: app.name.clone(),
            population: assignments.iter().filter(|a| a.app_id == app.id).count() as u64,
        })
        .collect();
    Built {
        apps,
        users,
        assignments,
        populations,
        rules,
    }
}

fn file(case: &Case) -> Vec<u8> {
    const OPTIONAL: [&str; 5] = ["firstName", "lastName", "email", "department", "title"];
    let mut header = vec!["externalId".to_owned()];
    if !case.missing_login {
        header.push(if case.header_case {
            " LOGIN ".to_owned()
        } else {
            "login".to_owned()
        });
    }
    header.extend(case.columns.iter().map(|&c| {
        if case.header_case && c < 3 {
            OPTIONAL[c].to_uppercase()
        } else {
            OPTIONAL[c].to_owned()
        }
    }));
    let mut out = header.join(",");
    out.push('\n');
    let mut previous = 0u8;
    for (row, &number) in case.rows.iter().zip(&case.logins) {
        let number = if row.repeat { previous } else { number };
        previous = number;
        // Mostly the id that goes with the login; some rows have none or another's.
        let external_id = match row.external_id {
            0 => String::new(),
            1..=3 => format!("e{}", row.external_id + 10),
            4 => format!("e{}", (number + 1) % 24),
            _ => format!("e{number}"),
        };
        let mut cells = vec![external_id];
        if !case.missing_login {
            cells.push(login(number, row.upper));
        }
        for &c in &case.columns {
            cells.push(match c {
                0 => NAMES[row.first_name].to_owned(),
                1 => "Lovelace".to_owned(),
                2 => login(number, false),
                3 => DEPARTMENTS[row.department].to_owned(),
                _ => {
                    if row.title {
                        "Manager".to_owned()
                    } else {
                        String::new()
                    }
                }
            });
        }
        if row.short {
            cells.pop();
        }
        let written: Vec<String> = cells
            .iter()
            .map(|v| {
                let v = if row.spaces {
                    format!(" {v} ")
                } else {
                    v.clone()
                };
                if row.quote {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    cell(&v)
                }
            })
            .collect();
        out.push_str(&written.join(","));
        out.push('\n');
    }
    let line_end = if case.framing & 2 != 0 { "\r\n" } else { "\n" };
    let out = out.replace('\n', line_end);
    let bom: &[u8] = if case.framing & 1 != 0 {
        b"\xef\xbb\xbf"
    } else {
        b""
    };
    [bom, out.as_bytes()].concat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_csv_planner_answers_what_reading_then_planning_answers(case in case()) {
        let org = build(&case);
        let bytes = file(&case);
        let limits = case.limits.unwrap_or_default();
        let index = OrgIndex::new(&org.users, &org.assignments);
        for app in &org.apps[..2] {
            let expected = read_csv_with(&bytes, &limits).map(|snapshot| {
                plan_import(PlanInput {
                    app,
                    users: &org.users,
                    assignments: &org.assignments,
                    populations: &org.populations,
                    group_rules: &org.rules,
                    snapshot: &snapshot,
                })
            });
            let input = CsvPlanInput {
                app,
                users: &org.users,
                assignments: &org.assignments,
                populations: &org.populations,
                group_rules: &org.rules,
                index: &index,
            };
            let actual = plan_csv_with(&bytes, &limits, input);
            // However small, the file read in two halves on two threads, then merged.
            let halves = plan_csv_in_parts(&bytes, &limits, input, 0);
            prop_assert_eq!(&halves, &expected, "in two parts: {}", String::from_utf8_lossy(&bytes));
            prop_assert_eq!(actual, expected, "{}", String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn an_index_of_other_lengths_is_not_used_and_the_plan_is_still_right() {
    let mut org = org::Org::new();
    let app = org.profile_source("Workday", true);
    let ada = org.user("ada@example.com");
    org.assign(&ada, &app);
    let stale = OrgIndex::new(&[], &[]);
    let populations = org.populations();
    let input = |index| CsvPlanInput {
        app: org.app_by_id(&app),
        users: &org.users,
        assignments: &org.assignments,
        populations: &populations,
        group_rules: &org.group_rules,
        index,
    };
    let bytes = b"externalId,login\next-bob,bob@example.com\n";
    let fresh = OrgIndex::new(&org.users, &org.assignments);
    let expected = plan_csv_with(bytes, &SnapshotLimits::DEFAULT, input(&fresh));
    assert_eq!(
        plan_csv_with(bytes, &SnapshotLimits::DEFAULT, input(&stale)),
        expected
    );
    assert_eq!(expected.map(|p| p.counts.deactivated), Ok(1));
}

/// A file large enough to be read in parts, where every other row has a line break inside a
/// quoted cell: some cuts fall inside quotes, and the answer is still the single pass's.
#[test]
fn a_large_file_with_line_breaks_in_quoted_cells_plans_as_read() {
    let mut org = org::Org::new();
    let app = org.profile_source("Workday", false);
    for i in 0..12_000 {
        let user = org.user(&format!("user{i:05}@example.com"));
        if i % 10 != 0 {
            org.assign(&user, &app);
        }
    }
    let mut file = String::from("externalId,login,title\n");
    for i in 0..12_000 {
        let title = if i % 2 == 0 {
            "\"Head\nof things\""
        } else {
            "Clerk"
        };
        file.push_str(&format!(
            "ext-user{i:05}@example.com,user{i:05}@example.com,{title}\n"
        ));
    }
    let bytes = file.into_bytes();
    assert!(bytes.len() >= safeguard_rules::csv_planner::PARTS_FROM_BYTES / 2);
    let populations = org.populations();
    let index = OrgIndex::new(&org.users, &org.assignments);
    let input = CsvPlanInput {
        app: org.app_by_id(&app),
        users: &org.users,
        assignments: &org.assignments,
        populations: &populations,
        group_rules: &org.group_rules,
        index: &index,
    };
    let snapshot = read_csv_with(&bytes, &SnapshotLimits::DEFAULT).expect("a valid file");
    let expected = plan_import(PlanInput {
        app: input.app,
        users: input.users,
        assignments: input.assignments,
        populations: input.populations,
        group_rules: input.group_rules,
        snapshot: &snapshot,
    });
    assert_eq!(expected.counts.updated, 12_000, "every title is new");
    assert_eq!(
        plan_csv_in_parts(&bytes, &SnapshotLimits::DEFAULT, input, 0),
        Ok(expected)
    );
}
