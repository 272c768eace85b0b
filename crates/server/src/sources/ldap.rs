//! `ldap`: an LDAP v3 directory (OpenLDAP, Active Directory, 389 Directory Server) read with a
//! paged search (RFC 2696) under one base DN.
//!
//! A read is all or nothing. Any failure (the directory unreachable, TLS or the bind refused, a
//! page that fails or never comes, the connection closing midway, a result code other than
//! success at the end) is [`SourceError::Unreadable`] naming what failed and where: a shorter
//! list of users would plan as users removed.
//!
//! Entries are decoded from the protocol's structures directly, keeping only the first value of
//! the attributes the mapping names: a directory sends tens of thousands of entries, and
//! building a map of every attribute of each would cost more than reading them.

use super::{SourceError, SourceRead};
use ldap3::asn1::{PL, StructureTag, TagClass, Types, parse_tag};
use ldap3::controls::{Control, PagedResults, RawControl};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Scope};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use safeguard_rules::api::{LdapScope, LdapSettings, ResolvedMapping, SourceMapping};
use safeguard_rules::snapshot::{SnapshotLimits, SnapshotUser};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// The paged results control's OID (RFC 2696).
const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";
/// Active Directory's account flags; bit 0x2 (ACCOUNTDISABLE) marks a disabled account, which
/// is not a user of the source.
const USER_ACCOUNT_CONTROL: &str = "userAccountControl";
const ACCOUNT_DISABLED: u64 = 0x2;
/// Active Directory's binary object id, shown as a UUID.
const OBJECT_GUID: &str = "objectGUID";

/// The system's trusted roots, read once: reading the store takes milliseconds, and it does not
/// change while the server runs.
static SYSTEM_ROOTS: LazyLock<Vec<CertificateDer<'static>>> =
    LazyLock::new(|| rustls_native_certs::load_native_certs().certs);

/// Every user under the base DN, or why the directory could not be read whole.
pub async fn read(
    settings: &LdapSettings,
    limits: &SnapshotLimits,
    timeout: Duration,
) -> Result<SourceRead, SourceError> {
    let place = Place {
        url: &settings.url,
        timeout,
    };
    let mapping = settings.mapping.resolve(SourceMapping::ldap_default());
    let wanted = Wanted::new(&mapping, &settings.attributes);

    let (conn, mut ldap) = connect(settings, timeout)
        .await
        .map_err(|e| place.failed(&connect_step(settings), &e))?;
    // The connection is driven on its own task while this one reads; it ends when the last
    // handle on it is dropped, at the end of this function.
    let driver = tokio::spawn(async move {
        if let Err(e) = conn.drive().await {
            tracing::debug!("LDAP connection ended: {e}");
        }
    });
    let read = read_on(&mut ldap, settings, limits, &wanted, &place).await;
    // Politeness only: the read is decided.
    let _ = tokio::time::timeout(timeout, ldap.unbind()).await;
    drop(ldap);
    driver.abort();
    read
}

