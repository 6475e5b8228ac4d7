//! Documented practice of one or more states (the responsible states live in `evidence_states`).
use crate::enums::{AttributionStatus, DatePrecision, EvidenceKind, PublicationStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: EvidenceKind,
    pub occurred_from: Date,
    pub occurred_from_precision: DatePrecision,
    pub occurred_to: Option<Date>,
    pub occurred_to_precision: Option<DatePrecision>,
    pub attributed_by: Option<String>,
    pub attribution_basis: Option<String>,
    pub attribution_status: AttributionStatus,
    /// For a court's judgment or a treaty body's finding: the body, e.g. `UN Human Rights
    /// Committee`; absent for every other kind.
    #[serde(default)]
    pub authority_body: Option<String>,
    /// The body's document: UN symbol and paragraphs, application or case number, or ECLI.
    #[serde(default)]
    pub authority_reference: Option<String>,
    /// When the body decided (not when the practice it judged occurred).
    #[serde(default)]
    pub decided_on: Option<Date>,
    #[serde(default)]
    pub decided_on_precision: Option<DatePrecision>,
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
