//! The CSV planner answers exactly what reading the snapshot and then planning it answers: the
//! same plan, change for change, or the same rejection with the same errors. Checked over
//! generated orgs (users with or without profiles, logins in mixed case, emails shared or
//! another login's, deactivated users, group rules and rule-given assignments; app users with
//! external ids of their own, none, shared, or other than the file's, some with an app profile;
//! one or two ranked profile sources that may deactivate and may reactivate, apps that are not
//! profile sources, apps matching by email, so both the row-by-row path and the snapshot path
//! are taken) and
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
use safeguard_rules::org::{App, AppPopulation, Assignment, GroupRule, Profile, User, UserStatus};
use safeguard_rules::org_index::OrgIndex;
use safeguard_rules::planner::{PlanInput, plan_import};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_rules::snapshot_csv::read_csv_with;
use safeguard_rules::{AppId, GroupRuleId, UserId};

const DEPARTMENTS: [&str; 4] = ["", "Sales", "Eng", " Ops "];
const NAMES: [&str; 4] = ["", "Ada", "Bo, Jr.", "Cy\n\"C\""];

/// One org user: login number and case, first name, department, email (none, their login's,
/// a new login's, or one shared), deactivated, and their app user in each of the 4 apps.
#[derive(Clone, Debug)]
struct UserSpec {
    upper: bool,
    first_name: usize,
    department: usize,
    email: u8,
    deactivated: bool,
    apps: [AppUserSpec; 4],
}

/// One app user: none (0, 1), direct (2) or by rule (3); its external id (none, shared, one the
/// files never give, or its own); whether it keeps an app profile of its own.
#[derive(Clone, Debug)]
struct AppUserSpec {
    how: u8,
    external_id: u8,
    app_profile: bool,
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
    /// The email cell: the login's, or the one some users share.
    shared_email: bool,
}

