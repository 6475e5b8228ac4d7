//! Bulk data for researchers: every public list of the registry, and the gap engine's verdicts,
//! as flat files (CSV or NDJSON) with a Frictionless Data Package descriptor.
//!
//! Issue 12: a researcher should not have to write a cursor loop and flatten nested lists by hand
//! to get one table into pandas. One implementation serves the command line
//! (`normwatch export`, which writes a directory) and the HTTP endpoints (`GET /export/...`,
//! which stream): both pull pages from [`tables::Table::page`] or [`gaps::rows`], encode them
//! with the writer of the format ([`csv`], [`ndjson`]) and hand the bytes to a channel
//! ([`stream`]); only the consumer differs (a file, an HTTP body).
//!
//! What is exported is what an anonymous GraphQL reader sees ([`Visibility::Public`], the rule of
//! `entity::visibility`): PUBLISHED records whose parents and sources are published; never users,
//! e-mails or drafts. Every row carries the record's global `id` (the one GraphQL gives it), its
//! references as public keys (state codes, slugs, provision codes) and its sources' keys.
//!
//! Dates keep the precision of their source and are also given as full days, so that they parse
//! as dates anywhere: a partial date `valid_from` is four columns, `valid_from` (`1983`,
//! `1983-03` or `1983-03-23`), `valid_from_precision` (`YEAR`, `MONTH`, `DAY`), and
//! `valid_from_start` / `valid_from_end`, the first and last day of the period
//! (`1983-01-01` / `1983-12-31`).

pub mod csv;
pub mod directory;
pub mod gaps;
pub mod http;
pub mod ndjson;
pub mod package;
pub mod tables;

use crate::auth::Visibility;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use entity::{DatePrecision, PartialDate};
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

/// The exports read what the public sees, whoever asks.
pub const PUBLIC: Visibility = Visibility::Public;

/// Records read from the database per statement, in key (id) order.
pub const PAGE_SIZE: u64 = 500;

/// How the rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header line; an empty cell is a missing value.
    Csv,
    /// One JSON object per line, keys in column order; a missing value is `null`.
    Ndjson,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Ndjson];

    /// The file extension, which is also the `format` of a Frictionless resource.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }

    /// The HTTP content type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    /// The header line(s) of a file (NDJSON has none: every line names its keys).
    pub fn header(self, fields: &[Field]) -> Result<Vec<u8>> {
        match self {
            Format::Csv => csv::header(fields),
            Format::Ndjson => Ok(Vec::new()),
        }
    }

    /// Encodes rows (each as many cells as `fields`, in their order).
    pub fn rows(self, fields: &[Field], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
        match self {
            Format::Csv => csv::rows(rows),
            Format::Ndjson => ndjson::rows(fields, rows),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == s.trim().to_lowercase())
            .ok_or_else(|| format!("`{s}` is not a format: csv or ndjson"))
    }
}

/// The type of a column, named as Frictionless Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Boolean,
    /// A full day, `YYYY-MM-DD`.
    Date,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// One column of an exported file.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub description: String,
    /// Never empty.
    pub required: bool,
    /// The only values the column takes (an enumeration), if any.
    pub values: Option<Vec<&'static str>>,
}

impl Field {
    pub fn new(name: &str, ty: FieldType, description: &str) -> Field {
        Field {
            name: name.into(),
            ty,
            description: description.into(),
            required: false,
            values: None,
        }
    }

    /// A string column that is never empty.
    pub fn key(name: &str, description: &str) -> Field {
        Field::new(name, FieldType::String, description).required()
    }

    pub fn text(name: &str, description: &str) -> Field {
        Field::new(name, FieldType::String, description)
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// An enumeration column: the upper-case names of `values`.
    pub fn one_of(mut self, values: Vec<&'static str>) -> Field {
        self.values = Some(values);
        self
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Null, |s| Cell::Text(s.into()))
    }

    /// The text of the cell as CSV writes it (empty for null).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The four columns of a partial date called `name` (see the module documentation).
pub fn date_fields(name: &str, what: &str, required: bool) -> Vec<Field> {
    let precisions = DatePrecision::ALL.iter().map(|p| p.as_str()).collect();
    let mut fields = vec![
        Field::text(
            name,
            &format!("{what}, as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD"),
        ),
        Field::text(
            &format!("{name}_precision"),
            &format!("The precision of {name}: YEAR, MONTH or DAY"),
        )
        .one_of(precisions),
        Field::new(
            &format!("{name}_start"),
            FieldType::Date,
            &format!("The first day of the period {name} names"),
        ),
        Field::new(
            &format!("{name}_end"),
            FieldType::Date,
            &format!("The last day of the period {name} names (1983 ends on 1983-12-31)"),
        ),
    ];
    if required {
        fields = fields.into_iter().map(Field::required).collect();
    }
    fields
}

/// The four cells of a partial date, in the order of [`date_fields`].
pub fn date_cells(d: Option<PartialDate>) -> [Cell; 4] {
    match d {
        None => [Cell::Null, Cell::Null, Cell::Null, Cell::Null],
        Some(d) => [
            Cell::Text(d.to_string()),
            Cell::text(d.precision.as_str()),
            Cell::Date(d.date),
            Cell::Date(d.last_day()),
        ],
    }
}

/// A piece of an exported file and how many rows it holds (for progress bars).
#[derive(Debug)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub rows: u64,
}

/// The receiving end of an export: chunks in file order, then the end of the channel (or one
/// error, after which nothing follows). Bounded, so a slow reader slows the database reads down
/// instead of filling memory.
pub type Chunks = mpsc::Receiver<Result<Chunk>>;

/// Starts writing one file in the background and returns its chunks. A table is read page by
/// page in id order; the gaps file is computed by one engine run, then written state by state.
/// Dropping the receiver (a client that went away) stops the work at the next chunk.
pub fn stream(db: DatabaseConnection, file: File, format: Format) -> Chunks {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let result = match &file {
            File::Table(table) => table.write(&db, format, &tx).await,
            File::Gaps(gaps) => gaps.write(format, &tx).await,
        };
        if let Err(e) = result {
            if matches!(e, Error::Database(_) | Error::Internal(_)) {
                tracing::error!(error = %e.message(), "export failed");
            }
            let _ = tx.send(Err(e)).await;
        }
    });
    rx
}

/// Sends one chunk; `false` when the reader is gone (stop working).
pub(crate) async fn send(tx: &mpsc::Sender<Result<Chunk>>, bytes: Vec<u8>, rows: u64) -> bool {
    tx.send(Ok(Chunk { bytes, rows })).await.is_ok()
}

/// One exported file: a record table, or the gaps computed for a scope and a date.
pub enum File {
    Table(tables::Table),
    /// Boxed: the engine's inputs are large beside a table's name.
    Gaps(Box<gaps::Computed>),
}

impl File {
    pub fn fields(&self) -> Vec<Field> {
        match self {
            File::Table(t) => t.fields(),
            File::Gaps(_) => gaps::fields(),
        }
    }
}
