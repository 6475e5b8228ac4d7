//! Connecting to the database, counting statements, migrating and seeding on first start.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx, ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
};
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

/// How long a request waits for a database connection before it is told SERVICE_UNAVAILABLE
/// (the database is down, restarting, or every connection is busy). Short, so that an outage
/// is answered within about two seconds instead of hanging.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long SQLite waits for a lock held by another connection before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Reader connections beside SQLite's single writer.
pub const SQLITE_READERS: u32 = 4;

/// The connections a server uses: reads go to `read`, transactions that write to `write`.
///
/// On PostgreSQL both are the same pool. On a SQLite file, `write` is one connection (SQLite
/// has one writer at a time) and `read` is a pool of read-only connections; the file is in
/// WAL mode, so readers see the last committed state and never block the writer, and a heavy
/// read cannot make a write wait.
#[derive(Clone)]
pub struct Pools {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
    /// Where the query-cost budgets are charged (`shared_limits`), once per request. On
    /// PostgreSQL a small pool of its own whose commits do not wait for the disk
    /// (`synchronous_commit = off`): a crash may forget the last fraction of a second of
    /// charges, which costs nothing, while waiting for a WAL flush on every request held every
    /// request behind the disk (docs/benchmarks.md). Elsewhere the write connection.
    pub limits: DatabaseConnection,
}

/// Connections of the PostgreSQL pool that charges budgets.
pub const LIMIT_CONNECTIONS: u32 = 4;

/// The writing connection, in the schema's data for mutations.
#[derive(Clone)]
pub struct Writer(pub DatabaseConnection);

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// An in-memory SQLite database lives in one connection: it cannot have separate readers.
fn is_sqlite_memory(url: &str) -> bool {
    is_sqlite(url) && (url.contains(":memory:") || url.contains("mode=memory"))
}

fn options(url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.connect_timeout(ACQUIRE_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false);
    opts
}

async fn open(
    mut opts: ConnectOptions,
    counter: &StatementCounter,
) -> Result<DatabaseConnection, DbErr> {
    opts.sqlx_logging(false);
    let mut db = Database::connect(opts).await?;
    let c = counter.0.clone();
    db.set_metric_callback(move |info| {
        c.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql, "statement");
        if info.elapsed > Duration::from_millis(500) {
            tracing::warn!(elapsed_ms = info.elapsed.as_millis() as u64, sql = %info.statement.sql, "slow statement");
        }
    });
    Ok(db)
}

/// Opens the writing connection (the only one the command line needs) and installs the
/// statement counter.
///
/// SQLite gets a single connection in WAL mode with a busy timeout; foreign keys are switched
/// on there.
pub async fn connect(url: &str) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let counter = StatementCounter::default();
    let mut opts = options(url);
    if is_sqlite(url) {
        opts.max_connections(1).min_connections(1);
        let memory = is_sqlite_memory(url);
        // `sqlite://file.db` without `?mode=rwc` would fail with "unable to open database
        // file" on first start; the writer creates the file unless the URL says otherwise.
        let create = !url.contains("mode=");
        opts.map_sqlx_sqlite_opts(move |o| {
            let o = o.foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT);
            // Setting it to false would override a `mode=rwc` given in the URL.
            let o = if create { o.create_if_missing(true) } else { o };
            if memory {
                o
            } else {
                o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            }
        });
    } else {
        opts.max_connections(16);
    }
    let db = open(opts, &counter).await?;
    Ok((db, counter))
}

/// The server's connections: `write` from [`connect`] and, on a SQLite file, a pool of
/// read-only connections beside it. Call after migrating, so the file exists.
pub async fn pools(
    write: DatabaseConnection,
    url: &str,
    counter: &StatementCounter,
) -> Result<Pools, DbErr> {
    if !is_sqlite(url) {
        let mut opts = options(url);
        opts.max_connections(LIMIT_CONNECTIONS)
            .map_sqlx_postgres_opts(|o| o.options([("synchronous_commit", "off")]));
        // Not counted with the request's statements: the budgets are reconciled in the
        // background every 250 ms (`shared_limits`), whatever the requests do.
        let limits = open(opts, &StatementCounter::default()).await?;
        return Ok(Pools {
            read: write.clone(),
            write,
            limits,
        });
    }
    if is_sqlite_memory(url) {
        return Ok(Pools {
            read: write.clone(),
            limits: write.clone(),
            write,
        });
    }
    let mut opts = options(url);
    opts.max_connections(SQLITE_READERS).min_connections(1);
    opts.map_sqlx_sqlite_opts(|o| {
        o.read_only(true)
            .create_if_missing(false)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
    });
    let read = open(opts, counter).await?;
    Ok(Pools {
        read,
        limits: write.clone(),
        write,
    })
}

/// Applies every pending migration, brings the stored public visibility in line with the rule
/// (`entity::visibility::store_public`), then builds the gap summary if this database has none in
/// the current layout yet (`entity::gap_summary::ensure`) and keys the rationales that have no
/// key yet (`entity::rationale_key`).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    // The stored public visibility, checked against the rule (and set on a database that has
    // just gained the column): only rows found wrong are written.
    let corrected = entity::visibility::store_public(db).await?;
    if corrected > 0 {
        tracing::info!(
            records = corrected,
            "stored the public visibility of records"
        );
    }
    if entity::gap_summary::ensure(db).await? {
        tracing::info!("built the gap summary");
    }
    let keyed = entity::rationale_key::refresh(db, entity::rationale_key::Which::Unkeyed).await?;
    if keyed > 0 {
        tracing::info!(
            assessments = keyed,
            "keyed rationales written before keys existed"
        );
    }
    Ok(())
}

/// Whether the registry holds no states yet (a fresh database).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(entity::state::Entity::find().count(db).await? == 0)
}
