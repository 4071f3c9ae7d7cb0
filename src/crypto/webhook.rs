//! Standard Webhooks signatures (standardwebhooks.com): `webhook-signature` is `v1,` and
//! the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret a `whsec_` string
//! carries in base64.
//!
//! A webhook's secret is not stored: it is HMAC-SHA256 of the webhook's id under a key of
//! the service (kept in the keys directory), so a reader of the database cannot sign.

use data_encoding::BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a secret could not be read.
#[derive(Debug, thiserror::Error)]
#[error("a webhook secret is `whsec_` followed by base64")]
pub struct BadSecret;

/// The `whsec_…` secret of webhook `webhook_id`, derived from the service's `master` key.
pub fn secret_for(master: &[u8], webhook_id: &str) -> String {
    let mut mac = mac(master);
    mac.update(b"origine webhook secret v1\0");
    mac.update(webhook_id.as_bytes());
    format!(
        "{SECRET_PREFIX}{}",
        BASE64.encode(&mac.finalize().into_bytes())
    )
}

/// The `webhook-signature` header value for a message.
///
/// # Errors
/// [`BadSecret`] when `secret` is not `whsec_` + base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let key = BASE64
        .decode(
            secret
                .strip_prefix(SECRET_PREFIX)
                .unwrap_or(secret)
                .as_bytes(),
        )
        .map_err(|_| BadSecret)?;
    let mut mac = mac(&key);
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Ok(format!(
        "v1,{}",
        BASE64.encode(&mac.finalize().into_bytes())
    ))
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this cannot fail.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries' tests.
    #[test]
    fn signs_the_reference_example() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_differ_per_webhook_and_master_key() {
        let a = secret_for(b"k1", "w1");
        assert!(a.starts_with("whsec_"));
        assert_eq!(a, secret_for(b"k1", "w1"));
        assert_ne!(a, secret_for(b"k1", "w2"));
        assert_ne!(a, secret_for(b"k2", "w1"));
        assert!(sign("whsec_not base64!", "m", 1, b"").is_err());
    }
}
