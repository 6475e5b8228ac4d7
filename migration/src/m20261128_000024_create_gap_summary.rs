//! The gap engine's summary of practice (`entity::gap_summary`): one row per (state,
//! provision) holding, packed, every published assessment of published evidence with its
//! evidence's dates. The write path keeps it current; the rows are built by the application
//! (`gap_summary::ensure`, after the migrations), because the packing is the application's, so
//! this migration only creates the table and marks it as not built (`gap_summary_format` NULL).
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
            .create_table(
                Table::create()
                    .table("gap_summary")
                    .col(integer("state_id"))
                    .col(integer("provision_id"))
                    .col(blob("facts"))
                    .primary_key(Index::create().col("state_id").col("provision_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("registry")
                    .add_column(integer_null(Alias::new("gap_summary_format")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("registry")
                    .drop_column(Alias::new("gap_summary_format"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("gap_summary").to_owned())
            .await
    }
}
