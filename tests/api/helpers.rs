//! `spawn_app()` and friends: a fresh database per test, the real server on port 0.

use api::{db::StatementCounter, App, Config};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use std::sync::Once;
use testcontainers_modules::{
    postgres::Postgres,
    testcontainers::{runners::AsyncRunner, ContainerAsync, ImageExt},
};
use tokio::sync::OnceCell;

/// Where test databases come from, decided once per test run.
enum Backend {
    /// A PostgreSQL server; each test creates its own database on it.
    Postgres {
        admin_url: String,
    },
    Sqlite,
}

static BACKEND: OnceCell<Backend> = OnceCell::const_new();
/// Keeps a testcontainers PostgreSQL alive for the whole run, when Docker answers.
static CONTAINER: OnceCell<Option<ContainerAsync<Postgres>>> = OnceCell::const_new();
static TRACING: Once = Once::new();

/// Says which database the run uses, once, past libtest's output capture (which only takes
/// `print!`/`eprint!`), so that it shows in every test log.
fn announce(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "normwatch tests: {line}");
}

async fn backend() -> &'static Backend {
    BACKEND
        .get_or_init(|| async {
            let chosen = match std::env::var("TEST_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
            {
                Some(url) if url.starts_with("sqlite") => {
                    announce(&format!("SQLite (TEST_DATABASE_URL={url})"));
                    Backend::Sqlite
                }
                Some(url) => {
                    announce("PostgreSQL from TEST_DATABASE_URL");
                    Backend::Postgres { admin_url: url }
                }
                None => {
                    let container = CONTAINER
                        .get_or_init(|| async {
                            Postgres::default().with_tag("16-alpine").start().await.ok()
                        })
                        .await;
                    match container {
                        Some(c) => {
                            let port = c.get_host_port_ipv4(5432).await.unwrap_or(5432);
                            announce(&format!("PostgreSQL from testcontainers (port {port})"));
                            Backend::Postgres {
                                admin_url: format!(
                                    "postgres://postgres:postgres@127.0.0.1:{port}/postgres"
                                ),
                            }
                        }
                        None => {
                            announce("SQLite (no TEST_DATABASE_URL and no Docker engine)");
                            Backend::Sqlite
                        }
                    }
                }
            };
            chosen
        })
        .await
}

/// A database made for one test and dropped after it.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Postgres { admin_url: String, name: String },
    Sqlite { path: std::path::PathBuf },
}

impl TestDb {
    pub async fn new() -> TestDb {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend().await {
            Backend::Postgres { admin_url } => {
                let name = format!("normwatch_test_{id}");
                let admin = Database::connect(admin_url.as_str())
                    .await
                    .expect("connect to the admin database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let url = match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("TEST_DATABASE_URL has no database name: {admin_url}"),
                };
                TestDb {
                    url,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                }
            }
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("normwatch_test_{id}.db"));
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::Sqlite { path },
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }

    /// A fresh connection to this database.
    pub async fn connect(&self) -> DatabaseConnection {
        api::db::connect(&self.url)
            .await
            .expect("connect to the test database")
            .0
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite { path } => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: do the async work on a thread of its own.
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(async {
                            if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                                let _ = admin
                                    .execute_unprepared(&format!(
                                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                    ))
                                    .await;
                                let _ = admin.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub statements: StatementCounter,
    pub db: DatabaseConnection,
    /// Dropped with the app: removes the test database.
    _test_db: TestDb,
}

/// Test configuration: the given database, port 0, defaults for everything else.
pub fn config(url: &str, seed: bool) -> Config {
    let mut c = Config::from_lookup(|_| None).expect("default config is valid");
    c.database_url = url.to_string();
    c.addr = "127.0.0.1:0".parse().expect("valid address");
    c.seed_on_start = seed;
    c
}

/// Starts the server with the bundled data loaded.
pub async fn spawn_app() -> TestApp {
    spawn_with(true, |_| {}).await
}

/// Starts the server with the bundled data and a configuration changed by `edit`.
pub async fn spawn_app_with(edit: impl FnOnce(&mut Config)) -> TestApp {
    spawn_with(true, edit).await
}

/// The HS256 secret of writable test apps.
pub const TEST_SECRET: &str = "normwatch-test-secret-0123456789abcdef";

/// Starts a server that accepts writes (signed with [`TEST_SECRET`]), with the bundled data.
#[allow(dead_code)] // used by some test modules only
pub async fn spawn_writable_app() -> TestApp {
    spawn_with(true, |c| {
        c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
        c.writes_enabled = true;
    })
    .await
}

/// Starts the server on an empty (migrated) database.
pub async fn spawn_empty_app() -> TestApp {
    spawn_with(false, |_| {}).await
}

async fn spawn_with(seed: bool, edit: impl FnOnce(&mut Config)) -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            api::telemetry::init(api::config::LogFormat::Text);
        }
    });
    let test_db = TestDb::new().await;
    let mut c = config(&test_db.url, seed);
    edit(&mut c);
    let app = App::build(c).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let statements = app.statements();
    let db = app.db();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        statements,
        db,
        _test_db: test_db,
    }
}

