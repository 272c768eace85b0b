//! The LDAP source against a real OpenLDAP directory (tests/support/slapd.rs): what an import
//! reads from it, over plain LDAP, StartTLS and LDAPS, paged, and that every failure, even one
//! midway through the pages, is an error saying what and where, never a shorter list of users.
// Tests: a failed step should panic where it happened.
#![allow(clippy::unwrap_used)]

mod support;

use safeguard_rules::api::sources::DEFAULT_LDAP_FILTER;
use safeguard_rules::api::{LdapScope, LdapSettings, SourceMapping};
use safeguard_rules::snapshot::SnapshotLimits;
use safeguard_server::sources::{SourceError, SourceRead, ldap};
use std::collections::BTreeSet;
use std::time::Duration;
use support::slapd::{ADMIN_DN, ADMIN_PASSWORD, PEOPLE, STAFF, SUFFIX, Slapd};

const TIMEOUT: Duration = Duration::from_secs(30);

/// What an administrator sets for this directory: the administrator binds, the defaults for
/// the rest.
fn settings(url: &str) -> LdapSettings {
    LdapSettings {
        url: url.to_owned(),
        start_tls: false,
        ca_certificate: None,
        bind_dn: Some(ADMIN_DN.to_owned()),
        password: Some(ADMIN_PASSWORD.to_owned()),
        password_set: true,
        base_dn: SUFFIX.to_owned(),
        scope: LdapScope::Sub,
        filter: DEFAULT_LDAP_FILTER.to_owned(),
        page_size: 500,
        mapping: SourceMapping::default(),
        attributes: Vec::new(),
        schedule: None,
    }
}

async fn read(settings: &LdapSettings) -> Result<SourceRead, SourceError> {
    ldap::read(settings, &SnapshotLimits::DEFAULT, TIMEOUT).await
}

fn unreadable(result: Result<SourceRead, SourceError>) -> String {
    match result {
        Err(SourceError::Unreadable { detail }) => detail,
        Err(other) => panic!("expected unreadable, got {other:?}"),
        Ok(read) => panic!(
            "expected unreadable, got {} users and {} warnings",
            read.users.len(),
            read.warnings.count
        ),
    }
}

fn logins(read: &SourceRead) -> BTreeSet<String> {
    read.users.iter().map(|u| u.login.clone()).collect()
}

fn people(range: std::ops::RangeInclusive<usize>) -> BTreeSet<String> {
    range.map(|i| format!("person{i:06}")).collect()
}

#[tokio::test]
async fn every_person_is_read_with_the_default_mapping() {
    let mut slapd = Slapd::start();
    slapd.add_people(3);
    let mut settings = settings(&slapd.url());
    settings.attributes = vec!["employeeNumber".to_owned(), "title".to_owned()];
    let read = read(&settings).await.unwrap();

    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(logins(&read), people(1..=3));
    let user = read
        .users
        .iter()
        .find(|u| u.login == "person000002")
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("person000002@example.com"));
    assert_eq!(user.first_name.as_deref(), Some("Given2"));
    assert_eq!(user.last_name.as_deref(), Some("Family2"));
    // An attribute the entry does not have is not in the profile at all.
    assert_eq!(
        user.attributes.iter().collect::<Vec<_>>(),
        [(&"employeeNumber".to_owned(), &"2".to_owned())]
    );
    // The externalId is the directory's entryUUID: a UUID, one per entry.
    assert_eq!(user.external_id.len(), 36, "{}", user.external_id);
    assert_eq!(user.external_id.matches('-').count(), 4);
    let ids: BTreeSet<&str> = read.users.iter().map(|u| u.external_id.as_str()).collect();
    assert_eq!(ids.len(), 3);
}

#[tokio::test]
async fn the_external_id_is_the_entry_uuid_ldapsearch_shows() {
    let mut slapd = Slapd::start();
    slapd.add_people(1);
    let read = read(&settings(&slapd.url())).await.unwrap();
    let out = slapd.ldapsearch(500).arg("-LLL").output().unwrap();
    let ldif = String::from_utf8(out.stdout).unwrap();
    let uuid = ldif
        .lines()
        .find_map(|l| l.strip_prefix("entryUUID: "))
        .unwrap();
    assert_eq!(read.users[0].external_id, uuid);
}

