//! The audit log: every write leaves one row, with the record before and after.
use crate::enums::{RecordKind, RevisionAction, UserRole};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The user who wrote; absent for the seed loader and other system writes.
    pub actor_id: Option<i32>,
    /// Who wrote, as shown to readers: an e-mail or `seed`.
    pub actor_label: String,
    /// The actor's role when writing; absent for the seed loader. What the public is shown.
    pub actor_role: Option<UserRole>,
    pub record_kind: RecordKind,
    pub record_id: i32,
    pub action: RevisionAction,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
    /// Whether the write changed what the public sees (the record was PUBLISHED before or
    /// after it): such revisions make the public change feed.
    pub is_public: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
