//! `--smtp-url`: where notification email is sent, how the connection is secured, and the
//! account it signs in with.
//!
//! - `smtp://HOST[:PORT]` (port 25): plain SMTP, upgraded with STARTTLS whenever the server
//!   offers it; `?tls=required` refuses to send over a server that does not (port 587
//!   submission relays, Microsoft 365, Google Workspace, SES).
//! - `smtps://HOST[:PORT]` (port 465): TLS from the first byte.
//! - `smtp://USER:PASSWORD@HOST:PORT`: signs in (AUTH PLAIN or LOGIN) after the connection is
//!   secured; user and password percent-encoded as in any URL. The password may instead come
//!   from `SAFEGUARD_SMTP_PASSWORD`, which keeps it out of the process list.
//!
//! Written out (logs, the console) the URL never shows the password.

use std::fmt;
use std::str::FromStr;

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: STARTTLS when the server offers it, plain otherwise.
    StartTlsWhenOffered,
    /// `smtp://...?tls=required`: STARTTLS, or nothing is sent.
    StartTlsRequired,
    /// `smtps://`: TLS from the start.
    Tls,
}

/// The account to sign in with.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpLogin {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for SmtpLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpLogin")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpUrl {
    pub security: SmtpSecurity,
    pub host: String,
    pub port: u16,
    /// A user without a password in the URL has `password` empty until
    /// [`SmtpUrl::with_password`] gives it one.
    pub login: Option<SmtpLogin>,
}

impl SmtpUrl {
    /// A plain `smtp://` server without an account.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            security: SmtpSecurity::StartTlsWhenOffered,
            host: host.into(),
            port,
            login: None,
        }
    }

    /// The URL with the password of `SAFEGUARD_SMTP_PASSWORD`: it replaces one given in the URL,
    /// and needs a user in the URL to sign in as.
    pub fn with_password(mut self, password: &str) -> Result<Self, String> {
        match &mut self.login {
            Some(login) => {
                login.password = password.to_owned();
                Ok(self)
            }
            None => Err(format!(
                "SAFEGUARD_SMTP_PASSWORD is set but --smtp-url {self} names no user to sign in as; give smtp://USER@HOST:PORT"
            )),
        }
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            SmtpSecurity::Tls => "smtps",
            _ => "smtp",
        };
        write!(f, "{scheme}://")?;
        if let Some(login) = &self.login {
            write!(f, "{}@", percent_encode(&login.user))?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)?;
        } else {
            write!(f, "{}:{}", self.host, self.port)?;
        }
        if self.security == SmtpSecurity::StartTlsRequired {
            write!(f, "?tls=required")?;
        }
        Ok(())
    }
}

impl FromStr for SmtpUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Never repeat a password back: errors show the URL without what precedes the host.
        let shown = match text.split_once('@') {
            Some((before, after)) => match before.split_once("://") {
                Some((scheme, _)) => format!("{scheme}://…@{after}"),
                None => format!("…@{after}"),
            },
            None => text.to_owned(),
        };
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| format!("\"{shown}\" is not smtp://HOST:PORT or smtps://HOST:PORT"))?;
        let (mut security, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => (SmtpSecurity::StartTlsWhenOffered, 25),
            "smtps" => (SmtpSecurity::Tls, 465),
            other => {
                return Err(format!(
                    "\"{shown}\": the scheme {other}:// is not supported; give smtp://HOST:PORT (STARTTLS when offered; add ?tls=required to insist) or smtps://HOST:PORT (TLS from the start)"
                ));
            }
        };
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        if let Some(query) = query {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("tls", "required")) if security != SmtpSecurity::Tls => {
                        security = SmtpSecurity::StartTlsRequired;
                    }
                    Some(("tls", "required")) => {}
                    _ => {
                        return Err(format!(
                            "\"{shown}\": the parameter \"{pair}\" is not supported; the only one is tls=required"
                        ));
                    }
                }
            }
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (login, address) = match rest.rsplit_once('@') {
            Some((userinfo, address)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let user = percent_decode(user).ok_or_else(|| {
                    format!("\"{shown}\": the user is not valid percent-encoding")
                })?;
                let password = percent_decode(password).ok_or_else(|| {
                    format!("\"{shown}\": the password is not valid percent-encoding")
                })?;
                if user.is_empty() {
                    return Err(format!("\"{shown}\" names a password but no user"));
                }
                (Some(SmtpLogin { user, password }), address)
            }
            None => (None, rest),
        };
        if address.contains(['/', '#']) {
            return Err(format!(
                "\"{shown}\": give only a host and a port (smtp://HOST:PORT); paths are not supported"
            ));
        }
        let (host, port) = if let Some(v6) = address.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| format!("\"{shown}\": an IPv6 host must be closed by ]"))?;
            (host, after.strip_prefix(':'))
        } else {
            match address.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (address, None),
            }
        };
        if host.is_empty() {
            return Err(format!("\"{shown}\" names no host"));
        }
        let port =
            match port {
                None => default_port,
                Some(port) => port.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                    format!("\"{shown}\": the port must be a number from 1 to 65535")
                })?,
            };
        Ok(Self {
            security,
            host: host.to_owned(),
            port,
            login,
        })
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_a_host_a_port_and_how_to_secure_them() {
        assert_eq!(
            "smtp://127.0.0.1:2525".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("127.0.0.1", 2525))
        );
        assert_eq!(
            "SMTP://mail.internal/".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("mail.internal", 25))
        );
        assert_eq!(
            "smtp://[::1]:25".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("::1", 25))
        );
        assert_eq!(SmtpUrl::new("::1", 25).to_string(), "smtp://[::1]:25");
        let tls: SmtpUrl = "smtps://mail.example.com".parse().unwrap();
        assert_eq!((tls.security, tls.port), (SmtpSecurity::Tls, 465));
        let required: SmtpUrl = "smtp://relay:587?tls=required".parse().unwrap();
        assert_eq!(required.security, SmtpSecurity::StartTlsRequired);
        assert_eq!(required.to_string(), "smtp://relay:587?tls=required");
        for bad in [
            "http://mail:25",
            "mail:25",
            "smtp://:25",
            "smtp://mail:0",
            "smtp://mail:x",
            "smtp://mail:25/path",
            "smtp://mail:25?tls=maybe",
            "smtp://:pw@mail:25",
        ] {
            assert!(bad.parse::<SmtpUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_are_read_and_never_written_out() {
        let url: SmtpUrl =
            "smtp://alerts%40example.com:s%3Acret@smtp.office365.com:587?tls=required"
                .parse()
                .unwrap();
        let login = url.login.clone().unwrap();
        assert_eq!(login.user, "alerts@example.com");
        assert_eq!(login.password, "s:cret");
        let shown = url.to_string();
        assert_eq!(
            shown,
            "smtp://alerts%40example.com@smtp.office365.com:587?tls=required"
        );
        assert!(!format!("{url:?}").contains("s:cret"));
        let error = "ftp://u:topsecret@mail:25".parse::<SmtpUrl>().unwrap_err();
        assert!(!error.contains("topsecret"), "{error}");

        let from_environment = "smtp://alerts@relay:587"
            .parse::<SmtpUrl>()
            .unwrap()
            .with_password("from-env")
            .unwrap();
        assert_eq!(from_environment.login.unwrap().password, "from-env");
        assert!(SmtpUrl::new("relay", 25).with_password("x").is_err());
    }
}