#[tokio::test]
async fn start_tls_with_the_directory_ca_reads_and_without_it_is_refused() {
    let mut slapd = Slapd::start();
    slapd.add_people(2);
    let mut settings = settings(&slapd.url());
    settings.start_tls = true;

    let detail = unreadable(read(&settings).await);
    assert!(detail.contains("StartTLS"), "{detail}");
    assert!(detail.contains("CA this server does not trust"), "{detail}");
    assert!(detail.contains("nothing was imported"), "{detail}");

    settings.ca_certificate = Some(slapd.ca_pem());
    let read = read(&settings).await.unwrap();
    assert_eq!(logins(&read), people(1..=2));
}

#[tokio::test]
async fn ldaps_with_the_directory_ca_reads_and_without_it_is_refused() {
    let mut slapd = Slapd::start();
    slapd.add_people(2);
    let mut settings = settings(&slapd.ldaps_url());

    let detail = unreadable(read(&settings).await);
    assert!(
        detail.starts_with(&format!("LDAP {}:", slapd.ldaps_url())),
        "{detail}"
    );
    assert!(detail.contains("CA this server does not trust"), "{detail}");

    settings.ca_certificate = Some(slapd.ca_pem());
    let read = read(&settings).await.unwrap();
    assert_eq!(logins(&read), people(1..=2));
}

#[tokio::test]
async fn a_ca_setting_that_is_not_pem_says_so() {
    let slapd = Slapd::start();
    let mut settings = settings(&slapd.ldaps_url());
    settings.ca_certificate = Some("not a certificate".to_owned());
    let detail = unreadable(read(&settings).await);
    assert!(detail.contains("caCertificate"), "{detail}");
}

#[tokio::test]
async fn more_people_than_a_page_are_all_read_exactly_once() {
    let slapd = Slapd::start_with_people(1250);
    let read = read(&settings(&slapd.url())).await.unwrap();

    assert_eq!(read.users.len(), 1250);
    assert_eq!(logins(&read), people(1..=1250));
    let ids: BTreeSet<&str> = read.users.iter().map(|u| u.external_id.as_str()).collect();
    assert_eq!(ids.len(), 1250);
    // Three pages of at most 500: the directory was asked three subtree searches.
    assert_eq!(
        slapd.log_count(&format!("SRCH base=\"{SUFFIX}\" scope=2")),
        3,
        "{}",
        slapd.log()
    );
}

