//! Unit serials. A GS1 serial (AI 21) is a string of up to 20 characters of set 82, not a
//! number: `1`, `01` and `+1` are three different serials (GS1 General Specifications
//! §3.5.2 and §7.11, figure 7.11-1). Origine numbers the units of a lot 1 to N and writes
//! unit n's serial as n in decimal without leading zeros; any other string names a unit
//! Origine never labelled. The online check (resolver, report) and the offline one
//! (`origine verify --qr`, which compares the URL's `/21/…` with the signed serial as text)
//! therefore agree.

/// The unit number a serial string names, if it is one Origine writes: ASCII digits, no
/// sign, no leading zero, at least 1.
#[must_use]
pub fn unit_number(serial: &str) -> Option<u64> {
    let canonical = !serial.is_empty()
        && serial.bytes().all(|b| b.is_ascii_digit())
        && !serial.starts_with('0');
    if canonical { serial.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_serials_origine_writes_name_a_unit() {
        assert_eq!(unit_number("1"), Some(1));
        assert_eq!(unit_number("20000"), Some(20000));
        assert_eq!(unit_number("18446744073709551615"), Some(u64::MAX));
        for other in [
            "01",
            "001",
            "+1",
            "-1",
            "0",
            "",
            " 1",
            "1 ",
            "1e3",
            "ABC",
            "١",
            "18446744073709551616",
        ] {
            assert_eq!(unit_number(other), None, "{other:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_unit_number_round_trips_through_its_serial(n in 1u64..) {
            proptest::prop_assert_eq!(unit_number(&n.to_string()), Some(n));
            let padded = format!("0{n}");
            proptest::prop_assert_eq!(unit_number(&padded), None);
        }
    }
}
