//! Clone detection for unit labels, from scan statistics.
//!
//! A unit label is one physical object: a jar is scanned by the few people who handle it. A label
//! that was photocopied onto counterfeit goods, or posted online, is scanned by many. These rules
//! tell the two apart from counts alone.
//!
//! No raw IP address ever reaches this module: a "source" is a salted hash whose salt changes
//! every day, computed elsewhere. So one person scanning on three different days counts as three
//! sources; the rules below allow for that, and cannot (by design) follow anyone across days.

/// Scans of one serial within the observation window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanStats {
    /// Scans of this serial in the window.
    pub total: u64,
    /// Distinct (daily) sources in the window: a source seen on two days counts twice.
    pub sources: u64,
    /// Distinct days with scans.
    pub days: u64,
}

/// What the scan pattern of one serial suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing unusual about the scans.
    Normal,
    /// Probably a copied label: show a warning on the unit page and tell the institute.
    Suspicious,
}

/// Limits beyond which a serial's scans look like a copied label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Most scans of one serial in the window.
    pub max_scans: u64,
    /// Most distinct sources beyond the one a returning visitor adds on each further day.
    pub max_sources: u64,
}

impl Default for Thresholds {
    /// 30 scans and 6 distinct sources in the window.
    ///
    /// One jar is scanned by a few people: the buyer, someone else in the household, perhaps a
    /// shop assistant or a market stall keeper who checks it before selling, at most a handful of
    /// times each out of curiosity. Six people and thirty scans leave a wide margin over that, yet
    /// a label copied onto a batch of counterfeits, or shared on social media, passes both within
    /// days. A false alarm costs little (the page shows a caution, and the institute looks), a
    /// missed clone costs the trust the label exists for, so the margin is generous but finite.
    fn default() -> Self {
        Self {
            max_scans: 30,
            max_sources: 6,
        }
    }
}

/// Judges one serial's scans in the window.
///
/// Suspicious when it was scanned more than `max_scans` times, or from more than `max_sources`
/// sources that a single returning person cannot explain. Because the source salt changes daily,
/// the same person scanning on `days` different days shows up as `days` sources; so the first
/// source of each day after the first is not counted against the label
/// (`sources - (days - 1)`). A copied label shows many sources on the same days, which this
/// still counts in full.
pub fn judge(stats: ScanStats, t: &Thresholds) -> Verdict {
    let returning = stats.days.saturating_sub(1);
    let unexplained_sources = stats.sources.saturating_sub(returning);
    if stats.total > t.max_scans || unexplained_sources > t.max_sources {
        Verdict::Suspicious
    } else {
        Verdict::Normal
    }
}

/// Most distinct serials of one lot a single source may scan in a day before it looks like
/// enumeration: a shop checking every unit of a few delivered boxes stays well below.
pub const MAX_SERIALS_PER_SOURCE_DAY: u64 = 100;

/// Most scans with a wrong or missing unit token from one source in a day. Scanning a printed QR
/// code never produces a wrong token; a few may come from a damaged label, a hand-typed URL or a
/// link cut short by a chat app. Guessing serials produces one per guess.
pub const MAX_INVALID_TOKENS_PER_SOURCE_DAY: u64 = 5;

