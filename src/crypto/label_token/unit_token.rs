//! Per-unit tokens: an HMAC of the certificate and serial under the lot's secret, printed in
//! the unit's URL so that only issued serials have working labels.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// HMAC-SHA256 (RFC 2104), by the RustCrypto `hmac` crate.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The token printed in a unit's URL: the first 10 bytes (80 bits) of
/// HMAC-SHA256(lot_secret, certificate_id ‖ 0x00 ‖ serial in decimal ASCII), as 16 characters
/// of lower-case base32 without padding.
///
/// The 0x00 separates the two parts unambiguously: certificate ids never contain it.
pub fn unit_token(lot_secret: &[u8; 32], certificate_id: &str, serial: u64) -> String {
    let mut message = Vec::with_capacity(certificate_id.len() + 21);
    message.extend_from_slice(certificate_id.as_bytes());
    message.push(0x00);
    message.extend_from_slice(serial.to_string().as_bytes());
    let mac = hmac_sha256(lot_secret, &message);
    BASE32_NOPAD.encode(&mac[..10]).to_ascii_lowercase()
}

/// Whether `given` (from a scanned URL) is the `expected` token, ignoring ASCII case.
///
/// Takes the same time wherever the first difference is: every byte is compared. Only the
/// length, which is public (16), can end the comparison early.
pub fn token_matches(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    if expected.len() != given.len() {
        return false;
    }
    let diff = expected.iter().zip(given).fold(0u8, |acc, (a, b)| {
        acc | (a.to_ascii_lowercase() ^ b.to_ascii_lowercase())
    });
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::HEXLOWER;

    fn hex(s: &str) -> Vec<u8> {
        HEXLOWER.decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 §4.2, §4.3, §4.4 and §4.7: test cases 1, 2, 3 and 6, HMAC-SHA-256.
        let cases: [(Vec<u8>, Vec<u8>, &str); 4] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, want) in cases {
            assert_eq!(hmac_sha256(&key, &data).to_vec(), hex(want));
        }
    }

    #[test]
    fn unit_tokens_are_16_base32_characters_bound_to_their_inputs() {
        let secret = [42u8; 32];
        let t = unit_token(&secret, "abcdefghijklmnopqrst", 17);
        assert_eq!(t.len(), 16);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
        // The definition, spelled out.
        let mac = hmac_sha256(&secret, b"abcdefghijklmnopqrst\x0017");
        assert_eq!(t, BASE32_NOPAD.encode(&mac[..10]).to_ascii_lowercase());
        assert_eq!(t, unit_token(&secret, "abcdefghijklmnopqrst", 17));
        assert_ne!(t, unit_token(&secret, "abcdefghijklmnopqrst", 18));
        assert_ne!(t, unit_token(&secret, "abcdefghijklmnopqrsu", 17));
        assert_ne!(t, unit_token(&[43u8; 32], "abcdefghijklmnopqrst", 17));
        // The separator keeps "…1" + 23 apart from "…12" + 3.
        assert_ne!(unit_token(&secret, "a1", 23), unit_token(&secret, "a12", 3));
    }

    #[test]
    fn tokens_match_ignoring_case_only() {
        let t = unit_token(&[1u8; 32], "abcdefghijklmnopqrst", 1);
        assert!(token_matches(&t, &t));
        assert!(token_matches(&t, &t.to_ascii_uppercase()));
        assert!(!token_matches(&t, &t[..15]));
        assert!(!token_matches(&t, &format!("{t}a")));
        assert!(!token_matches(&t, ""));
        for i in 0..t.len() {
            let mut other = t.clone().into_bytes();
            other[i] = if other[i] == b'a' { b'b' } else { b'a' };
            assert!(!token_matches(&t, &String::from_utf8(other).unwrap()));
        }
    }
}
