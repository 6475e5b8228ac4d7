//! The bundled, cited dataset (`seed/data/`) and its loader.
//!
//! Loading happens in two steps so that nothing is written unless everything is right:
//! [`read_dataset`] parses and validates every file and returns every problem at once (file,
//! record and field), then [`load`] upserts the validated dataset in one transaction, by stable
//! key, leaving a revision for every record it creates or changes.

pub mod csvfile;
pub mod dataset;
pub mod error;
pub mod load;
pub mod report;
mod validate;

use std::path::{Path, PathBuf};

pub use dataset::Dataset;
pub use error::{SeedError, SeedErrors};
pub use load::{load, LoadReport};

/// The dataset shipped in this repository (`seed/data`).
pub fn bundled_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Reads and validates every file under `dir`; returns all problems at once.
pub fn read_dataset(dir: &Path) -> Result<Dataset, SeedErrors> {
    let mut errors = Vec::new();
    let dataset = dataset::read(dir, &mut errors);
    if errors.is_empty() {
        validate::check(&dataset, &mut errors);
    }
    if errors.is_empty() {
        Ok(dataset)
    } else {
        Err(SeedErrors(errors))
    }
}