#[derive(Clone, Debug)]
struct Case {
    users: Vec<UserSpec>,
    deactivate: bool,
    /// The directory settings: whether app 1 is a profile source too; the ranks of apps 0 and 1
    /// (0: none); `reactivate_on_return` of apps 0 and 1; `match_by_email` of apps 0, 1, 2.
    directory: Directory,
    /// The apps imported: app 0, then app 1 or app 2.
    second_import: bool,
    /// The assignments listed last user first, not in the users' order.
    reversed: bool,
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

#[derive(Clone, Debug)]
struct Directory {
    second_source: bool,
    ranks: [u32; 2],
    reactivate: [bool; 2],
    match_by_email: [bool; 3],
}

fn directory() -> impl Strategy<Value = Directory> {
    (
        any::<bool>(),
        prop::array::uniform2(0u32..3),
        prop::array::uniform2(prop::bool::weighted(0.7)),
        prop::array::uniform3(prop::bool::weighted(0.3)),
    )
        .prop_map(
            |(second_source, ranks, reactivate, match_by_email)| Directory {
                second_source,
                ranks,
                reactivate,
                match_by_email,
            },
        )
}

fn app_user_spec() -> impl Strategy<Value = AppUserSpec> {
    (0u8..4, 0u8..12, prop::bool::weighted(0.2)).prop_map(|(how, external_id, app_profile)| {
        AppUserSpec {
            how,
            external_id,
            app_profile,
        }
    })
}

fn user_spec() -> impl Strategy<Value = UserSpec> {
    (
        any::<bool>(),
        0usize..4,
        0usize..4,
        0u8..4,
        prop::bool::weighted(0.15),
        prop::array::uniform4(app_user_spec()),
    )
        .prop_map(
            |(upper, first_name, department, email, deactivated, apps)| UserSpec {
                upper,
                first_name,
                department,
                email,
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
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(
                repeat,
                upper,
                external_id,
                first_name,
                department,
                title,
                quote,
                spaces,
                short,
                shared_email,
            )| {
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
                    shared_email,
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
        (
            prop::collection::vec(user_spec(), 0..16),
            directory(),
            any::<bool>(),
            prop::bool::weighted(0.3),
        ),
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
                (users, directory, second_import, reversed),
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
                    directory,
                    second_import,
                    reversed,
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
    let directory = &case.directory;
    let apps: Vec<App> = (0..4)
        .map(|i| {
            let profile_source = i == 0 || (i == 1 && directory.second_source);
            let mut app = App::new(
                AppId::from(format!("app-{i}")),
                &format!("App {}", i % 3),
                profile_source,
                profile_source && case.deactivate,
            );
            if let Some(&rank) = directory.ranks.get(i).filter(|_| profile_source) {
                app.profile_source_priority = (rank > 0).then_some(rank);
            }
            if let Some(&reactivate) = directory.reactivate.get(i) {
                app.reactivate_on_return = reactivate;
            }
            if let Some(&by_email) = directory.match_by_email.get(i) {
                app.match_by_email = by_email;
            }
            app
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
                first_name: (!first_name.is_empty()).then(|| first_name.to_owned()),
                // A new login's email is matched by email; a shared one is a conflict.
                email: match spec.email {
                    0 => None,
                    1 => Some(login(n as u8, false)),
                    2 => Some(login(n as u8 + 16, spec.upper)),
                    _ => Some("shared@example.com".to_owned()),
                },
                attributes: [("department", department)]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                ..Profile::default()
            },
        });
        for (app, app_user) in apps.iter().zip(&spec.apps) {
            // Mostly the user's own id; some have none, some share another's, some have one
            // no file gives.
            let external_id = match app_user.external_id {
                0 => None,
                1 | 2 => Some(format!("e{}", app_user.external_id + 10)),
                3 => Some(format!("x{n}")),
                _ => Some(format!("e{n}")),
            };
            let mut assignment = match (app_user.how, rules.first()) {
                (0 | 1, _) => continue,
                (3, Some(rule)) => {
                    let mut by_rule =
                        Assignment::by_rule(id.clone(), app.id.clone(), rule.id.clone());
                    // A rule's app user that the app's source listed since.
                    by_rule.external_id = external_id.filter(|_| app_user.external_id % 2 == 0);
                    by_rule
                }
                _ => Assignment::direct(id.clone(), app.id.clone(), external_id),
            };
            if app_user.app_profile {
                assignment.app_profile = Some(Box::new(Profile {
                    first_name: Some(NAMES[(spec.first_name + 1) % NAMES.len()].to_owned()),
                    ..Profile::default()
                }));
            }
            assignments.push(assignment);
        }
    }
    if case.reversed {
        assignments.reverse();
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
                2 if row.shared_email => "shared@example.com".to_owned(),
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
        let index = OrgIndex::new(&org.users, &org.assignments, &org.apps);
        let second = if case.second_import { 1 } else { 2 };
        for app in [&org.apps[0], &org.apps[second]] {
            let expected = read_csv_with(&bytes, &limits).map(|snapshot| {
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
    let stale = OrgIndex::new(&[], &[], &[]);
    let populations = org.populations();
    let input = |index| CsvPlanInput {
        app: org.app_by_id(&app),
        apps: &org.apps,
        users: &org.users,
        assignments: &org.assignments,
        populations: &populations,
        group_rules: &org.group_rules,
        index,
    };
    let bytes = b"externalId,login\next-bob,bob@example.com\n";
    let fresh = OrgIndex::new(&org.users, &org.assignments, &org.apps);
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
    let index = OrgIndex::new(&org.users, &org.assignments, &org.apps);
    let input = CsvPlanInput {
        app: org.app_by_id(&app),
        apps: &org.apps,
        users: &org.users,
        assignments: &org.assignments,
        populations: &populations,
        group_rules: &org.group_rules,
        index: &index,
    };
    let snapshot = read_csv_with(&bytes, &SnapshotLimits::DEFAULT).expect("a valid file");
    let expected = plan_import(PlanInput {
        app: input.app,
        apps: input.apps,
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

/// Two app users of the profile source with one external id, the assignments listed in another
/// order than the users: the entry with that id is the first such app user's, as the snapshot
/// planner matches it, not its login's user.
#[test]
fn an_external_id_two_app_users_share_is_matched_in_the_order_of_the_assignments() {
    let mut org = org::Org::new();
    let hr = org.profile_source("HR", false);
    let ada = org.user("ada@example.com");
    let bob = org.user("bob@example.com");
    org.assign_with_id(&bob, &hr, "e11");
    org.assign_with_id(&ada, &hr, "e11");
    let file = b"externalId,login\ne11,ada@example.com\n";
    let plan = org.plan_csv(&hr, file).expect("a valid file");
    let unassigned: Vec<_> = plan.changes.iter().map(|c| c.login.as_str()).collect();
    assert_eq!(unassigned, ["ada@example.com"], "Bob's app user has the id");
    let snapshot = read_csv_with(file, &SnapshotLimits::DEFAULT).expect("a valid file");
    assert_eq!(org.plan(&hr, &snapshot), plan);
}

/// Two profile sources of one rank (two stored before ranks existed): each owns the profiles
/// it lists, and the index holds the first one's external ids only, so an import of the second
/// is planned from the snapshot, by its own app users.
#[test]
fn an_import_of_the_second_of_two_sources_of_one_rank_matches_its_own_external_ids() {
    let mut org = org::Org::new();
    let hr = org.profile_source("HR", false);
    let payroll = org.profile_source("Payroll", false);
    let ada = org.user("ada@example.com");
    org.assign_with_id(&ada, &payroll, "p1");
    // Payroll renamed Ada's login: its own id still finds her.
    let file = b"externalId,login\np1,ada.lovelace@example.com\n";
    let plan = org.plan_csv(&payroll, file).expect("a valid file");
    assert_eq!(plan.counts.created, 0, "{:?}", plan.changes);
    assert_eq!(plan.counts.unchanged, 1);
    let snapshot = read_csv_with(file, &SnapshotLimits::DEFAULT).expect("a valid file");
    assert_eq!(org.plan(&payroll, &snapshot), plan);
    let _ = hr;
}
