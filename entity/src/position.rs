//! A stance a state took in a forum: a vote, a statement, a national position.
use crate::enums::{DatePrecision, PositionKind, PublicationStatus, Stance};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "positions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub state_id: i32,
    pub forum_id: i32,
    pub instrument_id: Option<i32>,
    pub provision_id: Option<i32>,
    pub kind: PositionKind,
    pub stance: Stance,
    pub date: Option<Date>,
    pub date_precision: Option<DatePrecision>,
    pub summary: String,
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