async fn read_on(
    ldap: &mut Ldap,
    settings: &LdapSettings,
    limits: &SnapshotLimits,
    wanted: &Wanted,
    place: &Place<'_>,
) -> Result<SourceRead, SourceError> {
    bind(ldap, settings, place).await?;

    let scope = match settings.scope {
        LdapScope::Sub => Scope::Subtree,
        LdapScope::One => Scope::OneLevel,
    };
    let page_size = i32::try_from(settings.page_size.max(1)).unwrap_or(i32::MAX);
    let mut read = SourceRead::default();
    let mut cookie: Vec<u8> = Vec::new();
    let mut page = 0_u64;
    let mut entries = 0_u64;
    loop {
        page += 1;
        let step = format!(
            "page {page} of the search under {} (after {entries} entries)",
            settings.base_dn
        );
        let control: RawControl = PagedResults {
            size: page_size,
            cookie: std::mem::take(&mut cookie),
        }
        .into();
        let one_page = async {
            let mut stream = ldap
                .with_controls(vec![control])
                .streaming_search(
                    &settings.base_dn,
                    scope,
                    &settings.filter,
                    wanted.names.clone(),
                )
                .await?;
            while let Some(entry) = stream.next().await? {
                // Continuation references (id 19) point into other naming contexts; Active
                // Directory sends a few with every subtree search from a domain's root, none
                // of which holds the domain's users. Intermediate responses (25) carry nothing.
                if entry.0.id != 4 {
                    continue;
                }
                entries += 1;
                match decode_entry(entry.0, wanted) {
                    Some(decoded) => keep(decoded, wanted, &mut read)?,
                    None => return Err(PageError::Garbled),
                }
                if read.users.len() > limits.max_users {
                    return Err(PageError::TooLarge);
                }
            }
            Ok::<LdapResult, PageError>(stream.finish().await)
        };
        let result = match tokio::time::timeout(place.timeout, one_page).await {
            Err(elapsed) => return Err(place.failed(&step, &LdapError::from(elapsed))),
            Ok(Err(PageError::Ldap(e))) => return Err(place.failed(&step, &e)),
            Ok(Err(PageError::Garbled)) => {
                return Err(place.says(
                    &step,
                    "the directory sent an entry this server cannot decode",
                ));
            }
            Ok(Err(PageError::TooLarge)) => {
                return Err(SourceError::TooLarge {
                    detail: format!(
                        "LDAP {}: the search under {} finds more than {} users, the most this server imports at once (its --max-snapshot-rows); nothing was imported.",
                        place.url, settings.base_dn, limits.max_users
                    ),
                    errors: Vec::new(),
                });
            }
            Ok(Ok(result)) => result,
        };
        if result.rc != 0 {
            return Err(place.says(&step, &format!("ended with {}", result_text(&result))));
        }
        match paged_cookie(&result.ctrls) {
            Some(Ok(next)) if !next.is_empty() => cookie = next,
            // An empty cookie ends the search; a directory that ignores the (non-critical)
            // paging control answers everything in one page, and no control at all.
            Some(Ok(_)) | None => return Ok(read),
            Some(Err(())) => {
                return Err(place.says(
                    &step,
                    "the directory answered with a paging control this server cannot decode",
                ));
            }
        }
    }
}

/// Why one page could not be read.
enum PageError {
    Ldap(LdapError),
    Garbled,
    TooLarge,
}

impl From<LdapError> for PageError {
    fn from(e: LdapError) -> Self {
        PageError::Ldap(e)
    }
}

async fn connect(
    settings: &LdapSettings,
    timeout: Duration,
) -> Result<(LdapConnAsync, Ldap), LdapError> {
    let ldaps = settings.url.to_ascii_lowercase().starts_with("ldaps://");
    let mut conn_settings = LdapConnSettings::new()
        // Bounds the TCP connect, StartTLS and the TLS handshake together.
        .set_conn_timeout(timeout)
        .set_starttls(settings.start_tls && !ldaps);
    if ldaps || settings.start_tls {
        conn_settings = conn_settings.set_config(tls_config(settings.ca_certificate.as_deref())?);
    }
    LdapConnAsync::with_settings(conn_settings, &settings.url).await
}

/// What connecting means for these settings, for the error's sentence.
fn connect_step(settings: &LdapSettings) -> String {
    if settings.url.to_ascii_lowercase().starts_with("ldaps://") {
        "connecting with TLS".to_owned()
    } else if settings.start_tls {
        "connecting and starting TLS (StartTLS)".to_owned()
    } else {
        "connecting".to_owned()
    }
}

