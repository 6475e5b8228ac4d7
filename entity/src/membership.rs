//! A state in a forum over a period.
use crate::enums::{DatePrecision, MembershipRole, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub state_id: i32,
    pub forum_id: i32,
    pub role: MembershipRole,
    pub valid_from: Option<Date>,
    pub valid_from_precision: Option<DatePrecision>,
    pub valid_to: Option<Date>,
    pub valid_to_precision: Option<DatePrecision>,
    pub note: Option<String>,
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
