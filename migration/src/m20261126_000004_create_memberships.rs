//! Memberships: a state in a forum over time.
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
            record_table("memberships")
                .col(integer("state_id"))
                .col(integer("forum_id"))
                .col(enum_col("role"))
                .col(date_null("valid_from"))
                .col(enum_col_null("valid_from_precision"))
                .col(date_null("valid_to"))
                .col(enum_col_null("valid_to_precision"))
                .col(text_null("note"))
                .foreign_key(&mut fk(
                    "memberships",
                    "state_id",
                    "states",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "memberships",
                    "forum_id",
                    "forums",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                index("memberships", &["state_id"]),
                index("memberships", &["forum_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "memberships").await
    }
}
