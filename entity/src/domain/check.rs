//! The field rules: each checks one value, normalises it, and records a [`FieldError`] instead
//! of stopping, so the seed can report every problem of a row at once while the API reports the
//! first.

use super::{Checked, FieldError, Invalid};
use crate::PartialDate;

/// Longest name or title.
pub const NAME_MAX: usize = 500;
/// Longest summary or rationale.
pub const SUMMARY_MAX: usize = 5000;
/// Longest note (and one-line explanations such as an attribution's basis).
pub const NOTE_MAX: usize = 2000;
/// Longest document symbol or in-text reference (`A/70/174`, `para 13(e)`).
pub const SYMBOL_MAX: usize = 200;
/// Longest URL.
const URL_MAX: usize = 2000;
/// Longest key (slug, code, source key).
const KEY_MAX: usize = 120;

/// The problems found so far in one record.
#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    /// Records a problem with `field`.
    pub fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// `value` when nothing was found wrong, else every problem.
    pub fn finish<T>(self, value: T) -> Checked<T> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(Invalid(self.errors))
        }
    }

    /// Required text of at most `max` characters, trimmed.
    pub fn text(&mut self, field: &'static str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.fail(field, "is required");
        } else {
            self.at_most(field, v, max);
        }
        v.to_string()
    }

    /// Optional text of at most `max` characters, trimmed; empty means absent.
    pub fn opt_text(
        &mut self,
        field: &'static str,
        value: Option<String>,
        max: usize,
    ) -> Option<String> {
        let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        self.at_most(field, v, max);
        Some(v.to_string())
    }

    fn at_most(&mut self, field: &'static str, v: &str, max: usize) {
        let n = v.chars().count();
        if n > max {
            self.fail(
                field,
                format!("must be at most {max} characters long (got {n})"),
            );
        }
    }

    /// An optional http(s) URL: it must parse as one, with no blank inside.
    pub fn opt_url(&mut self, field: &'static str, value: Option<String>) -> Option<String> {
        let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let parsed = url::Url::parse(v)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if parsed.is_none() || v.len() > URL_MAX || v.contains(char::is_whitespace) {
            self.fail(field, format!("`{v}` is not an http(s) URL"));
        }
        Some(v.to_string())
    }

    /// A stable key: lowercase letters, digits and `-`, not starting with `-` (slugs, codes,
    /// source keys). Lower-cased, so `UN-OEWG` names `un-oewg`.
    pub fn key(&mut self, field: &'static str, value: &str) -> String {
        let v = value.trim().to_lowercase();
        if v.is_empty() {
            self.fail(field, "is required");
            return v;
        }
        let ok = v.len() <= KEY_MAX
            && v.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !v.starts_with('-');
        if !ok {
            self.fail(
                field,
                format!(
                    "`{}` is not a key: use lowercase letters, digits and `-`",
                    value.trim()
                ),
            );
        }
        v
    }

    /// An optional key (a reference to a forum or an instrument); empty means absent.
    pub fn opt_key(&mut self, field: &'static str, value: Option<String>) -> Option<String> {
        let v = value.filter(|v| !v.trim().is_empty())?;
        Some(self.key(field, &v))
    }

    /// Exactly `n` ASCII letters, upper-cased (ISO 3166-1 codes).
    pub fn letters(&mut self, field: &'static str, value: &str, n: usize) -> String {
        let v = value.trim().to_uppercase();
        if v.is_empty() {
            self.fail(field, "is required");
        } else if v.len() != n || !v.bytes().all(|b| b.is_ascii_uppercase()) {
            self.fail(
                field,
                format!("`{}` is not a code of {n} letters", value.trim()),
            );
        }
        v
    }

    /// A date that must not lie in the future.
    pub fn not_future(&mut self, field: &'static str, d: Option<PartialDate>) {
        if let Some(d) = d {
            if d.date > chrono::Utc::now().date_naive() {
                self.fail(field, format!("`{d}` is in the future"));
            }
        }
    }

    /// `to` must not end before `from` starts (reported on `field`, the end).
    pub fn ordered(
        &mut self,
        field: &'static str,
        from: Option<PartialDate>,
        to: Option<PartialDate>,
    ) {
        if let (Some(f), Some(t)) = (from, to) {
            if t.last_day() < f.date {
                self.fail(field, format!("`{t}` is before the start date `{f}`"));
            }
        }
    }

    /// A list of keys (a commitment's reservations): each a key, none twice (in the order
    /// given).
    pub fn keys(&mut self, field: &'static str, values: Vec<String>) -> Vec<String> {
        let out: Vec<String> = values.iter().map(|v| self.key(field, v)).collect();
        self.once_each(field, &out, "");
        out
    }

    /// Reports the first value of `values` that stands in it twice.
    fn once_each(&mut self, field: &'static str, values: &[String], what: &str) {
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = values.iter().find(|v| !seen.insert(v.as_str())) {
            self.fail(field, format!("{what}`{twice}` is listed twice"));
        }
    }

    /// A list of ISO alpha-3 codes (the states evidence is attributed to): at least one, each
    /// a code, none twice (in the order given).
    pub fn codes(&mut self, field: &'static str, values: Vec<String>) -> Vec<String> {
        if values.iter().all(|v| v.trim().is_empty()) {
            self.fail(field, "name at least one state (ISO alpha-3 code)");
            return Vec::new();
        }
        let out: Vec<String> = values.iter().map(|v| self.letters(field, v, 3)).collect();
        self.once_each(field, &out, "state ");
        out
    }

    /// The sources a new record cites: at least one.
    pub fn sources(&mut self, keys: &[String]) {
        if keys.iter().all(|k| k.trim().is_empty()) {
            self.fail("sources", "every record needs at least one source");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(f: impl FnOnce(&mut Check)) -> Vec<String> {
        let mut c = Check::default();
        f(&mut c);
        match c.finish(()) {
            Ok(()) => Vec::new(),
            Err(Invalid(e)) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn urls_must_parse_as_http() {
        assert!(one(|c| {
            c.opt_url("url", Some("https://www.un.org/en/ga/".into()));
        })
        .is_empty());
        for bad in [
            "ftp://example.org/x",
            "https://",
            "http//example.org",
            "https://a b.org/",
        ] {
            assert_eq!(
                one(|c| {
                    c.opt_url("url", Some(bad.into()));
                }),
                [format!("url: `{bad}` is not an http(s) URL")],
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_texts_and_dates() {
        assert_eq!(
            one(|c| {
                c.key("slug", "un oewg");
            }),
            ["slug: `un oewg` is not a key: use lowercase letters, digits and `-`"]
        );
        assert_eq!(
            one(|c| {
                c.text("name", &"x".repeat(501), NAME_MAX);
            }),
            ["name: must be at most 500 characters long (got 501)"]
        );
        assert_eq!(
            one(|c| {
                c.text("name", "  ", NAME_MAX);
            }),
            ["name: is required"]
        );
        let future: PartialDate = "2999".parse().expect("a date");
        assert_eq!(
            one(|c| c.not_future("established_on", Some(future))),
            ["established_on: `2999` is in the future"]
        );
    }
}
