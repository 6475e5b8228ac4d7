//! Where a dataset's files come from: a directory on disk (`normwatch seed --path`,
//! `NORMWATCH_SEED_DIR`) or the copy of `seed/data` compiled into the binary, so that an
//! installed or copied binary serves the bundled data from any working directory.

use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

/// `seed/data` as it was when the binary was built.
static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");

/// A dataset's files, read by relative name (`commitments/iccpr.csv`).
#[derive(Debug, Clone)]
pub enum DataFiles {
    /// A directory on disk.
    Disk(PathBuf),
    /// The dataset compiled into the binary.
    Bundled,
}

/// Why a file or folder could not be listed or read.
pub type ReadError = String;

impl DataFiles {
    /// A directory on disk.
    pub fn disk(dir: impl Into<PathBuf>) -> DataFiles {
        DataFiles::Disk(dir.into())
    }

    /// How errors and logs name this dataset.
    pub fn describe(&self) -> String {
        match self {
            DataFiles::Disk(dir) => dir.display().to_string(),
            DataFiles::Bundled => "the bundled data (compiled into this binary)".into(),
        }
    }

    /// The directory, for a dataset on disk.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            DataFiles::Disk(dir) => Some(dir),
            DataFiles::Bundled => None,
        }
    }

    /// Checks that the dataset's root can be read at all.
    pub fn check_root(&self) -> Result<(), ReadError> {
        match self {
            DataFiles::Disk(dir) => match std::fs::read_dir(dir) {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("does not exist".into()),
                Err(_) if !dir.is_dir() => Err("is not a directory".into()),
                Err(e) => Err(format!("cannot be read: {e}")),
            },
            DataFiles::Bundled => Ok(()),
        }
    }

    /// The names (`folder/file.csv`) of the CSV files of `folder`, in file-name order. A
    /// missing folder is an empty one; one that exists but cannot be read is an error.
    pub fn csv_names(&self, folder: &str) -> Result<Vec<String>, ReadError> {
        let mut names: Vec<String> = match self {
            DataFiles::Disk(dir) => match std::fs::read_dir(dir.join(folder)) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                    .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .map(|n| format!("{folder}/{n}"))
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(format!("cannot be read: {e}")),
            },
            DataFiles::Bundled => BUNDLED
                .get_dir(folder)
                .map(|d| {
                    d.files()
                        .filter(|f| f.path().extension().is_some_and(|x| x == "csv"))
                        .map(|f| f.path().to_string_lossy().replace('\\', "/"))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        Ok(names)
    }

    /// The bytes of `name`, or `None` when there is no such file.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        match self {
            DataFiles::Disk(dir) => {
                let path = dir.join(name);
                if !path.is_file() {
                    return Ok(None);
                }
                std::fs::read(&path)
                    .map(Some)
                    .map_err(|e| format!("cannot be read: {e}"))
            }
            DataFiles::Bundled => Ok(BUNDLED.get_file(name).map(|f| f.contents().to_vec())),
        }
    }
}

impl std::fmt::Display for DataFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_copy_lists_the_same_files_as_the_source_tree() {
        let disk = DataFiles::disk(Path::new(env!("CARGO_MANIFEST_DIR")).join("data"));
        for folder in ["states", "commitments", "positions", "evidence"] {
            let on_disk = disk.csv_names(folder).expect("readable");
            assert!(!on_disk.is_empty(), "{folder} has files");
            assert_eq!(DataFiles::Bundled.csv_names(folder), Ok(on_disk));
        }
        let name = "states/states.csv";
        assert_eq!(
            DataFiles::Bundled.read(name).expect("read"),
            disk.read(name).expect("read")
        );
    }

    #[test]
    fn a_missing_directory_says_so() {
        let gone = DataFiles::disk("/nonexistent/normwatch-data");
        assert_eq!(gone.check_root(), Err("does not exist".to_string()));
    }
}
