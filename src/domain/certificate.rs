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
    pub format: String,
    pub id: String,
    /// 0-based index of this entry in the log.
    pub seq: u64,
    pub issued_at: String,
    pub issuer: IssuerRef,
    pub producer: ProducerRef,
    pub institute: InstituteRef,
    pub product: Product,
    pub lot: LotRef,
    pub claims: Claims,
    /// Hex hash of the previous log entry; 64 zeros for the first.
    pub prev: String,
}

/// Who signed, and with which key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IssuerRef {
    pub name: String,
    pub kid: String,
}

/// The producer as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProducerRef {
    pub id: String,
    pub name: String,
    pub legal_form: String,
    pub vat_number: String,
}

/// The institute as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstituteRef {
    pub code: String,
    pub name: String,
    pub city: String,
    pub region: String,
}

/// The lot as the certificate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LotRef {
    pub code: String,
    pub quantity: u64,
    pub unit: String,
    pub produced_from: String,
    pub produced_to: String,
    pub serialised: bool,
}

/// Everything a certificate says except where it lands in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDraft {
    pub id: String,
    pub producer: ProducerRef,
    pub institute: InstituteRef,
    pub product: Product,
    pub lot: LotRef,
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
