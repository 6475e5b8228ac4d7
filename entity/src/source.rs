//! A citation: every fact in the registry points to at least one.
use crate::enums::{DatePrecision, PublicationStatus, SourceKind, SourceTier};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public key, e.g. `citizenlab-2017-reckless-exploit`.
    #[sea_orm(unique)]
    pub key: String,
    pub kind: SourceKind,
    /// How close the source is to the fact: PRIMARY, PUBLISHER, SECONDARY or COPY.
    pub tier: SourceTier,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub document_symbol: Option<String>,
    pub published_on: Option<Date>,
    pub published_on_precision: Option<DatePrecision>,
    pub accessed_on: Option<Date>,
    /// The finest date precision this source gives; records citing it may not be more precise.
    pub date_precision: DatePrecision,
    pub note: Option<String>,
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
