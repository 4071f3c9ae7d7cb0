//! Small server-rendered SVG charts for dashboards: a horizontal bar chart and a column chart.
//!
//! Output is a self-contained `<svg>` string meant to be inlined in a page: `role="img"` with
//! a `<title>` and a `<desc>` that lists every value (screen readers get the data, not only a
//! picture), a `viewBox` and no fixed size (it scales to a phone's width), presentation
//! attributes instead of a `<style>` element (an inline `<style>` would leak into the page and
//! needs a CSP exception), and no scripts, event handlers, links or external resources.
//! Every text node and attribute value goes through [`escape`].

use std::fmt::Write;

/// Width of every chart in user units; heights follow the data.
const WIDTH: u32 = 640;
const FONT: &str = r#"font-family="system-ui, sans-serif" font-size="20""#;
const INK: &str = "#222";
const BAR: &str = "#2f6f4f";
const GRID: &str = "#ccc";
/// Characters of a label shown above a bar (the full label is in the bar's tooltip).
const LABEL_CHARS: usize = 64;

/// What a chart is called and about; `id` makes its `<title>`/`<desc>` ids unique on a page.
#[derive(Debug, Clone, Copy)]
pub struct ChartText<'a> {
    /// Prefix of the SVG's `<title>` and `<desc>` element ids, unique on the page.
    pub id: &'a str,
    /// The chart's `<title>`, which screen readers announce.
    pub title: &'a str,
    /// The chart's `<desc>`: what the bars show.
    pub desc: &'a str,
}

/// A horizontal bar chart: one row per `(label, value)`, in the order given. Each label
/// stands above its bar, so long names (institutes, producers) stay readable on a phone.
pub fn bar_chart(text: &ChartText<'_>, bars: &[(&str, u64)]) -> String {
    const ROW: u32 = 58;
    const VALUE_W: u32 = 90;
    let height = if bars.is_empty() {
        60
    } else {
        8 + ROW * u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW)
    };
    let mut svg = open(text, bars, height);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let span = f64::from(WIDTH - VALUE_W);
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 4 + ROW * u32::try_from(i).unwrap_or(0);
        let w = span * ratio(*value, max);
        let _ = write!(
            svg,
            r#"<g><title>{title}</title><text x="0" y="{ty}" fill="{INK}">{short}</text><rect x="0" y="{by}" width="{w:.1}" height="20" fill="{BAR}"/><text x="{vx:.1}" y="{vy}" fill="{INK}">{v}</text></g>"#,
            title = escape(&format!("{label}: {}", number(*value))),
            ty = y + 19,
            short = escape(&shorten(label, LABEL_CHARS)),
            by = y + 26,
            vx = w + 6.0,
            vy = y + 43,
            v = number(*value),
        );
    }
    close(svg, bars.is_empty(), height)
}

/// A column chart over time: one column per `(label, value)` (e.g. `2026-10`), left to
/// right, with a value axis of round numbers.
pub fn column_chart(text: &ChartText<'_>, columns: &[(&str, u64)]) -> String {
    const HEIGHT: u32 = 280;
    const LEFT: f64 = 64.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 244.0;
    let mut svg = open(text, columns, HEIGHT);
    let (top, step) = axis(columns.iter().map(|c| c.1).max().unwrap_or(0));
    let plot_h = BOTTOM - TOP;
    for k in 0..=4u32 {
        let y = BOTTOM - plot_h * f64::from(k) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{WIDTH}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/><text x="{tx}" y="{ty:.1}" text-anchor="end" fill="{INK}">{v}</text>"#,
            tx = LEFT - 6.0,
            ty = y + 4.0,
            v = number(step * u64::from(k)),
        );
    }
    let n = columns.len().max(1);
    let slot = (f64::from(WIDTH) - LEFT) / n as f64;
    // Keep x labels readable on a phone (the chart shrinks to about 360 px there): at most
    // six of them, at the size of the other text.
    let every = n.div_ceil(6);
    for (i, (label, value)) in columns.iter().enumerate() {
        let h = plot_h * ratio(*value, top);
        let x = LEFT + slot * i as f64;
        let _ = write!(
            svg,
            r#"<g><title>{title}</title><rect x="{rx:.1}" y="{ry:.1}" width="{rw:.1}" height="{h:.1}" fill="{BAR}"/></g>"#,
            title = escape(&format!("{label}: {}", number(*value))),
            rx = x + slot * 0.15,
            ry = BOTTOM - h,
            rw = slot * 0.7,
        );
        if i.is_multiple_of(every) {
            let _ = write!(
                svg,
                r#"<text x="{cx:.1}" y="{ly}" text-anchor="middle" fill="{INK}">{l}</text>"#,
                cx = x + slot / 2.0,
                ly = BOTTOM + 20.0,
                l = escape(&shorten(label, 10)),
            );
        }
    }
    close(svg, columns.is_empty(), HEIGHT)
}

/// Escapes text for XML content and attribute values, and drops characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The opening tag, title and description (with every value spelled out).
fn open(text: &ChartText<'_>, data: &[(&str, u64)], height: u32) -> String {
    let id = safe_id(text.id);
    let mut desc = text.desc.trim().to_owned();
    if !data.is_empty() {
        let values: Vec<String> = data
            .iter()
            .map(|(l, v)| format!("{l}: {}", number(*v)))
            .collect();
        let _ = write!(
            desc,
            "{}{}.",
            if desc.is_empty() { "" } else { " " },
            values.join("; ")
        );
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" {FONT}><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        t = escape(text.title),
        d = escape(&desc),
    )
}

fn close(mut svg: String, empty: bool, height: u32) -> String {
    if empty {
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="middle" fill="{INK}">Nessun dato / No data</text>"#,
            x = WIDTH / 2,
            y = height / 2,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// An id made only of `[A-Za-z0-9_-]`, starting with a letter.
fn safe_id(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        clean
    } else {
        format!("chart-{clean}")
    }
}

/// `value / max` as a fraction of a bar's full length (0 when `max` is 0).
fn ratio(value: u64, max: u64) -> f64 {
    if max == 0 {
        0.0
    } else {
        // Chart precision: f64 is exact far beyond any count or hour total here.
        value as f64 / max as f64
    }
}

/// The top of a value axis with four equal round steps (1, 2, 2.5 or 5 × 10ⁿ) covering `max`.
fn axis(max: u64) -> (u64, u64) {
    let raw = max.div_ceil(4).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= raw {
        magnitude *= 10;
    }
    let step = [10, 20, 25, 50, 100]
        .iter()
        .map(|m| m * magnitude / 10)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    (step.saturating_mul(4), step)
}

/// `1234567` as `1 234 567` (narrow no-break spaces, as SI writes it: neither Italian
/// nor English readers misread it as a decimal).
fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{axis, escape, number, safe_id, shorten};

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "abc d");
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(axis(0), (4, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(100), (100, 25));
        assert_eq!(axis(960), (1000, 250));
        assert_eq!(axis(1_000_000), (1_000_000, 250_000));
        assert_eq!(axis(1_000_001), (2_000_000, 500_000));
    }

    #[test]
    fn numbers_ids_and_labels_are_tidied() {
        assert_eq!(number(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(number(999), "999");
        assert_eq!(safe_id("impact by region!"), "impact-by-region-");
        assert_eq!(safe_id("1x"), "chart-1x");
        assert_eq!(shorten("Cooperativa", 5), "Coop…");
    }
}
