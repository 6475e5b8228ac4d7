//! The link from evidence to a provision, for one responsible state: the heart of a gap.
use crate::enums::{Confidence, Finding, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evidence_id: i32,
    pub state_id: i32,
    pub provision_id: i32,
    pub finding: Finding,
    pub confidence: Confidence,
    pub rationale: String,
    /// The rationale with state names masked, hashed (`domain::standard::rationale_key`): two
    /// assessments with the same key say the same thing of different states. Kept out of the
    /// history, which shows the rationale itself.
    #[serde(default, skip_serializing)]
    pub rationale_key: Option<String>,
    pub status: PublicationStatus,
    /// The user who created the record; absent for the seed loader.
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The gap engine reads assessments with their evidence's dates in one statement.
    #[sea_orm(
        belongs_to = "super::evidence::Entity",
        from = "Column::EvidenceId",
        to = "super::evidence::Column::Id"
    )]
    Evidence,
}

impl ActiveModelBehavior for ActiveModel {}
