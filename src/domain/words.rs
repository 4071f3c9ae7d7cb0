//! Closed sets of words (roles, statuses, entry kinds) as enums that write and read back
//! exactly the strings the API, the signed bodies and the database have always held.
//!
//! `words!` declares such an enum with its text per variant, once: `as_str`, `parse`,
//! `Display`, serde and the OpenAPI schema all come from that one table, so they cannot
//! disagree. The store keeps the same words as TEXT (see `store::words`).

/// Declares an enum whose variants are written as the given words.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Every value's word, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The word as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The value written `word`, exactly as [`Self::as_str`] writes it.
            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use words;
