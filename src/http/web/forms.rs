//! Form fields for the pages: label, value kept after an error, and the error beside it.
//!
//! Forms check the same rules as the API (the domain's validation); the messages come
//! from there in English and are put in Italian here for the Italian pages.

use super::lang::Lang;
use crate::domain::FieldError;

/// How a field is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A one-line `<input type="text">`.
    Text,
    /// An `<input type="email">`.
    Email,
    /// An `<input type="number">` of whole numbers from 0.
    Number,
    /// An `<input type="date">`, sent as `YYYY-MM-DD`.
    Date,
    /// A `<textarea>` of three rows, for text with newlines.
    Textarea,
    /// One checkbox sent as `1` when ticked.
    Checkbox,
    /// Options as (value, label).
    Select(Vec<(String, String)>),
    /// Several options may be ticked; the value holds them one per line.
    Checkboxes(Vec<(String, String)>),
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// Tells apart fields of the same name in different forms of one page.
    pub scope: &'static str,
    /// The name sent back, and the API's field path (`claims.work_hours`).
    pub name: &'static str,
    /// The visible label, in the page's language.
    pub label: &'static str,
    /// A line of help under the label, in the page's language; empty for none.
    pub hint: &'static str,
    /// How the field is entered.
    pub kind: Kind,
    /// What the field shows: empty at first, what was sent after an error.
    pub value: String,
    /// Whether the browser asks for a value; optional fields are marked so.
    pub required: bool,
    /// The message shown beside the field, in the page's language; `None` when it is fine.
    pub error: Option<String>,
}

impl Field {
    /// A required, empty field with no hint and no scope.
    pub fn new(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Self {
            scope: "",
            name,
            label,
            hint: "",
            kind,
            value: String::new(),
            required: true,
            error: None,
        }
    }

    /// With a line of help under the label.
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// With an id prefix, for a page that shows two forms with fields of the same name.
    pub fn scope(mut self, scope: &'static str) -> Self {
        self.scope = scope;
        self
    }

    /// Not required: the label says optional and the browser accepts it blank.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// With a value shown in the field.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// The HTML id: the name with dots made safe.
    pub fn id(&self) -> String {
        format!("f-{}{}", self.scope, self.name.replace('.', "-"))
    }

    /// The `type` of the `<input>`: `email`, `number`, `date`, or `text` for the rest.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Email => "email",
            Kind::Number => "number",
            Kind::Date => "date",
            _ => "text",
        }
    }

    /// True for a drop-down list.
    pub fn is_select(&self) -> bool {
        matches!(self.kind, Kind::Select(_))
    }

    /// True for a text area.
    pub fn is_textarea(&self) -> bool {
        self.kind == Kind::Textarea
    }

    /// True for a single checkbox.
    pub fn is_checkbox(&self) -> bool {
        self.kind == Kind::Checkbox
    }

    /// The (value, label) options of a list or checkbox group; none for other kinds.
    pub fn options(&self) -> &[(String, String)] {
        match &self.kind {
            Kind::Select(options) | Kind::Checkboxes(options) => options,
            _ => &[],
        }
    }

    /// True for a group of checkboxes.
    pub fn is_checkboxes(&self) -> bool {
        matches!(self.kind, Kind::Checkboxes(_))
    }

    /// True if `option` is among the ticked values.
    pub fn has(&self, option: &str) -> bool {
        self.value.lines().any(|v| v == option)
    }

    /// True when a single checkbox is ticked (`1`, `on` or `true`).
    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "1" | "on" | "true")
    }
}

/// Puts each error next to its field; errors for fields the form does not show are
/// returned, to be shown above the form.
pub fn attach(fields: &mut [Field], errors: &[FieldError], l: Lang) -> Vec<String> {
    let mut general = Vec::new();
    for e in errors {
        let text = message(l, &e.message);
        // `institutes[2]` belongs to the field `institutes`.
        let name = e.field.split('[').next().unwrap_or_default();
        match fields.iter_mut().find(|f| f.name == name) {
            Some(f) if f.error.is_none() => f.error = Some(text),
            Some(_) => {}
            None => general.push(format!("{}: {text}", e.field)),
        }
    }
    general
}

