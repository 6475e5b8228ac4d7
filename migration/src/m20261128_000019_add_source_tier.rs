//! Sources get a `tier`: PRIMARY, PUBLISHER, SECONDARY or COPY (see `entity::SourceTier`).
//!
//! The column is NOT NULL, so rows that exist before this migration need a value. They get
//! SECONDARY: it claims neither the authority of an official record or an author's own report
//! (PRIMARY, PUBLISHER) nor accuses the source of being a mirror (COPY), so nothing is presented
//! as stronger than it was graded. Reloading the seed (`normwatch seed`) then writes the tier
//! the data gives each bundled source (a revision per changed source); sources created through
//! the API keep SECONDARY until an editor grades them with `updateSource`. The column keeps the
//! default, which only the back-fill needs: every write path sets the tier explicitly.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sources")
                    .add_column(string_len(Alias::new("tier"), 32).default("SECONDARY"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sources")
                    .drop_column(Alias::new("tier"))
                    .to_owned(),
            )
            .await
    }
}
