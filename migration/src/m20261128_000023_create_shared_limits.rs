//! Rate-limit state that several API processes share when the store is PostgreSQL: one
//! token bucket per client (`rate_buckets`) and the failed sign-ins of the last window
//! (`login_failures`). Behind a load balancer every process then charges the same budget and
//! counts the same failures. (SQLite serves one process and keeps these in memory; the tables
//! exist there too, empty, so both stores have one schema.)
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
                .table("rate_buckets")
                .col(string_len("client", 128).primary_key())
                // Tokens left, fractional: the bucket refills continuously.
                .col(double("tokens"))
                .col(timestamp_with_time_zone("last_at"))
                // Whether the last spend was granted (what the upsert reports back).
                .col(boolean("granted"))
                .to_owned(),
            vec![],
        )
        .await?;
        create(
            manager,
            Table::create()
                .table("login_failures")
                .col(big_pk_auto("id"))
                // `pair:<email>|<address>` or `address:<address>`.
                .col(string_len("key", 400))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
            vec![index("login_failures", &["key", "at"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("login_failures").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("rate_buckets").to_owned())
            .await
    }
}
