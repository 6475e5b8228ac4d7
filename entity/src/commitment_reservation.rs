//! A provision that a commitment excludes (a treaty reservation).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "commitment_reservations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub provision_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::commitment::Entity",
        from = "Column::CommitmentId",
        to = "super::commitment::Column::Id"
    )]
    Commitment,
}

impl ActiveModelBehavior for ActiveModel {}
