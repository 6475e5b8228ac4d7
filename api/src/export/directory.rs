//! `normwatch export`: every file of the export, and its `datapackage.json`, written to a
//! directory. Each file is written to `<name>.part` and renamed when complete, so an export that
//! fails leaves no file that looks whole.

use super::{gaps, package, stream, tables::Table, Chunks, File, Format};
use crate::error::{Error, Result};
use sea_orm::DatabaseConnection;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the export is doing, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Starting a file of `rows` rows (`None` while the gap engine runs).
    Begin { file: String, rows: Option<u64> },
    /// `rows` more rows written.
    Rows(u64),
    /// The file is complete.
    Done { file: String, rows: u64 },
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Summary {
    pub files: Vec<(PathBuf, u64)>,
    pub data_version: i64,
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("{}: {e}", path.display()))
}

/// Writes the chunks of one file to `dir/name`, reporting rows as they come.
async fn write_file(
    dir: &Path,
    name: &str,
    mut chunks: Chunks,
    progress: &mut impl FnMut(Progress),
) -> Result<(PathBuf, u64)> {
    let path = dir.join(name);
    let part = dir.join(format!("{name}.part"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&part).map_err(|e| io(&part, e))?);
    let mut rows = 0;
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk?;
        out.write_all(&chunk.bytes).map_err(|e| io(&part, e))?;
        rows += chunk.rows;
        progress(Progress::Rows(chunk.rows));
    }
    out.flush().map_err(|e| io(&part, e))?;
    drop(out);
    std::fs::rename(&part, &path).map_err(|e| io(&path, e))?;
    progress(Progress::Done {
        file: name.to_string(),
        rows,
    });
    Ok((path, rows))
}

/// Exports every record table, the gaps for `params`, and the descriptor into `dir` (created
/// if missing), in `format`.
pub async fn export(
    db: &DatabaseConnection,
    dir: &Path,
    format: Format,
    params: &gaps::Params,
    mut progress: impl FnMut(Progress),
) -> Result<Summary> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let registry = crate::repo::registry::current(db).await?;
    let mut files = Vec::new();
    for table in Table::ALL {
        let name = package::path(table.name(), format);
        let rows = table.count(db).await?;
        progress(Progress::Begin {
            file: name.clone(),
            rows: Some(rows),
        });
        let chunks = stream(db.clone(), File::Table(table), format);
        files.push(write_file(dir, &name, chunks, &mut progress).await?);
    }
    let name = package::path("gaps", format);
    progress(Progress::Begin {
        file: name.clone(),
        rows: None,
    });
    let computed = gaps::compute(db, params).await?;
    progress(Progress::Begin {
        file: name.clone(),
        rows: Some(computed.len()),
    });
    let chunks = stream(db.clone(), File::Gaps(Box::new(computed)), format);
    files.push(write_file(dir, &name, chunks, &mut progress).await?);

    let release = package::Release {
        data_version: registry.data_version,
        data_updated_at: registry.updated_at,
        gaps: params.clone(),
    };
    let path = dir.join("datapackage.json");
    let text = serde_json::to_string_pretty(&package::descriptor(format, &release))
        .map_err(|e| Error::Internal(format!("datapackage.json: {e}")))?;
    std::fs::write(&path, text + "\n").map_err(|e| io(&path, e))?;
    Ok(Summary {
        files,
        data_version: registry.data_version,
    })
}
