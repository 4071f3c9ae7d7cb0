//! GS1-Conformant Resolver (standard 1.2): what a Digital Link names in the register, and
//! the links Origine offers for it, as an RFC 9264 linkset.
//!
//! Three levels resolve: a GTIN alone (its owner's product page), a GTIN with a lot, and a
//! unit (GTIN, lot, serial). A unit's links are its lot's, with the serial carried to the
//! verification page; the GTIN's product page is offered at every level, so each entity's
//! linkset is the union of its own links and those of the levels above it.
//! [`choose`] picks one link of a type the way the standard's section 2.6.3 says: by the
//! visitor's language, then by the media types the client accepts.

mod choice;

#[cfg(test)]
mod tests;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use crate::domain::digital_link::DigitalLink;
use crate::store::{LotRecord, Result, Store};

pub use choice::{Choice, choose};

/// The languages Origine's pages are written in, as BCP 47 tags.
pub const LANGUAGES: [&str; 2] = ["it", "en"];

/// `it` in Italian, `en` otherwise.
fn s(lang: &str, it: &'static str, en: &'static str) -> &'static str {
    if lang == "it" { it } else { en }
}

/// The GS1 Web Vocabulary namespace, the `gs1:` prefix of link types.
pub const GS1_VOC: &str = "https://gs1.org/voc/";
/// The JSON-LD context that turns a GS1 linkset into JSON-LD (resolver standard artefact).
pub const LINKSET_CONTEXT: &str = "https://ref.gs1.org/standards/resolver/linkset-context";

/// What a Digital Link names here.
#[derive(Debug, Clone)]
pub enum Entity {
    /// A GTIN alone: its owner's certified lots, newest first (never empty).
    Product {
        /// The GTIN in its 14-digit form.
        gtin: String,
        /// The owner's certified lots of it.
        lots: Vec<LotRecord>,
    },
    /// A GTIN with a lot.
    Lot(LotRecord),
    /// One unit of a lot: the serial exactly as written in the link.
    Unit {
        /// The unit's lot.
        lot: LotRecord,
        /// The serial, as written in the link.
        serial: String,
    },
}

/// The entity `link` names, or `None` when the register knows nothing of it (the
/// standard's 404: a valid URI for which there is nothing).
///
/// # Errors
/// Storage failures.
pub async fn entity(store: &Store, link: &DigitalLink) -> Result<Option<Entity>> {
    let Some(lot_code) = &link.lot else {
        let lots = store.lots_by_gtin(&link.gtin).await?;
        return Ok((!lots.is_empty()).then(|| Entity::Product {
            gtin: link.gtin.clone(),
            lots,
        }));
    };
    let Some(lot) = store.lot_by_link(&link.gtin, lot_code).await? else {
        return Ok(None);
    };
    Ok(Some(match &link.serial {
        Some(serial) => Entity::Unit {
            lot,
            serial: serial.clone(),
        },
        None => Entity::Lot(lot),
    }))
}

/// One link of a linkset: its type (a full URI) and target attributes (RFC 9264 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The link type as a full URI, e.g. `https://gs1.org/voc/pip`.
    pub rel: String,
    /// Where the link points, an absolute URL.
    pub href: String,
    /// What a person reads for the link, in its language.
    pub title: String,
    /// The target's media type.
    pub media_type: &'static str,
    /// The target's language (`it` or `en`), when it has one.
    pub hreflang: Option<&'static str>,
}

impl Link {
    fn to_json(&self) -> Value {
        let mut target = json!({"href": self.href, "title": self.title, "type": self.media_type});
        if let Some(l) = self.hreflang {
            target["hreflang"] = json!([l]);
        }
        target
    }
}

fn gs1(term: &str) -> String {
    format!("{GS1_VOC}{term}")
}

/// The link type `value` names: a `gs1:` CURIE or a full URI in either of GS1's
/// namespaces (`https://gs1.org/voc/`, `https://ref.gs1.org/voc/`, `www.`), as a full URI
/// in [`GS1_VOC`]; `None` for anything else.
pub fn link_type(value: &str) -> Option<String> {
    let term = [
        "gs1:",
        GS1_VOC,
        "https://ref.gs1.org/voc/",
        "https://www.gs1.org/voc/",
    ]
    .iter()
    .find_map(|prefix| value.strip_prefix(prefix))?;
    (!term.is_empty() && term.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| gs1(term))
}

