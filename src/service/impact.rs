//! Impact figures for the CNEL auditor ("Recidiva Zero"): lots and units certified, detained
//! worker-lots, work and training hours, by region, institute, producer or month over a
//! period, read from the transparency log with every current status applied.
//!
//! What counts, and why, is written down in `docs/ARCHITECTURE.md` ("Impact figures").
//! Everything here is an aggregate of certificate claims; no person appears anywhere.

mod export;
mod query;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use export::to_csv;
pub use query::{GROUPINGS, GroupBy, ImpactParams, ImpactQuery, MAX_MONTHS, Month};

use crate::domain::{CertificateStatus, EntryKind, EntryStatus, ProducerStatus};
use crate::store::{Result, Store};

/// Log entries read per [`Store::entries`] call.
pub const PAGE: u64 = 10_000;

/// The unit counted as "units certified"; every other unit is reported on its own.
pub const PIECES: &str = "pcs";

/// What a set of lots adds up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    /// Lots counted: the certificate is valid and its producer accredited.
    pub certificates: u64,
    /// Pieces (`pcs`) in the counted lots.
    pub units: u64,
    /// Quantities in every other unit of measure, by unit as declared (`kg`, `l`, `h`…);
    /// never added to each other or to pieces.
    pub quantities: BTreeMap<String, u64>,
    /// Detained workers summed over lots: someone who worked on two lots counts twice, so
    /// this is an upper bound on people, not a headcount.
    pub detained_worker_lots: u64,
    /// The largest detained workforce of a single counted lot: a lower bound on people.
    pub detained_workers_at_least: u64,
    /// All workers summed over lots (same caveat as `detained_worker_lots`).
    pub worker_lots: u64,
    /// Work hours claimed, summed over the counted lots.
    pub work_hours: u64,
    /// Training hours claimed, summed over the counted lots.
    pub training_hours: u64,
    /// Lots left out because the certificate or its producer is suspended.
    pub suspended_certificates: u64,
    /// Lots left out because the certificate or its producer is revoked.
    pub revoked_certificates: u64,
}

/// One group of lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImpactRow {
    /// Region name, institute code, producer id or `YYYY-MM`.
    pub key: String,
    /// What to show: region, institute name, producer name or `YYYY-MM`.
    pub label: String,
    /// What the group's lots add up to (flattened into the row in JSON).
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures a query asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImpactReport {
    /// The query as validated: period, filters and grouping.
    pub query: ImpactQuery,
    /// Entries of the log the figures were computed from (`0..log_size`), so they can be
    /// reproduced against the checkpoint of that size.
    pub log_size: u64,
    /// Sorted by month, or by detained worker-lots (most first) and then label.
    pub rows: Vec<ImpactRow>,
    /// Every selected lot added up, whatever its group.
    pub totals: Figures,
    /// Certificate entries whose body could not be read (run `origine audit`).
    pub unreadable_entries: u64,
}

/// A figure to chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// [`Figures::certificates`].
    Certificates,
    /// [`Figures::units`].
    Units,
    /// [`Figures::detained_worker_lots`].
    DetainedWorkerLots,
    /// [`Figures::work_hours`].
    WorkHours,
    /// [`Figures::training_hours`].
    TrainingHours,
}

impl ImpactReport {
    /// `(label, value)` of every row, for a chart.
    pub fn series(&self, measure: Measure) -> Vec<(&str, u64)> {
        self.rows
            .iter()
            .map(|r| {
                let f = &r.figures;
                let v = match measure {
                    Measure::Certificates => f.certificates,
                    Measure::Units => f.units,
                    Measure::DetainedWorkerLots => f.detained_worker_lots,
                    Measure::WorkHours => f.work_hours,
                    Measure::TrainingHours => f.training_hours,
                };
                (r.label.as_str(), v)
            })
            .collect()
    }
}

/// Computes the figures of `query` from the log as it stands.
///
/// Status entries are read first (they are few), then the certificates are streamed in
/// pages of [`PAGE`] and added up as they come, so memory holds statuses and groups but
/// never the certificates themselves.
///
/// # Errors
/// Only storage failures; an unreadable certificate body is counted, not fatal.
pub async fn impact(store: &Store, query: &ImpactQuery) -> Result<ImpactReport> {
    let size = store.log_size().await?;
    let statuses = Statuses::read(store, size).await?;
    let mut groups: HashMap<String, ImpactRow> = HashMap::new();
    let mut totals = Figures::default();
    let mut unreadable_entries = 0;
    let mut start = 0;
    while start < size {
        let end = start.saturating_add(PAGE).min(size);
        for entry in store.entries(start, end).await? {
            if entry.kind != EntryKind::Certificate {
                continue;
            }
            let body = serde_json::from_str::<Body<'_>>(&entry.body).ok();
            let Some((body, month)) =
                body.and_then(|b| Month::of_date(&b.lot.produced_to).map(|m| (b, m)))
            else {
                unreadable_entries += 1;
                continue;
            };
            let (producer, institute) = (&body.producer, &body.institute);
            if !query.selects(month, &institute.region, &institute.code, &producer.id) {
                continue;
            }
            let standing = statuses.standing(&entry.subject, &producer.id);
            let month = month.to_string();
            let (key, label) = match query.group_by() {
                GroupBy::Region => (&*institute.region, &*institute.region),
                GroupBy::Institute => (&*institute.code, &*institute.name),
                GroupBy::Producer => (&*producer.id, &*producer.name),
                GroupBy::Month => (month.as_str(), month.as_str()),
            };
            let row = groups.entry(key.to_owned()).or_insert_with(|| ImpactRow {
                key: key.to_owned(),
                label: String::new(),
                figures: Figures::default(),
            });
            // Names can change between lots; the latest certificate's wording is shown.
            if row.label != label {
                label.clone_into(&mut row.label);
            }
            row.figures.add(standing, &body);
            totals.add(standing, &body);
        }
        start = end;
    }
    if query.group_by() == GroupBy::Month {
        let mut m = query.from();
        while m <= query.to() {
            let key = m.to_string();
            groups.entry(key.clone()).or_insert_with(|| ImpactRow {
                label: key.clone(),
                key,
                figures: Figures::default(),
            });
            m = m.next();
        }
    }
    let mut rows: Vec<ImpactRow> = groups.into_values().collect();
    sort(&mut rows, query.group_by());
    Ok(ImpactReport {
        query: query.clone(),
        log_size: size,
        rows,
        totals,
        unreadable_entries,
    })
}

