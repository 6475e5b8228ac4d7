//! A bundled list: one CSV file of `seed/data` (e.g. `commitments/iccpr.csv`) with what its
//! curators say about it (as of when, complete or partial).
//!
//! The seed loader writes these rows from `seed/data/DATASETS.csv`; they are metadata about the
//! bundle, not reviewed records, so they carry no status, version or sources. Which records
//! belong to a list is in `dataset_records`, so the `datasets` query can count them in SQL at
//! query time, with the reader's visibility, instead of repeating numbers that could drift.
use crate::enums::{DatePrecision, RecordKind};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "datasets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The file's path inside the data directory, e.g. `commitments/iccpr.csv`.
    #[sea_orm(unique)]
    pub name: String,
    /// The folder, i.e. the kind of record, e.g. `commitments`.
    pub folder: String,
    /// The kind of record the list holds.
    pub record_kind: RecordKind,
    /// The date the list describes the world as of (first day of its period), if known.
    pub as_of: Option<Date>,
    pub as_of_precision: Option<DatePrecision>,
    /// Whether the list is complete for its scope as of `as_of`.
    pub complete: bool,
    pub note: Option<String>,
    /// Position in the bundle (file-name order), for a stable listing.
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
