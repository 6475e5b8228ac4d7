//! Connecting to the database, counting statements, migrating and seeding on first start.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};
use std::time::Duration;

/// Counts the SQL statements the process has run. Tests use it to prove that nested queries are
/// batched (the count must not grow with the page size); operators can read it in logs.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens a pool and installs the statement counter.
///
/// SQLite gets a single connection: it serialises writers anyway, and one connection avoids
/// "database is locked" errors under concurrent requests. Foreign keys are switched on there.
pub async fn connect(url: &str) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        opts.max_connections(1).min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
    } else {
        opts.max_connections(16);
    }
    let mut db = Database::connect(opts).await?;
    let counter = StatementCounter::default();
    let c = counter.0.clone();
    db.set_metric_callback(move |info| {
        c.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql, "statement");
        if info.elapsed > Duration::from_millis(500) {
            tracing::warn!(elapsed_ms = info.elapsed.as_millis() as u64, sql = %info.statement.sql, "slow statement");
        }
    });
    Ok((db, counter))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether the registry holds no states yet (a fresh database).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(entity::state::Entity::find().count(db).await? == 0)
}
