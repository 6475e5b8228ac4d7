//! Whether the public may see a record, stored with it (`entity::visibility`): the public's
//! reads test one column instead of recomputing the rule over parents and sources in nested
//! sub-queries on every statement. False until `db::migrate` computes it right after this
//! migration; kept by the write path from then on.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table of records under review.
pub const TABLES: [&str; 11] = [
    "sources",
    "states",
    "forums",
    "evidence",
    "instruments",
    "provisions",
    "provision_links",
    "memberships",
    "commitments",
    "positions",
    "assessments",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(
                            ColumnDef::new(Alias::new("public"))
                                .boolean()
                                .not_null()
                                .default(false),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("public"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
