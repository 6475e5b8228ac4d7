//! Reservations: provisions a commitment excludes.
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
                .table("commitment_reservations")
                .col(integer("commitment_id"))
                .col(integer("provision_id"))
                .primary_key(Index::create().col("commitment_id").col("provision_id"))
                .foreign_key(&mut fk(
                    "commitment_reservations",
                    "commitment_id",
                    "commitments",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "commitment_reservations",
                    "provision_id",
                    "provisions",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![index("commitment_reservations", &["provision_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "commitment_reservations").await
    }
}
