//! Social-impact claims: counts and hours only, never anything about a person (SPEC hard
//! rule 1), with the evidence documents named and fingerprinted.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::validation::Checker;

/// Kinds of employment contract.
pub const EMPLOYMENT: &[&str] = &["employee", "apprentice", "traineeship", "self_employed"];

/// Social-impact claims: aggregates, never about a person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimsRequest {
    /// Detained people who worked on the lot: at least 1, at most `total_workers`.
    pub detained_workers: u32,
    /// Everyone who worked on the lot, detained or not: 1 to 100 000.
    pub total_workers: u32,
    /// Hours of work that went into the lot: 1 to 100 000 000.
    pub work_hours: u64,
    /// Hours of training given while making the lot: 0 (the default) to 100 000 000.
    #[serde(default)]
    pub training_hours: u64,
    /// `employee`, `apprentice`, `traineeship` or `self_employed`.
    pub employment: String,
    /// Optional free text for the public, up to 2000 characters; newlines allowed.
    pub statement: Option<String>,
    /// Documents backing the claims, at most 20; none by default.
    #[serde(default)]
    pub evidence: Vec<EvidenceRequest>,
}

/// A document backing the claims, named and fingerprinted (the document itself stays with the producer).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    /// What the document is, e.g. `payroll summary Oct 2026`: 1 to 200 characters.
    pub label: String,
    /// Hex SHA-256 of the document.
    pub sha256: String,
}

/// The claims as the certificate states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Claims {
    /// Detained people who worked on the lot, at least 1.
    pub detained_workers: u32,
    /// Everyone who worked on the lot, never fewer than `detained_workers`.
    pub total_workers: u32,
    /// Hours of work that went into the lot; at least 1.
    pub work_hours: u64,
    /// Hours of training given while making the lot; may be 0.
    pub training_hours: u64,
    /// One of [`EMPLOYMENT`]: `employee`, `apprentice`, `traineeship` or `self_employed`.
    pub employment: String,
    /// The producer's statement, trimmed; absent when none or blank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The evidence documents by label and hex SHA-256 (lower case); omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRequest>,
}

pub(super) fn parse_claims(c: &mut Checker, req: ClaimsRequest) -> Claims {
    c.range("claims.total_workers", req.total_workers.into(), 1, 100_000);
    if req.detained_workers < 1 {
        c.add("claims.detained_workers", "must be at least 1");
    } else if req.detained_workers > req.total_workers {
        c.add("claims.detained_workers", "must not exceed total_workers");
    }
    c.range("claims.work_hours", req.work_hours, 1, 100_000_000);
    c.range("claims.training_hours", req.training_hours, 0, 100_000_000);
    c.one_of("claims.employment", &req.employment, EMPLOYMENT);
    let statement = req
        .statement
        .as_deref()
        .map(|s| c.text("claims.statement", s, 0, 2000, true))
        .filter(|s| !s.is_empty());
    if req.evidence.len() > 20 {
        c.add("claims.evidence", "must list at most 20 documents");
    }
    let evidence = req
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let label = c.text(
                &format!("claims.evidence[{i}].label"),
                &e.label,
                1,
                200,
                false,
            );
            let sha256 = e.sha256.trim().to_ascii_lowercase();
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                c.add(
                    format!("claims.evidence[{i}].sha256"),
                    "must be 64 hex digits",
                );
            }
            EvidenceRequest { label, sha256 }
        })
        .collect();
    Claims {
        detained_workers: req.detained_workers,
        total_workers: req.total_workers,
        work_hours: req.work_hours,
        training_hours: req.training_hours,
        employment: req.employment,
        statement,
        evidence,
    }
}
