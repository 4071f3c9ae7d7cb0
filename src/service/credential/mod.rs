//! A certificate as a UNTP Digital Conformity Credential 0.6.1 (a W3C Verifiable
//! Credential 2.0), issued by `did:web:<host>`, with its W3C status list entries, secured
//! by an eddsa-jcs-2022 proof; and the same credential as VC-JOSE.
//!
//! The body follows the DCC 0.6.1 schema and uses only terms the VC 2.0, the UNTP DCC
//! 0.6.1 and Origine's own context ([`context`]) define.

pub mod context;

use serde_json::{Value, json};

use crate::crypto::vc::{self, did_web, jose, status_list::Position};
use crate::crypto::{Bundle, Keyring};
use crate::domain::digital_link::DigitalLink;
use crate::store::StoreError;

/// The UNTP DCC 0.6.1 context, second in every credential's `@context`.
pub const UNTP_DCC_CONTEXT: &str = "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/";
/// The VC 2.0 context, first in every credential's `@context`.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The version of Origine's certification scheme the credentials attest to.
pub const SCHEME_VERSION: &str = "1.0.0";

/// Why a credential could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// The register could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The proof or the JWS could not be made.
    #[error(transparent)]
    Vc(#[from] vc::VcError),
}

/// `document` with an eddsa-jcs-2022 proof by the active key, named in `did`'s document.
///
/// # Errors
/// A document the proof cannot be made over.
pub fn secure(document: &Value, did: &str, keys: &Keyring) -> Result<Value, CredentialError> {
    let options = json!({
        "type": vc::PROOF_TYPE,
        "cryptosuite": vc::CRYPTOSUITE,
        "created": crate::time_fmt::now(),
        "verificationMethod": did_web::method_id(did, &keys.active().kid),
        "proofPurpose": vc::PROOF_PURPOSE,
    });
    Ok(vc::add_proof(document, options, keys.signer())?)
}

/// The credential (without proof) as a compact JWS by the active key (VC-JOSE).
///
/// # Errors
/// A credential JCS cannot represent.
pub fn jwt(credential: &Value, base_url: &str, keys: &Keyring) -> Result<String, CredentialError> {
    let kid = did_web::method_id(&did_web::did_web(base_url), &keys.active().kid);
    Ok(jose::sign(credential, &kid, keys.signer())?)
}

