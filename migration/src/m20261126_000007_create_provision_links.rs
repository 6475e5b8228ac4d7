//! Provision links: the crosswalk between provisions.
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
            record_table("provision_links")
                .col(integer("from_id"))
                .col(integer("to_id"))
                .col(enum_col("relation"))
                .col(text("rationale"))
                .foreign_key(&mut fk(
                    "provision_links",
                    "from_id",
                    "provisions",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "provision_links",
                    "to_id",
                    "provisions",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                unique("provision_links", &["from_id", "to_id", "relation"]),
                index("provision_links", &["to_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "provision_links").await
    }
}
