//! The signed label: a compact Ed25519-signed summary of a unit, carried in the fragment of
//! the QR code's URL and checkable offline with the public keys document.

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::fields::{
    check_lot, check_name, date_to_days, days_to_date, field, kid_bytes, truncate_bytes,
};
use crate::domain::ids::is_valid_id;

/// What every signed label fragment starts with: format `ol1` (origine label, version 1).
pub const PREFIX: &str = "ol1.";

/// Prepended to the payload before signing and verifying, never transmitted, so a label
/// signature can never be mistaken for a signature over anything else the issuer key signs.
pub const DOMAIN: &[u8] = b"origine/label/v1\n";

/// Longest product name and producer name kept in a label, in UTF-8 bytes.
///
/// The QR code must stay small enough to print on a jar, and its capacity is counted in bytes,
/// so the cap is in bytes (60 ASCII characters; fewer when accented letters take two bytes).
/// Longer names are cut on a character boundary when signing; the certificate page shows the
/// full text.
pub const MAX_NAME_BYTES: usize = 60;

/// Longest fragment [`SignedLabel::parse`] looks at; real ones are about 320 characters.
const MAX_FRAGMENT_CHARS: usize = 1024;

/// The signed summary of one unit carried in a QR code's URL fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLabel {
    /// Key ID of the signing key: 8 lower-case hex digits.
    pub kid: String,
    /// The certificate of the unit's lot.
    pub certificate_id: String,
    /// Product name, at most [`MAX_NAME_BYTES`] bytes once signed.
    pub product: String,
    /// Lot code, as in AI 10 of the Digital Link: 1–20 characters of GS1 set 82.
    pub lot: String,
    /// The unit number, 1 to the lot's quantity.
    pub serial: u64,
    /// Producer name, at most [`MAX_NAME_BYTES`] bytes once signed.
    pub producer: String,
    /// Issue date, `YYYY-MM-DD`, from 1970-01-01 to 2149-06-06.
    pub issued: String,
}

