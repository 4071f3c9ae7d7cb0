//! Field-level validation errors, collected so a client sees every problem at once.

use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `claims.detained_workers`.
    pub field: String,
    /// What is wrong with it, e.g. `must be at least 1`.
    pub message: String,
}

/// Every invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} invalid field(s): {}", .0.len(), .0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// A single invalid field.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}

/// Collects errors while a request is checked field by field.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// Records that `field` is invalid.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Checks a free-text field: trimmed, `min..=max` characters, no control characters
    /// (newlines allowed only where `multiline`) and no bidirectional controls. Returns the
    /// trimmed text.
    pub fn text(
        &mut self,
        field: &str,
        value: &str,
        min: usize,
        max: usize,
        multiline: bool,
    ) -> String {
        let value = value.trim();
        let len = value.chars().count();
        if len < min {
            self.add(
                field,
                if min == 1 {
                    "must not be empty".to_owned()
                } else {
                    format!("must be at least {min} characters")
                },
            );
        } else if len > max {
            self.add(field, format!("must be at most {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        {
            self.add(field, "must not contain control characters");
        } else if value.chars().any(is_bidi_control) {
            self.add(field, BIDI_MESSAGE);
        }
        value.to_owned()
    }

    /// Checks that `value` lies in `min..=max`.
    pub fn range(&mut self, field: &str, value: u64, min: u64, max: u64) {
        if value < min || value > max {
            self.add(field, format!("must be between {min} and {max}"));
        }
    }

    /// Checks that `value` is one of `allowed`.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.add(field, format!("must be one of: {}", allowed.join(", ")));
        }
    }

    /// What was recorded so far, for a caller that must stop early.
    pub fn into_errors(self) -> ValidationErrors {
        ValidationErrors(self.errors)
    }

    /// `Ok(value)` if nothing was recorded.
    ///
    /// # Errors
    /// Every recorded field error.
    pub fn finish<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}

/// Why a text with a bidirectional control is refused.
pub const BIDI_MESSAGE: &str =
    "must not contain bidirectional control characters (U+202E and the like)";

/// True for the Unicode bidirectional controls (the `Bidi_Control` property: U+061C,
/// U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069). Inside a name on a public page
/// they reorder the text around it, so "Coop\u{202E}txt.exe" reads as another name.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for a lower-case slug: `[a-z0-9]` runs joined by single `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_is_refused_in_free_text_and_other_letters_are_not() {
        let controls = [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for c in controls {
            let mut checker = Checker::default();
            checker.text("name", &format!("Coop{c}erativa"), 2, 200, true);
            let errors = checker.into_errors().0;
            assert_eq!(errors.len(), 1, "U+{:04X}", u32::from(c));
            assert_eq!(errors[0].message, BIDI_MESSAGE);
        }
        let mut checker = Checker::default();
        checker.text("name", "Società «Dolce» – עברית العربية", 2, 200, false);
        assert!(checker.finish(()).is_ok(), "right-to-left letters are fine");
        let bidi: Vec<char> = ('\0'..=char::MAX).filter(|c| is_bidi_control(*c)).collect();
        assert_eq!(bidi, controls);
    }
}