/// rustls with ring, trusting the system's roots and the source's own CA, if it has one.
fn tls_config(ca_pem: Option<&str>) -> Result<Arc<rustls::ClientConfig>, LdapError> {
    let mut roots = rustls::RootCertStore::empty();
    // A system root rustls cannot parse is left out, as every TLS client does.
    let _ = roots.add_parsable_certificates(SYSTEM_ROOTS.iter().cloned());
    if let Some(pem) = ca_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| bad_ca(&format!("its PEM cannot be read: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| bad_ca(&format!("it is not a CA certificate rustls accepts: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad_ca("it holds no PEM certificate"));
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

fn bad_ca(reason: &str) -> LdapError {
    LdapError::Io {
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the caCertificate setting is unusable: {reason}"),
        ),
    }
}

async fn bind(
    ldap: &mut Ldap,
    settings: &LdapSettings,
    place: &Place<'_>,
) -> Result<(), SourceError> {
    // No bind DN: the connection stays anonymous, as LDAP v3 allows without a bind.
    let Some(dn) = settings.bind_dn.as_deref() else {
        return Ok(());
    };
    let step = format!("the bind as {dn}");
    let password = settings.password.as_deref().unwrap_or("");
    let result = ldap
        .with_timeout(place.timeout)
        .simple_bind(dn, password)
        .await
        .map_err(|e| place.failed(&step, &e))?;
    if result.rc != 0 {
        return Err(place.says(&step, &format!("was refused: {}", result_text(&result))));
    }
    Ok(())
}

/// The attributes the search asks for, and where each known field is among them.
struct Wanted {
    names: Vec<String>,
    external_id: usize,
    login: usize,
    email: usize,
    first_name: usize,
    last_name: usize,
    /// The `attributes` setting: each name as the settings spell it, and its place.
    extra: Vec<(String, usize)>,
    account_control: usize,
    /// The externalId is Active Directory's binary `objectGUID`.
    guid: bool,
}

impl Wanted {
    fn new(mapping: &ResolvedMapping, attributes: &[String]) -> Self {
        let mut names: Vec<String> = Vec::new();
        // LDAP attribute names are case-insensitive: one asked for twice is one slot.
        let mut slot = |name: &str| -> usize {
            match names.iter().position(|n| n.eq_ignore_ascii_case(name)) {
                Some(i) => i,
                None => {
                    names.push(name.to_owned());
                    names.len() - 1
                }
            }
        };
        let external_id = slot(&mapping.external_id);
        let login = slot(&mapping.login);
        let email = slot(&mapping.email);
        let first_name = slot(&mapping.first_name);
        let last_name = slot(&mapping.last_name);
        let extra = attributes.iter().map(|a| (a.clone(), slot(a))).collect();
        let account_control = slot(USER_ACCOUNT_CONTROL);
        Wanted {
            names,
            external_id,
            login,
            email,
            first_name,
            last_name,
            extra,
            account_control,
            guid: mapping.external_id.eq_ignore_ascii_case(OBJECT_GUID),
        }
    }
}

/// One search result entry: its DN and the first value of each wanted attribute.
struct Entry {
    dn: String,
    values: Vec<Option<Vec<u8>>>,
}

/// A SearchResultEntry (RFC 4511 4.5.2): `[APPLICATION 4] SEQUENCE { objectName LDAPDN,
/// attributes SEQUENCE OF SEQUENCE { type, vals SET OF value } }`. `None` if it is not shaped
/// so.
fn decode_entry(tag: StructureTag, wanted: &Wanted) -> Option<Entry> {
    let mut parts = tag.expect_constructed()?.into_iter();
    let dn = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let mut values: Vec<Option<Vec<u8>>> = vec![None; wanted.names.len()];
    for attribute in parts.next()?.expect_constructed()? {
        let mut pair = attribute.expect_constructed()?.into_iter();
        let name = pair.next()?.expect_primitive()?;
        let Some(i) = wanted
            .names
            .iter()
            .position(|n| n.as_bytes().eq_ignore_ascii_case(&name))
        else {
            continue;
        };
        // Multi-valued: the first value is the user's.
        let first = match pair.next()?.payload {
            PL::C(vals) => vals.into_iter().next(),
            PL::P(_) => return None,
        };
        if let Some(value) = first {
            values[i] = Some(value.expect_primitive()?);
        }
    }
    Some(Entry { dn, values })
}

/// Adds the entry's user to `read`, or its warning; leaves out a disabled account.
fn keep(entry: Entry, wanted: &Wanted, read: &mut SourceRead) -> Result<(), PageError> {
    let Entry { dn, values } = entry;
    if values[wanted.account_control]
        .as_deref()
        .is_some_and(disabled)
    {
        return Ok(());
    }
    match user_of(&values, wanted) {
        Ok(user) => read.users.push(user),
        Err(reason) => read.warnings.push(dn, reason),
    }
    Ok(())
}

/// The user an entry's values give, or why it cannot be imported.
fn user_of(values: &[Option<Vec<u8>>], wanted: &Wanted) -> Result<SnapshotUser, String> {
    let binary = |i: usize| format!("its {} is binary, not text", wanted.names[i]);
    let text = |value: Option<Vec<u8>>, i: usize| -> Result<Option<String>, String> {
        value
            .map(String::from_utf8)
            .transpose()
            .map_err(|_| binary(i))
    };
    // Values are copied, not moved: one attribute may give two fields (mail as login and
    // email, or as an extra attribute too).
    let mut attributes = BTreeMap::new();
    for (name, i) in &wanted.extra {
        if wanted.guid && *i == wanted.external_id {
            continue;
        }
        if let Some(value) = text(values[*i].clone(), *i)? {
            attributes.insert(name.clone(), value);
        }
    }
    let missing = |i: usize| format!("has no {}", wanted.names[i]);
    let external_id = match values[wanted.external_id].clone() {
        None => return Err(missing(wanted.external_id)),
        Some(bytes) if wanted.guid && bytes.len() == 16 => guid_text(&bytes),
        Some(bytes) => String::from_utf8(bytes).map_err(|_| binary(wanted.external_id))?,
    };
    if wanted.guid {
        // The extra attribute reads as the externalId does, not as raw bytes.
        for (name, i) in &wanted.extra {
            if *i == wanted.external_id {
                attributes.insert(name.clone(), external_id.clone());
            }
        }
    }
    let login =
        text(values[wanted.login].clone(), wanted.login)?.ok_or_else(|| missing(wanted.login))?;
    Ok(SnapshotUser {
        external_id,
        login,
        email: text(values[wanted.email].clone(), wanted.email)?,
        first_name: text(values[wanted.first_name].clone(), wanted.first_name)?,
        last_name: text(values[wanted.last_name].clone(), wanted.last_name)?,
        attributes,
    })
}

/// Whether a `userAccountControl` value has ACCOUNTDISABLE set.
fn disabled(value: &[u8]) -> bool {
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        // Stored as a signed 32-bit integer: the bits are what count.
        .is_some_and(|flags| (flags as u64) & ACCOUNT_DISABLED != 0)
}

/// An `objectGUID` as Active Directory shows it: its first three groups are stored
/// little-endian, the last two in order.
fn guid_text(bytes: &[u8]) -> String {
    let hex = |range: &[u8]| range.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let reversed = |range: &[u8]| {
        let mut r = range.to_vec();
        r.reverse();
        hex(&r)
    };
    format!(
        "{}-{}-{}-{}-{}",
        reversed(&bytes[0..4]),
        reversed(&bytes[4..6]),
        reversed(&bytes[6..8]),
        hex(&bytes[8..10]),
        hex(&bytes[10..16])
    )
}

/// The paging cookie of a search result's controls: `None` without a paging control,
/// `Some(Err)` if its value is not `SEQUENCE { size INTEGER, cookie OCTET STRING }`.
fn paged_cookie(controls: &[Control]) -> Option<Result<Vec<u8>, ()>> {
    let raw = controls
        .iter()
        .map(|Control(_, raw)| raw)
        .find(|raw| raw.ctype == PAGED_RESULTS_OID)?;
    Some(decode_cookie(raw.val.as_deref().unwrap_or_default()))
}

fn decode_cookie(value: &[u8]) -> Result<Vec<u8>, ()> {
    let (_, tag) = parse_tag(value).map_err(|_| ())?;
    let mut parts = tag.expect_constructed().ok_or(())?.into_iter();
    let size = parts.next().ok_or(())?;
    if size.class != TagClass::Universal || size.id != Types::Integer as u64 {
        return Err(());
    }
    parts.next().ok_or(())?.expect_primitive().ok_or(())
}

/// A result code and the directory's words for it: "invalid credentials (49)".
fn result_text(result: &LdapResult) -> String {
    let mut text = format!("{} ({})", result_name(result.rc), result.rc);
    let said = result.text.trim();
    if !said.is_empty() {
        text.push_str(&format!(": \"{said}\""));
    }
    text
}

/// RFC 4511's names of the result codes a read meets.
fn result_name(rc: u32) -> &'static str {
    match rc {
        0 => "success",
        1 => "operations error",
        2 => "protocol error",
        3 => "time limit exceeded",
        4 => "size limit exceeded",
        7 => "auth method not supported",
        8 => "stronger auth required",
        10 => "referral (the base DN is on another server)",
        11 => "admin limit exceeded",
        12 => "unavailable critical extension",
        13 => "confidentiality required (use ldaps:// or StartTLS)",
        16 => "no such attribute",
        17 => "undefined attribute type",
        18 => "inappropriate matching",
        32 => "no such object (the base DN does not exist)",
        34 => "invalid DN syntax",
        48 => "inappropriate authentication",
        49 => "invalid credentials",
        50 => "insufficient access rights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwilling to perform",
        80 => "other",
        _ => "an error",
    }
}

