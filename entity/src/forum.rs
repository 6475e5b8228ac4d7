//! Where states act: the UN General Assembly, the OSCE, the Paris Call ...
use crate::enums::{DatePrecision, ForumKind, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "forums")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: ForumKind,
    pub parent_id: Option<i32>,
    pub url: Option<String>,
    pub established_on: Option<Date>,
    pub established_on_precision: Option<DatePrecision>,
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
