//! Demo data for `origine serve --demo`, modelled on real work programmes in Italian
//! prisons. Organisations and figures are invented but plausible; no person is named.

use serde_json::json;

use crate::domain::institute::{Institute, InstituteRequest};
use crate::domain::lot::{LotRequest, ValidLot};
use crate::domain::producer::{NewProducer, ProducerRequest};
use crate::domain::status::StatusChange;
use crate::domain::{CertificateStatus, NewStatus};
use crate::domain::{ids, vat};
use crate::http::AppState;
use crate::service::register::register_lot;

const INSTITUTES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "cr-milano-opera",
        "Casa di Reclusione Milano Opera",
        "casa_di_reclusione",
        "Opera (MI)",
        "Lombardia",
    ),
    (
        "cr-porto-azzurro",
        "Casa di Reclusione Porto Azzurro",
        "casa_di_reclusione",
        "Porto Azzurro (LI)",
        "Toscana",
    ),
    (
        "cr-padova-due-palazzi",
        "Casa di Reclusione Padova \"Due Palazzi\"",
        "casa_di_reclusione",
        "Padova",
        "Veneto",
    ),
    (
        "crf-venezia-giudecca",
        "Casa di Reclusione Femminile Venezia Giudecca",
        "casa_di_reclusione",
        "Venezia",
        "Veneto",
    ),
];

/// Loads the demo into an empty register; does nothing if any institute exists.
///
/// # Errors
/// Storage or issuance failures.
pub async fn load(app: &AppState) -> anyhow::Result<bool> {
    if !app.store.institutes().await?.is_empty() {
        return Ok(false);
    }
    for (code, name, kind, city, region) in INSTITUTES {
        let institute = Institute::parse(InstituteRequest {
            code: (*code).into(),
            name: (*name).into(),
            kind: (*kind).into(),
            city: (*city).into(),
            region: (*region).into(),
        })?;
        app.store.insert_institute(&institute).await?;
    }
    let today = crate::time_fmt::latest_production_date();
    let producers = [
        (
            "Linea Diretta Cooperativa Sociale",
            "0321456015",
            "cr-milano-opera",
        ),
        (
            "Isola Voce Cooperativa Sociale",
            "0198765049",
            "cr-porto-azzurro",
        ),
        (
            "Dolce Riscatto Cooperativa Sociale",
            "0456123028",
            "cr-padova-due-palazzi",
        ),
        (
            "Trame Libere Cooperativa Sociale",
            "0367891027",
            "crf-venezia-giudecca",
        ),
    ];
    let mut ids_by_institute = Vec::new();
    for (name, vat10, institute) in producers {
        let producer = NewProducer::parse(ProducerRequest {
            name: name.into(),
            legal_form: "cooperativa_sociale".into(),
            vat_number: vat::with_check_digit(vat10),
            institutes: vec![institute.into()],
            website: None,
        })?;
        let id = ids::short_id();
        app.store
            .insert_producer(&id, &producer, &crate::time_fmt::now())
            .await?;
        ids_by_institute.push(id);
    }
    let lots = [
        (
            0,
            json!({"institute": "cr-milano-opera",
            "product": {"name": "Servizio clienti in outsourcing (call centre)", "category": "services"},
            "lot_code": "CC-OPERA-2026-10", "quantity": 2880, "unit": "h",
            "produced_from": "2026-10-01", "produced_to": "2026-10-31",
            "claims": {"detained_workers": 18, "total_workers": 22, "work_hours": 2880, "training_hours": 240,
                       "employment": "employee",
                       "statement": "Operatori assunti con contratto nazionale delle telecomunicazioni, sede interna all'istituto."}}),
        ),
        (
            1,
            json!({"institute": "cr-porto-azzurro",
            "product": {"name": "Prenotazioni e informazioni sanitarie (call centre)", "category": "services"},
            "lot_code": "PA-CUP-2026-10", "quantity": 1600, "unit": "h",
            "produced_from": "2026-10-01", "produced_to": "2026-10-31",
            "claims": {"detained_workers": 10, "total_workers": 12, "work_hours": 1600, "training_hours": 120,
                       "employment": "employee"}}),
        ),
        (
            2,
            json!({"institute": "cr-padova-due-palazzi",
            "product": {"name": "Panettone artigianale 1 kg", "category": "food", "gtin": "8012345678907"},
            "lot_code": "PAN-2026-11-A", "quantity": 2000, "unit": "pcs", "serialised": true,
            "produced_from": "2026-11-02", "produced_to": "2026-11-20",
            "claims": {"detained_workers": 14, "total_workers": 18, "work_hours": 5600, "training_hours": 400,
                       "employment": "employee",
                       "statement": "Lievito madre e canditi preparati nel laboratorio di pasticceria interno."}}),
        ),
        (
            2,
            json!({"institute": "cr-padova-due-palazzi",
            "product": {"name": "Colomba artigianale 750 g", "category": "food"},
            "lot_code": "COL-2026-04-B", "quantity": 800, "unit": "pcs",
            "produced_from": "2026-03-20", "produced_to": "2026-04-02",
            "claims": {"detained_workers": 12, "total_workers": 16, "work_hours": 2100, "training_hours": 60,
                       "employment": "apprentice"}}),
        ),
        (
            3,
            json!({"institute": "crf-venezia-giudecca",
            "product": {"name": "Borsa in tessuto di recupero", "category": "clothing"},
            "lot_code": "TL-BORSE-2026-09", "quantity": 300, "unit": "pcs",
            "produced_from": "2026-09-01", "produced_to": "2026-09-30",
            "claims": {"detained_workers": 8, "total_workers": 10, "work_hours": 1280, "training_hours": 160,
                       "employment": "traineeship",
                       "statement": "Sartoria nella sezione femminile: tessuti di recupero da alberghi veneziani."}}),
        ),
    ];
    let mut certificates = Vec::new();
    for (producer, request) in lots {
        let request: LotRequest = serde_json::from_value(request)?;
        let lot = ValidLot::parse(request, today)?;
        let (record, _) =
            register_lot(&app.store, &app.issuer, &ids_by_institute[producer], lot).await?;
        certificates.push(record.certificate_id);
    }
    // One suspended certificate, so the demo shows a status history.
    let change = StatusChange {
        id: certificates[3].clone(),
        status: NewStatus::Certificate(CertificateStatus::Suspended),
        reason: "Verifica in corso sulle ore di lavoro dichiarate".into(),
    };
    app.issuer.change_status(change).await?;
    Ok(true)
}