/// Enumeration: many distinct serials of one lot scanned from one source in a day, or serials
/// never issued being tried — flagged per source.
///
/// Both counts are for one (daily) source over one day.
pub fn enumeration_suspected(
    distinct_serials_from_one_source: u64,
    invalid_token_attempts: u64,
) -> bool {
    distinct_serials_from_one_source > MAX_SERIALS_PER_SOURCE_DAY
        || invalid_token_attempts > MAX_INVALID_TOKENS_PER_SOURCE_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stats of one serial from a list of (day, source) scans, as the store would count them.
    fn stats(scans: &[(u64, u64)]) -> ScanStats {
        use std::collections::BTreeSet;
        let sources: BTreeSet<_> = scans.iter().collect();
        let days: BTreeSet<_> = scans.iter().map(|(d, _)| d).collect();
        ScanStats {
            total: scans.len() as u64,
            sources: sources.len() as u64,
            days: days.len() as u64,
        }
    }

    #[test]
    fn a_jar_in_a_household_is_normal() {
        // Scanned 3 times by 2 sources over 10 days: the buyer twice on day 1, a relative on
        // day 10.
        let s = stats(&[(1, 1), (1, 1), (10, 2)]);
        assert_eq!(
            s,
            ScanStats {
                total: 3,
                sources: 2,
                days: 2
            }
        );
        assert_eq!(judge(s, &Thresholds::default()), Verdict::Normal);
        // The buyer again on day 10: a new daily source, still normal.
        let s = stats(&[(1, 1), (10, 1), (10, 2)]);
        assert_eq!(s.sources, 3);
        assert_eq!(judge(s, &Thresholds::default()), Verdict::Normal);
    }

    #[test]
    fn one_person_scanning_every_day_is_normal() {
        // Daily salts make one person 30 sources over 30 days.
        let s = stats(&(1..=30).map(|d| (d, 1)).collect::<Vec<_>>());
        assert_eq!(s.sources, 30);
        assert_eq!(judge(s, &Thresholds::default()), Verdict::Normal);
    }

    #[test]
    fn a_shop_and_a_household_are_normal() {
        // Day 1: four shop staff and customers look at the jar on the shelf; day 3: the buyer's
        // family of three.
        let s = stats(&[(1, 1), (1, 2), (1, 3), (1, 4), (3, 5), (3, 6), (3, 7)]);
        assert_eq!(judge(s, &Thresholds::default()), Verdict::Normal);
    }

    #[test]
    fn a_copied_label_is_suspicious() {
        let s = ScanStats {
            total: 400,
            sources: 150,
            days: 20,
        };
        assert_eq!(judge(s, &Thresholds::default()), Verdict::Suspicious);
        // Each limit alone is enough.
        let many_sources = stats(&(1..=10).map(|src| (1, src)).collect::<Vec<_>>());
        assert_eq!(many_sources.total, 10);
        assert_eq!(
            judge(many_sources, &Thresholds::default()),
            Verdict::Suspicious
        );
        let many_scans = ScanStats {
            total: 31,
            sources: 2,
            days: 1,
        };
        assert_eq!(
            judge(many_scans, &Thresholds::default()),
            Verdict::Suspicious
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let t = Thresholds::default();
        let at = ScanStats {
            total: 30,
            sources: 6,
            days: 1,
        };
        assert_eq!(judge(at, &t), Verdict::Normal);
        assert_eq!(
            judge(ScanStats { sources: 7, ..at }, &t),
            Verdict::Suspicious
        );
        assert_eq!(
            judge(ScanStats { total: 31, ..at }, &t),
            Verdict::Suspicious
        );
        let none = ScanStats {
            total: 0,
            sources: 0,
            days: 0,
        };
        assert_eq!(judge(none, &t), Verdict::Normal);
    }

    #[test]
    fn a_shop_checking_a_box_is_not_enumeration() {
        // 24 units of a box, each scanned once with its valid token.
        assert!(!enumeration_suspected(24, 0));
        // One label damaged or a link typed by hand.
        assert!(!enumeration_suspected(24, 2));
    }

    #[test]
    fn a_script_trying_serials_is_enumeration() {
        // Serials 1..=500, each with a wrong token.
        let (mut serials, mut invalid) = (0, 0);
        let mut flagged_at = None;
        for _serial in 1..=500u64 {
            serials += 1;
            invalid += 1;
            if flagged_at.is_none() && enumeration_suspected(serials, invalid) {
                flagged_at = Some(serials);
            }
        }
        assert!(enumeration_suspected(serials, invalid));
        // Caught after a handful of guesses, not after hundreds.
        assert_eq!(flagged_at, Some(MAX_INVALID_TOKENS_PER_SOURCE_DAY + 1));
        // Valid tokens for hundreds of serials from one source (a leaked print file) too.
        assert!(enumeration_suspected(500, 0));
    }
}
