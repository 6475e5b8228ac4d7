//! Every record gets a review status and its author, so that every entity can be drafted,
//! published and retracted the same way (the four workflow tables already had a status).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REFERENCE: [&str; 7] = [
    "sources",
    "states",
    "forums",
    "memberships",
    "instruments",
    "provisions",
    "provision_links",
];
const WORKFLOW: [&str; 4] = ["commitments", "positions", "evidence", "assessments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in REFERENCE {
            manager
                .alter_table(
                    Table::alter()
                        .table(t)
                        .add_column(string_len(Alias::new("status"), 32).default("PUBLISHED"))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{t}_status"))
                        .table(t)
                        .col("status")
                        .to_owned(),
                )
                .await?;
        }
        for t in REFERENCE.iter().chain(WORKFLOW.iter()) {
            // No foreign key: SQLite cannot add one to an existing table. Users are never
            // deleted (only deactivated), so the id stays meaningful.
            manager
                .alter_table(
                    Table::alter()
                        .table(*t)
                        .add_column(integer_null(Alias::new("created_by")))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in REFERENCE.iter().chain(WORKFLOW.iter()) {
            manager
                .alter_table(
                    Table::alter()
                        .table(*t)
                        .drop_column(Alias::new("created_by"))
                        .to_owned(),
                )
                .await?;
        }
        for t in REFERENCE {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{t}_status"))
                        .table(t)
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(t)
                        .drop_column(Alias::new("status"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
