//! Choosing one link of a requested type (resolver standard 1.2, section 2.6.3): first by
//! the visitor's language, then by the media types the client accepts; when links remain
//! that nothing tells apart, the choice is the client's (300 Multiple Choices).

use super::Link;

/// The outcome of a choice among the links of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<'a> {
    /// No link of that type: 404.
    None,
    /// One link fits best: redirect to it.
    One(&'a Link),
    /// Several fit equally well: offer them all (300).
    Many(Vec<&'a Link>),
}

/// The link of type `rel` (a full URI) for a visitor reading `lang`, whose `Accept` header
/// is `accept`.
///
/// Links in another language are set aside when some are in `lang` or have none; then, among
/// several, the ones whose media type the client ranks highest by an explicit media range
/// (`text/html`, `application/*`; never `*/*`, which says nothing) are kept.
pub fn choose<'a>(links: &'a [Link], rel: &str, lang: &str, accept: Option<&str>) -> Choice<'a> {
    let of_type: Vec<&Link> = links.iter().filter(|l| l.rel == rel).collect();
    if of_type.is_empty() {
        return Choice::None;
    }
    let in_lang: Vec<&Link> = of_type
        .iter()
        .copied()
        .filter(|l| l.hreflang.is_none_or(|h| h == lang))
        .collect();
    let candidates = if in_lang.is_empty() { of_type } else { in_lang };
    if let [one] = candidates[..] {
        return Choice::One(one);
    }
    let ranked: Vec<(u32, &Link)> = candidates
        .iter()
        .map(|l| (accept.map_or(0, |a| quality(a, l.media_type)), *l))
        .collect();
    let best = ranked.iter().map(|(q, _)| *q).max().unwrap_or(0);
    let top: Vec<&Link> = ranked
        .iter()
        .filter(|(q, _)| *q == best && best > 0)
        .map(|(_, l)| *l)
        .collect();
    match top[..] {
        [one] => Choice::One(one),
        _ => Choice::Many(candidates),
    }
}

/// The weight (q × 1000) `accept` gives `media_type` through an explicit range
/// (`type/subtype` or `type/*`); 0 when only `*/*` or nothing matches.
fn quality(accept: &str, media_type: &str) -> u32 {
    let (main, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let name = parts.next()?.to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|v| v.parse::<f32>().ok())
                .unwrap_or(1.0);
            let matches = name == media_type || name == format!("{main}/*");
            // q is at most 1 (RFC 9110 §12.4.2), so the product fits in a u32.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            matches.then_some((q.clamp(0.0, 1.0) * 1000.0) as u32)
        })
        .max()
        .unwrap_or(0)
}
