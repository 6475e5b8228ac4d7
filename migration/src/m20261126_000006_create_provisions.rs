//! Provisions: norms, CBMs and human-rights obligations inside instruments.
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
            record_table("provisions")
                .col(string_len("code", 80))
                .col(enum_col("kind"))
                .col(integer("instrument_id"))
                .col(string_len("reference", 120))
                .col(text("title"))
                .col(text("summary"))
                .foreign_key(&mut fk(
                    "provisions",
                    "instrument_id",
                    "instruments",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                unique("provisions", &["code"]),
                index("provisions", &["instrument_id"]),
                index("provisions", &["kind"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "provisions").await
    }
}