#[tokio::test]
async fn a_wrong_password_names_the_bind_dn_and_the_reason() {
    let mut slapd = Slapd::start();
    slapd.add_people(1);
    let mut settings = settings(&slapd.url());
    settings.password = Some("not-the-password".to_owned());
    let detail = unreadable(read(&settings).await);
    assert_eq!(
        detail,
        format!(
            "LDAP {}: the bind as {ADMIN_DN} was refused: invalid credentials (49); nothing was imported.",
            slapd.url()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_that_stops_mid_read_imports_nothing() {
    let mut slapd = Slapd::start_with_people(5000);
    let mut settings = settings(&slapd.url());
    // A thousand pages: the read is far from done when the directory goes.
    settings.page_size = 5;
    let reader = tokio::spawn(async move { read(&settings).await });

    let subtree_searches =
        |slapd: &Slapd| slapd.log_count(&format!("SRCH base=\"{SUFFIX}\" scope=2"));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while subtree_searches(&slapd) < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the read did not reach its third page"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    slapd.stop();
    let served = subtree_searches(&slapd);
    assert!(served < 1000, "the directory served every page ({served})");

    let detail = unreadable(reader.await.unwrap());
    assert!(detail.contains("page "), "{detail}");
    assert!(
        detail.contains("closed the connection") || detail.contains("connection was refused"),
        "{detail}"
    );
    assert!(detail.ends_with("nothing was imported."), "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_that_stops_answering_mid_read_times_out_and_imports_nothing() {
    let slapd = Slapd::start_with_people(5000);
    let mut settings = settings(&slapd.url());
    settings.page_size = 5;
    let reader = tokio::spawn(async move {
        ldap::read(&settings, &SnapshotLimits::DEFAULT, Duration::from_secs(1)).await
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while slapd.log_count(&format!("SRCH base=\"{SUFFIX}\" scope=2")) < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the read did not reach its third page"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    slapd.freeze();

    let detail = unreadable(reader.await.unwrap());
    assert!(detail.contains("page "), "{detail}");
    assert!(detail.contains("got no answer within 1 s"), "{detail}");
    assert!(detail.ends_with("nothing was imported."), "{detail}");
}

#[tokio::test]
async fn a_size_limit_hit_midway_imports_nothing() {
    // Anonymous searches are limited to ANONYMOUS_LIMIT entries in all, paged or not.
    let slapd = Slapd::start_with_people(support::slapd::ANONYMOUS_LIMIT + 250);
    let mut settings = settings(&slapd.url());
    settings.bind_dn = None;
    settings.password = None;
    let detail = unreadable(read(&settings).await);
    assert!(detail.contains("size limit exceeded (4)"), "{detail}");
}

#[tokio::test]
async fn an_entry_without_a_uid_is_left_out_with_a_warning_naming_it() {
    let mut slapd = Slapd::start();
    slapd.add_people(2);
    let dn = format!("cn=Meeting Room,{PEOPLE}");
    slapd.add_entry(&format!(
        "dn: {dn}\nobjectClass: inetOrgPerson\ncn: Meeting Room\nsn: Room\n\n"
    ));
    let read = read(&settings(&slapd.url())).await.unwrap();
    assert_eq!(logins(&read), people(1..=2));
    assert_eq!(read.warnings.count, 1);
    assert_eq!(read.warnings.first[0].entry, dn);
    assert_eq!(read.warnings.first[0].reason, "has no uid");
}

#[tokio::test]
async fn scope_one_reads_only_the_entries_right_under_the_base() {
    let mut slapd = Slapd::start();
    slapd.add_people(2);
    slapd.add_entry(&format!(
        "dn: uid=staff1,{STAFF}\nobjectClass: inetOrgPerson\nuid: staff1\ncn: Staff One\nsn: One\n\n"
    ));
    let mut settings = settings(&slapd.url());
    settings.base_dn = PEOPLE.to_owned();

    let sub = read(&settings).await.unwrap();
    let mut expected = people(1..=2);
    expected.insert("staff1".to_owned());
    assert_eq!(logins(&sub), expected);

    settings.scope = LdapScope::One;
    let one = read(&settings).await.unwrap();
    assert_eq!(logins(&one), people(1..=2));
}

#[tokio::test]
async fn a_filter_narrows_the_people_read() {
    let mut slapd = Slapd::start();
    slapd.add_people(12);
    let mut settings = settings(&slapd.url());
    settings.filter = "(&(objectClass=inetOrgPerson)(uid=person00001*))".to_owned();
    let read = read(&settings).await.unwrap();
    assert_eq!(logins(&read), people(10..=12));
}

#[tokio::test]
async fn a_base_dn_that_does_not_exist_says_so() {
    let slapd = Slapd::start();
    let mut settings = settings(&slapd.url());
    settings.base_dn = "ou=nobody,dc=example,dc=com".to_owned();
    let detail = unreadable(read(&settings).await);
    assert!(detail.contains("ou=nobody,dc=example,dc=com"), "{detail}");
    assert!(
        detail.contains("no such object (the base DN does not exist) (32)"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_directory_that_is_not_there_is_refused_at_connect() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ldap://127.0.0.1:{port}");
    let detail = unreadable(read(&settings(&url)).await);
    assert!(
        detail.starts_with(&format!(
            "LDAP {url}: connecting failed: the connection was refused"
        )),
        "{detail}"
    );
}

#[tokio::test]
async fn a_directory_that_never_answers_times_out() {
    // Accepts the connection (the kernel's backlog) and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ldap://127.0.0.1:{}", silent.local_addr().unwrap().port());
    let started = std::time::Instant::now();
    let result = ldap::read(
        &settings(&url),
        &SnapshotLimits::DEFAULT,
        Duration::from_millis(300),
    )
    .await;
    let detail = unreadable(result);
    assert!(detail.contains("the bind as"), "{detail}");
    assert!(detail.contains("got no answer within 0.3 s"), "{detail}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn more_people_than_the_server_imports_is_too_large() {
    let mut slapd = Slapd::start();
    slapd.add_people(5);
    let limits = SnapshotLimits {
        max_users: 4,
        ..SnapshotLimits::DEFAULT
    };
    let result = ldap::read(&settings(&slapd.url()), &limits, TIMEOUT).await;
    assert!(
        matches!(result, Err(SourceError::TooLarge { .. })),
        "{result:?}"
    );
}
