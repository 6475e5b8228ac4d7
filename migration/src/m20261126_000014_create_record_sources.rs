//! Record sources: which sources each record cites, in order.
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
                .table("record_sources")
                .col(enum_col("record_kind"))
                .col(integer("record_id"))
                .col(integer("source_id"))
                .col(integer("ordinal"))
                .primary_key(
                    Index::create()
                        .col("record_kind")
                        .col("record_id")
                        .col("source_id"),
                )
                .foreign_key(&mut fk(
                    "record_sources",
                    "source_id",
                    "sources",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![index("record_sources", &["source_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "record_sources").await
    }
}
