//! W3C Bitstring Status List 1.0: where a credential's bit is, and the encoded list.
//!
//! Every list has [`LIST_BITS`] bits (the specification's minimum, 16 KiB, for group
//! privacy). A credential's position comes from its log index `seq`: list `seq / LIST_BITS`,
//! bit `P(seq mod LIST_BITS)`, where `P` is a keyed pseudorandom permutation of the list's
//! bits. So positions never collide, need no storage, are the same in every process, and a
//! list reveals nothing about the order in which its credentials were issued to whoever
//! does not hold the key. `P` is an 8-round Feistel network on 18 bits whose round
//! function is SHA-256 of the key, the list number, the round and the half, walked
//! through its cycle until it lands below `LIST_BITS`.

use std::io::Write;

use data_encoding::BASE64URL_NOPAD;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// Bits in one status list: 2^17 = 131,072, the minimum the specification recommends.
pub const LIST_BITS: u64 = 1 << 17;
/// The Feistel network's half width: two halves of 9 bits cover 2^18 ≥ [`LIST_BITS`].
const HALF_BITS: u32 = 9;
const HALF_MASK: u64 = (1 << HALF_BITS) - 1;
const ROUNDS: u8 = 8;

/// Where a credential's status bit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The status list's number (the same for every purpose).
    pub list: u64,
    /// The bit's index in that list.
    pub index: u64,
}

/// The keyed permutation that places credentials in lists.
#[derive(Clone)]
pub struct Allocator {
    key: [u8; 32],
}

impl std::fmt::Debug for Allocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Allocator(<secret>)")
    }
}

impl Allocator {
    /// A permutation keyed by a 32-byte secret.
    #[must_use]
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The position of the credential of the log entry `seq`.
    #[must_use]
    pub fn position(&self, seq: u64) -> Position {
        let list = seq / LIST_BITS;
        let mut x = seq % LIST_BITS;
        // Cycle walking: the permutation of 2^18 values restricted to those below 2^17
        // is a permutation of them.
        loop {
            x = self.permute(list, x);
            if x < LIST_BITS {
                return Position { list, index: x };
            }
        }
    }

    fn permute(&self, list: u64, x: u64) -> u64 {
        let (mut left, mut right) = (x >> HALF_BITS, x & HALF_MASK);
        for round in 0..ROUNDS {
            let mut h = Sha256::new();
            h.update(self.key);
            h.update(list.to_be_bytes());
            h.update([round]);
            h.update(right.to_be_bytes());
            let digest = h.finalize();
            let f = u64::from(u16::from_be_bytes([digest[0], digest[1]])) & HALF_MASK;
            (left, right) = (right, left ^ f);
        }
        (left << HALF_BITS) | right
    }
}

/// The `encodedList` of a list with the bits `set` on: multibase base64url (`u`, no
/// padding) of the GZIP of the bitstring, bit 0 the most significant bit of the first byte.
///
/// # Panics
/// Never: indexes at or past [`LIST_BITS`] are ignored, and GZIP into memory cannot fail.
#[must_use]
pub fn encode(set: impl IntoIterator<Item = u64>) -> String {
    let mut bits = vec![0u8; (LIST_BITS / 8) as usize];
    for index in set.into_iter().filter(|&i| i < LIST_BITS) {
        bits[(index / 8) as usize] |= 0x80 >> (index % 8);
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&bits).expect("writing to memory");
    let zipped = gz.finish().expect("writing to memory");
    format!("u{}", BASE64URL_NOPAD.encode(&zipped))
}

/// The bitstring of an `encodedList`, or `None` when it is not multibase base64url GZIP.
#[must_use]
pub fn decode(encoded: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let zipped = BASE64URL_NOPAD
        .decode(encoded.strip_prefix('u')?.as_bytes())
        .ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .take(LIST_BITS / 8 + 1)
        .read_to_end(&mut bits)
        .ok()?;
    Some(bits)
}

/// Whether bit `index` of a bitstring is on.
#[must_use]
pub fn is_set(bits: &[u8], index: u64) -> bool {
    usize::try_from(index / 8)
        .ok()
        .and_then(|byte| bits.get(byte))
        .is_some_and(|b| b & (0x80 >> (index % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn positions_never_collide_and_fill_the_list() {
        let allocator = Allocator::new([3; 32]);
        let indexes: HashSet<u64> = (0..LIST_BITS)
            .map(|seq| allocator.position(seq).index)
            .collect();
        assert_eq!(indexes.len() as u64, LIST_BITS);
        assert_eq!(allocator.position(LIST_BITS + 5).list, 1);
    }

    #[test]
    fn positions_do_not_follow_issuance_order() {
        let allocator = Allocator::new([3; 32]);
        let first: Vec<u64> = (0..8).map(|seq| allocator.position(seq).index).collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_ne!(first, sorted);
        // Another key, another placement.
        let other = Allocator::new([4; 32]);
        assert_ne!(
            first,
            (0..8).map(|s| other.position(s).index).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_encoded_list_has_exactly_the_bits_set() {
        let encoded = encode([0, 9, LIST_BITS - 1]);
        assert!(encoded.starts_with("uH4sI"));
        let bits = decode(&encoded).unwrap();
        assert_eq!(bits.len() as u64, LIST_BITS / 8);
        assert_eq!(bits[0], 0x80);
        assert_eq!(bits[1], 0x40);
        assert!(is_set(&bits, LIST_BITS - 1));
        assert!(!is_set(&bits, 1));
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
    }
}
