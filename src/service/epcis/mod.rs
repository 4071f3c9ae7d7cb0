//! A lot's events as an EPCIS 2.0 `EPCISDocument` (JSON-LD): the commissioning of its
//! units (or of its quantity, when they are not numbered) when Origine certified it, with
//! the certificate as `certificationInfo` and the CBV 2.0 event hash as `eventID`.
//!
//! Objects are named by GS1 Digital Links under the base URL when the lot has a GTIN
//! (units `/01/{gtin}/10/{lot}/21/{n}`, the lot `/01/{gtin}/10/{lot}`), otherwise by
//! `urn:origine:lot:{id}` and `urn:origine:lot:{id}:unit:{n}`. Label tokens never appear.

pub mod hash;

use serde_json::{Value, json};

use crate::domain::digital_link::DigitalLink;
use crate::store::LotRecord;
use hash::{ObjectEventFields, Quantity};

/// The EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The URI naming the lot itself (its class of objects).
fn lot_uri(base_url: &str, lot: &LotRecord) -> String {
    match &lot.gtin {
        Some(g) => DigitalLink {
            gtin: g.to_gtin14(),
            lot: Some(lot.lot_code.to_string()),
            serial: None,
        }
        .uri(base_url),
        None => format!("urn:origine:lot:{}", lot.id),
    }
}

/// The URI naming unit `n` of the lot.
fn unit_uri(base_url: &str, lot: &LotRecord, n: u64) -> String {
    match &lot.gtin {
        Some(g) => DigitalLink {
            gtin: g.to_gtin14(),
            lot: Some(lot.lot_code.to_string()),
            serial: Some(n.to_string()),
        }
        .uri(base_url),
        None => format!("urn:origine:lot:{}:unit:{n}", lot.id),
    }
}

/// The commissioning event of `lot`, at the time it was certified.
fn commissioning(base_url: &str, lot: &LotRecord) -> Value {
    let (epcs, quantities) = if lot.serialised {
        let epcs = (1..=lot.quantity)
            .map(|n| unit_uri(base_url, lot, n))
            .collect();
        (epcs, Vec::new())
    } else {
        let uom = match lot.unit.as_str() {
            "pcs" => None,
            other => Some(crate::service::credential::rec20(other).to_owned()),
        };
        let q = Quantity {
            epc_class: lot_uri(base_url, lot),
            quantity: lot.quantity,
            uom,
        };
        (Vec::new(), vec![q])
    };
    let fields = ObjectEventFields {
        event_time: lot.created_at.clone(),
        time_zone_offset: "+00:00".into(),
        epcs,
        quantities,
        action: "ADD".into(),
        biz_step: "commissioning".into(),
        disposition: "active".into(),
        biz_location: Some(format!("urn:origine:institute:{}", lot.institute)),
    };
    let mut event = json!({
        "type": "ObjectEvent",
        "eventID": hash::event_id(&hash::pre_hash(&fields)),
        "eventTime": fields.event_time,
        "eventTimeZoneOffset": fields.time_zone_offset,
        "action": fields.action,
        "bizStep": fields.biz_step,
        "disposition": fields.disposition,
        "bizLocation": {"id": fields.biz_location},
        "certificationInfo": format!("{base_url}/api/v1/certificates/{}", lot.certificate_id),
    });
    if fields.epcs.is_empty() {
        event["quantityList"] = fields
            .quantities
            .iter()
            .map(|q| {
                let mut element = json!({"epcClass": q.epc_class, "quantity": q.quantity});
                if let Some(uom) = &q.uom {
                    element["uom"] = uom.as_str().into();
                }
                element
            })
            .collect();
    } else {
        event["epcList"] = fields.epcs.clone().into();
    }
    event
}

/// The EPCIS document of `lot`'s events, created at `now` (RFC 3339).
pub fn document(base_url: &str, lot: &LotRecord, now: &str) -> Value {
    json!({
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now,
        "epcisBody": {"eventList": [commissioning(base_url, lot)]},
    })
}
