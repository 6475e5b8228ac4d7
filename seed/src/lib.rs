//! The bundled, cited dataset (`seed/data/`) and its loader.
//!
//! Loading happens in two steps so that nothing is written unless everything is right:
//! [`read_dataset`] parses and validates every file and returns every problem at once (file,
//! record and field), then [`load`] upserts the validated dataset in one transaction, by stable
//! key, leaving a revision for every record it creates or changes.

pub mod csvfile;
pub mod dataset;
pub mod error;
pub mod files;
pub mod load;
pub mod report;
mod validate;

use std::path::{Path, PathBuf};

pub use dataset::Dataset;
pub use error::{SeedError, SeedErrors};
pub use files::DataFiles;
pub use load::{load, load_with, LoadOptions, LoadReport};

/// The dataset's directory in this source tree (`seed/data`); tests and `--update-readme` use
/// it. A built binary reads its compiled-in copy instead: [`DataFiles::Bundled`].
pub fn bundled_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Reads and validates every file under the directory `dir`; returns all problems at once.
pub fn read_dataset(dir: &Path) -> Result<Dataset, SeedErrors> {
    read_files(&DataFiles::disk(dir))
}

/// Reads and validates the dataset compiled into the binary.
pub fn read_bundled() -> Result<Dataset, SeedErrors> {
    read_files(&DataFiles::Bundled)
}

/// Reads and validates every file of `files`; returns all problems at once.
pub fn read_files(files: &DataFiles) -> Result<Dataset, SeedErrors> {
    let mut errors = Vec::new();
    let dataset = dataset::read(files, &mut errors);
    if errors.is_empty() {
        validate::check(&dataset, &mut errors);
    }
    if errors.is_empty() {
        Ok(dataset)
    } else {
        Err(SeedErrors(errors))
    }
}
