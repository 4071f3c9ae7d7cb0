//! Unit labels: the URL each unit's QR carries (GS1 Digital Link when the product has a
//! GTIN), its unguessable token, the optional offline-signed fragment, and the scan
//! counting and clone detection behind the report's `serial` check.

use std::ops::RangeInclusive;

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

use crate::crypto::Keyring;
use crate::crypto::label_token::{SignedLabel, token_matches, unit_token};
use crate::domain::digital_link::DigitalLink;
use crate::domain::scans::{self, ScanStats, Thresholds, Verdict};
use crate::domain::{SerialCheck, ids};
use crate::labels::LabelData;
use crate::store::{LotRecord, Result, Store, StoreError};

/// Days of scans clone detection looks at.
pub const WINDOW_DAYS: i64 = 30;
/// Most labels one request may print.
pub const MAX_LABELS: u64 = 20_000;

/// The lot's label secret, created on first use.
///
/// # Errors
/// Storage failures or a malformed stored secret.
pub async fn lot_secret(store: &Store, lot: &LotRecord) -> Result<[u8; 32]> {
    let hex = match &lot.label_secret {
        Some(s) => s.clone(),
        None => {
            store
                .ensure_label_secret(&lot.id, &ids::random_hex(32))
                .await?
        }
    };
    HEXLOWER
        .decode(hex.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StoreError::Corrupt(format!("lot {} has a malformed label secret", lot.id)))
}

/// The address unit `serial`'s QR code carries (without the signed fragment).
pub fn unit_url(base_url: &str, lot: &LotRecord, serial: u64, token: &str) -> String {
    match lot.gtin.as_ref().map(|g| format!("{:0>14}", g.as_str())) {
        Some(gtin) => {
            let link = DigitalLink {
                gtin,
                lot: Some(lot.lot_code.to_string()),
                serial: Some(serial.to_string()),
            };
            format!("{}?t={token}", link.uri(base_url))
        }
        None => format!(
            "{base_url}/c/{}?serial={serial}&t={token}",
            lot.certificate_id
        ),
    }
}

/// Why a lot's label contents could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LabelDataError {
    /// The lot's fields do not fit a signed label (a lot registered before its code was
    /// held to GS1 AI (10), say): a problem for the client, not a server failure.
    #[error("this lot's labels cannot carry a signed fragment: {0}")]
    Unsignable(String),
    /// Reading the lot's secret failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Label contents for the units in `serials` of a serialised lot (or copies of the lot's
/// own label for a lot without numbered units). `signed` adds the offline-checkable fragment.
///
/// # Errors
/// Storage failures, and a lot whose fields cannot be signed into a label.
#[allow(clippy::too_many_arguments)]
pub async fn label_data(
    store: &Store,
    keys: &Keyring,
    base_url: &str,
    lot: &LotRecord,
    producer: &str,
    institute: &str,
    serials: RangeInclusive<u64>,
    signed: bool,
) -> std::result::Result<Vec<LabelData>, LabelDataError> {
    if !lot.serialised {
        let url = format!("{base_url}/c/{}", lot.certificate_id);
        let copies = serials.end().saturating_sub(*serials.start()) + 1;
        return Ok((0..copies)
            .map(|_| LabelData {
                url: url.clone(),
                product: lot.product_name.clone(),
                lot_code: lot.lot_code.to_string(),
                serial: None,
                producer: producer.to_owned(),
                institute: institute.to_owned(),
            })
            .collect());
    }
    let secret = lot_secret(store, lot).await?;
    let issued = lot.created_at.get(..10).unwrap_or_default().to_owned();
    let mut out = Vec::new();
    for serial in serials {
        let token = unit_token(&secret, &lot.certificate_id, serial);
        let mut url = unit_url(base_url, lot, serial, &token);
        if signed {
            let label = SignedLabel {
                kid: keys.active().kid.clone(),
                certificate_id: lot.certificate_id.clone(),
                product: lot.product_name.clone(),
                lot: lot.lot_code.to_string(),
                serial,
                producer: producer.to_owned(),
                issued: issued.clone(),
            };
            let fragment = label
                .sign(keys.signer())
                .map_err(|e| LabelDataError::Unsignable(e.to_string()))?;
            url = format!("{url}#{fragment}");
        }
        out.push(LabelData {
            url,
            product: lot.product_name.clone(),
            lot_code: lot.lot_code.to_string(),
            serial: Some((serial, lot.quantity)),
            producer: producer.to_owned(),
            institute: institute.to_owned(),
        });
    }
    Ok(out)
}

