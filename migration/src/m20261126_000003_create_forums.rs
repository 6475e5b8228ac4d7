//! Forums, with an optional parent forum (the HRC under the General Assembly).
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
            record_table("forums")
                .col(string_len("slug", 80))
                .col(string_len("name", 300))
                .col(enum_col("kind"))
                .col(integer_null("parent_id"))
                .col(text_null("url"))
                .col(date_null("established_on"))
                .col(enum_col_null("established_on_precision"))
                .col(text_null("summary"))
                .foreign_key(&mut fk(
                    "forums",
                    "parent_id",
                    "forums",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![unique("forums", &["slug"]), index("forums", &["parent_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "forums").await
    }
}
