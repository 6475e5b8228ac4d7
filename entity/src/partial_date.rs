//! Dates at the precision a source gives them: `1981`, `1981-03` or `1981-03-23`.
//!
//! Stored as the first day of the period plus a [`DatePrecision`], so that SQL can compare and
//! index them while the API and the seed files give back exactly what the source said.

use crate::enums::DatePrecision;
use chrono::{Datelike, NaiveDate};

/// A date with its precision. `date` is the first day of the period it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

impl PartialDate {
    /// Rebuilds a partial date from its stored columns (both present or both absent).
    pub fn from_parts(date: Option<NaiveDate>, precision: Option<DatePrecision>) -> Option<Self> {
        date.map(|date| PartialDate {
            date,
            precision: precision.unwrap_or(DatePrecision::Day),
        })
    }

    /// Splits an optional partial date into its stored columns (the inverse of `from_parts`).
    pub fn to_parts(d: Option<Self>) -> (Option<NaiveDate>, Option<DatePrecision>) {
        (d.map(|d| d.date), d.map(|d| d.precision))
    }

    /// The last day of the period this date names (the date itself for day precision).
    pub fn last_day(&self) -> NaiveDate {
        let next = match self.precision {
            DatePrecision::Day => return self.date,
            DatePrecision::Month => {
                if self.date.month() == 12 {
                    NaiveDate::from_ymd_opt(self.date.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(self.date.year(), self.date.month() + 1, 1)
                }
            }
            DatePrecision::Year => NaiveDate::from_ymd_opt(self.date.year() + 1, 1, 1),
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(self.date)
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.precision {
            DatePrecision::Year => write!(f, "{:04}", self.date.year()),
            DatePrecision::Month => write!(f, "{:04}-{:02}", self.date.year(), self.date.month()),
            DatePrecision::Day => write!(f, "{}", self.date.format("%Y-%m-%d")),
        }
    }
}

impl std::str::FromStr for PartialDate {
    type Err = String;

    /// Accepts `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and nothing else.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = s.split('-').collect();
        let widths_ok = matches!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>().as_slice(),
            [4] | [4, 2] | [4, 2, 2]
        ) && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok {
            return Err(bad());
        }
        let num = |i: usize| parts.get(i).map(|p| p.parse::<u32>().unwrap_or(0));
        let year = num(0).unwrap_or(0) as i32;
        let (month, day, precision) = match parts.len() {
            1 => (1, 1, DatePrecision::Year),
            2 => (num(1).unwrap_or(0), 1, DatePrecision::Month),
            _ => (num(1).unwrap_or(0), num(2).unwrap_or(0), DatePrecision::Day),
        };
        let date = NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| format!("`{s}` is not a valid calendar date"))?;
        Ok(PartialDate { date, precision })
    }
}

/// Orders precisions from coarse to fine, for the "no more precise than the source" rule.
pub fn precision_rank(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Year => 0,
        DatePrecision::Month => 1,
        DatePrecision::Day => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_precision() {
        for s in ["1981", "1981-03", "1981-03-23"] {
            let d: PartialDate = s.parse().expect("valid");
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn refuses_malformed_and_impossible_dates() {
        for s in ["81", "1981-3", "1981-02-30", "1981/03/23", "", "1981-13"] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be refused");
        }
    }

    #[test]
    fn last_day_of_a_year_and_a_month() {
        let y: PartialDate = "2016".parse().expect("valid");
        assert_eq!(y.last_day().to_string(), "2016-12-31");
        let m: PartialDate = "2016-02".parse().expect("valid");
        assert_eq!(m.last_day().to_string(), "2016-02-29");
    }
}
