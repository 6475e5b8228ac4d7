//! Outages: the database going away, coming back, and ending connections. What a client sees
//! must be honest (SERVICE_UNAVAILABLE, HTTP 503, `Retry-After`, within about two seconds) and
//! what was acknowledged must stay saved. They need PostgreSQL (a proxy in front of it plays the
//! outage); on SQLite they say so and return. The full fault test, with a PostgreSQL cluster of
//! its own restarted and killed under load, is `.ci/faults` (docs/ARCHITECTURE.md, "Outages").

use crate::helpers::{code, spawn_app, TestDb, TEST_SECRET};
use crate::hostile::still_up;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An outage must be answered within this: one wait for a connection (2 s) and a margin.
const FAST: Duration = Duration::from_millis(3000);

/// PostgreSQL's reply to a COMMIT (CommandComplete, "COMMIT"), as it crosses the wire.
const COMMIT_DONE: &[u8] = b"C\x00\x00\x00\x0bCOMMIT\x00";

type Task = tokio::task::JoinHandle<()>;

/// A TCP proxy in front of PostgreSQL that can be cut and restored, to play an outage: cut, its
/// port is closed, so connecting is refused as it is when PostgreSQL is stopped (and the
/// driver keeps trying until its timeout). It can also cut itself the moment the database
/// confirms a COMMIT, to play a database that goes away right after a write was saved.
#[derive(Clone)]
struct Proxy {
    port: u16,
    inner: Arc<Inner>,
}

struct Inner {
    target: String,
    accepting: Mutex<Option<Task>>,
    links: Mutex<Vec<Task>>,
    cut_after_commit: AtomicBool,
}

impl Inner {
    /// Closes the port and ends every link.
    fn cut(&self) {
        if let Some(task) = self.accepting.lock().expect("accepting").take() {
            task.abort();
        }
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }
}

/// Carries one connection both ways, watching the database's replies for a COMMIT.
async fn carry(inbound: tokio::net::TcpStream, inner: Arc<Inner>) {
    let Ok(outbound) = tokio::net::TcpStream::connect(&inner.target).await else {
        return;
    };
    let (mut client_in, mut client_out) = inbound.into_split();
    let (mut db_in, mut db_out) = outbound.into_split();
    let to_db = async {
        let _ = tokio::io::copy(&mut client_in, &mut db_out).await;
    };
    let to_client = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match db_in.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if client_out.write_all(&buf[..n]).await.is_err() {
                break;
            }
            let committed = buf[..n]
                .windows(COMMIT_DONE.len())
                .any(|w| w == COMMIT_DONE);
            if committed && inner.cut_after_commit.swap(false, Ordering::SeqCst) {
                let _ = client_out.flush().await;
                inner.cut();
                break;
            }
        }
    };
    tokio::join!(to_db, to_client);
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let proxy = Proxy {
            port: listener.local_addr().expect("address").port(),
            inner: Arc::new(Inner {
                target,
                accepting: Mutex::new(None),
                links: Mutex::new(Vec::new()),
                cut_after_commit: AtomicBool::new(false),
            }),
        };
        proxy.accept(listener);
        proxy
    }

    fn accept(&self, listener: tokio::net::TcpListener) {
        let inner = self.inner.clone();
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let link = tokio::spawn(carry(inbound, inner.clone()));
                inner.links.lock().expect("links").push(link);
            }
        });
        *self.inner.accepting.lock().expect("accepting") = Some(task);
    }

    fn cut(&self) {
        self.inner.cut();
    }

    /// The next COMMIT the database confirms is the last thing that crosses.
    fn cut_after_next_commit(&self) {
        self.inner.cut_after_commit.store(true, Ordering::SeqCst);
    }

    /// Opens the port again.
    async fn restore(&self) {
        for _ in 0..50 {
            if let Ok(listener) = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                self.accept(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the proxy's port could not be opened again");
    }
}

/// A server whose every connection to the test database goes through a [`Proxy`], or `None` on
/// SQLite. `edit` adjusts the configuration.
async fn behind_proxy(
    test_db: &TestDb,
    edit: impl FnOnce(&mut api::Config),
) -> Option<(Proxy, String)> {
    if !test_db.is_postgres() {
        return None;
    }
    let url = url::Url::parse(&test_db.url).expect("a URL");
    let target = format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(target).await;
    let mut proxied = url.clone();
    proxied.set_port(Some(proxy.port)).expect("a port");
    // In clear, so that the proxy can see the database confirm a COMMIT.
    proxied.query_pairs_mut().append_pair("sslmode", "disable");
    let mut config = crate::helpers::config(proxied.as_str(), true);
    edit(&mut config);
    let app = api::App::build(config).await.expect("the app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Some((proxy, base))
}

/// An answer: status, `Retry-After`, body, and how long it took.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
    took: Duration,
}

async fn answer(req: reqwest::RequestBuilder) -> Answer {
    let started = Instant::now();
    let resp = req.send().await.expect("an answer");
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        body,
        took: started.elapsed(),
    }
}

