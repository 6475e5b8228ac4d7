//! Evidence: documented practice, with attribution and a publication status.
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
            record_table("evidence")
                .col(string_len("slug", 120))
                .col(text("title"))
                .col(text("summary"))
                .col(enum_col("kind"))
                .col(date("occurred_from"))
                .col(enum_col("occurred_from_precision"))
                .col(date_null("occurred_to"))
                .col(enum_col_null("occurred_to_precision"))
                .col(text_null("attributed_by"))
                .col(text_null("attribution_basis"))
                .col(enum_col("attribution_status"))
                .col(enum_col("status"))
                .to_owned(),
            vec![
                unique("evidence", &["slug"]),
                index("evidence", &["kind"]),
                index("evidence", &["occurred_from"]),
                index("evidence", &["status"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "evidence").await
    }
}
