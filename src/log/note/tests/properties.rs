//! Property tests: well-formed notes round-trip, and no input makes a parser panic.

use proptest::prelude::*;

use super::*;

/// Well-formed notes: text lines, a blank line, signature lines of at least 5 bytes.
fn well_formed_note() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-zA-Z0-9 /+=\u{2014}\u{e9}]{0,20}", 1..4),
        prop::collection::vec(
            (
                "[a-z./\u{e9}]{1,12}",
                prop::collection::vec(any::<u8>(), 5..80),
            ),
            1..4,
        ),
    )
        .prop_map(|(lines, signatures)| {
            let mut note = String::new();
            for line in lines {
                note.push_str(&line);
                note.push('\n');
            }
            note.push('\n');
            for (name, bytes) in signatures {
                let line = NoteSignature {
                    name: KeyName::parse(&name).expect("the strategy makes valid names"),
                    key_id: [bytes[0], bytes[1], bytes[2], bytes[3]],
                    payload: bytes[4..].to_vec(),
                };
                note.push_str(&line.line());
            }
            note
        })
}

proptest! {
    #[test]
    fn well_formed_notes_round_trip(note in well_formed_note()) {
        let parsed = Note::parse(&note).unwrap();
        prop_assert_eq!(parsed.render(), note.as_str());
    }

    #[test]
    fn mutated_notes_never_panic(
        note in well_formed_note(),
        position in any::<prop::sample::Index>(),
        ch in any::<char>(),
        delete in any::<bool>(),
    ) {
        let mut chars: Vec<char> = note.chars().collect();
        let i = position.index(chars.len() + 1);
        if delete && i < chars.len() {
            chars.remove(i);
        } else {
            chars.insert(i, ch);
        }
        let mutated: String = chars.into_iter().collect();
        if let Ok(parsed) = Note::parse(&mutated) {
            prop_assert_eq!(parsed.render(), mutated.as_str());
        }
    }

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = Note::parse(&s);
        let _ = Checkpoint::parse(&s);
    }

    #[test]
    fn parse_never_panics_near_valid_notes(
        s in "([a-z +/=\u{2014}\u{2013}]|\n|\t|A|AAAA|\u{2014} |\n\n){0,60}"
    ) {
        if let Ok(note) = Note::parse(&s) {
            // Whatever parses renders back to the very same bytes.
            prop_assert_eq!(note.render(), s.as_str());
        }
        let _ = Checkpoint::parse(&s);
    }
}
