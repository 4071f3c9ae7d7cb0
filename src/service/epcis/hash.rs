//! The EPCIS Event Hash ID of CBV 2.0 (section 8.9) for the fields Origine's events use:
//! a pre-hash string of the event's fields in the canonical order, with no separators,
//! hashed with SHA-256 into `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920).

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

/// One quantity element: a class of objects, how many, and the unit when not a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The class, a URI (a lot's GS1 Digital Link).
    pub epc_class: String,
    /// How many objects (or of the unit `uom`).
    pub quantity: u64,
    /// A UN/ECE Rec 20 code; `None` for a count of objects.
    pub uom: Option<String>,
}

/// The fields of an `ObjectEvent` that enter the hash, as written in the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEventFields {
    /// UTC, RFC 3339.
    pub event_time: String,
    /// The offset of the place where the event happened, `+01:00` style.
    pub time_zone_offset: String,
    /// The objects named one by one (unit Digital Links), in the event's order.
    pub epcs: Vec<String>,
    /// The objects counted by class, in the event's order.
    pub quantities: Vec<Quantity>,
    /// `ADD`, `OBSERVE` or `DELETE`.
    pub action: String,
    /// A bare CBV business step, e.g. `commissioning`.
    pub biz_step: String,
    /// A bare CBV disposition, e.g. `active`.
    pub disposition: String,
    /// Where the objects were commissioned (the institute), when known.
    pub biz_location: Option<String>,
}

/// The CBV Web URI of a bare CBV 2.0 value (`commissioning` → `…/BizStep-commissioning`).
fn cbv(kind: &str, value: &str) -> String {
    format!("https://ref.gs1.org/cbv/{kind}-{value}")
}

/// The constrained canonical form of a GS1 Digital Link in a pre-hash string (CBV 2.0,
/// rule 18): the domain `https://id.gs1.org`, no query, and only the finest level, so
/// `/01/{gtin}/10/{lot}/21/{serial}` becomes `/01/{gtin}/21/{serial}`. Other URIs are
/// kept as they are.
pub fn canonical_uri(uri: &str) -> String {
    let Some(at) = uri.find("/01/") else {
        return uri.to_owned();
    };
    let path = uri[at..].split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let pairs: Vec<(&str, &str)> = segments
        .chunks(2)
        .filter_map(|c| match c {
            [ai, value] => Some((*ai, *value)),
            _ => None,
        })
        .collect();
    let keep: Vec<&(&str, &str)> = if pairs.iter().any(|(ai, _)| *ai == "21") {
        pairs
            .iter()
            .filter(|(ai, _)| matches!(*ai, "01" | "21"))
            .collect()
    } else {
        pairs
            .iter()
            .filter(|(ai, _)| matches!(*ai, "01" | "10"))
            .collect()
    };
    let mut out = String::from("https://id.gs1.org");
    for (ai, value) in keep {
        out.push_str(&format!("/{ai}/{value}"));
    }
    out
}

/// An RFC 3339 UTC time with exactly three decimals and `Z` (CBV 2.0, rules 8 and 9).
fn millis(time: &str) -> String {
    let parsed = time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339);
    match parsed {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            )
        }
        Err(_) => time.to_owned(),
    }
}

/// The pre-hash string of an `ObjectEvent` with these fields.
pub fn pre_hash(e: &ObjectEventFields) -> String {
    let mut out = format!(
        "eventType=ObjectEventeventTime={}eventTimeZoneOffset={}",
        millis(&e.event_time),
        e.time_zone_offset
    );
    if !e.epcs.is_empty() {
        let mut epcs: Vec<String> = e
            .epcs
            .iter()
            .map(|u| format!("epc={}", canonical_uri(u)))
            .collect();
        epcs.sort();
        out.push_str("epcList");
        out.extend(epcs);
    }
    if !e.quantities.is_empty() {
        let mut elements: Vec<String> = e
            .quantities
            .iter()
            .map(|q| {
                let uom = q
                    .uom
                    .as_ref()
                    .map(|u| format!("uom={u}"))
                    .unwrap_or_default();
                format!(
                    "quantityElementepcClass={}quantity={}{uom}",
                    canonical_uri(&q.epc_class),
                    q.quantity
                )
            })
            .collect();
        elements.sort();
        out.push_str("quantityList");
        out.extend(elements);
    }
    out.push_str(&format!(
        "action={}bizStep={}disposition={}",
        e.action,
        cbv("BizStep", &e.biz_step),
        cbv("Disp", &e.disposition)
    ));
    if let Some(location) = &e.biz_location {
        out.push_str(&format!("bizLocationid={location}"));
    }
    out
}

/// The event hash ID of a pre-hash string: `ni:///sha-256;<hex>?ver=CBV2.0`.
pub fn event_id(pre_hash: &str) -> String {
    format!(
        "ni:///sha-256;{}?ver=CBV2.0",
        HEXLOWER.encode(&Sha256::digest(pre_hash.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Example 1 of the reference implementation (RalphTro/epcis-event-hash-generator),
    /// whose pre-hash string and hash are published with it.
    #[test]
    fn the_reference_pre_hash_string_gives_the_published_hash() {
        let pre = concat!(
            "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00",
            "epcListepc=https://id.gs1.org/00/040123450000001112",
            "epc=https://id.gs1.org/00/040123450000002225",
            "epc=https://id.gs1.org/00/040123450000003338",
            "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing",
            "readPointid=https://id.gs1.org/414/4012345000115/254/987",
            "{https://ns.example.com/epcis/}myField1",
            "{https://ns.example.com/epcis/}mySubField1=2",
            "{https://ns.example.com/epcis/}mySubField2=5",
            "{https://ns.example.com/epcis/}myField2=0",
            "{https://ns.example.com/epcis/}myField3",
            "{https://ns.example.com/epcis/}mySubField3=1",
            "{https://ns.example.com/epcis/}mySubField3=3",
        );
        assert_eq!(
            event_id(pre),
            "ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0"
        );
    }

    #[test]
    fn digital_links_are_made_canonical_and_lists_sorted() {
        assert_eq!(
            canonical_uri("http://origine.test/01/08012345678907/10/PAN%2F1/21/7?t=x"),
            "https://id.gs1.org/01/08012345678907/21/7"
        );
        assert_eq!(
            canonical_uri("http://origine.test/01/08012345678907/10/PAN%2F1"),
            "https://id.gs1.org/01/08012345678907/10/PAN%2F1"
        );
        assert_eq!(canonical_uri("urn:origine:lot:x"), "urn:origine:lot:x");
        let e = ObjectEventFields {
            event_time: "2026-11-02T09:15:00Z".into(),
            time_zone_offset: "+00:00".into(),
            epcs: vec![
                "http://o.test/01/08012345678907/10/A/21/2".into(),
                "http://o.test/01/08012345678907/10/A/21/10".into(),
            ],
            quantities: Vec::new(),
            action: "ADD".into(),
            biz_step: "commissioning".into(),
            disposition: "active".into(),
            biz_location: Some("urn:origine:institute:cr-milano-opera".into()),
        };
        assert_eq!(
            pre_hash(&e),
            "eventType=ObjectEventeventTime=2026-11-02T09:15:00.000ZeventTimeZoneOffset=+00:00\
             epcListepc=https://id.gs1.org/01/08012345678907/21/10\
             epc=https://id.gs1.org/01/08012345678907/21/2\
             action=ADDbizStep=https://ref.gs1.org/cbv/BizStep-commissioning\
             disposition=https://ref.gs1.org/cbv/Disp-active\
             bizLocationid=urn:origine:institute:cr-milano-opera"
        );
    }
}
