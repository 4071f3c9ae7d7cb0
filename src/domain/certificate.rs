//! The signed certificate body: what a lot's label vouches for, in the exact shape SPEC fixes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::institute::Institute;
use super::lot::{Claims, Product, ValidLot};
use super::producer::Producer;

/// `format` of a certificate body.
pub const CERTIFICATE_FORMAT: &str = "origine/certificate/v1";

/// The signed body of a certificate. Integers only, so its JCS bytes are unambiguous.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Certificate {
    /// Always `origine/certificate/v1` ([`CERTIFICATE_FORMAT`]).
    pub format: String,
    /// The certificate id: 20 characters of lower-case base32 from 96 random bits, the `{id}` of `/c/{id}`.
    pub id: String,
    /// 0-based index of this entry in the log.
    pub seq: u64,
    /// When the certificate was signed: RFC 3339 UTC to the second, e.g. `2026-11-24T09:30:00Z`.
    pub issued_at: String,
    /// The issuer and the key that signed this body.
    pub issuer: IssuerRef,
    /// The producer that registered the lot, as it stood when the certificate was issued.
    pub producer: ProducerRef,
    /// The institute where the lot was made.
    pub institute: InstituteRef,
    /// What was made.
    pub product: Product,
    /// The lot the certificate covers.
    pub lot: LotRef,
    /// The producer's social-impact claims for the lot: counts and hours only.
    pub claims: Claims,
    /// Hex hash of the previous log entry; 64 zeros for the first.
    pub prev: String,
}

/// Who signed, and with which key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IssuerRef {
    /// The issuer name, which is also the log origin (`ORIGINE_LOG_ORIGIN`).
    pub name: String,
    /// Hex C2SP key ID of the signing key: 8 lower-case hex digits.
    pub kid: String,
}

/// The producer as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProducerRef {
    /// The producer's id in the register (`/producers/{id}`).
    pub id: String,
    /// The producer's registered name.
    pub name: String,
    /// One of [`LEGAL_FORMS`](super::producer::LEGAL_FORMS), e.g. `cooperativa_sociale`.
    pub legal_form: String,
    /// The producer's partita IVA: 11 digits, no `IT` prefix.
    pub vat_number: String,
}

/// The institute as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstituteRef {
    /// The institute's slug, e.g. `cr-milano-opera`.
    pub code: String,
    /// The institute's official name, e.g. `Casa di Reclusione Milano Opera`.
    pub name: String,
    /// The town the institute is in.
    pub city: String,
    /// One of the twenty Italian regions, spelled as in [`REGIONS`](super::institute::REGIONS).
    pub region: String,
}

/// The lot as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LotRef {
    /// The producer's own lot code, unique per producer; with a GTIN, the GS1 AI (10) value.
    pub code: String,
    /// How many `unit`s the lot holds, 1 to 10 000 000.
    pub quantity: u64,
    /// What `quantity` counts: one of [`UNITS`](super::lot::UNITS), e.g. `pcs` or `kg`.
    pub unit: String,
    /// First day of production, `YYYY-MM-DD`.
    pub produced_from: String,
    /// Last day of production, `YYYY-MM-DD`; never before `produced_from`.
    pub produced_to: String,
    /// True when each unit carries its own numbered label (serials 1 to `quantity`).
    pub serialised: bool,
}

/// Everything a certificate says except where it lands in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDraft {
    /// The certificate id the body will carry.
    pub id: String,
    /// The producer as the certificate will name it.
    pub producer: ProducerRef,
    /// The institute as the certificate will name it.
    pub institute: InstituteRef,
    /// The product as the certificate will state it.
    pub product: Product,
    /// The lot as the certificate will name it.
    pub lot: LotRef,
    /// The validated claims.
    pub claims: Claims,
}

impl CertificateDraft {
    /// Assembles a draft from a validated lot and the records it names.
    pub fn new(id: String, lot: &ValidLot, producer: &Producer, institute: &Institute) -> Self {
        Self {
            id,
            producer: ProducerRef {
                id: producer.id.clone(),
                name: producer.name.clone(),
                legal_form: producer.legal_form.clone(),
                vat_number: producer.vat_number.to_string(),
            },
            institute: InstituteRef {
                code: institute.code.clone(),
                name: institute.name.clone(),
                city: institute.city.clone(),
                region: institute.region.clone(),
            },
            product: lot.product.clone(),
            lot: LotRef {
                code: lot.lot_code.to_string(),
                quantity: lot.quantity,
                unit: lot.unit.clone(),
                produced_from: lot.produced_from.clone(),
                produced_to: lot.produced_to.clone(),
                serialised: lot.serialised,
            },
            claims: lot.claims.clone(),
        }
    }

    /// The body to sign once the log position is known.
    pub fn seal(&self, seq: u64, prev: &str, issued_at: &str, issuer: IssuerRef) -> Certificate {
        Certificate {
            format: CERTIFICATE_FORMAT.to_owned(),
            id: self.id.clone(),
            seq,
            issued_at: issued_at.to_owned(),
            issuer,
            producer: self.producer.clone(),
            institute: self.institute.clone(),
            product: self.product.clone(),
            lot: self.lot.clone(),
            claims: self.claims.clone(),
            prev: prev.to_owned(),
        }
    }
}
