//! EPCIS 2.0: every lot's events served as an `EPCISDocument` that GS1's EPCIS 2.0 JSON
//! Schema accepts (Python `jsonschema`, reading `../shared/vectors/epcis-2.0` at run time).

use std::process::Command;

use crate::support::{BASE_URL, TestApp, lot};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

const EPCIS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/epcis-2.0"
);

/// Four lots: serialised or not, with a GTIN or without, in pieces and in kilograms.
async fn app_with_lots() -> TestApp {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    for (code, serialised, gtin, unit) in [
        ("EP-1", true, true, "pcs"),
        ("EP-2", false, true, "kg"),
        ("EP-3", true, false, "pcs"),
        ("EP-4", false, false, "pcs"),
    ] {
        let mut body = lot(code);
        body["quantity"] = 4.into();
        body["serialised"] = serialised.into();
        body["unit"] = unit.into();
        if !gtin {
            body["product"].as_object_mut().unwrap().remove("gtin");
        }
        let (status, issued) = app.post("/api/v1/lots", &seed.producer_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
    }
    app
}

async fn epcis_of(app: &TestApp, lot_id: &str) -> (StatusCode, String, Value) {
    let req = Request::get(format!("/api/v1/lots/{lot_id}/epcis"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.raw(req).await;
    let content_type = headers[header::CONTENT_TYPE].to_str().unwrap().to_owned();
    (status, content_type, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn a_lots_commissioning_event_names_its_units_or_quantity_and_its_certificate() {
    let app = app_with_lots().await;
    let lots = app.state.store.lots(None).await.unwrap();
    for record in &lots {
        let (status, content_type, doc) = epcis_of(&app, &record.id).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/ld+json");
        assert_eq!(doc["type"], "EPCISDocument");
        let event = &doc["epcisBody"]["eventList"][0];
        assert_eq!(event["bizStep"], "commissioning");
        assert_eq!(
            event["certificationInfo"],
            format!("{BASE_URL}/api/v1/certificates/{}", record.certificate_id)
        );
        let id = event["eventID"].as_str().unwrap();
        assert!(
            id.starts_with("ni:///sha-256;") && id.ends_with("?ver=CBV2.0"),
            "{id}"
        );
        match (record.serialised, record.gtin.is_some()) {
            (true, true) => assert_eq!(
                event["epcList"][3],
                format!("{BASE_URL}/01/08012345678907/10/EP-1/21/4")
            ),
            (true, false) => assert_eq!(
                event["epcList"][0],
                format!("urn:origine:lot:{}:unit:1", record.id)
            ),
            (false, true) => {
                assert_eq!(event["quantityList"][0]["uom"], "KGM");
                assert_eq!(event["quantityList"][0]["quantity"], 4);
            }
            (false, false) => assert!(event["quantityList"][0].get("uom").is_none()),
        }
        // The event hash depends on the event only, not on when the document was made.
        let (_, _, again) = epcis_of(&app, &record.id).await;
        assert_eq!(again["epcisBody"]["eventList"][0]["eventID"], id);
    }
    let (status, body) = app.get("/api/v1/lots/nosuchlot/epcis").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
}

#[tokio::test]
#[cfg_attr(
    not(all(origine_py_jsonschema, origine_epcis)),
    ignore = "needs python3 with jsonschema and ../shared/vectors/epcis-2.0"
)]
async fn every_epcis_document_served_validates_against_the_epcis_2_0_schema() {
    let app = app_with_lots().await;
    let mut args = vec![format!("{EPCIS}/EPCIS-JSON-Schema.json")];
    for (i, record) in app.state.store.lots(None).await.unwrap().iter().enumerate() {
        let (_, _, doc) = epcis_of(&app, &record.id).await;
        let path = app.dir.path().join(format!("epcis-{i}.json"));
        std::fs::write(&path, doc.to_string()).unwrap();
        args.push(path.display().to_string());
    }
    assert_eq!(args.len(), 5);
    let out = Command::new("python3")
        .arg(format!(
            "{}/python/validate_dcc.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
