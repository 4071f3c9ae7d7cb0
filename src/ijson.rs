//! Strict reading of JSON that comes from outside (I-JSON, RFC 7493).
//!
//! Two readers of the same bytes must see the same document. Plain JSON lets them disagree:
//! a member repeated in one object (`{"producer":…,"producer":…}`) is kept last by one parser
//! and first by another, a lone surrogate (`"\ud800"`) decodes differently or not at all,
//! and an integer past 2^53 is exact for one reader and rounded by the next. A signed
//! document that a verifier reads one way and a person another is a forgery, so every JSON
//! document from outside — API bodies, bundles, keys documents, proofs — goes through
//! [`from_slice`], which refuses all three before anything is deserialised.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The largest integer every JSON reader holds exactly (RFC 7493 §2.2): 2^53 − 1.
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// Why a document was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if path.is_empty() { "the document" } else { path.as_str() })]
pub struct StrictError {
    /// Where the fault is, as serde paths are written: `certificate.producer`, `items[2]`;
    /// empty for the document itself.
    pub path: String,
    /// What is wrong there.
    pub message: String,
    /// What kind of fault it is.
    pub fault: Fault,
}

/// The kinds of [`StrictError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not one JSON value (RFC 8259), or text that is not UTF-8 (a lone surrogate included).
    Syntax,
    /// JSON that I-JSON refuses: a repeated member name or an inexact integer.
    NotIJson,
    /// Strict JSON of the wrong shape for what was expected (a missing or mistyped member).
    Shape,
}

/// Deserialises `bytes` as a `T` after checking it is I-JSON.
///
/// # Errors
/// A [`StrictError`] for a repeated member name, a lone surrogate, an inexact integer or bytes
/// that are not one JSON value; then whatever `T`'s deserialisation refuses, also as a
/// [`StrictError`] (with the path serde reports).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StrictError> {
    check(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| StrictError {
        path: String::new(),
        message: without_position(&e),
        fault: if e.is_data() {
            Fault::Shape
        } else {
            Fault::Syntax
        },
    })
}

/// [`from_slice`] for text.
///
/// # Errors
/// As [`from_slice`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, StrictError> {
    from_slice(text.as_bytes())
}

/// Checks that `bytes` is exactly one I-JSON value.
///
/// # Errors
/// A [`StrictError`] naming the first fault and where it is.
pub fn check(bytes: &[u8]) -> Result<(), StrictError> {
    let path = RefCell::new(Vec::new());
    let fault = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let checked = Node {
        path: &path,
        fault: &fault,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match checked {
        Ok(()) => Ok(()),
        Err(e) => Err(fault.into_inner().unwrap_or_else(|| StrictError {
            path: render(&path.borrow()),
            message: without_position(&e),
            fault: Fault::Syntax,
        })),
    }
}

/// One step of a path into a document.
#[derive(Debug, Clone)]
enum Step {
    Member(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Member(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// serde_json's message without its "at line 1 column 7" (the path says where).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// A value being checked; its path is shared with the whole walk so the first fault is
/// reported where it happened.
#[derive(Clone, Copy)]
struct Node<'a> {
    path: &'a RefCell<Vec<Step>>,
    fault: &'a RefCell<Option<StrictError>>,
}

impl Node<'_> {
    /// Records a fault at the current path and returns the error that stops the walk.
    fn refuse<E: de::Error>(self, message: String) -> E {
        let error = StrictError {
            path: render(&self.path.borrow()),
            message,
            fault: Fault::NotIJson,
        };
        let text = error.to_string();
        self.fault.borrow_mut().get_or_insert(error);
        E::custom(text)
    }

    fn integer<E: de::Error>(self, magnitude: u64) -> Result<(), E> {
        if magnitude > MAX_EXACT_INTEGER {
            Err(self.refuse(format!(
                "the integer {magnitude} is larger than 2^53 − 1 and not exact for every reader (I-JSON)"
            )))
        } else {
            Ok(())
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.integer(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.integer(v.unsigned_abs())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    // Strings arrive decoded: serde_json has already refused a lone surrogate escape.
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.path.borrow_mut().push(Step::Index(index));
            let more = seq.next_element_seed(self)?;
            self.path.borrow_mut().pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            self.path.borrow_mut().push(Step::Member(name.clone()));
            if !seen.insert(name.clone()) {
                return Err(self.refuse(format!(
                    "the member {name:?} appears twice in one object (I-JSON refuses repeated names)"
                )));
            }
            map.next_value_seed(self)?;
            self.path.borrow_mut().pop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
