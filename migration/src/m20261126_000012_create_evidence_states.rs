//! Evidence states: the states responsible for a piece of evidence.
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
            Table::create()
                .table("evidence_states")
                .col(integer("evidence_id"))
                .col(integer("state_id"))
                .primary_key(Index::create().col("evidence_id").col("state_id"))
                .foreign_key(&mut fk(
                    "evidence_states",
                    "evidence_id",
                    "evidence",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "evidence_states",
                    "state_id",
                    "states",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![index("evidence_states", &["state_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "evidence_states").await
    }
}
