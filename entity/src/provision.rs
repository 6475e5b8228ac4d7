//! One norm, confidence-building measure or human-rights obligation inside an instrument.
use crate::enums::{ProvisionKind, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "provisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public code, e.g. `gge-2015-13e`, `iccpr-17`.
    #[sea_orm(unique)]
    pub code: String,
    pub kind: ProvisionKind,
    pub instrument_id: i32,
    /// Where in the instrument: `para 13(e)`, `Art. 17`.
    pub reference: String,
    pub title: String,
    /// Our own words, never the official text.
    pub summary: String,
    /// Review status: only PUBLISHED records are visible to the public.
    pub status: PublicationStatus,
    /// The user who created the record; absent for the seed loader.
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
