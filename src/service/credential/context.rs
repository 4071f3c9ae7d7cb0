//! Origine's own JSON-LD context: the terms a Digital Conformity Credential of Origine uses
//! beyond the VC 2.0 and UNTP DCC 0.6.1 contexts. Every term is defined (no `@vocab`) and
//! protected, and none redefines a term of the contexts before it.

use serde_json::{Value, json};

/// Path of the context under the base URL; stable, as every credential names it.
pub const PATH: &str = "/contexts/origine/v1.jsonld";

/// The context's URL under `base_url`.
pub fn url(base_url: &str) -> String {
    format!("{base_url}{PATH}")
}

/// The context document; its terms live under `<base>/contexts/origine/v1#`.
pub fn document(base_url: &str) -> Value {
    let ns = format!("{}#", url(base_url).trim_end_matches(".jsonld"));
    let term = |name: &str| format!("{ns}{name}");
    let typed = |name: &str, datatype: &str| json!({"@id": term(name), "@type": datatype});
    json!({
        "@context": {
            "@version": 1.1,
            "@protected": true,
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "employmentType": typed("employmentType", "xsd:string"),
            "productionStart": typed("productionStart", "xsd:date"),
            "productionEnd": typed("productionEnd", "xsd:date"),
            "lotQuantity": typed("lotQuantity", "xsd:integer"),
            "lotUnit": typed("lotUnit", "xsd:string"),
            "TransparencyLogEntry": {
                "@id": term("TransparencyLogEntry"),
                "@context": {
                    "@protected": true,
                    "logIndex": typed("logIndex", "xsd:integer"),
                    "entryHash": typed("entryHash", "xsd:string"),
                    "inclusionProof": {"@id": term("inclusionProof"), "@type": "@id"},
                }
            },
            "DocumentDigest": {
                "@id": term("DocumentDigest"),
                "@context": {
                    "@protected": true,
                    "sha256": typed("sha256", "xsd:string"),
                }
            },
        }
    })
}
