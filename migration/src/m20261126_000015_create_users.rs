//! Users: accounts with a role and an argon2id password hash.
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
            record_table("users")
                .col(string_len("email", 254))
                .col(text("password_hash"))
                .col(enum_col("role"))
                .col(boolean("active"))
                .to_owned(),
            vec![unique("users", &["email"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "users").await
    }
}
