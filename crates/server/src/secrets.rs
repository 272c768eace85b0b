//! The server's secret key, which seals the secrets sources need (an LDAP bind password, a SCIM
//! bearer token) before they are stored, so a copy of the database alone does not give them away.
//!
//! The key comes from `SAFEGUARD_SECRET_KEY` (32 bytes in base64), or from a key file beside the
//! database, created on first start (`safeguard.db` -> `safeguard.db.key`, readable by the
//! server's user only). Back the key up with the database: without it the stored secrets cannot
//! be opened and have to be entered again.
//!
//! Sealing is XChaCha20-Poly1305 with a random 24-byte nonce, the app's id as associated data
//! (a sealed secret copied to another app's row does not open).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable that holds the key, when it is not in a file.
pub const KEY_VARIABLE: &str = "SAFEGUARD_SECRET_KEY";
const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

#[derive(Clone)]
pub struct SecretKey(Key);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{0}")]
    Key(String),
    /// The sealed value does not open with this key: another server's key, or a damaged row.
    #[error(
        "a stored source secret cannot be opened with this server's secret key (was the key file replaced?); enter the password or token again"
    )]
    WrongKey,
    #[error("no random bytes: {0}")]
    Random(String),
}

/// Where the key came from, for the start-up message.
#[derive(Debug, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    /// Made on this start; the path says where it is kept.
    Created(PathBuf),
}

impl SecretKey {
    /// A fresh key that lives only in memory (tests, a server without a database file).
    pub fn random() -> Result<Self, SecretError> {
        let mut bytes = [0_u8; KEY_BYTES];
        getrandom::getrandom(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(Self(Key::from(bytes)))
    }

    /// `text`: the key in base64, as `SAFEGUARD_SECRET_KEY` or the key file holds it.
    pub fn parse(text: &str, whence: &str) -> Result<Self, SecretError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| SecretError::Key(format!("{whence} is not base64: {e}")))?;
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|b: Vec<u8>| {
            SecretError::Key(format!(
                "{whence} holds {} bytes; a secret key is {KEY_BYTES} bytes (44 characters of base64, e.g. from `openssl rand -base64 32`)",
                b.len()
            ))
        })?;
        Ok(Self(Key::from(bytes)))
    }

    /// The key of the server whose database is `db`: the environment's, else the key file's,
    /// else a new one written to the key file.
    pub fn load(environment: Option<&str>, db: &Path) -> Result<(Self, KeySource), SecretError> {
        if let Some(text) = environment {
            return Ok((Self::parse(text, KEY_VARIABLE)?, KeySource::Environment));
        }
        let path = key_file(db);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((
                Self::parse(&text, &path.display().to_string())?,
                KeySource::File(path),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::random()?;
                write_private(&path, &STANDARD.encode(key.0)).map_err(|e| {
                    SecretError::Key(format!("cannot create {}: {e}", path.display()))
                })?;
                Ok((key, KeySource::Created(path)))
            }
            Err(e) => Err(SecretError::Key(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// `secret` sealed for the app `context`: nonce, then ciphertext and tag.
    pub fn seal(&self, secret: &str, context: &str) -> Result<Vec<u8>, SecretError> {
        let mut nonce = [0_u8; NONCE_BYTES];
        getrandom::getrandom(&mut nonce).map_err(|e| SecretError::Random(e.to_string()))?;
        let sealed = XChaCha20Poly1305::new(&self.0)
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecretError::WrongKey)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The secret [`Self::seal`] sealed for `context`.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<String, SecretError> {
        if sealed.len() < NONCE_BYTES {
            return Err(SecretError::WrongKey);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let plain = XChaCha20Poly1305::new(&self.0)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretError::WrongKey)
    }
}

/// `safeguard.db` -> `safeguard.db.key`, in the same directory.
pub fn key_file(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_owned()).unwrap_or_default();
    name.push(".key");
    db.with_file_name(name)
}

/// Writes a file only its owner can read, created new: an existing key is never overwritten.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_for_its_app_only() {
        let key = SecretKey::random().unwrap();
        let sealed = key.seal("bind-password", "app_1").unwrap();
        assert!(!sealed.windows(13).any(|w| w == b"bind-password"));
        assert_eq!(key.open(&sealed, "app_1").unwrap(), "bind-password");
        assert!(matches!(
            key.open(&sealed, "app_2"),
            Err(SecretError::WrongKey)
        ));
        let other = SecretKey::random().unwrap();
        assert!(matches!(
            other.open(&sealed, "app_1"),
            Err(SecretError::WrongKey)
        ));
    }

    #[test]
    fn the_key_file_is_made_once_and_read_after() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("safeguard.db");
        let (first, made) = SecretKey::load(None, &db).unwrap();
        assert_eq!(
            made,
            KeySource::Created(dir.path().join("safeguard.db.key"))
        );
        let (again, read) = SecretKey::load(None, &db).unwrap();
        assert_eq!(read, KeySource::File(dir.path().join("safeguard.db.key")));
        let sealed = first.seal("t", "a").unwrap();
        assert_eq!(again.open(&sealed, "a").unwrap(), "t");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_file(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_key_of_the_wrong_length_says_so() {
        let error = SecretKey::parse("c2hvcnQ=", KEY_VARIABLE).unwrap_err();
        assert!(error.to_string().contains("holds 5 bytes"), "{error}");
    }
}