/// The entity's canonical Digital Link under `base_url` (the linkset's anchor).
pub fn anchor(base_url: &str, entity: &Entity) -> String {
    let (gtin, lot, serial) = match entity {
        Entity::Product { gtin, .. } => (gtin.clone(), None, None),
        Entity::Lot(lot) => (gtin14(lot), Some(lot.lot_code.to_string()), None),
        Entity::Unit { lot, serial } => (
            gtin14(lot),
            Some(lot.lot_code.to_string()),
            Some(serial.clone()),
        ),
    };
    DigitalLink { gtin, lot, serial }.uri(base_url)
}

fn gtin14(lot: &LotRecord) -> String {
    lot.gtin.as_ref().map(|g| g.to_gtin14()).unwrap_or_default()
}

/// The product page of a GTIN (14 digits) in language `lang`.
pub fn product_page(base_url: &str, gtin: &str, lang: &str) -> String {
    format!("{base_url}/products/{gtin}?lang={lang}")
}

/// Every link Origine offers for `entity`; the one `gs1:defaultLink` is in `lang` (one of
/// [`LANGUAGES`]).
pub fn links(base_url: &str, entity: &Entity, lang: &'static str) -> Vec<Link> {
    let both = LANGUAGES;
    let l = lang;
    let (gtin, lot, serial) = match entity {
        Entity::Product { gtin, .. } => (gtin.clone(), None, None),
        Entity::Lot(lot) => (gtin14(lot), Some(lot), None),
        Entity::Unit { lot, serial } => (gtin14(lot), Some(lot), Some(serial.as_str())),
    };
    let product = |l: &'static str| Link {
        rel: gs1("pip"),
        href: product_page(base_url, &gtin, l),
        title: s(
            l,
            "Prodotto e lotti certificati",
            "Product and certified lots",
        )
        .into(),
        media_type: "text/html",
        hreflang: Some(l),
    };
    let Some(lot) = lot else {
        let mut out = vec![Link {
            rel: gs1("defaultLink"),
            ..product(l)
        }];
        out.extend(both.map(product));
        return out;
    };
    let id = &lot.certificate_id;
    let page = |l: &'static str| {
        let unit = serial
            .map(|s| format!("serial={}&", utf8_percent_encode(s, NON_ALPHANUMERIC)))
            .unwrap_or_default();
        Link {
            rel: gs1("certificationInfo"),
            href: format!("{base_url}/c/{id}?{unit}lang={l}"),
            title: match serial {
                Some(_) => s(l, "Verifica dell'unità", "Verification of this unit"),
                None => s(l, "Verifica del lotto", "Verification of this lot"),
            }
            .into(),
            media_type: "text/html",
            hreflang: Some(l),
        }
    };
    let mut out = vec![Link {
        rel: gs1("defaultLink"),
        ..page(l)
    }];
    out.extend(both.map(page));
    out.push(Link {
        rel: gs1("certificationInfo"),
        href: format!("{base_url}/api/v1/certificates/{id}"),
        title: "Certificate bundle (signed, with its log inclusion proof)".into(),
        media_type: "application/json",
        hreflang: None,
    });
    out.push(Link {
        rel: gs1("certificationInfo"),
        href: format!("{base_url}/api/v1/certificates/{id}/vc"),
        title: "UNTP Digital Conformity Credential".into(),
        media_type: "application/vc",
        hreflang: None,
    });
    out.extend(both.map(product));
    out.push(Link {
        rel: gs1("traceability"),
        href: format!("{base_url}/api/v1/lots/{}/epcis", lot.id),
        title: "EPCIS 2.0 events of the lot".into(),
        media_type: "application/ld+json",
        hreflang: None,
    });
    out
}

/// A short description of the entity for the linkset (`itemDescription`).
pub fn description(entity: &Entity) -> String {
    match entity {
        Entity::Product { lots, .. } => lots
            .first()
            .map(|l| l.product_name.clone())
            .unwrap_or_default(),
        Entity::Lot(lot) => format!("{}, lot {}", lot.product_name, lot.lot_code),
        Entity::Unit { lot, serial } => {
            format!("{}, lot {}, unit {serial}", lot.product_name, lot.lot_code)
        }
    }
}

/// The RFC 9264 JSON linkset (`application/linkset+json`) of `links` about `anchor`, one
/// member per link type in the order first offered.
pub fn linkset(anchor: &str, description: &str, links: &[Link]) -> Value {
    let mut context = Map::new();
    context.insert("anchor".into(), anchor.into());
    context.insert("itemDescription".into(), description.into());
    for link in links {
        let targets = context
            .entry(link.rel.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(targets) = targets {
            targets.push(link.to_json());
        }
    }
    json!({"linkset": [Value::Object(context)]})
}
