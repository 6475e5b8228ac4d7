//! Instruments: the texts forums adopt.
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
            record_table("instruments")
                .col(string_len("slug", 80))
                .col(string_len_null("symbol", 120))
                .col(text("title"))
                .col(enum_col("kind"))
                .col(enum_col("bindingness"))
                .col(integer_null("forum_id"))
                .col(date_null("adopted_on"))
                .col(enum_col_null("adopted_on_precision"))
                .col(enum_col_null("adoption_mode"))
                .col(text_null("url"))
                .col(text_null("summary"))
                .foreign_key(&mut fk(
                    "instruments",
                    "forum_id",
                    "forums",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                unique("instruments", &["slug"]),
                index("instruments", &["forum_id"]),
                index("instruments", &["kind"]),
                index("instruments", &["adopted_on"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "instruments").await
    }
}
