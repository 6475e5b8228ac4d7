//! The NDJSON writer: one JSON object per line, its keys the column names in column order
//! (written by hand, because a JSON map would sort them), `null` for a missing value, numbers and
//! booleans as JSON numbers and booleans, dates as `YYYY-MM-DD` strings.

use super::{Cell, Field};
use crate::error::{Error, Result};

fn json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("writing NDJSON: {e}")))
}

/// Rows, one line each.
pub fn rows(fields: &[Field], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let mut out = String::new();
    for row in rows {
        out.push('{');
        for (i, (field, cell)) in fields.iter().zip(row).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json(&field.name)?);
            out.push(':');
            match cell {
                Cell::Null => out.push_str("null"),
                Cell::Text(s) => out.push_str(&json(s)?),
                Cell::Int(n) => out.push_str(&n.to_string()),
                Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Cell::Date(_) => out.push_str(&json(&cell.to_text())?),
            }
        }
        out.push_str("}\n");
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::FieldType;

    #[test]
    fn keeps_column_order_and_types() {
        let fields = [
            Field::new("z", FieldType::String, ""),
            Field::new("a", FieldType::Integer, ""),
            Field::new("d", FieldType::Date, ""),
            Field::new("n", FieldType::Boolean, ""),
        ];
        let day = chrono::NaiveDate::from_ymd_opt(1983, 12, 31);
        let row = vec![
            Cell::text("a \"b\"\n"),
            Cell::Int(-4),
            day.map_or(Cell::Null, Cell::Date),
            Cell::Null,
        ];
        let out = rows(&fields, &[row]).ok().map(String::from_utf8);
        assert_eq!(
            out,
            Some(Ok(
                "{\"z\":\"a \\\"b\\\"\\n\",\"a\":-4,\"d\":\"1983-12-31\",\"n\":null}\n".into()
            ))
        );
    }
}