/// Where a read happens, for the sentences of its errors.
struct Place<'a> {
    url: &'a str,
    timeout: Duration,
}

impl Place<'_> {
    /// `step` failed with a client-side error.
    fn failed(&self, step: &str, error: &LdapError) -> SourceError {
        let reason = match error {
            LdapError::Timeout { .. } => format!(
                "got no answer within {} s (the read's timeout)",
                self.timeout.as_secs_f64()
            ),
            LdapError::LdapResult { result } => result_text(result),
            LdapError::Io { source } => io_reason(source),
            LdapError::Rustls { source } => tls_reason(source),
            LdapError::DNSName { .. } => {
                "the host is not a name a TLS certificate can be checked against".to_owned()
            }
            LdapError::EndOfStream | LdapError::ResultRecv { .. } | LdapError::OpSend { .. } => {
                "the directory closed the connection".to_owned()
            }
            LdapError::FilterParsing => "the filter is not a valid LDAP filter".to_owned(),
            LdapError::UrlParsing { .. } | LdapError::UnknownScheme(_) => {
                "the URL is not an ldap:// or ldaps:// URL".to_owned()
            }
            other => other.to_string(),
        };
        self.says(step, &format!("failed: {reason}"))
    }

    /// `step` and what happened to it, as one sentence.
    fn says(&self, step: &str, what: &str) -> SourceError {
        SourceError::Unreadable {
            detail: format!("LDAP {}: {step} {what}; nothing was imported.", self.url),
        }
    }
}

