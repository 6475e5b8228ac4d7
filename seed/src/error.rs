//! Validation errors of the seed files: each names the file, the record and the field.

use std::fmt;

/// One problem in one field of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// Path relative to the data directory, e.g. `commitments/iccpr.csv`.
    pub file: String,
    /// 1-based line in the file (the header is line 1), or 0 for a problem with the whole file.
    pub line: u64,
    /// The column concerned (empty for a problem with the whole record or file).
    pub field: String,
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.field.is_empty() {
            write!(f, ": field `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a dataset; nothing is written while there is one.
#[derive(Debug, Clone)]
pub struct SeedErrors(pub Vec<SeedError>);

impl fmt::Display for SeedErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} problem(s) in the seed data, nothing was written:",
            self.0.len()
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SeedErrors {}
