//! `origine verify`: checks a certificate bundle, or a signed unit label's QR, offline
//! with the issuer's keys document (exit 0 valid, 1 invalid with the reasons, 2 usage).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::de::DeserializeOwned;

use super::Usage;
use crate::config::Config;
use crate::crypto::{Bundle, Keyring, KeysDocument, check_bundle};
use crate::ijson::{self, Fault};
use crate::log::merkle;
use crate::log::policy::Policy;
use crate::log::proof::TlogProof;

/// Reads a file, or fetches a URL.
fn fetch(source: &str) -> anyhow::Result<Vec<u8>> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let mut response = ureq::get(source)
            .call()
            .with_context(|| format!("fetching {source}"))?;
        Ok(response
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()?)
    } else {
        std::fs::read(Path::new(source)).with_context(|| format!("reading {source}"))
    }
}

/// Reads a JSON document from outside. Bytes that are not one JSON value, or JSON of the
/// wrong shape, are a usage mistake (exit 2); JSON that two readers could read differently
/// (a repeated member name, I-JSON) is refused as invalid (exit 1), naming the member.
fn read<T: DeserializeOwned>(source: &str, what: &str) -> anyhow::Result<T> {
    let bytes = fetch(source)?;
    ijson::from_slice(&bytes).map_err(|e| match e.fault {
        Fault::NotIJson => anyhow!("INVALID: {source} cannot be trusted as {what}: {e}"),
        Fault::Syntax | Fault::Shape => Usage(format!("{source} is not {what}: {e}")).into(),
    })
}

