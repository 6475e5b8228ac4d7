//! Which bundled list a record was loaded from (polymorphic, like `record_sources`).
//!
//! Written by the seed loader only; a record created through the API belongs to no list.
use crate::enums::RecordKind;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dataset_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_kind: RecordKind,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: i32,
    pub dataset_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
