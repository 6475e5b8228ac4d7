//! Evidence from a competent body (a court's judgment, a treaty body's findings) names the body,
//! its document (UN symbol and paragraphs, application number, ECLI) and the date of the
//! decision, which is not the date of the practice it judged. Absent for every other kind.
use crate::common::enum_col_null;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One column per statement: SQLite alters one column at a time.
fn columns() -> Vec<ColumnDef> {
    vec![
        text_null("authority_body"),
        text_null("authority_reference"),
        date_null("decided_on"),
        enum_col_null("decided_on_precision"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("evidence")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "decided_on_precision",
            "decided_on",
            "authority_reference",
            "authority_body",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("evidence")
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
