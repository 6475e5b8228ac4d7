//! Which sources a record cites, in order (primary source first).
//!
//! One polymorphic table instead of one join table per record type: every record type cites
//! sources the same way, and one batched query serves them all.
use crate::enums::RecordKind;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "record_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_kind: RecordKind,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source_id: i32,
    /// Position in the record's list of sources (0 = primary).
    pub ordinal: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
