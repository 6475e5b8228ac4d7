//! The crosswalk: how one provision relates to another (a norm protects a right, two norms are
//! equivalent ...).
use crate::enums::LinkRelation;
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
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
