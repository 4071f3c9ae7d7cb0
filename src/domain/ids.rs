//! Random identifiers: URL-safe, case-insensitive, and not guessable from one another.

use data_encoding::BASE32_NOPAD;

/// `bytes` random bytes as lower-case base32 (RFC 4648 alphabet, no padding).
///
/// # Panics
/// Only if the operating system's random source fails, which leaves nothing safe to do.
pub fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("operating system random source");
    BASE32_NOPAD.encode(&buf).to_ascii_lowercase()
}

/// `bytes` random bytes as lower-case hex, for secrets.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("operating system random source");
    data_encoding::HEXLOWER.encode(&buf)
}

/// A certificate id: 96 random bits, 20 characters.
pub fn certificate_id() -> String {
    random_id(12)
}

/// A producer or lot id: 80 random bits, 16 characters.
pub fn short_id() -> String {
    random_id(10)
}

/// True for what [`random_id`] can produce, up to 24 characters.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 24
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_ids_are_url_safe_and_distinct() {
        let a = certificate_id();
        let b = certificate_id();
        assert_eq!(a.len(), 20);
        assert!(is_valid_id(&a));
        assert_ne!(a, b);
    }
}