/// A 503 that says when to retry, answered fast.
fn assert_unavailable(what: &str, a: &Answer) {
    assert_eq!(a.status, 503, "{what}: {}", a.body);
    assert_eq!(
        code(&a.body["errors"][0]),
        "SERVICE_UNAVAILABLE",
        "{what}: {}",
        a.body
    );
    assert_eq!(
        a.retry_after.as_deref(),
        Some("2"),
        "{what}: a 503 says when to retry"
    );
    assert!(a.took < FAST, "{what}: answered in {:?}", a.took);
}

/// Every kind of request meets one deadline for reaching the database, however many steps it
/// has: an anonymous POST (a budget charge, then the query), a GET (the data version for the
/// ETag, a budget charge, the query) and `/readyz`. Before, each step waited its own 2 s: 4 s
/// for the POST, 6 s for the GET.
#[tokio::test]
async fn a_down_database_answers_service_unavailable_fast_and_recovers() {
    let test_db = TestDb::new().await;
    let Some((proxy, base)) = behind_proxy(&test_db, |_| {}).await else {
        eprintln!("a_down_database_...: needs PostgreSQL (TEST_DATABASE_URL); skipped on SQLite");
        return;
    };
    let client = reqwest::Client::new();
    let query = "{ registry { dataVersion } states(first: 1) { nodes { code } } }";
    let post = || {
        client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query }))
    };
    let get = || {
        client
            .get(format!("{base}/graphql"))
            .query(&[("query", query)])
    };
    let a = answer(post()).await;
    assert_eq!(a.status, 200, "{}", a.body);

    proxy.cut();
    assert_unavailable("POST", &answer(post()).await);
    assert_unavailable("GET", &answer(get()).await);
    let started = Instant::now();
    let ready = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < FAST,
        "readyz in {:?}",
        started.elapsed()
    );

    proxy.restore().await;
    let mut recovered = false;
    for _ in 0..20 {
        if answer(post()).await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the server recovered by itself");
}

/// A write the database confirmed is answered as saved, even when the database goes away the
/// moment after: the answer is built from what the transaction returned, and nothing after the
/// commit (the cost model's re-measurement runs in the background) can turn it into "503,
/// retry" for a record already written. Before, `publish` read the record again after the
/// commit and answered SERVICE_UNAVAILABLE.
#[tokio::test]
async fn a_write_saved_just_before_an_outage_is_answered_as_saved() {
    use sea_orm::{ConnectionTrait, Statement};
    let test_db = TestDb::new().await;
    let writable = |c: &mut api::Config| {
        c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
        c.writes_enabled = true;
    };
    let Some((proxy, base)) = behind_proxy(&test_db, writable).await else {
        eprintln!("a_write_saved_...: needs PostgreSQL (TEST_DATABASE_URL); skipped on SQLite");
        return;
    };
    let direct = sea_orm::Database::connect(test_db.url.as_str())
        .await
        .expect("a direct connection");
    let password = "a-test-password-123";
    api::schema::user::create_user(
        &direct,
        "test",
        None,
        "editor@example.org",
        password,
        entity::UserRole::Editor,
    )
    .await
    .map_err(|e| e.message())
    .expect("an editor");
    let client = reqwest::Client::new();
    let post = |token: Option<&str>, query: &str, variables: Value| {
        let req = client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    };
    let login = answer(post(
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": "editor@example.org", "p": password }),
    ))
    .await;
    let token = login.body["data"]["login"]["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let created = answer(post(
        Some(&token),
        r#"mutation { createSource(input: { key: "saved-before-outage", kind: NEWS, tier: PUBLISHER, title: "Saved before an outage", publisher: "Test", url: "https://example.org/outage" }) { id version } }"#,
        json!({}),
    ))
    .await;
    let source = &created.body["data"]["createSource"];
    assert!(source["id"].is_string(), "{}", created.body);

    proxy.cut_after_next_commit();
    let published = answer(post(
        Some(&token),
        "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { ... on Source { key version } } }",
        json!({ "id": source["id"], "v": source["version"] }),
    ))
    .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert!(published.body.get("errors").is_none(), "{}", published.body);
    let node = &published.body["data"]["publish"];
    assert_eq!(node["key"], "saved-before-outage", "{}", published.body);
    assert_eq!(
        node["version"],
        source["version"].as_i64().expect("a version") + 1
    );
    assert!(
        published.took < Duration::from_millis(1500),
        "answered in {:?}",
        published.took
    );

    // It is saved, as answered; and the database is indeed out of reach for the server now.
    let row = direct
        .query_one_raw(Statement::from_string(
            direct.get_database_backend(),
            "SELECT status FROM sources WHERE key = 'saved-before-outage'",
        ))
        .await
        .expect("read")
        .expect("the source");
    let status: String = row.try_get("", "status").expect("a status");
    assert_eq!(status, "PUBLISHED");
    assert_unavailable(
        "a read after the outage",
        &answer(post(None, "{ registry { dataVersion } }", json!({}))).await,
    );
    proxy.restore().await;
}

