//! A country: the 193 UN member states and the two observer states.
use crate::enums::{DatePrecision, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "states")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// ISO 3166-1 alpha-3, upper case.
    #[sea_orm(unique)]
    pub code: String,
    #[sea_orm(unique)]
    pub alpha2: String,
    pub name: String,
    /// UN M49 region name.
    pub region: Option<String>,
    /// UN M49 sub-region name.
    pub subregion: Option<String>,
    pub un_member: bool,
    pub un_member_since: Option<Date>,
    pub un_member_since_precision: Option<DatePrecision>,
    pub un_observer: bool,
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