fn sort(rows: &mut [ImpactRow], group_by: GroupBy) {
    if group_by == GroupBy::Month {
        rows.sort_by(|a, b| a.key.cmp(&b.key));
    } else {
        rows.sort_by_cached_key(|r| {
            (
                std::cmp::Reverse(r.figures.detained_worker_lots),
                r.label.to_lowercase(),
                r.key.clone(),
            )
        });
    }
}

/// Whether a lot counts, given the latest status of its certificate and of its producer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Counted,
    Suspended,
    Revoked,
}

/// The latest status of every certificate and producer that has one, as of a log size.
#[derive(Debug, Default)]
struct Statuses {
    certificates: HashMap<String, CertificateStatus>,
    producers: HashMap<String, ProducerStatus>,
}

impl Statuses {
    async fn read(store: &Store, size: u64) -> Result<Self> {
        let mut s = Self::default();
        // Newest first, so the first entry seen about a subject is its current status.
        for e in store.status_feed(None, u32::MAX).await? {
            if e.seq >= size {
                continue;
            }
            match e.status {
                Some(EntryStatus::Certificate(status)) => {
                    s.certificates.entry(e.subject).or_insert(status);
                }
                Some(EntryStatus::Producer(status)) => {
                    s.producers.entry(e.subject).or_insert(status);
                }
                Some(EntryStatus::Key(_)) | None => {}
            }
        }
        Ok(s)
    }

    fn standing(&self, certificate: &str, producer: &str) -> Standing {
        let c = self
            .certificates
            .get(certificate)
            .copied()
            .unwrap_or(CertificateStatus::Valid);
        let p = self
            .producers
            .get(producer)
            .copied()
            .unwrap_or(ProducerStatus::Accredited);
        match (c, p) {
            (CertificateStatus::Revoked, _) | (_, ProducerStatus::Revoked) => Standing::Revoked,
            (CertificateStatus::Valid, ProducerStatus::Accredited) => Standing::Counted,
            _ => Standing::Suspended,
        }
    }
}

impl Figures {
    fn add(&mut self, standing: Standing, body: &Body<'_>) {
        match standing {
            Standing::Revoked => self.revoked_certificates += 1,
            Standing::Suspended => self.suspended_certificates += 1,
            Standing::Counted => {
                let (lot, claims) = (&body.lot, &body.claims);
                self.certificates += 1;
                if lot.unit == PIECES {
                    self.units = self.units.saturating_add(lot.quantity);
                } else {
                    let q = self.quantities.entry(lot.unit.to_string()).or_default();
                    *q = q.saturating_add(lot.quantity);
                }
                let detained = u64::from(claims.detained_workers);
                self.detained_worker_lots = self.detained_worker_lots.saturating_add(detained);
                self.detained_workers_at_least = self.detained_workers_at_least.max(detained);
                self.worker_lots = self
                    .worker_lots
                    .saturating_add(u64::from(claims.total_workers));
                self.work_hours = self.work_hours.saturating_add(claims.work_hours);
                self.training_hours = self.training_hours.saturating_add(claims.training_hours);
            }
        }
    }
}

/// The parts of a certificate body the figures need; the rest is skipped unread.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    producer: ProducerPart<'a>,
    #[serde(borrow)]
    institute: InstitutePart<'a>,
    #[serde(borrow)]
    lot: LotPart<'a>,
    claims: ClaimsPart,
}

#[derive(Deserialize)]
struct ProducerPart<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
}

#[derive(Deserialize)]
struct InstitutePart<'a> {
    #[serde(borrow)]
    code: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    region: Cow<'a, str>,
}

#[derive(Deserialize)]
struct LotPart<'a> {
    quantity: u64,
    #[serde(borrow)]
    unit: Cow<'a, str>,
    #[serde(borrow)]
    produced_to: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ClaimsPart {
    detained_workers: u32,
    total_workers: u32,
    work_hours: u64,
    training_hours: u64,
}