/// PostgreSQL ending a connection under a waiting statement ("terminating connection due to
/// administrator command", SQLSTATE 57P01, what a fast shutdown sends every backend) is the
/// database going away, not a bug: SERVICE_UNAVAILABLE with HTTP 503 and `Retry-After`, never
/// INTERNAL_SERVER_ERROR.
#[tokio::test]
async fn a_connection_the_server_terminates_answers_service_unavailable() {
    use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, TransactionTrait};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        eprintln!("a_connection_the_server_terminates_...: needs PostgreSQL; skipped on SQLite");
        return;
    }
    // Hold the states table, so that the API's read waits on a lock we can see.
    let locker = app.test_db_connect().await;
    let txn = locker.begin().await.expect("a transaction");
    txn.execute_unprepared("LOCK TABLE states IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("the lock");
    let client = reqwest::Client::new();
    let url = format!("{}/graphql", app.address);
    let asked = tokio::spawn(async move {
        let resp = client
            .post(url)
            .json(&json!({ "query": "{ states(first: 1) { nodes { code } } }" }))
            .send()
            .await
            .expect("an answer");
        let status = resp.status().as_u16();
        let retry = resp.headers().get("retry-after").is_some();
        let body: Value = resp.json().await.expect("json");
        (status, retry, body)
    });
    #[derive(FromQueryResult)]
    struct Waiting {
        pid: i32,
    }
    let admin = app.test_db_connect().await;
    let mut terminated = false;
    for _ in 0..100 {
        let waiting = Waiting::find_by_statement(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        ))
        .all(&admin)
        .await
        .expect("pg_stat_activity");
        if let Some(w) = waiting.first() {
            admin
                .execute_unprepared(&format!("SELECT pg_terminate_backend({})", w.pid))
                .await
                .expect("terminate");
            terminated = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(terminated, "the API's statement never waited on the lock");
    let (status, retry, body) = asked.await.expect("the request");
    txn.rollback().await.ok();
    assert_eq!(code(&body["errors"][0]), "SERVICE_UNAVAILABLE", "{body}");
    assert_eq!(status, 503, "{body}");
    assert!(retry, "a 503 says when to retry");
    still_up(&app).await;
}

/// SQLite: another process writing to the file (`normwatch user create` beside a running
/// server; here a connection of its own, opened as the command line opens one) makes the
/// server's writes wait out the busy timeout, not fail. Before, a transaction that had read
/// before another connection wrote failed at once with "database is locked" (SQLite code 517),
/// and a few writes in every such run were refused with 503.
#[tokio::test]
async fn sqlite_writes_wait_for_another_process_instead_of_failing() {
    use crate::helpers::spawn_writable_app;
    let app = spawn_writable_app().await;
    if app.db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        eprintln!("sqlite_writes_wait_...: SQLite's single writer only; skipped on PostgreSQL");
        return;
    }
    let editor = app
        .user_token("editor@example.org", entity::UserRole::Editor)
        .await;
    let cli = app.test_db_connect().await;
    // Each writer corrects its own source over and over: an update reads the record (and its
    // version) before it writes, which is what another process's commit used to break.
    let writer = |w: usize| {
        let (app, editor) = (&app, &editor);
        async move {
            let created = app
                .data_as(
                    editor,
                    &format!("mutation {{ createSource(input: {{ key: \"beside-{w}\", kind: NEWS, tier: PUBLISHER, title: \"Written beside another process\", publisher: \"Test\", url: \"https://example.org/beside\" }}) {{ id version }} }}"),
                )
                .await;
            let id = created["createSource"]["id"].clone();
            let mut version = created["createSource"]["version"]
                .as_i64()
                .expect("a version");
            let mut refused = Vec::new();
            for i in 0..15 {
                let resp = app
                    .post_as(
                        editor,
                        "mutation($id: ID!, $v: Int!, $n: String!) { updateSource(id: $id, version: $v, input: { note: $n }) { version } }",
                        json!({ "id": id, "v": version, "n": format!("correction {i}") }),
                    )
                    .await;
                match resp["data"]["updateSource"]["version"].as_i64() {
                    Some(v) => version = v,
                    None => refused.push(resp.to_string()),
                }
            }
            refused
        }
    };
    // The other process: accounts created (what `normwatch user create` writes), and writes
    // that hold the lock for a moment, as a longer command (a seed load, a migration) does.
    let other_process = async {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        for i in 0..6 {
            api::schema::user::create_user(
                &cli,
                "cli",
                None,
                &format!("cli-{i}@example.org"),
                "a-test-password-123",
                entity::UserRole::Viewer,
            )
            .await
            .map_err(|e| e.message())
            .expect("the other process's write waits its turn too");
            let txn = cli.begin().await.expect("begin");
            txn.execute_unprepared("UPDATE registry SET data_version = data_version")
                .await
                .expect("the other process holds the write lock");
            tokio::time::sleep(Duration::from_millis(150)).await;
            txn.commit().await.expect("commit");
        }
    };
    let (a, b, c, ()) = tokio::join!(writer(0), writer(1), writer(2), other_process);
    let refused: Vec<String> = [a, b, c].concat();
    assert!(refused.is_empty(), "writes refused: {refused:?}");
}
