//! The `datasets` query: each bundled list with its as-of date, completeness and figures.

use super::{db, scalars::partial, scalars::PartialDate};
use crate::auth::Visibility;
use crate::repo::datasets::{self, ListFigures};
use async_graphql::{Context, Object};

/// One bundled list: a CSV file of `seed/data`, e.g. `commitments/iccpr.csv`. The as-of date,
/// completeness and note are the curators' (`seed/data/DATASETS.csv`); the counts and shares are
/// computed from the published records at query time.
pub struct Dataset(ListFigures);

/// One bundled list: a CSV file of `seed/data`, e.g. `commitments/iccpr.csv`. The as-of date,
/// completeness and note are the curators' (`seed/data/DATASETS.csv`); the counts and shares are
/// computed from the published records at query time.
#[Object]
impl Dataset {
    /// The file, e.g. `commitments/iccpr.csv`.
    async fn name(&self) -> &str {
        &self.0.dataset.name
    }
    /// The folder, i.e. the kind of record, e.g. `commitments`.
    async fn folder(&self) -> &str {
        &self.0.dataset.folder
    }
    /// The date the list describes the world as of, at the precision known.
    async fn as_of(&self) -> Option<PartialDate> {
        partial(self.0.dataset.as_of, self.0.dataset.as_of_precision)
    }
    /// Whether the list is complete for its scope as of `asOf` (false: partial, see `note`).
    async fn complete(&self) -> bool {
        self.0.dataset.complete
    }
    /// What is partial or secondary, and why.
    async fn note(&self) -> Option<&str> {
        self.0.dataset.note.as_deref()
    }
    /// Published records of the list.
    async fn records(&self) -> i64 {
        self.0.records
    }
    /// The list's date fields: every record's start date (empty ones included), plus the end
    /// dates that are given. 0 for lists without dates (provisions, links, assessments).
    async fn dated_fields(&self) -> i64 {
        self.0.dated_fields
    }
    /// Share of `datedFields` given to the day (0 when there are none).
    async fn exact_date_share(&self) -> f64 {
        share(self.0.exact_dates, self.0.dated_fields)
    }
    /// Share of the records whose first cited source is PRIMARY or PUBLISHER (for a list of
    /// sources: whose own tier is).
    async fn primary_or_publisher_share(&self) -> f64 {
        share(self.0.primary_or_publisher, self.0.records)
    }
}

fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[derive(Default)]
pub struct DatasetQuery;

#[Object]
impl DatasetQuery {
    /// Every bundled list, in file order. Counts are of published records, whoever asks.
    async fn datasets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Dataset>> {
        Ok(datasets::all(db(ctx), Visibility::Public)
            .await?
            .into_iter()
            .map(Dataset)
            .collect())
    }
}
