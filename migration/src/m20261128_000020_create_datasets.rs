//! The bundled lists (`datasets`, one row per CSV file of `seed/data`) and which records each
//! one holds (`dataset_records`). The seed loader fills both; the `datasets` query counts the
//! records, their exact dates and their first sources' tiers in SQL at query time, so the
//! published figures follow the data and the reader's visibility instead of being copied.
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
                .table("datasets")
                .col(pk_auto("id"))
                .col(string_len("name", 200))
                .col(string_len("folder", 64))
                .col(enum_col("record_kind"))
                .col(date_null("as_of"))
                .col(enum_col_null("as_of_precision"))
                .col(boolean("complete"))
                .col(text_null("note"))
                .col(integer("position"))
                .to_owned(),
            vec![unique("datasets", &["name"])],
        )
        .await?;
        create(
            manager,
            Table::create()
                .table("dataset_records")
                .col(enum_col("record_kind"))
                .col(integer("record_id"))
                .col(integer("dataset_id"))
                .primary_key(Index::create().col("record_kind").col("record_id"))
                .foreign_key(&mut fk(
                    "dataset_records",
                    "dataset_id",
                    "datasets",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            vec![index("dataset_records", &["dataset_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "dataset_records").await?;
        drop(manager, "datasets").await
    }
}