/// UN/ECE Recommendation 20 code of a lot's unit of measure.
pub(crate) fn rec20(unit: &str) -> &str {
    match unit {
        "pcs" => "H87",
        "kg" => "KGM",
        "g" => "GRM",
        "l" => "LTR",
        "ml" => "MLT",
        "m" => "MTR",
        "m2" => "MTK",
        "h" => "HUR",
        "service" => "E48",
        other => other,
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The credential (without proof) of certificate `bundle`, whose status bits are at
/// `position`.
pub fn document(bundle: &Bundle, base_url: &str, issuer_name: &str, position: Position) -> Value {
    let c = &bundle.certificate;
    let id = text(&c["id"]);
    let seq = c["seq"].as_u64().unwrap_or_default();
    let did = did_web::did_web(base_url);
    let vc_url = format!("{base_url}/api/v1/certificates/{id}/vc");
    let page = format!("{base_url}/c/{id}");
    let metric = |name: &str, value: &Value, unit: &str| json!({"metricName": name, "metricValue": {"value": value, "unit": unit}});
    let issued_on = text(&c["issued_at"]).get(..10).unwrap_or_default();
    json!({
        "@context": [VC_CONTEXT, UNTP_DCC_CONTEXT, context::url(base_url)],
        "type": ["DigitalConformityCredential", "VerifiableCredential"],
        "id": vc_url,
        "name": "Origine — made in carcere",
        "issuer": {"type": ["CredentialIssuer"], "id": did, "name": issuer_name},
        "validFrom": c["issued_at"],
        "credentialStatus": crate::service::status_lists::entries(base_url, position),
        "credentialSubject": {
            "type": ["ConformityAttestation", "Attestation"],
            "id": page,
            "name": format!("Made in carcere: {}", text(&c["product"]["name"])),
            "assessorLevel": "3rdParty",
            "assessmentLevel": "Accredited",
            "attestationType": "certification",
            "issuedToParty": {
                "id": format!("{base_url}/producers/{}", text(&c["producer"]["id"])),
                "name": c["producer"]["name"],
                "registeredId": c["producer"]["vat_number"],
                "idScheme": {"type": ["IdentifierScheme"],
                    "id": "https://ec.europa.eu/taxation_customs/vies/", "name": "Partita IVA"},
            },
            "scope": {
                "type": ["ConformityScheme"],
                "id": format!("urn:origine:scheme:made-in-carcere:{SCHEME_VERSION}"),
                "name": "Origine made in carcere",
                "description": "Goods and services made by people in prison: work under a contract, declared as aggregates (workers, hours), signed and logged by Origine.",
                "version": SCHEME_VERSION,
                "validFrom": "2026-01-01",
                "owner": {"id": did, "name": issuer_name},
            },
            "conformityCertificate": {
                "linkURL": format!("{base_url}/api/v1/certificates/{id}"),
                "linkName": "Origine certificate bundle (signed, JCS)",
                "linkType": "origine:certificate",
                "hashDigest": bundle.hash,
                "hashMethod": "SHA-256",
                "encryptionMethod": "none",
            },
            "auditableEvidence": {
                "linkURL": format!("{base_url}/api/v1/certificates/{id}/proof"),
                "linkName": "C2SP tlog-proof of the certificate's log entry",
                "linkType": "origine:tlog-proof",
            },
            "assessment": [assessment(c, base_url, &vc_url, issued_on, &metric)],
        },
        "evidence": evidence(bundle, base_url, seq),
        "renderMethod": [{
            "type": "RenderTemplate2024",
            "name": "Origine verification page",
            "url": page,
        }],
    })
}

fn assessment(
    c: &Value,
    base_url: &str,
    vc_url: &str,
    issued_on: &str,
    metric: &dyn Fn(&str, &Value, &str) -> Value,
) -> Value {
    let claims = &c["claims"];
    let lot_code = text(&c["lot"]["code"]);
    let product_link = c["product"]["gtin"]
        .as_str()
        .and_then(|gtin| DigitalLink::new(gtin, Some(lot_code), None).ok());
    let mut product = json!({
        "type": ["Product"],
        "id": product_link.as_ref().map_or_else(
            || format!("{vc_url}#product"),
            |link| link.uri(base_url)),
        "name": c["product"]["name"],
        "batchNumber": lot_code,
    });
    if let Some(link) = &product_link {
        product["registeredId"] = link.gtin.clone().into();
        product["idScheme"] = json!({"type": ["IdentifierScheme"],
            "id": "https://id.gs1.org/01/", "name": "Global Trade Item Number (GTIN)"});
    }
    let institute = &c["institute"];
    let mut assessment = json!({
        "type": ["ConformityAssessment", "Declaration"],
        "id": format!("{vc_url}#assessment"),
        "name": "Work inside a prison: declared workforce and hours of the lot",
        "assessmentDate": issued_on,
        "conformityTopic": "social.labour",
        "conformance": true,
        "declaredValue": [
            metric("detained workers", &claims["detained_workers"], "IE"),
            metric("total workers", &claims["total_workers"], "IE"),
            metric("work hours", &claims["work_hours"], "HUR"),
            metric("training hours", &claims["training_hours"], "HUR"),
        ],
        "employmentType": claims["employment"],
        "productionStart": c["lot"]["produced_from"],
        "productionEnd": c["lot"]["produced_to"],
        "assessedProduct": [{
            "product": product,
            "IDverifiedByCAB": product_link.is_some(),
            "lotQuantity": c["lot"]["quantity"],
            "lotUnit": rec20(text(&c["lot"]["unit"])),
        }],
        "assessedFacility": [{
            "facility": {
                "type": ["Facility"],
                "id": format!("urn:origine:institute:{}", text(&institute["code"])),
                "name": institute["name"],
                "registeredId": institute["code"],
                "address": {"addressLocality": institute["city"],
                    "addressRegion": institute["region"], "addressCountry": "IT"},
            },
            "IDverifiedByCAB": true,
        }],
    });
    if let Some(statement) = claims["statement"].as_str() {
        assessment["description"] = statement.into();
    }
    assessment
}

/// The log entry, its proof, and the fingerprints of the documents behind the claims.
fn evidence(bundle: &Bundle, base_url: &str, seq: u64) -> Value {
    let id = text(&bundle.certificate["id"]);
    let mut items = vec![json!({
        "id": format!("{base_url}/api/v1/log/entries?start={seq}&end={}", seq + 1),
        "type": ["TransparencyLogEntry"],
        "name": format!("Entry {seq} of the Origine transparency log"),
        "logIndex": seq,
        "entryHash": bundle.hash,
        "inclusionProof": format!("{base_url}/api/v1/certificates/{id}/proof"),
    })];
    let declared = bundle.certificate["claims"]["evidence"].as_array();
    for (i, doc) in declared.into_iter().flatten().enumerate() {
        items.push(json!({
            "id": format!("{base_url}/api/v1/certificates/{id}/vc#evidence-{i}"),
            "type": ["DocumentDigest"],
            "name": doc["label"],
            "sha256": doc["sha256"],
        }));
    }
    Value::Array(items)
}
