//! Sources: the citations every record points to.
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
            record_table("sources")
                .col(string_len("key", 120))
                .col(enum_col("kind"))
                .col(text("title"))
                .col(text("publisher"))
                .col(text_null("url"))
                .col(string_len_null("document_symbol", 120))
                .col(date_null("published_on"))
                .col(enum_col_null("published_on_precision"))
                .col(date_null("accessed_on"))
                .col(enum_col("date_precision"))
                .col(text_null("note"))
                .to_owned(),
            vec![unique("sources", &["key"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "sources").await
    }
}
