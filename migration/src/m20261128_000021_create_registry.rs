//! The registry's data version: one row whose `data_version` every write that changes what the
//! public sees advances, in the same transaction as the write. Several API processes read the
//! same row, so they agree on it; clients read it as `registry { dataVersion updatedAt }` and
//! as the `ETag` of GET responses, and caches key on it.
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
                    .table("registry")
                    .col(integer("id").primary_key())
                    .col(big_integer("data_version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // Version 1 is the state after the migrations, before any data: a database that
        // already holds data gets a new version at its next write.
        let now = sea_orm_migration::sea_orm::prelude::ChronoUtc::now();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("registry")
                    .columns(["id", "data_version", "updated_at"])
                    .values([1.into(), 1i64.into(), now.into()])
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("registry").to_owned())
            .await
    }
}
