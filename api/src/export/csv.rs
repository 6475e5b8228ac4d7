//! The CSV writer: RFC 4180 (fields with commas, quotes or line breaks are quoted), UTF-8, a
//! header line of the column names, `\n` line ends, an empty cell for a missing value.

use super::{Cell, Field};
use crate::error::{Error, Result};

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))
}

/// The header line.
pub fn header(fields: &[Field]) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(fields.iter().map(|f| f.name.as_str()))
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    finish(w)
}

/// Rows, one line each.
pub fn rows(rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let mut w = writer();
    for row in rows {
        w.write_record(row.iter().map(Cell::to_text))
            .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::FieldType;

    #[test]
    fn quotes_what_needs_quoting_and_leaves_nulls_empty() {
        let fields = [
            Field::new("a", FieldType::String, ""),
            Field::new("b", FieldType::Integer, ""),
        ];
        assert_eq!(header(&fields).ok(), Some(b"a,b\n".to_vec()));
        let out = rows(&[
            vec![Cell::text("x, \"y\"\nz"), Cell::Int(3)],
            vec![Cell::Null, Cell::Bool(true)],
        ])
        .ok();
        assert_eq!(out, Some(b"\"x, \"\"y\"\"\nz\",3\n,true\n".to_vec()));
    }
}
