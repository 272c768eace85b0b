//! A real OpenLDAP directory for the LDAP source's tests and benchmark: Debian's `slapd`,
//! started as a plain child process on free loopback ports (`ldap://` with StartTLS, and
//! `ldaps://`), with a `slapd.conf` and an mdb database in a temporary directory, and a
//! certificate for 127.0.0.1 issued by a CA made here by `openssl`, as a directory with a
//! private CA has. Killed when dropped.
//!
//! People are `uid=person000001,ou=people,dc=example,dc=com` and so on: `inetOrgPerson`s with
//! `uid`, `mail`, `givenName`, `sn` and `employeeNumber`. Big sets are loaded with `slapadd`
//! before the server starts ([`Slapd::start_with_people`]), small ones over the protocol.
#![allow(dead_code)]
// A test harness: a failed step should panic where it happened.
#![allow(clippy::unwrap_used)]

use super::certificates;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const SUFFIX: &str = "dc=example,dc=com";
pub const PEOPLE: &str = "ou=people,dc=example,dc=com";
pub const STAFF: &str = "ou=staff,ou=people,dc=example,dc=com";
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=com";
pub const ADMIN_PASSWORD: &str = "directory-admin-1";
/// Anonymous searches may return at most this many entries in all, paged or not, as a
/// directory's administrative limit does.
pub const ANONYMOUS_LIMIT: usize = 1000;

pub struct Slapd {
    dir: TempDir,
    pub port: u16,
    pub tls_port: u16,
    child: Option<Child>,
    /// People loaded so far; the next one added is `person{people + 1}`.
    people: usize,
}

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "{name} is missing: run scripts/install-tools.sh (it installs OpenLDAP's slapd and ldap-utils)"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The LDIF of person `i`.
pub fn person_ldif(i: usize) -> String {
    format!(
        "dn: uid=person{i:06},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: person{i:06}\ncn: Given{i} Family{i}\ngivenName: Given{i}\nsn: Family{i}\nmail: person{i:06}@example.com\nemployeeNumber: {i}\n\n"
    )
}

fn base_ldif() -> String {
    format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
         dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: {STAFF}\nobjectClass: organizationalUnit\nou: staff\n\n"
    )
}

fn config(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema\n\
         include /etc/ldap/schema/cosine.schema\n\
         include /etc/ldap/schema/inetorgperson.schema\n\
         include /etc/ldap/schema/nis.schema\n\
         modulepath /usr/lib/ldap\n\
         moduleload back_mdb\n\
         pidfile {d}/slapd.pid\n\
         argsfile {d}/slapd.args\n\
         TLSCACertificateFile {d}/ca.pem\n\
         TLSCertificateFile {d}/cert.pem\n\
         TLSCertificateKeyFile {d}/key.pem\n\
         database mdb\n\
         maxsize 4294967296\n\
         suffix \"{SUFFIX}\"\n\
         rootdn \"{ADMIN_DN}\"\n\
         rootpw {ADMIN_PASSWORD}\n\
         directory {d}/db\n\
         dbnosync\n\
         index objectClass eq\n\
         index uid eq\n\
         limits anonymous size.soft={ANONYMOUS_LIMIT} size.hard={ANONYMOUS_LIMIT} size.prtotal={ANONYMOUS_LIMIT}\n\
         access to * by * read\n"
    )
}

impl Slapd {
    /// A directory with the suffix, `ou=people` and `ou=staff` under it, and no one yet.
    pub fn start() -> Self {
        Self::start_with_people(0)
    }

