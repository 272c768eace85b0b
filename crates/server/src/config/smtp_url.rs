//! `--smtp-url`: where notification email is sent.

use std::fmt;
use std::str::FromStr;

/// `--smtp-url smtp://HOST[:PORT]`: a plain SMTP server (port 25 unless given). TLS is not
/// spoken: the server is expected to be a relay on the same host or network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
}

impl SmtpUrl {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "smtp://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "smtp://{}:{}", self.host, self.port)
        }
    }
}

impl FromStr for SmtpUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("smtp") => rest,
            Some((scheme, _)) => {
                return Err(format!(
                    "\"{text}\": the scheme {scheme}:// is not supported; give smtp://HOST:PORT (plain SMTP, no TLS)"
                ));
            }
            None => return Err(format!("\"{text}\" is not smtp://HOST:PORT")),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) {
            return Err(format!(
                "\"{text}\": give only a host and a port (smtp://HOST:PORT); paths, parameters and credentials are not supported"
            ));
        }
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| format!("\"{text}\": an IPv6 host must be closed by ]"))?;
            (host, after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };
        if host.is_empty() {
            return Err(format!("\"{text}\" names no host"));
        }
        let port =
            match port {
                None => 25,
                Some(port) => port.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                    format!("\"{text}\": the port must be a number from 1 to 65535")
                })?,
            };
        Ok(Self::new(host, port))
    }
}