/// Why a label could not be signed, parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelTokenError {
    /// A field the label cannot carry, so it was not signed.
    #[error("{field}: {reason}")]
    Field {
        /// The field at fault, e.g. `kid` or `lot`.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A fragment that is not a signed label: wrong encoding, truncated, bad UTF-8.
    #[error("malformed label token: {0}")]
    Malformed(&'static str),
    /// The Ed25519 signature does not verify under the key given.
    #[error("label signature does not verify with this key")]
    BadSignature,
}

/// Reads the payload back, field by field.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LabelTokenError> {
        if self.0.len() < n {
            return Err(LabelTokenError::Malformed("payload is truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, LabelTokenError> {
        Ok(self.take(1)?[0])
    }

    fn string(&mut self) -> Result<String, LabelTokenError> {
        let len = usize::from(self.byte()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| LabelTokenError::Malformed("a text field is not UTF-8"))
    }
}

impl SignedLabel {
    /// The payload: a compact binary encoding, every variable-length part prefixed by its length,
    /// so no byte value needs escaping and no two labels share an encoding.
    ///
    /// ```text
    /// kid              4 bytes (the 8 hex digits)
    /// issued           2 bytes, big-endian days since 1970-01-01
    /// serial           1 length byte (0–8), then the serial big-endian without leading zero bytes
    /// certificate_id   1 length byte, UTF-8
    /// lot              1 length byte, UTF-8
    /// product          1 length byte, UTF-8
    /// producer         1 length byte, UTF-8
    /// ```
    ///
    /// Binary fields rather than text joined by separators save about 20 bytes, which keeps a
    /// full unit URL with its fragment inside a version 15 QR code.
    fn payload(&self) -> Result<Vec<u8>, LabelTokenError> {
        let kid = kid_bytes(&self.kid)?;
        if !is_valid_id(&self.certificate_id) {
            return Err(field(
                "certificate_id",
                "must be 1 to 24 characters of lower-case base32",
            ));
        }
        check_lot(&self.lot)?;
        let days = date_to_days(&self.issued)?;
        let product = truncate_bytes(&self.product, MAX_NAME_BYTES);
        let producer = truncate_bytes(&self.producer, MAX_NAME_BYTES);
        check_name("product", product)?;
        check_name("producer", producer)?;

        let serial = self.serial.to_be_bytes();
        let serial = &serial[serial.iter().take_while(|&&b| b == 0).count()..];
        let mut out = Vec::with_capacity(96 + product.len() + producer.len());
        out.extend_from_slice(&kid);
        out.extend_from_slice(&days.to_be_bytes());
        for part in [
            serial,
            self.certificate_id.as_bytes(),
            self.lot.as_bytes(),
            product.as_bytes(),
            producer.as_bytes(),
        ] {
            // Every part was checked to be at most 60 bytes above.
            out.push(u8::try_from(part.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(part);
        }
        Ok(out)
    }

    /// The fragment (without '#'): `"ol1." + base64url(payload) + "." + base64url(signature)`,
    /// the signature over `"origine/label/v1\n" ‖ payload`.
    ///
    /// Product and producer are cut to [`MAX_NAME_BYTES`] bytes on a character boundary, so a
    /// label always fits its QR code; the certificate page shows the full text.
    ///
    /// # Errors
    /// A field the label cannot carry: kid not 8 lower-case hex digits, a certificate id that is
    /// not one, a lot outside GS1 AI 10 syntax, a date out of range, an empty product or producer,
    /// or one with control characters.
    pub fn sign(&self, key: &SigningKey) -> Result<String, LabelTokenError> {
        let payload = self.payload()?;
        let mut signed = DOMAIN.to_vec();
        signed.extend_from_slice(&payload);
        let signature = key.sign(&signed);
        Ok(format!(
            "{PREFIX}{}.{}",
            BASE64URL_NOPAD.encode(&payload),
            BASE64URL_NOPAD.encode(&signature.to_bytes())
        ))
    }

    /// Splits and decodes a fragment without checking its signature.
    ///
    /// Returns the label, the signature and the bytes it must cover (domain prefix included).
    ///
    /// # Errors
    /// Anything other than a well-formed `ol1.` token holding valid fields.
    pub fn parse(fragment: &str) -> Result<(Self, [u8; 64], Vec<u8>), LabelTokenError> {
        use LabelTokenError::Malformed;
        if fragment.len() > MAX_FRAGMENT_CHARS {
            return Err(Malformed("too long"));
        }
        let rest = fragment
            .strip_prefix(PREFIX)
            .ok_or(Malformed("does not start with \"ol1.\""))?;
        let (payload, signature) = rest
            .split_once('.')
            .ok_or(Malformed("missing the signature part"))?;
        let payload = BASE64URL_NOPAD
            .decode(payload.as_bytes())
            .map_err(|_| Malformed("payload is not base64url"))?;
        let signature: [u8; 64] = BASE64URL_NOPAD
            .decode(signature.as_bytes())
            .map_err(|_| Malformed("signature is not base64url"))?
            .try_into()
            .map_err(|_| Malformed("signature is not 64 bytes"))?;

        let mut r = Reader(&payload);
        let kid = HEXLOWER.encode(r.take(4)?);
        let days = u16::from_be_bytes([r.byte()?, r.byte()?]);
        let serial_len = usize::from(r.byte()?);
        if serial_len > 8 {
            return Err(Malformed("serial is longer than 8 bytes"));
        }
        let serial_bytes = r.take(serial_len)?;
        if serial_bytes.first() == Some(&0) {
            return Err(Malformed("serial has a leading zero byte"));
        }
        let serial = serial_bytes
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let label = Self {
            kid,
            certificate_id: r.string()?,
            lot: r.string()?,
            product: r.string()?,
            producer: r.string()?,
            serial,
            issued: days_to_date(days),
        };
        if !r.0.is_empty() {
            return Err(Malformed("trailing bytes after the payload"));
        }
        // Only what `sign` can produce is accepted.
        if label.payload()? != payload {
            return Err(Malformed("payload is not in canonical form"));
        }
        let mut signed = DOMAIN.to_vec();
        signed.extend_from_slice(&payload);
        Ok((label, signature, signed))
    }

    /// Parses and verifies with `key` (strict Ed25519 verification).
    ///
    /// The caller picks `key` from the keys document by the label's `kid` and checks that the
    /// key was valid on the `issued` date.
    ///
    /// # Errors
    /// A malformed fragment, or a signature that `key` did not make over these bytes.
    pub fn verify(fragment: &str, key: &VerifyingKey) -> Result<Self, LabelTokenError> {
        let (label, signature, signed) = Self::parse(fragment)?;
        key.verify_strict(&signed, &Signature::from_bytes(&signature))
            .map_err(|_| LabelTokenError::BadSignature)?;
        Ok(label)
    }
}