/// Today's salted, truncated hash of a client address: counts distinct sources without
/// storing any address.
///
/// # Errors
/// Storage failures.
pub async fn source_of(store: &Store, client: &str) -> Result<(String, String)> {
    let day = crate::time_fmt::now()
        .get(..10)
        .unwrap_or_default()
        .to_owned();
    let salt = store.daily_salt(&day, &ids::random_hex(32)).await?;
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(client.as_bytes());
    Ok((day, HEXLOWER.encode(&h.finalize()[..12])))
}

/// A unit label scan to check and count.
#[derive(Debug, Clone)]
pub struct UnitScan {
    /// The serial as scanned (AI 21 is a string; see [`crate::domain::serial`]).
    pub serial: String,
    /// The `t` of the label's URL as received (a genuine one is 16 characters of lower-case
    /// base32); `None` when the URL had none.
    pub token: Option<String>,
    /// The client's address (hashed with the day's salt before anything is stored).
    pub client: String,
}

/// The report's `serial` check for a scan of unit `scan.serial`, counting the scan.
///
/// # Errors
/// Storage failures.
pub async fn check_serial(
    store: &Store,
    lot: Option<&LotRecord>,
    certificate_id: &str,
    scan: &UnitScan,
    warnings: &mut Vec<String>,
) -> Result<SerialCheck> {
    let Some(n) = crate::domain::serial::unit_number(&scan.serial) else {
        warnings.push(format!(
            "serial {:?} is not one Origine writes on a label (units are 1, 2, 3, … without leading zeros)",
            scan.serial
        ));
        return Ok(SerialCheck::Unknown);
    };
    let Some(lot) = lot.filter(|l| l.serialised) else {
        warnings.push(format!(
            "serial {n} was given but this lot has no numbered units"
        ));
        return Ok(SerialCheck::Unknown);
    };
    if n == 0 || n > lot.quantity {
        warnings.push(format!(
            "serial {n} is outside this lot's units 1..{}",
            lot.quantity
        ));
        return Ok(SerialCheck::OutOfRange);
    }
    let secret = lot_secret(store, lot).await?;
    let expected = unit_token(&secret, certificate_id, n);
    let token_ok = scan
        .token
        .as_deref()
        .is_some_and(|t| token_matches(&expected, t));
    let (day, source) = source_of(store, &scan.client).await?;
    store
        .record_scan(certificate_id, n, &day, &source, token_ok)
        .await?;
    if !token_ok {
        warnings.push(format!(
            "label {n} carries no valid token: it was not printed by Origine"
        ));
        return Ok(SerialCheck::Unknown);
    }
    let since = (time::OffsetDateTime::now_utc() - time::Duration::days(WINDOW_DAYS))
        .date()
        .to_string();
    let counts = store.scan_counts(certificate_id, n, &since).await?;
    let stats = ScanStats {
        total: counts.total,
        sources: counts.sources,
        days: counts.days,
    };
    let (serials_today, invalid_today) =
        store.source_activity(certificate_id, &source, &day).await?;
    if scans::enumeration_suspected(serials_today, invalid_today) {
        warnings.push("this source is trying many serials of the lot".into());
    }
    if scans::judge(stats, &Thresholds::default()) == Verdict::Suspicious {
        warnings.push(format!(
            "label {n} was scanned {} times from {} sources in {WINDOW_DAYS} days: it may have been copied",
            counts.total, counts.sources
        ));
        return Ok(SerialCheck::Suspicious);
    }
    Ok(SerialCheck::Ok)
}
