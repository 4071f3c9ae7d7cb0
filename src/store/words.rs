//! Domain words and validated values as the databases hold them: TEXT, exactly the string
//! each writes (`admin`, `producer_status`, a GTIN's digits), so nothing in the schema or
//! the stored rows changed when they became types.
//!
//! Reading one back parses it; a word this version does not know is a decode error, which
//! the store reports as [`super::StoreError::Corrupt`]. GTINs, lot codes and VAT numbers
//! were validated before they were written, so they are read back through their trusted
//! `from_stored` constructors.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

use crate::domain::status::Subject;
use crate::domain::{EntryKind, Gtin, LotCode, ProducerStatus, Role, VatNumber};

/// Implements `Type`, `Encode` and `Decode` for both databases: stored as the text
/// `as_str` gives, read back by `$read` from the stored `$text`.
macro_rules! stored_as_text {
    ($($ty:ty => |$text:ident| $read:expr;)+) => {$(
        impl<DB: Database> Type<DB> for $ty
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $ty
        where
            for<'a> &'a str: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $ty
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let $text = <&'r str as Decode<'r, DB>>::decode(value)?;
                $read
            }
        }
    )+};
}

/// The word `text` parsed as `parsed`, or an error naming both.
fn word<T>(parsed: Option<T>, what: &str, text: &str) -> Result<T, BoxDynError> {
    parsed.ok_or_else(|| format!("unknown {what} {text:?}").into())
}

stored_as_text! {
    Role => |t| word(Role::parse(t), "role", t);
    Subject => |t| word(Subject::parse(t), "watched subject", t);
    EntryKind => |t| word(EntryKind::parse(t), "log entry kind", t);
    ProducerStatus => |t| word(ProducerStatus::parse(t), "producer status", t);
    Gtin => |t| Ok(Gtin::from_stored(t.to_owned()));
    LotCode => |t| Ok(LotCode::from_stored(t.to_owned()));
    VatNumber => |t| Ok(VatNumber::from_stored(t.to_owned()));
}
