//! Revisions record the role the actor had when writing, so the public can be told who wrote
//! (an editor, a contributor, the seed loader) without being told which person.
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
                    .table("revisions")
                    .add_column(string_len_null(Alias::new("actor_role"), 32))
                    .to_owned(),
            )
            .await?;
        // Earlier revisions: the actor's role today is the best that is known.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE revisions SET actor_role = \
                 (SELECT role FROM users WHERE users.id = revisions.actor_id) \
                 WHERE actor_id IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("revisions")
                    .drop_column(Alias::new("actor_role"))
                    .to_owned(),
            )
            .await
    }
}
