//! States: ISO 3166-1 codes, UN M49 regions, UN membership.
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
            record_table("states")
                .col(string_len("code", 3))
                .col(string_len("alpha2", 2))
                .col(string_len("name", 200))
                .col(string_len_null("region", 100))
                .col(string_len_null("subregion", 100))
                .col(boolean("un_member"))
                .col(date_null("un_member_since"))
                .col(enum_col_null("un_member_since_precision"))
                .col(boolean("un_observer"))
                .to_owned(),
            vec![
                unique("states", &["code"]),
                unique("states", &["alpha2"]),
                index("states", &["region"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "states").await
    }
}