    /// A directory with `n` people under `ou=people`, loaded offline (`slapadd`) before it
    /// starts: a hundred thousand take seconds, not minutes.
    pub fn start_with_people(n: usize) -> Self {
        let slapd = tool("slapd");
        let dir = tempfile::tempdir().unwrap();
        certificates::make(dir.path());
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let conf = dir.path().join("slapd.conf");
        std::fs::write(&conf, config(dir.path())).unwrap();

        let ldif = dir.path().join("load.ldif");
        {
            let mut file = std::io::BufWriter::new(std::fs::File::create(&ldif).unwrap());
            file.write_all(base_ldif().as_bytes()).unwrap();
            for i in 1..=n {
                file.write_all(person_ldif(i).as_bytes()).unwrap();
            }
            file.flush().unwrap();
        }
        let out = Command::new(tool("slapadd"))
            .arg("-q")
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(&ldif)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::remove_file(&ldif).unwrap();

        let port = free_port();
        let tls_port = free_port();
        let log = std::fs::File::create(dir.path().join("slapd.log")).unwrap();
        // `-d stats` keeps it in the foreground and logs one line per operation (never one per
        // entry), which the tests read to know how far a search has come.
        let child = Command::new(slapd)
            .args(["-d", "stats", "-h"])
            .arg(format!(
                "ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"
            ))
            .arg("-f")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut server = Slapd {
            dir,
            port,
            tls_port,
            child: Some(child),
            people: n,
        };
        server.wait_until_answering();
        server
    }

    fn wait_until_answering(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let exited = self.child.as_mut().and_then(|c| c.try_wait().unwrap());
            if let Some(status) = exited {
                panic!("slapd exited ({status}): {}", self.log());
            }
            let answered = Command::new(tool("ldapsearch"))
                .args(["-x", "-H", &self.url(), "-b", SUFFIX, "-s", "base", "dn"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success();
            let tls_open = std::net::TcpStream::connect(("127.0.0.1", self.tls_port)).is_ok();
            if answered && tls_open {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "slapd did not answer within 30 s: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `ldap://127.0.0.1:PORT` (plain, or StartTLS).
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// `ldaps://127.0.0.1:PORT2` (TLS from the first byte).
    pub fn ldaps_url(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.tls_port)
    }

    /// The CA that issued the directory's certificate, PEM.
    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("ca.pem")).unwrap()
    }

    /// How many people the directory has under `ou=people` (those this harness added).
    pub fn people(&self) -> usize {
        self.people
    }

    /// Adds `n` more people over the protocol, as the administrator.
    pub fn add_people(&mut self, n: usize) {
        let ldif: String = (self.people + 1..=self.people + n)
            .map(person_ldif)
            .collect();
        self.add_entry(&ldif);
        self.people += n;
    }

    /// Adds the entries of this LDIF, as the administrator.
    pub fn add_entry(&self, ldif: &str) {
        let mut child = Command::new(tool("ldapadd"))
            .args([
                "-x",
                "-H",
                &self.url(),
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(ldif.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "ldapadd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Kills the directory at once, as a crash or a pulled cable does mid-read.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the directory (SIGSTOP): its connections stay open and nothing more is answered,
    /// as a directory stuck on a lock or a dead link without a reset does.
    pub fn freeze(&self) {
        let pid = self.child.as_ref().unwrap().id();
        let status = Command::new("kill")
            .args(["-STOP", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -STOP {pid}");
    }

    /// slapd's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default()
    }

    /// How many lines of the log contain `needle`.
    pub fn log_count(&self, needle: &str) -> usize {
        self.log().lines().filter(|l| l.contains(needle)).count()
    }

    /// The `ldapsearch` command line reading what the LDAP source reads, paged.
    pub fn ldapsearch(&self, page_size: u32) -> Command {
        let mut command = Command::new(tool("ldapsearch"));
        command.args([
            "-x",
            "-H",
            &self.url(),
            "-D",
            ADMIN_DN,
            "-w",
            ADMIN_PASSWORD,
            "-E",
            &format!("pr={page_size}/noprompt"),
            "-b",
            SUFFIX,
            "(objectClass=inetOrgPerson)",
            "entryUUID",
            "uid",
            "mail",
            "givenName",
            "sn",
        ]);
        command
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}
