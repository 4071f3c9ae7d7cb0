//! Cooperatives and companies that employ detained people, and their accreditation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::ProducerStatus;
use super::validation::{Checker, ValidationErrors, is_bidi_control};
use super::vat::VatNumber;

/// Legal forms a producer can have.
pub const LEGAL_FORMS: &[&str] = &[
    "cooperativa_sociale",
    "cooperativa",
    "impresa_sociale",
    "srl",
    "spa",
    "sas",
    "snc",
    "impresa_individuale",
    "associazione",
    "fondazione",
    "other",
];

/// `POST /api/v1/producers` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProducerRequest {
    /// The cooperative's or company's name: 2 to 200 characters.
    pub name: String,
    /// e.g. `cooperativa_sociale`, `srl`.
    pub legal_form: String,
    /// Italian partita IVA, checked digit included.
    pub vat_number: String,
    /// Codes of the institutes the producer works in.
    pub institutes: Vec<String>,
    /// Optional `http://` or `https://` address, at most 200 bytes, without spaces, `"`, `<` or `>`.
    pub website: Option<String>,
}

/// A validated producer, before it has an id.
#[derive(Debug, Clone)]
pub struct NewProducer {
    /// The name, trimmed.
    pub name: String,
    /// One of [`LEGAL_FORMS`].
    pub legal_form: String,
    /// The partita IVA, check digit verified.
    pub vat_number: VatNumber,
    /// Codes of the institutes it works in, trimmed, sorted and without repeats (1 to 50).
    pub institutes: Vec<String>,
    /// Its `http(s)://` address, trimmed; absent when none or blank.
    pub website: Option<String>,
}

impl NewProducer {
    /// Validates a request; that the institutes exist is checked against the store.
    ///
    /// # Errors
    /// Every invalid field.
    pub fn parse(req: ProducerRequest) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let name = c.text("name", &req.name, 2, 200, false);
        c.one_of("legal_form", &req.legal_form, LEGAL_FORMS);
        let vat = VatNumber::parse(&req.vat_number);
        if let Err(message) = vat {
            c.add("vat_number", message);
        }
        if req.institutes.is_empty() || req.institutes.len() > 50 {
            c.add("institutes", "must list 1 to 50 institute codes");
        }
        let mut institutes: Vec<String> =
            req.institutes.iter().map(|s| s.trim().to_owned()).collect();
        institutes.sort();
        institutes.dedup();
        let website = req
            .website
            .map(|w| w.trim().to_owned())
            .filter(|w| !w.is_empty());
        if let Some(w) = &website {
            let ok = (w.starts_with("https://") || w.starts_with("http://"))
                && w.len() <= 200
                && !w.chars().any(|c| {
                    c.is_whitespace()
                        || c.is_control()
                        || is_bidi_control(c)
                        || c == '"'
                        || c == '<'
                        || c == '>'
                });
            if !ok {
                c.add(
                    "website",
                    "must be an http(s) address of at most 200 characters",
                );
            }
        }
        let Ok(vat_number) = vat else {
            return Err(c.into_errors());
        };
        c.finish(Self {
            name,
            legal_form: req.legal_form,
            vat_number,
            institutes,
            website,
        })
    }
}

/// A producer as the public directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Producer {
    /// Random id: 16 characters of lower-case base32, the `{id}` of `/producers/{id}`.
    pub id: String,
    /// The registered name.
    pub name: String,
    /// One of [`LEGAL_FORMS`].
    pub legal_form: String,
    /// Its partita IVA: 11 digits, no `IT` prefix.
    #[schema(value_type = String)]
    pub vat_number: VatNumber,
    /// Codes of the institutes it works in.
    pub institutes: Vec<String>,
    /// Its `http(s)://` address; absent when it gave none.
    pub website: Option<String>,
    /// `accredited`, `suspended` or `revoked`.
    pub status: ProducerStatus,
    /// When it was registered: RFC 3339 UTC to the second.
    pub created_at: String,
}

impl Producer {
    /// Certificates of this producer are trusted only while it is accredited.
    pub fn is_accredited(&self) -> bool {
        self.status == ProducerStatus::Accredited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> ProducerRequest {
        ProducerRequest {
            name: "Cooperativa Sociale Esempio".into(),
            legal_form: "cooperativa_sociale".into(),
            vat_number: "IT00743110157".into(),
            institutes: vec!["cr-milano-opera".into(), "cr-milano-opera".into()],
            website: Some("https://example.org".into()),
        }
    }

    #[test]
    fn a_valid_producer_keeps_each_institute_once() {
        let p = NewProducer::parse(req()).unwrap();
        assert_eq!(p.institutes, ["cr-milano-opera"]);
        assert_eq!(p.vat_number.as_str(), "00743110157");
    }

    #[test]
    fn bad_vat_number_legal_form_and_website_are_named() {
        let mut r = req();
        r.vat_number = "00743110158".into();
        r.legal_form = "gmbh".into();
        r.website = Some("javascript:alert(1)".into());
        r.institutes = vec![];
        let fields: Vec<String> = NewProducer::parse(r)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["legal_form", "vat_number", "institutes", "website"]
        );
    }
}