/// `origine verify BUNDLE`.
pub(super) fn verify(
    config: &Config,
    bundle_src: &str,
    keys_src: Option<&str>,
    witnesses: &[String],
    tlog_proof: Option<(&str, &str)>,
) -> anyhow::Result<ExitCode> {
    let bundle: Bundle = read(bundle_src, "a certificate bundle")?;
    let keys: KeysDocument = match keys_src {
        Some(src) => read(src, "a keys document")?,
        None if bundle_src.starts_with("http") => {
            let origin: String = bundle_src
                .splitn(4, '/')
                .take(3)
                .collect::<Vec<_>>()
                .join("/");
            read(
                &format!("{origin}/.well-known/origine-keys.json"),
                "a keys document",
            )?
        }
        None => Keyring::load(&config.keys_dir, &config.log_origin())
            .map_err(|e| Usage(format!("no --keys given and no local keys: {e}")))?
            .document(),
    };
    let mut check = check_bundle(&bundle, &keys);
    let mut witnessed = Vec::new();
    if bundle.inclusion.is_some() || !witnesses.is_empty() {
        match crate::crypto::check_inclusion(&bundle, &keys) {
            Ok(checkpoint) => {
                for vkey in witnesses {
                    let (name, _, public) = crate::log::note::parse_vkey(vkey)
                        .map_err(|e| Usage(format!("--witness {vkey:?}: {e}")))?;
                    let key = ed25519_dalek::VerifyingKey::from_bytes(&public)
                        .map_err(|_| Usage(format!("--witness {vkey:?}: not an Ed25519 key")))?;
                    match crate::log::note::verify_cosignature(&checkpoint, &name, &key) {
                        Ok(_) => witnessed.push(name),
                        Err(e) => check
                            .reasons
                            .push(format!("no valid cosignature from witness {name}: {e}")),
                    }
                }
            }
            Err(reason) => check.reasons.push(reason),
        }
    }
    let mut proved = None;
    if let Some((proof_src, policy_src)) = tlog_proof {
        match check_tlog_proof(&bundle, proof_src, policy_src)? {
            Ok(line) => proved = Some(line),
            Err(reason) => check.reasons.push(reason),
        }
    }
    let id = bundle.certificate["id"].as_str().unwrap_or("?");
    if check.is_valid() {
        println!(
            "valid: certificate {id}, signed by {} (key {})",
            keys.issuer, bundle.kid
        );
        if let Some(inc) = &bundle.inclusion {
            println!(
                "included: entry {} of a log of {} entries, proof checked against the signed checkpoint",
                inc.index, inc.tree_size
            );
        }
        if let Some(line) = proved {
            println!("{line}");
        }
        for name in witnessed {
            println!("witnessed: checkpoint cosigned by {name}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID: certificate {id}");
        for reason in check.reasons {
            println!("  - {reason}");
        }
        Ok(ExitCode::from(1))
    }
}

/// Checks a C2SP tlog-proof of the bundle's certificate against a tlog-policy. A file that
/// cannot be read as either is a usage mistake; a proof that does not hold is a reason.
fn check_tlog_proof(
    bundle: &Bundle,
    proof_src: &str,
    policy_src: &str,
) -> anyhow::Result<Result<String, String>> {
    let text = |src: &str| -> anyhow::Result<String> {
        String::from_utf8(fetch(src)?).map_err(|_| Usage(format!("{src} is not UTF-8 text")).into())
    };
    let policy = Policy::parse(&text(policy_src)?)
        .map_err(|e| Usage(format!("{policy_src} is not a tlog-policy: {e}")))?;
    let proof = TlogProof::parse(&text(proof_src)?)
        .map_err(|e| Usage(format!("{proof_src} is not a tlog-proof: {e}")))?;
    if bundle.certificate["seq"].as_u64() != Some(proof.index) {
        return Ok(Err(format!(
            "the tlog-proof is for log index {}, not the certificate's",
            proof.index
        )));
    }
    let leaf = match crate::crypto::jcs::canonical(&bundle.certificate) {
        Ok(bytes) => merkle::leaf_hash(&bytes),
        Err(e) => return Ok(Err(format!("the certificate cannot be canonicalised: {e}"))),
    };
    Ok(match proof.verify(&leaf, &policy) {
        Ok(cp) => Ok(format!(
            "proved: entry {} of a log of {} entries, checkpoint signed by {} and cosigned as the policy requires",
            proof.index, cp.size, cp.origin
        )),
        Err(reason) => Err(format!("tlog-proof: {reason}")),
    })
}

/// Checks a signed unit label's QR URL offline with a keys document.
pub(super) fn verify_qr(
    config: &Config,
    url: &str,
    keys_src: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use crate::crypto::label_token::SignedLabel;
    let Some((_, fragment)) = url.split_once('#') else {
        return Err(Usage(
            "this QR has no signed fragment (#ol1.…): it can only be checked online".into(),
        )
        .into());
    };
    let keys: KeysDocument = match keys_src {
        Some(src) => read(src, "a keys document")?,
        None => Keyring::load(&config.keys_dir, &config.log_origin())
            .map_err(|e| Usage(format!("no --keys given and no local keys: {e}")))?
            .document(),
    };
    let (label, _, _) =
        SignedLabel::parse(fragment).map_err(|e| Usage(format!("signed fragment: {e}")))?;
    let mut reasons = Vec::new();
    match keys.keys.iter().find(|k| k.kid == label.kid) {
        None => reasons.push(format!(
            "key {} is not in the issuer's keys document",
            label.kid
        )),
        Some(k) if k.status == "withdrawn" => {
            reasons.push(format!("key {} has been withdrawn", k.kid))
        }
        Some(k) => {
            let public: Option<[u8; 32]> = data_encoding::BASE64URL_NOPAD
                .decode(k.public_key.as_bytes())
                .ok()
                .and_then(|b| b.try_into().ok());
            let key = public.and_then(|p| ed25519_dalek::VerifyingKey::from_bytes(&p).ok());
            let in_validity = label.issued.as_str() >= k.not_before.get(..10).unwrap_or_default()
                && k.not_after
                    .as_deref()
                    .is_none_or(|end| label.issued.as_str() <= end.get(..10).unwrap_or_default());
            if crate::crypto::key_id(&keys.issuer, &public.unwrap_or_default()) != k.kid {
                reasons.push(format!("key {} does not match its public key", k.kid));
            } else if !in_validity {
                reasons.push(format!(
                    "label dated {} is outside key {}'s validity",
                    label.issued, k.kid
                ));
            } else if key.is_none_or(|key| SignedLabel::verify(fragment, &key).is_err()) {
                reasons.push("the label's signature does not verify".into());
            }
        }
    }
    // The visible part of the URL must name the unit the signature vouches for.
    let visible = url.split('#').next().unwrap_or_default();
    let path = visible.split('?').next().unwrap_or_default();
    let query = visible.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let serial = label.serial.to_string();
    let names_serial = path.ends_with(&format!("/21/{serial}"))
        || query.split('&').any(|kv| kv == format!("serial={serial}"));
    if !names_serial {
        reasons.push(format!(
            "the URL does not name unit {serial} that the signature covers"
        ));
    }
    if reasons.is_empty() {
        println!(
            "valid label: {} — lot {} — unit {} — {} (issued {}, key {})",
            label.product, label.lot, label.serial, label.producer, label.issued, label.kid
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID label");
        for r in reasons {
            println!("  - {r}");
        }
        Ok(ExitCode::from(1))
    }
}