fn io_reason(error: &std::io::Error) -> String {
    if let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return tls_reason(tls);
    }
    match error.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused (nothing listens on that host and port)".to_owned()
        }
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::BrokenPipe => "the directory closed the connection".to_owned(),
        _ => error.to_string(),
    }
}

fn tls_reason(error: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "TLS: the directory's certificate is issued by a CA this server does not trust (give that CA in caCertificate)".to_owned()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "TLS: the directory's certificate is not for this host".to_owned()
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "TLS: the directory's certificate has expired".to_owned()
        }
        other => format!("TLS: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::asn1::{ASNTag, OctetString, Sequence, Set, Tag};

    fn octets(bytes: &[u8]) -> Tag {
        Tag::OctetString(OctetString {
            inner: bytes.to_vec(),
            ..Default::default()
        })
    }

    /// A SearchResultEntry as the directory sends it.
    fn entry(dn: &str, attributes: &[(&str, &[&[u8]])]) -> StructureTag {
        Tag::Sequence(Sequence {
            id: 4,
            class: TagClass::Application,
            inner: vec![
                octets(dn.as_bytes()),
                Tag::Sequence(Sequence {
                    inner: attributes
                        .iter()
                        .map(|(name, vals)| {
                            Tag::Sequence(Sequence {
                                inner: vec![
                                    octets(name.as_bytes()),
                                    Tag::Set(Set {
                                        inner: vals.iter().map(|v| octets(v)).collect(),
                                        ..Default::default()
                                    }),
                                ],
                                ..Default::default()
                            })
                        })
                        .collect(),
                    ..Default::default()
                }),
            ],
        })
        .into_structure()
    }

    fn wanted(extra: &[&str]) -> Wanted {
        let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        Wanted::new(&SourceMapping::ldap_default(), &extra)
    }

    fn read_one(tag: StructureTag, wanted: &Wanted) -> SourceRead {
        let mut read = SourceRead::default();
        let entry = decode_entry(tag, wanted).unwrap();
        assert!(keep(entry, wanted, &mut read).is_ok());
        read
    }

    #[test]
    fn an_object_guid_reads_as_active_directory_shows_it() {
        let bytes = [
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ];
        assert_eq!(guid_text(&bytes), "00112233-4455-6677-8899-aabbccddeeff");
    }

    #[test]
    fn an_entry_gives_the_first_value_of_each_mapped_attribute() {
        let wanted = wanted(&["departmentNumber"]);
        let read = read_one(
            entry(
                "uid=ada,ou=people,dc=example,dc=com",
                &[
                    ("entryUUID", &[b"5c1e6f0a-0000-4000-8000-000000000001"]),
                    ("UID", &[b"ada", b"ada.lovelace"]),
                    ("mail", &[b"ada@example.com"]),
                    ("givenName", &[b"Ada"]),
                    ("sn", &[b"Lovelace"]),
                    ("departmentNumber", &[b"42"]),
                    ("description", &[b"not asked for"]),
                ],
            ),
            &wanted,
        );
        assert!(read.warnings.is_empty());
        let user = &read.users[0];
        assert_eq!(user.external_id, "5c1e6f0a-0000-4000-8000-000000000001");
        assert_eq!(user.login, "ada");
        assert_eq!(user.email.as_deref(), Some("ada@example.com"));
        assert_eq!(user.first_name.as_deref(), Some("Ada"));
        assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
        assert_eq!(
            user.attributes,
            BTreeMap::from([("departmentNumber".to_owned(), "42".to_owned())])
        );
    }

    #[test]
    fn an_entry_without_a_login_is_a_warning_naming_its_dn() {
        let read = read_one(
            entry(
                "cn=printer,dc=example,dc=com",
                &[("entryUUID", &[b"id-1"]), ("cn", &[b"printer"])],
            ),
            &wanted(&[]),
        );
        assert!(read.users.is_empty());
        assert_eq!(read.warnings.count, 1);
        assert_eq!(read.warnings.first[0].entry, "cn=printer,dc=example,dc=com");
        assert_eq!(read.warnings.first[0].reason, "has no uid");
    }

    #[test]
    fn a_disabled_account_is_left_out_without_a_warning() {
        let wanted = wanted(&[]);
        let disabled_entry = entry(
            "cn=old,dc=example,dc=com",
            &[
                ("entryUUID", &[b"id-1"]),
                ("uid", &[b"old"]),
                ("userAccountControl", &[b"514"]),
            ],
        );
        let read = read_one(disabled_entry, &wanted);
        assert!(read.users.is_empty());
        assert!(read.warnings.is_empty());
        let enabled = entry(
            "cn=new,dc=example,dc=com",
            &[
                ("entryUUID", &[b"id-2"]),
                ("uid", &[b"new"]),
                ("userAccountControl", &[b"512"]),
            ],
        );
        assert_eq!(read_one(enabled, &wanted).users.len(), 1);
    }

    #[test]
    fn an_object_guid_external_id_is_read_from_its_bytes() {
        let mapping = SourceMapping {
            external_id: Some("objectGUID".to_owned()),
            login: Some("userPrincipalName".to_owned()),
            ..SourceMapping::default()
        }
        .resolve(SourceMapping::ldap_default());
        let wanted = Wanted::new(&mapping, &[]);
        let guid: &[u8] = &[
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ];
        let read = read_one(
            entry(
                "cn=Ada,dc=corp",
                &[
                    ("objectGUID", &[guid]),
                    ("userPrincipalName", &[b"ada@corp"]),
                ],
            ),
            &wanted,
        );
        assert_eq!(
            read.users[0].external_id,
            "00112233-4455-6677-8899-aabbccddeeff"
        );
        assert_eq!(read.users[0].login, "ada@corp");
    }

    #[test]
    fn the_search_asks_for_each_attribute_once() {
        let wanted = wanted(&["UID", "title"]);
        assert_eq!(
            wanted.names,
            [
                "entryUUID",
                "uid",
                "mail",
                "givenName",
                "sn",
                "title",
                "userAccountControl"
            ]
        );
    }

    #[test]
    fn a_mapped_attribute_also_listed_as_extra_is_in_both() {
        let read = read_one(
            entry(
                "uid=ada,dc=example,dc=com",
                &[
                    ("entryUUID", &[b"id-1"]),
                    ("uid", &[b"ada"]),
                    ("mail", &[b"a@x"]),
                ],
            ),
            &wanted(&["mail", "uid"]),
        );
        let attributes = &read.users[0].attributes;
        assert_eq!(attributes.get("mail").map(String::as_str), Some("a@x"));
        assert_eq!(attributes.get("uid").map(String::as_str), Some("ada"));
    }

    #[test]
    fn the_paging_cookie_is_read_from_the_control() {
        let value = |cookie: &[u8]| {
            let raw: RawControl = PagedResults {
                size: 0,
                cookie: cookie.to_vec(),
            }
            .into();
            Control(None, raw)
        };
        assert_eq!(paged_cookie(&[value(b"abc")]), Some(Ok(b"abc".to_vec())));
        assert_eq!(paged_cookie(&[value(b"")]), Some(Ok(Vec::new())));
        assert_eq!(paged_cookie(&[]), None);
        let garbled = Control(
            None,
            RawControl {
                ctype: PAGED_RESULTS_OID.to_owned(),
                crit: false,
                val: Some(vec![0x30, 0x05, 0x01]),
            },
        );
        assert_eq!(paged_cookie(&[garbled]), Some(Err(())));
    }

    #[test]
    fn user_account_control_flags_are_bits() {
        assert!(disabled(b"2"));
        assert!(disabled(b"66050"));
        assert!(!disabled(b"66048"));
        assert!(!disabled(b"not a number"));
    }

    #[test]
    fn a_result_code_is_named_with_the_directory_words() {
        let result = LdapResult {
            rc: 49,
            matched: String::new(),
            text: String::new(),
            refs: vec![],
            ctrls: vec![],
        };
        assert_eq!(result_text(&result), "invalid credentials (49)");
    }
}
