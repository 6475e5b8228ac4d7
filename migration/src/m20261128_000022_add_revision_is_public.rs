//! Revisions say whether they changed what the public sees (the record was PUBLISHED before or
//! after the write), so the public change feed (`changes`) pages through them with an index
//! instead of reading every snapshot.
use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

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
                    .table("revisions")
                    .add_column(boolean(Alias::new("is_public")).default(false))
                    .to_owned(),
            )
            .await?;
        // Earlier revisions: the same rule the write path applies, read from the snapshots.
        let backfill = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                "UPDATE revisions SET is_public = 1 \
                 WHERE json_extract(\"before\", '$.status') = 'PUBLISHED' \
                    OR json_extract(\"after\", '$.status') = 'PUBLISHED'"
            }
            _ => {
                "UPDATE revisions SET is_public = TRUE \
                 WHERE \"before\"->>'status' = 'PUBLISHED' OR \"after\"->>'status' = 'PUBLISHED'"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(backfill)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_revisions_public_created")
                    .table("revisions")
                    .col("is_public")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_revisions_public_created")
                    .table("revisions")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("revisions")
                    .drop_column(Alias::new("is_public"))
                    .to_owned(),
            )
            .await
    }
}
