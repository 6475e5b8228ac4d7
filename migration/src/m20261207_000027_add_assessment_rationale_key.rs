//! An assessment's rationale reduced to what is left once state names are masked, so that a
//! rationale copied from another case with only the state changed is found by one indexed
//! look-up (`entity::domain::standard`). Absent on rows written before this change until they
//! are next written; the seed loader and the API fill it.
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
            .alter_table(
                Table::alter()
                    .table("assessments")
                    .add_column(string_len_null("rationale_key", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::common::index("assessments", &["rationale_key"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_assessments_rationale_key")
                    .table("assessments")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("assessments")
                    .drop_column(Alias::new("rationale_key"))
                    .to_owned(),
            )
            .await
    }
}
