//! A text a forum produced: a report, a resolution, a treaty, a declaration.
use crate::enums::{AdoptionMode, Bindingness, DatePrecision, InstrumentKind, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "instruments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`.
    pub symbol: Option<String>,
    pub title: String,
    pub kind: InstrumentKind,
    pub bindingness: Bindingness,
    pub forum_id: Option<i32>,
    pub adopted_on: Option<Date>,
    pub adopted_on_precision: Option<DatePrecision>,
    pub adoption_mode: Option<AdoptionMode>,
    pub url: Option<String>,
    pub summary: Option<String>,
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
