//! Stored codes in words: dates, periods, legal forms, categories, units, contracts and
//! statuses in the page's language.

use super::lang::Lang;

/// `2026-11-24T09:30:00Z` as `24/11/2026 09:30 UTC`.
pub fn readable_time(rfc3339: &str) -> String {
    match (
        rfc3339.get(0..4),
        rfc3339.get(5..7),
        rfc3339.get(8..10),
        rfc3339.get(11..16),
    ) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}/{m}/{y} {hm} UTC"),
        _ => rfc3339.to_owned(),
    }
}

/// `2026-11-24` as `24/11/2026`, like [`readable_time`].
pub fn readable_date(date: &str) -> String {
    match (date.get(0..4), date.get(5..7), date.get(8..10)) {
        (Some(y), Some(m), Some(d)) if date.len() == 10 => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

/// The production period in words: "dal 01/10/2026 al 31/10/2026", or one day.
pub fn period(l: Lang, from: &str, to: &str) -> String {
    let (from, to) = (readable_date(from), readable_date(to));
    if from == to {
        format!("{} {from}", l.s("il", "on"))
    } else {
        match l {
            Lang::It => format!("dal {from} al {to}"),
            Lang::En => format!("from {from} to {to}"),
        }
    }
}

/// A legal form in the page's language (Italian forms keep their Italian abbreviation).
pub fn legal_form_name(l: Lang, form: &str) -> &'static str {
    match form {
        "cooperativa_sociale" => l.s("cooperativa sociale", "social cooperative"),
        "cooperativa" => l.s("cooperativa", "cooperative"),
        "impresa_sociale" => l.s("impresa sociale", "social enterprise"),
        "srl" => l.s("S.r.l.", "S.r.l. (limited company)"),
        "spa" => l.s("S.p.A.", "S.p.A. (joint-stock company)"),
        "sas" => l.s("S.a.s.", "S.a.s. (limited partnership)"),
        "snc" => l.s("S.n.c.", "S.n.c. (general partnership)"),
        "impresa_individuale" => l.s("impresa individuale", "sole trader"),
        "associazione" => l.s("associazione", "association"),
        "fondazione" => l.s("fondazione", "foundation"),
        _ => l.s("altra forma", "other form"),
    }
}

/// A category's name in the page's language.
pub fn category_name(l: Lang, c: &str) -> &'static str {
    match c {
        "food" => l.s("Alimentari", "Food"),
        "beverage" => l.s("Bevande", "Beverages"),
        "textile" => l.s("Tessile", "Textiles"),
        "clothing" => l.s("Abbigliamento", "Clothing"),
        "crafts" => l.s("Artigianato", "Crafts"),
        "furniture" => l.s("Arredamento", "Furniture"),
        "cosmetics" => l.s("Cosmetica", "Cosmetics"),
        "printing" => l.s("Stampa e legatoria", "Printing and binding"),
        "agriculture" => l.s("Agricoltura", "Agriculture"),
        "services" => l.s("Servizi", "Services"),
        _ => l.s("Altro", "Other"),
    }
}

/// A unit's name in the page's language.
pub fn unit_name(l: Lang, u: &str) -> &'static str {
    match u {
        "pcs" => l.s("pezzi", "pieces"),
        "kg" => "kg",
        "g" => "g",
        "l" => "l",
        "ml" => "ml",
        "m" => "m",
        "m2" => "m²",
        "h" => l.s("ore", "hours"),
        "service" => l.s("servizi", "services"),
        _ => "",
    }
}

/// A kind of contract in the page's language.
pub fn employment_name(l: Lang, e: &str) -> &'static str {
    match e {
        "employee" => l.s("Lavoro dipendente", "Employee"),
        "apprentice" => l.s("Apprendistato", "Apprenticeship"),
        "traineeship" => l.s("Tirocinio", "Traineeship"),
        "self_employed" => l.s("Lavoro autonomo", "Self-employed"),
        _ => l.s("Altro", "Other"),
    }
}

/// A status in the page's language.
pub fn status_name(l: Lang, s: &str) -> &'static str {
    match s {
        "valid" => l.s("valido", "valid"),
        "accredited" => l.s("accreditato", "accredited"),
        "suspended" => l.s("sospeso", "suspended"),
        "revoked" => l.s("revocato", "revoked"),
        "suspicious" => l.s("sospetto", "suspicious"),
        "invalid" => l.s("non valido", "invalid"),
        _ => l.s("sconosciuto", "unknown"),
    }
}
