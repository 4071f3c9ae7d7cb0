//! A certificate as a W3C Verifiable Credential 2.0, in the spirit of the UN Transparency
//! Protocol's Digital Conformity Credential (topic social/labour, declared values), secured
//! with a Data Integrity proof (cryptosuite eddsa-jcs-2022) any generic verifier can check.

use serde_json::{Value, json};

use crate::crypto::{Bundle, Keyring, vc};

/// The credential for `bundle`, signed now by the active key.
///
/// # Errors
/// Only if the proof cannot be built (malformed certificate body).
pub fn credential(
    bundle: &Bundle,
    status: &str,
    base_url: &str,
    keys: &Keyring,
) -> Result<Value, vc::VcError> {
    let c = &bundle.certificate;
    let id = c["id"].as_str().unwrap_or_default();
    let public = keys.signer().verifying_key().to_bytes();
    let mut product = json!({
        "type": ["Product"],
        "name": c["product"]["name"],
        "productCategory": [{"type": ["Classification"], "code": c["product"]["category"], "schemeName": "origine product category"}],
    });
    if let Some(gtin) = c["product"]["gtin"].as_str() {
        product["id"] = format!("https://id.gs1.org/01/{gtin}").into();
        product["idScheme"] =
            json!({"type": ["IdentifierScheme"], "id": "https://id.gs1.org/01", "name": "GTIN"});
    }
    let metric = |name: &str, value: &Value, unit: &str| json!({"type": ["Metric"], "metricName": name, "metricValue": {"type": ["Measure"], "value": value, "unit": unit}});
    let claims = &c["claims"];
    let document = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://test.uncefact.org/vocabulary/untp/dcc/0.5.0/"
        ],
        "id": format!("{base_url}/api/v1/certificates/{id}/vc"),
        "type": ["VerifiableCredential", "DigitalConformityCredential"],
        "name": "Origine — made in carcere",
        "issuer": {"type": ["CAB"], "id": vc::did_key(&public), "name": keys.issuer},
        "validFrom": c["issued_at"],
        "credentialSubject": {
            "type": ["ConformityAttestation"],
            "id": format!("{base_url}/c/{id}"),
            "name": format!("Made in carcere: {}", c["product"]["name"].as_str().unwrap_or_default()),
            "assessorLevel": "3rdParty",
            "attestationType": "certification",
            "conformityTopic": ["social.labour"],
            "issuedToParty": {
                "type": ["Party"],
                "id": format!("urn:it:partita-iva:{}", c["producer"]["vat_number"].as_str().unwrap_or_default()),
                "name": c["producer"]["name"],
                "registeredId": c["producer"]["vat_number"],
                "idScheme": {"type": ["IdentifierScheme"], "name": "Partita IVA"}
            },
            "assessment": [{
                "type": ["ConformityAssessment"],
                "conformityTopic": "social.labour",
                "assessedProduct": [{"type": ["Product"], "product": product, "batchNumber": c["lot"]["code"],
                                     "quantity": c["lot"]["quantity"], "unit": c["lot"]["unit"]}],
                "assessedFacility": [{"type": ["Facility"], "name": c["institute"]["name"],
                    "id": format!("urn:origine:institute:{}", c["institute"]["code"].as_str().unwrap_or_default()),
                    "address": {"type": ["Address"], "addressLocality": c["institute"]["city"],
                                "addressRegion": c["institute"]["region"], "addressCountry": "IT"}}],
                "declaredValue": [
                    metric("detained workers", &claims["detained_workers"], "persons"),
                    metric("total workers", &claims["total_workers"], "persons"),
                    metric("work hours", &claims["work_hours"], "h"),
                    metric("training hours", &claims["training_hours"], "h")
                ],
                "employment": claims["employment"],
                "productionPeriod": {"start": c["lot"]["produced_from"], "end": c["lot"]["produced_to"]},
                "conformance": status == "valid",
                "status": status
            }],
            "originCertificate": {
                "bundle": format!("{base_url}/api/v1/certificates/{id}"),
                "hash": bundle.hash, "signature": bundle.signature, "kid": bundle.kid, "seq": c["seq"]
            }
        }
    });
    let options = json!({
        "type": vc::PROOF_TYPE,
        "cryptosuite": vc::CRYPTOSUITE,
        "created": crate::time_fmt::now(),
        "verificationMethod": vc::verification_method(&public),
        "proofPurpose": vc::PROOF_PURPOSE,
    });
    vc::add_proof(&document, options, keys.signer())
}
