//! One position per (state, forum, instrument, provision, kind, date) and one membership per
//! (state, forum, role, valid from), enforced by the database.
//!
//! Instrument, provision and the dates may each be absent, and a plain unique index treats two
//! NULLs as different, so until now the API looked for a match before inserting, which two
//! writers could race. The index is on expressions that replace each absent part by a value no
//! real row holds (id 0, the date 0001-01-01), so an absent part compares equal to an absent
//! part. Both PostgreSQL and SQLite accept this statement as written. A clash is answered as a
//! BAD_USER_INPUT on `kind` or `role` (see the API's `error::UNIQUE_KEYS`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes' names (the API recognises a clash by them on both databases) and the
/// expressions they are on.
const KEYS: &[(&str, &str, &str)] = &[
    (
        "ux_positions_key",
        "positions",
        "state_id, forum_id, COALESCE(instrument_id, 0), COALESCE(provision_id, 0), kind, \
         COALESCE(date, '0001-01-01')",
    ),
    (
        "ux_memberships_key",
        "memberships",
        "state_id, forum_id, role, COALESCE(valid_from, '0001-01-01')",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, on) in KEYS {
            manager
                .get_connection()
                .execute_unprepared(&format!("CREATE UNIQUE INDEX {name} ON {table} ({on})"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in KEYS {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
