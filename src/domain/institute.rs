//! Prisons (istituti penitenziari) where producers work.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Checker, ValidationErrors, is_slug};

/// Kinds of institute in the Italian prison system.
pub const KINDS: &[&str] = &[
    "casa_circondariale",
    "casa_di_reclusione",
    "istituto_penale_minorenni",
    "casa_lavoro",
    "colonia_agricola",
    "other",
];

/// The twenty Italian regions, as they are written.
pub const REGIONS: &[&str] = &[
    "Abruzzo",
    "Basilicata",
    "Calabria",
    "Campania",
    "Emilia-Romagna",
    "Friuli-Venezia Giulia",
    "Lazio",
    "Liguria",
    "Lombardia",
    "Marche",
    "Molise",
    "Piemonte",
    "Puglia",
    "Sardegna",
    "Sicilia",
    "Toscana",
    "Trentino-Alto Adige",
    "Umbria",
    "Valle d'Aosta",
    "Veneto",
];

/// `POST /api/v1/institutes` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstituteRequest {
    /// Stable slug, e.g. `cr-milano-opera`.
    pub code: String,
    /// The official name, e.g. `Casa di Reclusione Milano Opera`: 2 to 200 characters.
    pub name: String,
    /// One of `casa_circondariale`, `casa_di_reclusione`, `istituto_penale_minorenni`, `casa_lavoro`, `colonia_agricola`, `other`.
    pub kind: String,
    /// The town, 1 to 100 characters.
    pub city: String,
    /// An Italian region, e.g. `Lombardia`.
    pub region: String,
}

/// A validated institute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Institute {
    /// Slug of 2 to 64 characters of `a-z`, `0-9` and single dashes, e.g. `cr-milano-opera`.
    pub code: String,
    /// The official name, trimmed.
    pub name: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// The town, trimmed.
    pub city: String,
    /// One of [`REGIONS`], spelled as there whatever case it was given in.
    pub region: String,
}

impl Institute {
    /// Validates a request.
    ///
    /// # Errors
    /// Every invalid field.
    pub fn parse(req: InstituteRequest) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let code = req.code.trim().to_owned();
        if code.len() < 2 || code.len() > 64 || !is_slug(&code) {
            c.add(
                "code",
                "must be 2 to 64 characters of a-z, 0-9 and single dashes",
            );
        }
        let name = c.text("name", &req.name, 2, 200, false);
        c.one_of("kind", &req.kind, KINDS);
        let city = c.text("city", &req.city, 1, 100, false);
        let region = REGIONS
            .iter()
            .find(|r| r.eq_ignore_ascii_case(req.region.trim()))
            .map(|r| (*r).to_owned());
        if region.is_none() {
            c.add(
                "region",
                "must be one of the twenty Italian regions, e.g. Lombardia",
            );
        }
        c.finish(Self {
            code,
            name,
            kind: req.kind,
            city,
            region: region.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> InstituteRequest {
        InstituteRequest {
            code: "cr-milano-opera".into(),
            name: "Casa di Reclusione Milano Opera".into(),
            kind: "casa_di_reclusione".into(),
            city: "Opera (MI)".into(),
            region: "lombardia".into(),
        }
    }

    #[test]
    fn a_valid_institute_gets_its_region_spelled_canonically() {
        assert_eq!(Institute::parse(req()).unwrap().region, "Lombardia");
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut r = req();
        r.code = "Opera Milano".into();
        r.kind = "hotel".into();
        r.region = "Bavaria".into();
        r.name = " ".into();
        let fields: Vec<String> = Institute::parse(r)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["code", "name", "kind", "region"]);
    }
}
