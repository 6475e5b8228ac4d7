//! A state responsible for a piece of evidence.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "evidence_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub evidence_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