impl TestApp {
    /// POSTs a GraphQL query and returns the whole JSON response.
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("a JSON response")
    }

    /// The number a SQL query selects as `n` (e.g. `SELECT COUNT(*) AS n FROM ...`), read
    /// straight from the test database: what a test checks the API against.
    pub async fn count(&self, sql: &str) -> i64 {
        let statement = sea_orm::Statement::from_string(self.db.get_database_backend(), sql);
        let row = self
            .db
            .query_one_raw(statement)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or_else(|| panic!("{sql}: no row"));
        row.try_get("", "n")
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let resp = self.post(query, variables).await;
        assert!(resp.get("errors").is_none(), "unexpected errors: {resp:#}");
        resp["data"].clone()
    }

    /// `data` without variables, with the number of SQL statements the server ran meanwhile.
    #[allow(dead_code)] // used by some test modules only
    pub async fn data_counted(&self, query: &str) -> (Value, u64) {
        self.settle().await;
        let before = self.statements.get();
        let answer = self.data(query, json!({})).await;
        (answer, self.statements.get() - before)
    }

    /// Waits until the server has run no statement for 300 ms (at most 5 s): what a write
    /// leaves running in the background (the cost model's re-measurement) is over, so that a
    /// count of the next request's statements counts only them.
    pub async fn settle(&self) {
        let started = std::time::Instant::now();
        let mut last = self.statements.get();
        while started.elapsed() < std::time::Duration::from_secs(5) {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let now = self.statements.get();
            if now == last {
                return;
            }
            last = now;
        }
    }

    /// POSTs a query that must fail and returns its first error.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let resp = self.post(query, variables).await;
        resp["errors"][0].clone()
    }

    /// POSTs a query with a bearer token.
    #[allow(dead_code)]
    /// A fresh connection of its own to the test database.
    #[allow(dead_code)]
    pub async fn test_db_connect(&self) -> DatabaseConnection {
        self._test_db.connect().await
    }

    /// The data of a query sent with a token, failing on any error.
    #[allow(dead_code)]
    pub async fn data_as(&self, token: &str, query: &str) -> Value {
        let resp = self.post_as(token, query, serde_json::json!({})).await;
        assert!(resp.get("errors").is_none(), "unexpected errors: {resp}");
        resp["data"].clone()
    }

    pub async fn post_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("a JSON response")
    }

    /// Creates an account directly in the database and signs it in; returns its token.
    #[allow(dead_code)]
    pub async fn user_token(&self, email: &str, role: entity::UserRole) -> String {
        let password = "a-test-password-123";
        api::schema::user::create_user(&self.db, "test", None, email, password, role)
            .await
            .map_err(|e| e.message())
            .expect("user created");
        let resp = self
            .post(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        resp["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {resp}"))
            .to_string()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}

/// The `code` of an error.
pub fn code(err: &Value) -> &str {
    err["extensions"]["code"].as_str().unwrap_or("<no code>")
}