/// A validation message in the page's language.
pub fn message(l: Lang, english: &str) -> String {
    if l == Lang::En {
        return english.to_owned();
    }
    let fixed = [
        ("must not be empty", "è obbligatorio"),
        (
            "must not contain control characters",
            "non può contenere caratteri di controllo",
        ),
        (
            crate::domain::validation::BIDI_MESSAGE,
            "non può contenere caratteri di controllo della direzione del testo (U+202E e simili)",
        ),
        (
            "must be a date written YYYY-MM-DD",
            "deve essere una data (AAAA-MM-GG)",
        ),
        ("must not be in the future", "non può essere nel futuro"),
        (
            "must not be before produced_from",
            "non può essere prima dell'inizio della produzione",
        ),
        ("must be at least 1", "deve essere almeno 1"),
        (
            "must not exceed total_workers",
            "non può superare il totale dei lavoratori",
        ),
        (
            "no institute with this code",
            "nessun istituto ha questo codice",
        ),
        (
            "the producer does not work in this institute",
            "il produttore non lavora in questo istituto",
        ),
        ("must be a whole number", "deve essere un numero intero"),
        (
            "must be an email address such as nome@esempio.it",
            "deve essere un indirizzo email, per esempio nome@esempio.it",
        ),
        (
            "an account with this email exists",
            "esiste già un account con questa email",
        ),
        ("is not the current password", "non è la password attuale"),
        (
            "a producer account needs its producer",
            "un account produttore deve indicare il produttore",
        ),
        (
            "no producer with this id",
            "nessun produttore ha questo codice",
        ),
        (
            "no buyer account with this e-mail",
            "nessun account acquirente ha questa e-mail",
        ),
        (
            "only producer accounts belong to a producer",
            "solo gli account produttore appartengono a un produttore",
        ),
        (
            "must list 1 to 50 institute codes",
            "scegli da 1 a 50 istituti",
        ),
        (
            "this producer has already registered a lot with this lot_code",
            "hai già registrato un lotto con questo codice",
        ),
    ];
    if let Some((_, it)) = fixed.iter().find(|(en, _)| *en == english) {
        return (*it).to_owned();
    }
    let patterns = [
        (
            "must be at least ",
            " characters",
            "deve avere almeno ",
            " caratteri",
        ),
        (
            "must be at most ",
            " characters",
            "deve avere al massimo ",
            " caratteri",
        ),
    ];
    for (pre, post, it_pre, it_post) in patterns {
        if let Some(n) = english.strip_prefix(pre).and_then(|r| r.strip_suffix(post)) {
            return format!("{it_pre}{n}{it_post}");
        }
    }
    if let Some((a, b)) = english
        .strip_prefix("must be between ")
        .and_then(|r| r.split_once(" and "))
    {
        return format!("deve essere fra {a} e {b}");
    }
    if let Some(list) = english.strip_prefix("must be one of: ") {
        return format!("deve essere uno di: {list}");
    }
    english.to_owned()
}

/// Reads a whole number typed into a form; an error names the field.
pub fn number(value: &str, field: &str, errors: &mut Vec<FieldError>) -> u64 {
    let v = value.trim().replace(['.', ' '], "");
    if v.is_empty() {
        errors.push(FieldError {
            field: field.to_owned(),
            message: "must not be empty".into(),
        });
        return 0;
    }
    v.parse().unwrap_or_else(|_| {
        errors.push(FieldError {
            field: field.to_owned(),
            message: "must be a whole number".into(),
        });
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_in_italian() {
        assert_eq!(message(Lang::It, "must not be empty"), "è obbligatorio");
        assert_eq!(
            message(Lang::It, "must be at most 200 characters"),
            "deve avere al massimo 200 caratteri"
        );
        assert_eq!(
            message(Lang::It, "must be between 1 and 10000000"),
            "deve essere fra 1 e 10000000"
        );
        assert_eq!(message(Lang::En, "must not be empty"), "must not be empty");
        assert_eq!(message(Lang::It, "something new"), "something new");
    }

    #[test]
    fn numbers_accept_thousands_separators_and_name_the_field() {
        let mut errors = Vec::new();
        assert_eq!(number("1.200", "quantity", &mut errors), 1200);
        assert_eq!(number(" 7 ", "quantity", &mut errors), 7);
        assert!(errors.is_empty());
        number("dodici", "claims.work_hours", &mut errors);
        number("", "quantity", &mut errors);
        assert_eq!(errors[0].field, "claims.work_hours");
        assert_eq!(errors[1].message, "must not be empty");
    }

    #[test]
    fn errors_stand_next_to_their_fields() {
        let mut fields = vec![Field::new("lot_code", "Lotto", Kind::Text)];
        let errors = vec![
            FieldError {
                field: "lot_code".into(),
                message: "must not be empty".into(),
            },
            FieldError {
                field: "evidence".into(),
                message: "must list at most 20 documents".into(),
            },
        ];
        let general = attach(&mut fields, &errors, Lang::It);
        assert_eq!(fields[0].error.as_deref(), Some("è obbligatorio"));
        assert_eq!(general, ["evidence: must list at most 20 documents"]);
    }
}
