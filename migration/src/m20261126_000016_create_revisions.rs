//! Revisions: the audit log, one row per write with before and after.
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
                .table("revisions")
                .col(pk_auto("id"))
                .col(integer_null("actor_id"))
                .col(string_len("actor_label", 254))
                .col(enum_col("record_kind"))
                .col(integer("record_id"))
                .col(enum_col("action"))
                .col(json_null("before"))
                .col(json_null("after"))
                .col(text_null("reason"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "revisions",
                    "actor_id",
                    "users",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                index("revisions", &["record_kind", "record_id"]),
                index("revisions", &["actor_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "revisions").await
    }
}
