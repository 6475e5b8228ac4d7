//! Commitments: a state bound or aligned to an instrument, with a publication status.
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
            record_table("commitments")
                .col(integer("state_id"))
                .col(integer("instrument_id"))
                .col(integer_null("forum_id"))
                .col(enum_col("act"))
                .col(enum_col("modality"))
                .col(date_null("valid_from"))
                .col(enum_col_null("valid_from_precision"))
                .col(date_null("valid_to"))
                .col(enum_col_null("valid_to_precision"))
                .col(text_null("note"))
                .col(enum_col("status"))
                .foreign_key(&mut fk(
                    "commitments",
                    "state_id",
                    "states",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "commitments",
                    "instrument_id",
                    "instruments",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "commitments",
                    "forum_id",
                    "forums",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            vec![
                unique("commitments", &["state_id", "instrument_id", "act"]),
                index("commitments", &["instrument_id"]),
                index("commitments", &["forum_id"]),
                index("commitments", &["status"]),
                index("commitments", &["valid_from"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "commitments").await
    }
}
