//! Assessments: evidence about a state weighed against a provision.
use crate::common::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            record_table("assessments")
                .col(integer("evidence_id"))
                .col(integer("state_id"))
                .col(integer("provision_id"))
                .col(enum_col("finding"))
                .col(enum_col("confidence"))
                .col(text("rationale"))
                .col(enum_col("status"))
                .foreign_key(&mut fk(
                    "assessments",
                    "evidence_id",
                    "evidence",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "assessments",
                    "state_id",
                    "states",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "assessments",
                    "provision_id",
                    "provisions",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                unique("assessments", &["evidence_id", "state_id", "provision_id"]),
                index("assessments", &["state_id", "provision_id"]),
                index("assessments", &["provision_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "assessments").await
    }
}
