//! What an auditor asks the impact figures for: a period of whole months, optional filters
//! and a grouping, parsed once from query-string input with every bad field named.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::institute::REGIONS;
use crate::domain::validation::{Checker, ValidationErrors, is_slug};

/// Longest period one report covers, in months (month rows stay bounded).
pub const MAX_MONTHS: u32 = 120;

/// Names of the groupings, as `group_by` takes them.
pub const GROUPINGS: &[&str] = &["region", "institute", "producer", "month"];

/// Parameters a report accepts, in the order error messages list them.
const PARAMETERS: &[&str] = &["from", "to", "region", "institute", "producer", "group_by"];

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: u16,
    /// 1 to 12.
    month: u8,
}

impl Month {
    /// The month `year`-`month`, if `month` is 1 to 12 and `year` has four digits.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// Parses exactly `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| {
            s.get(r)
                .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|d| d.parse::<u16>().ok())
        };
        Self::new(digits(0..4)?, u8::try_from(digits(5..7)?).ok()?)
    }

    /// The month of a date written `YYYY-MM-DD` (as certificates write `produced_to`).
    pub fn of_date(date: &str) -> Option<Self> {
        Self::parse(date.get(..7)?)
    }

    /// The month after this one.
    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year.saturating_add(1),
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Months from year 0, to measure a period.
    fn index(self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month) - 1
    }

    /// Months from `self` to `end`, both included (0 if `end` comes first).
    pub fn months_to(self, end: Self) -> u32 {
        (end.index() + 1).saturating_sub(self.index())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What the rows of a report are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One row per Italian region of the institutes.
    Region,
    /// One row per institute, keyed by its code.
    Institute,
    /// One row per producer, keyed by its id.
    Producer,
    /// One row per month of the period (of each lot's `produced_to`), empty months included.
    Month,
}

impl GroupBy {
    /// The name `group_by` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Institute => "institute",
            Self::Producer => "producer",
            Self::Month => "month",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "region" => Self::Region,
            "institute" => Self::Institute,
            "producer" => Self::Producer,
            "month" => Self::Month,
            _ => return None,
        })
    }
}

/// The parameters as they arrive (e.g. through axum's `Query`); empty values count as absent,
/// since an HTML form sends its empty fields.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImpactParams {
    /// First month of the period, `YYYY-MM`.
    pub from: Option<String>,
    /// Last month of the period, `YYYY-MM` (included).
    pub to: Option<String>,
    /// Only institutes in this region, e.g. `Lombardia`.
    pub region: Option<String>,
    /// Only this institute code, e.g. `cr-milano-opera`.
    pub institute: Option<String>,
    /// Only this producer id.
    pub producer: Option<String>,
    /// `region` (default), `institute`, `producer` or `month`.
    pub group_by: Option<String>,
}

/// A validated impact query: `from <= to`, at most [`MAX_MONTHS`] months, known filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImpactQuery {
    #[schema(value_type = String, example = "2026-01")]
    from: Month,
    #[schema(value_type = String, example = "2026-12")]
    to: Month,
    region: Option<String>,
    institute: Option<String>,
    producer: Option<String>,
    group_by: GroupBy,
}

impl ImpactQuery {
    /// Parses a raw query string such as `from=2026-01&to=2026-06&group_by=institute`.
    ///
    /// # Errors
    /// Every bad parameter, named: unknown or repeated ones included.
    pub fn from_query_string(query: &str) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let mut params = ImpactParams::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "from" => &mut params.from,
                "to" => &mut params.to,
                "region" => &mut params.region,
                "institute" => &mut params.institute,
                "producer" => &mut params.producer,
                "group_by" => &mut params.group_by,
                other => {
                    c.add(
                        other,
                        format!(
                            "is not a parameter of this report ({})",
                            PARAMETERS.join(", ")
                        ),
                    );
                    continue;
                }
            };
            if slot.replace(value.into_owned()).is_some() {
                c.add(name, "must be given once");
            }
        }
        let mut errors = c.into_errors().0;
        match Self::parse(&params) {
            Ok(q) if errors.is_empty() => Ok(q),
            Ok(_) => Err(ValidationErrors(errors)),
            Err(more) => {
                errors.extend(more.0);
                Err(ValidationErrors(errors))
            }
        }
    }

    /// Validates parameters.
    ///
    /// # Errors
    /// Every bad field, named by its parameter.
    pub fn parse(params: &ImpactParams) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut month = |field: &str, value: &Option<String>| match given(value) {
            None => {
                c.add(field, "is required: a month written YYYY-MM");
                None
            }
            Some(v) => Month::parse(&v).or_else(|| {
                c.add(field, "must be a month written YYYY-MM");
                None
            }),
        };
        let from = month("from", &params.from);
        let to = month("to", &params.to);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                c.add("to", "must not be before from");
            } else if from.months_to(to) > MAX_MONTHS {
                c.add(
                    "to",
                    format!("the period must be at most {MAX_MONTHS} months"),
                );
            }
        }
        let region = given(&params.region).and_then(|r| {
            let canonical = REGIONS.iter().find(|x| x.eq_ignore_ascii_case(&r));
            if canonical.is_none() {
                c.add("region", format!("must be one of: {}", REGIONS.join(", ")));
            }
            canonical.map(|&x| x.to_owned())
        });
        let institute = given(&params.institute).map(|i| i.to_ascii_lowercase());
        if let Some(i) = &institute
            && (i.len() > 64 || !is_slug(i))
        {
            c.add(
                "institute",
                "must be an institute code: a-z, 0-9 and single dashes",
            );
        }
        let producer = given(&params.producer).map(|p| p.to_ascii_lowercase());
        if let Some(p) = &producer
            && (p.len() > 24 || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            c.add(
                "producer",
                "must be a producer id: up to 24 letters and digits",
            );
        }
        let group_by = match given(&params.group_by) {
            None => Some(GroupBy::Region),
            Some(g) => GroupBy::parse(&g).or_else(|| {
                c.one_of("group_by", &g, GROUPINGS);
                None
            }),
        };
        match (from, to, group_by) {
            (Some(from), Some(to), Some(group_by)) => c.finish(Self {
                from,
                to,
                region,
                institute,
                producer,
                group_by,
            }),
            _ => Err(c.into_errors()),
        }
    }

    /// First month of the period.
    pub fn from(&self) -> Month {
        self.from
    }

    /// Last month of the period (included).
    pub fn to(&self) -> Month {
        self.to
    }

    /// The region filter, spelled as institutes are.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The institute code filter.
    pub fn institute(&self) -> Option<&str> {
        self.institute.as_deref()
    }

    /// The producer id filter.
    pub fn producer(&self) -> Option<&str> {
        self.producer.as_deref()
    }

    /// What the rows are.
    pub fn group_by(&self) -> GroupBy {
        self.group_by
    }

    /// True when a lot in `month`, made in `institute` of `region` by `producer`, is asked for.
    pub fn selects(&self, month: Month, region: &str, institute: &str, producer: &str) -> bool {
        (self.from..=self.to).contains(&month)
            && self.region.as_deref().is_none_or(|r| r == region)
            && self.institute.as_deref().is_none_or(|i| i == institute)
            && self.producer.as_deref().is_none_or(|p| p == producer)
    }
}

