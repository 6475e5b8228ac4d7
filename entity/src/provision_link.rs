//! The crosswalk: how one provision relates to another (a norm protects a right, two norms are
//! equivalent ...).
use crate::enums::{LinkRelation, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "provision_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_id: i32,
    pub to_id: i32,
    pub relation: LinkRelation,
    pub rationale: String,
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
