//! Building and running the server. `main` and the tests go through the same [`App::build`].

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::cost::ShapeCache;
use crate::db::{self, StatementCounter};
use crate::{repo, routes, schema};
use poem::{
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
    Server,
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A built server: connected, migrated, seeded if empty, and bound to its port.
pub struct App {
    config: Config,
    keys: Option<TokenKeys>,
    db: DatabaseConnection,
    pools: db::Pools,
    shape: Arc<ShapeCache>,
    statements: StatementCounter,
    acceptor: TcpAcceptor,
    port: u16,
}

impl App {
    /// Binds the address, then connects, migrates and loads the bundled data into an empty
    /// database.
    pub async fn build(config: Config) -> Result<App, BoxError> {
        // Keys first: a bad key file should stop start-up before anything else happens.
        let keys = TokenKeys::from_config(&config)?;
        // Then the port, before any database work: a port already taken should not cost a
        // migration and a seed load first. Connections that arrive meanwhile wait in the
        // listen backlog until the server runs.
        let acceptor = TcpListener::bind(config.addr)
            .into_acceptor()
            .await
            .map_err(|e| format!("cannot listen on NORMWATCH_ADDR {}: {e}", config.addr))?;
        let (db, statements) = db::connect(&config.database_url)
            .await
            .map_err(|e| format!("cannot open the database at DATABASE_URL: {e}"))?;
        db::migrate(&db)
            .await
            .map_err(|e| format!("migration failed: {e}"))?;
        if config.seed_on_start && db::is_empty(&db).await? {
            let files = config.seed_files();
            let dataset = seed::read_files(&files)?;
            let report = seed::load(&db, &dataset).await?;
            tracing::info!(%report, from = %files, "loaded the seed data into an empty database");
        }
        let pools = db::pools(db.clone(), &config.database_url, &statements)
            .await
            .map_err(|e| format!("cannot open reader connections at DATABASE_URL: {e}"))?;
        let shape = repo::shape::measure(&pools.read)
            .await
            .map_err(|e| format!("cannot measure the registry: {}", e.message()))?;
        let shape = Arc::new(ShapeCache::new(shape));
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or(config.addr.port());
        Ok(App {
            config,
            keys,
            db,
            pools,
            shape,
            statements,
            acceptor,
            port,
        })
    }

    /// The bound port (useful when `NORMWATCH_ADDR` asks for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The number of SQL statements run so far.
    pub fn statements(&self) -> StatementCounter {
        self.statements.clone()
    }

    /// The database connection (tests use it to set up fixtures).
    pub fn db(&self) -> DatabaseConnection {
        self.db.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish (10 s at most).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if self.keys.is_none() {
            tracing::info!("NORMWATCH_JWT_SECRET is not set: serving reads only");
        }
        tracing::info!(
            addr = %self.config.addr.ip(),
            port = self.port,
            "serving GraphQL at /graphql (GraphiQL in a browser)"
        );
        tokio::spawn(Arc::clone(&self.shape).refresh_forever(self.pools.read.clone()));
        // One set of budgets for GraphQL and the export files: a client cannot double its
        // budget by switching between them.
        let limiter = Arc::new(crate::shared_limits::Budgets::new(
            &self.pools.limits,
            self.config
                .rate_limit_capacity
                .max(self.config.max_complexity as u64),
            self.config.rate_limit_per_minute,
        ));
        let schema = schema::build(
            &self.pools,
            &self.config,
            self.keys.clone(),
            self.shape,
            Arc::clone(&limiter),
        );
        let gate = routes::Gate {
            keys: self.keys.clone(),
            timeout: self.config.request_timeout,
            max_batch: self.config.max_batch,
            limiter,
            replies: Arc::new(crate::replies::Replies::default()),
        };
        let metrics = Arc::new(
            crate::metrics::Metrics::new()
                .map_err(|e| std::io::Error::other(format!("cannot register metrics: {e}")))?,
        );
        let app = routes::build(schema, self.pools.clone(), gate, metrics, &self.config);
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown_signal(), Some(Duration::from_secs(10)))
            .await
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