#[cfg(test)]
mod tests {
    use super::{GroupBy, ImpactQuery, Month};

    fn fields(query: &str) -> Vec<String> {
        ImpactQuery::from_query_string(query)
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn months_parse_print_and_count() {
        let m = Month::parse("2026-09").expect("month");
        assert_eq!(m.to_string(), "2026-09");
        assert_eq!(
            m.next().next().next(),
            Month::parse("2026-12").expect("dec")
        );
        assert_eq!(m.next().next().next().next().to_string(), "2027-01");
        assert_eq!(Month::of_date("2026-10-31"), Month::parse("2026-10"));
        assert_eq!(m.months_to(Month::parse("2027-08").expect("aug")), 12);
        for bad in [
            "2026-13",
            "2026-00",
            "2026-9",
            "26-09",
            "2026/09",
            "2026-09-01",
            "+026-09",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_full_query_is_parsed_and_normalised() {
        let q = ImpactQuery::from_query_string(
            "from=2026-01&to=2026-06&region=lombardia&institute=CR-Milano-Opera&producer=ABC123&group_by=month",
        )
        .expect("valid");
        assert_eq!(q.from().to_string(), "2026-01");
        assert_eq!(q.to().to_string(), "2026-06");
        assert_eq!(q.region(), Some("Lombardia"));
        assert_eq!(q.institute(), Some("cr-milano-opera"));
        assert_eq!(q.producer(), Some("abc123"));
        assert_eq!(q.group_by(), GroupBy::Month);
    }

    #[test]
    fn grouping_defaults_to_region_and_empty_filters_are_absent() {
        let q = ImpactQuery::from_query_string("from=2026-01&to=2026-01&region=&producer=")
            .expect("valid");
        assert_eq!(q.group_by(), GroupBy::Region);
        assert_eq!((q.region(), q.producer()), (None, None));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        assert_eq!(fields(""), ["from", "to"]);
        assert_eq!(fields("from=2026-1&to=2026-02"), ["from"]);
        assert_eq!(fields("from=2026-06&to=2026-01"), ["to"]);
        assert_eq!(fields("from=2010-01&to=2026-01"), ["to"]);
        assert_eq!(
            fields(
                "from=2026-01&to=2026-02&region=Atlantide&institute=no+way&producer=a/b&group_by=year"
            ),
            ["region", "institute", "producer", "group_by"]
        );
        assert_eq!(
            fields("from=2026-01&to=2026-02&from=2026-01&colour=red"),
            ["from", "colour"]
        );
    }

    #[test]
    fn selection_covers_the_period_and_each_filter() {
        let q =
            ImpactQuery::from_query_string("from=2026-02&to=2026-03&region=Veneto").expect("valid");
        let m = |s| Month::parse(s).expect("month");
        assert!(q.selects(m("2026-02"), "Veneto", "x", "p"));
        assert!(q.selects(m("2026-03"), "Veneto", "x", "p"));
        assert!(!q.selects(m("2026-01"), "Veneto", "x", "p"));
        assert!(!q.selects(m("2026-04"), "Veneto", "x", "p"));
        assert!(!q.selects(m("2026-02"), "Lombardia", "x", "p"));
    }
}
