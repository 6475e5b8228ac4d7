//! Reading a folder of CSV files into rows, with column checks and per-field accessors that
//! collect errors instead of stopping at the first one.

use crate::error::SeedError;
use crate::files::DataFiles;
use entity::{partial_date::PartialDate, DatePrecision};
use std::{collections::HashMap, str::FromStr};

/// Where a record came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

impl Origin {
    /// An error about `field` of this record.
    pub fn error(&self, field: &str, message: impl Into<String>) -> SeedError {
        SeedError {
            file: self.file.clone(),
            line: self.line,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// The columns of one kind of file: (name, required).
pub type Columns = &'static [(&'static str, bool)];

/// One CSV record with access by column name.
pub struct Row<'a> {
    pub origin: Origin,
    values: HashMap<&'a str, String>,
}

impl Row<'_> {
    fn raw(&self, field: &str) -> Option<&str> {
        self.values
            .get(field)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// A required text cell.
    pub fn text(&self, field: &str, errors: &mut Vec<SeedError>) -> String {
        match self.raw(field) {
            Some(v) => v.to_string(),
            None => {
                errors.push(self.origin.error(field, "is required"));
                String::new()
            }
        }
    }

    /// A cell as written (trimmed; empty when absent), for fields whose rules the domain
    /// checks ([`entity::domain`]).
    pub fn cell(&self, field: &str) -> String {
        self.raw(field).unwrap_or_default().to_string()
    }

    /// An optional text cell.
    pub fn opt_text(&self, field: &str) -> Option<String> {
        self.raw(field).map(str::to_string)
    }

    /// A required enumeration cell.
    pub fn enumeration<E: FromStr<Err = String>>(
        &self,
        field: &str,
        errors: &mut Vec<SeedError>,
    ) -> Option<E> {
        match self.raw(field) {
            None => {
                errors.push(self.origin.error(field, "is required"));
                None
            }
            Some(v) => self.parse_enum(field, v, errors),
        }
    }

    /// An optional enumeration cell.
    pub fn opt_enumeration<E: FromStr<Err = String>>(
        &self,
        field: &str,
        errors: &mut Vec<SeedError>,
    ) -> Option<E> {
        self.raw(field)
            .and_then(|v| self.parse_enum(field, v, errors))
    }

    fn parse_enum<E: FromStr<Err = String>>(
        &self,
        field: &str,
        v: &str,
        errors: &mut Vec<SeedError>,
    ) -> Option<E> {
        match v.parse::<E>() {
            Ok(e) => Some(e),
            Err(msg) => {
                errors.push(self.origin.error(field, msg));
                None
            }
        }
    }

    /// A `true`/`false` cell.
    pub fn boolean(&self, field: &str, errors: &mut Vec<SeedError>) -> bool {
        match self.raw(field) {
            Some("true") => true,
            Some("false") | None => false,
            Some(other) => {
                errors.push(self.origin.error(
                    field,
                    format!("`{other}` is not a boolean: write true or false"),
                ));
                false
            }
        }
    }

    /// An optional partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub fn opt_date(&self, field: &str, errors: &mut Vec<SeedError>) -> Option<PartialDate> {
        let v = self.raw(field)?;
        match v.parse::<PartialDate>() {
            Ok(d) => Some(d),
            Err(msg) => {
                errors.push(self.origin.error(field, msg));
                None
            }
        }
    }

    /// A required partial date.
    pub fn date(&self, field: &str, errors: &mut Vec<SeedError>) -> Option<PartialDate> {
        if self.raw(field).is_none() {
            errors.push(self.origin.error(field, "is required"));
            return None;
        }
        self.opt_date(field, errors)
    }

    /// An optional full day (`YYYY-MM-DD`), such as an access date.
    pub fn opt_day(&self, field: &str, errors: &mut Vec<SeedError>) -> Option<PartialDate> {
        let d = self.opt_date(field, errors)?;
        if d.precision != DatePrecision::Day {
            errors.push(self.origin.error(field, "must be a full date YYYY-MM-DD"));
            return None;
        }
        Some(d)
    }

    /// A required count (a whole number, zero or more).
    pub fn count(&self, field: &str, errors: &mut Vec<SeedError>) -> Option<u32> {
        let Some(v) = self.raw(field) else {
            errors.push(self.origin.error(field, "is required"));
            return None;
        };
        match v.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(
                    self.origin
                        .error(field, format!("`{v}` is not a whole number (0 or more)")),
                );
                None
            }
        }
    }

    /// A `;`-separated list (empty when the cell is empty).
    pub fn list(&self, field: &str) -> Vec<String> {
        self.raw(field)
            .map(|v| {
                v.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `sources` list, which every record must have.
    pub fn sources(&self, errors: &mut Vec<SeedError>) -> Vec<String> {
        let list = self.list("sources");
        if list.is_empty() {
            errors.push(
                self.origin
                    .error("sources", "every record needs at least one source"),
            );
        }
        list
    }
}

/// Reads every `*.csv` file of `folder` (in file-name order) and calls `each` per record.
pub fn read_folder(
    files: &DataFiles,
    folder: &str,
    columns: Columns,
    errors: &mut Vec<SeedError>,
    mut each: impl FnMut(&Row<'_>, &mut Vec<SeedError>),
) {
    for name in csv_names(files, folder, errors) {
        read_file(files, &name, columns, errors, &mut each);
    }
}

/// Reads the single file `name` when it exists (a missing file is an empty one) and calls
/// `each` per record.
pub fn read_file(
    files: &DataFiles,
    name: &str,
    columns: Columns,
    errors: &mut Vec<SeedError>,
    mut each: impl FnMut(&Row<'_>, &mut Vec<SeedError>),
) {
    match files.read(name) {
        Ok(Some(bytes)) => read_csv(&bytes, name, columns, errors, &mut each),
        Ok(None) => {}
        Err(message) => errors.push(whole_file(name, message)),
    }
}

/// The CSV files of `folder`, as `folder/file.csv` names in file-name order; a folder that
/// exists but cannot be read is reported.
pub fn csv_names(files: &DataFiles, folder: &str, errors: &mut Vec<SeedError>) -> Vec<String> {
    files.csv_names(folder).unwrap_or_else(|message| {
        errors.push(whole_file(&format!("{folder}/"), message));
        Vec::new()
    })
}

/// An error about a whole file (or folder), not one of its records.
fn whole_file(name: &str, message: impl Into<String>) -> SeedError {
    SeedError {
        file: name.to_string(),
        line: 0,
        field: String::new(),
        message: message.into(),
    }
}

/// Reads one CSV file, named `name` in errors: checks its header against `columns`, then calls
/// `each` per record.
fn read_csv(
    bytes: &[u8],
    name: &str,
    columns: Columns,
    errors: &mut Vec<SeedError>,
    each: &mut impl FnMut(&Row<'_>, &mut Vec<SeedError>),
) {
    let whole = |message: String| whole_file(name, message);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            errors.push(whole(format!("has no readable header row: {e}")));
            return;
        }
    };
    let mut header_ok = true;
    for h in &headers {
        if !columns.iter().any(|(c, _)| c == h) {
            let known: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            errors.push(whole(format!(
                "unknown column `{h}` (expected columns: {})",
                known.join(", ")
            )));
            header_ok = false;
        }
    }
    for (c, required) in columns {
        if *required && !headers.iter().any(|h| h == c) {
            errors.push(whole(format!("missing required column `{c}`")));
            header_ok = false;
        }
    }
    if !header_ok {
        return;
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(SeedError {
                    file: name.to_string(),
                    line,
                    field: String::new(),
                    message: format!("malformed CSV record: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let values = headers
            .iter()
            .zip(record.iter())
            .filter_map(|(h, v)| {
                columns
                    .iter()
                    .find(|(c, _)| c == h)
                    .map(|(c, _)| (*c, v.to_string()))
            })
            .collect();
        let row = Row {
            origin: Origin {
                file: name.to_string(),
                line,
            },
            values,
        };
        each(&row, errors);
    }
}
