//! Standard Webhooks signatures: `webhook-id`, `webhook-timestamp` and `webhook-signature`
//! headers, where the signature is `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`
//! keyed with the secret's base64-decoded key. The published verifier libraries accept what
//! this signs (tested against the `standardwebhooks` package in `tests/webhooks.rs`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use safeguard_rules::api::webhooks::SECRET_PREFIX;
use sha2::Sha256;

/// Bytes of key in a new secret: the hash's own size, as the specification recommends.
const KEY_BYTES: usize = 32;

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; KEY_BYTES];
    getrandom::getrandom(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// A secret this server made holds base64 after its prefix; anything else is a stored value
/// gone wrong.
#[derive(Debug, thiserror::Error)]
#[error("a webhook secret is not whsec_ followed by base64")]
pub struct BadSecret;

/// `v1,<base64>`: the signature of one delivery attempt with one secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one signature per secret in force, separated by spaces, so a
/// receiver still holding the secret before a rotation keeps accepting deliveries.
pub fn header(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let signatures = secrets
        .iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(signatures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification and its reference libraries.
    #[test]
    fn signs_the_specifications_example() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_new_secret_is_prefixed_base64_of_32_bytes() {
        let secret = new_secret().unwrap();
        let key = STANDARD
            .decode(secret.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(key.len(), KEY_BYTES);
        assert_ne!(secret, new_secret().unwrap());
    }

    #[test]
    fn two_secrets_give_two_signatures() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        let header = header(&[&a, &b], "msg_1", 1, "{}").unwrap();
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], sign(&b, "msg_1", 1, "{}").unwrap());
    }

    #[test]
    fn a_secret_that_is_not_base64_is_an_error() {
        assert!(sign("whsec_not base64!", "msg_1", 1, "{}").is_err());
    }
}
