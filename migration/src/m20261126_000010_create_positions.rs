//! Positions: stances states took in forums.
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
            record_table("positions")
                .col(integer("state_id"))
                .col(integer("forum_id"))
                .col(integer_null("instrument_id"))
                .col(integer_null("provision_id"))
                .col(enum_col("kind"))
                .col(enum_col("stance"))
                .col(date_null("date"))
                .col(enum_col_null("date_precision"))
                .col(text("summary"))
                .col(enum_col("status"))
                .foreign_key(&mut fk(
                    "positions",
                    "state_id",
                    "states",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "positions",
                    "forum_id",
                    "forums",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "positions",
                    "instrument_id",
                    "instruments",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "positions",
                    "provision_id",
                    "provisions",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                index("positions", &["state_id"]),
                index("positions", &["forum_id"]),
                index("positions", &["instrument_id"]),
                index("positions", &["provision_id"]),
                index("positions", &["date"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "positions").await
    }
}
