//! Several API processes on one PostgreSQL database behave as one: one cost budget per
//! client, one sign-in throttle, and a write through one process is read through the other at
//! once. The processes are the real binary, started twice.

use crate::helpers::{TestDb, TEST_SECRET};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server on drop, so a failed assertion leaves no process behind.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The settings both processes share: a small budget that barely refills, two failed sign-ins.
fn configure(cmd: &mut Command, db: &TestDb) {
    cmd.env("DATABASE_URL", &db.url)
        .env("NORMWATCH_JWT_SECRET", TEST_SECRET)
        .env("NORMWATCH_RATE_LIMIT_CAPACITY", "100")
        .env("NORMWATCH_RATE_LIMIT_PER_MINUTE", "1")
        .env("NORMWATCH_MAX_COMPLEXITY", "100")
        .env("NORMWATCH_LOGIN_ATTEMPTS", "2")
        .env_remove("NORMWATCH_SEED_DIR");
}

async fn start(db: &TestDb, client: &reqwest::Client) -> Server {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_normwatch"));
    cmd.arg("serve")
        .env("NORMWATCH_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    configure(&mut cmd, db);
    let server = Server {
        child: cmd.spawn().expect("the server starts"),
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let ready = client.get(format!("{}/readyz", server.url)).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "{} never became ready",
            server.url
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn post(
    client: &reqwest::Client,
    server: &Server,
    token: Option<&str>,
    query: &str,
) -> Value {
    let mut req = client
        .post(format!("{}/graphql", server.url))
        .json(&json!({ "query": query }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("sent").json().await.expect("JSON")
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn two_processes_share_budgets_throttles_and_data() {
    let db = TestDb::new().await;
    if !db.is_postgres() {
        // Past libtest's capture (it takes only `eprint!`), so the skip shows in every log.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "normwatch tests: two-process test skipped: it needs PostgreSQL (SQLite serves one process)"
        );
        return;
    }
    let client = reqwest::Client::new();
    // The first process migrates and loads the bundled data; the second finds them there.
    let a = start(&db, &client).await;
    let mut create = Command::new(env!("CARGO_BIN_EXE_normwatch"));
    create
        .args([
            "user",
            "create",
            "--email",
            "editor@example.org",
            "--role",
            "EDITOR",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    configure(&mut create, &db);
    let mut child = create.spawn().expect("user create runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "a-long-enough-password").expect("password");
    }
    assert!(child.wait().expect("user create ends").success());
    let b = start(&db, &client).await;

    // Sign-in failures count across both processes: two allowed, the third refused.
    let wrong = r#"mutation { login(email: "nobody@example.org", password: "wrong-password-123") { token } }"#;
    assert_eq!(
        code(&post(&client, &a, None, wrong).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(&post(&client, &b, None, wrong).await),
        "UNAUTHENTICATED"
    );
    let third = post(&client, &a, None, wrong).await;
    assert_eq!(
        code(&third),
        "RATE_LIMITED",
        "the throttle did not count both processes: {third}"
    );

    // A write through A is read through B at once, and both report the same data version.
    let login = post(
        &client,
        &b,
        None,
        r#"mutation { login(email: "editor@example.org", password: "a-long-enough-password") { token } }"#,
    )
    .await;
    let token = login["data"]["login"]["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let created = post(&client, &a, Some(&token), r#"mutation { createCommitment(input: { state: "CHL", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#).await;
    let c = &created["data"]["createCommitment"];
    let published = post(
        &client,
        &a,
        Some(&token),
        &format!(
            "mutation {{ publish(id: \"{}\", version: {}) {{ id }} }}",
            c["id"].as_str().expect("id"),
            c["version"]
        ),
    )
    .await;
    assert!(published["errors"].is_null(), "{published}");
    let seen = post(
        &client,
        &b,
        Some(&token),
        &format!(
            "{{ node(id: \"{}\") {{ id }} registry {{ dataVersion }} }}",
            c["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(seen["data"]["node"]["id"], c["id"], "{seen}");
    let version_a = post(&client, &a, Some(&token), "{ registry { dataVersion } }").await;
    assert_eq!(
        version_a["data"]["registry"]["dataVersion"],
        seen["data"]["registry"]["dataVersion"]
    );

    // One cost budget per client over both processes. Each query costs 27 of 100 (the
    // sign-ins above spent a little too); each process charges its own view of the shared
    // bucket and reconciles it every 250 ms (`shared_limits::SharedBudgets`). A burst through
    // both at once gets at most two buckets' worth (the documented bound: 3 queries per
    // process), never more; two separate budgets refilling apart would keep granting.
    let q = "{ states(first: 25) { nodes { code } } }";
    let mut granted = 0;
    for server in [&a, &b, &a, &b, &a, &b, &a, &b, &a, &b] {
        let answer = post(&client, server, None, q).await;
        if code(&answer) != "RATE_LIMITED" {
            assert!(answer["errors"].is_null(), "{answer}");
            granted += 1;
        }
    }
    assert!(
        (1..=6).contains(&granted),
        "a burst through two processes was granted {granted} queries of 27 from a budget of 100"
    );
    // Once both have reconciled, the one bucket is spent (in debt after a burst) and both
    // refuse: the burst is paid back, not forgotten.
    tokio::time::sleep(api::shared_limits::RECONCILE_EVERY * 3).await;
    for server in [&a, &b] {
        let answer = post(&client, server, None, q).await;
        assert_eq!(
            code(&answer),
            "RATE_LIMITED",
            "after reconciling, {} still granted: {answer}",
            server.url
        );
    }
}

#[tokio::test]
async fn full_buckets_are_swept_from_the_shared_table() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    if !db.is_postgres() {
        return; // SQLite keeps budgets in memory (see the test above)
    }
    let conn = db.connect().await;
    api::db::migrate(&conn).await.expect("migrate");
    conn.execute_unprepared(
        "INSERT INTO rate_buckets (client, tokens, last_at, granted) \
         VALUES ('ip:stale', 3, now() - interval '2 days', true)",
    )
    .await
    .expect("a stale bucket");
    // 1,000 tokens refilling at 1,000 a minute: a bucket unused for a minute is full again.
    let budgets = api::shared_limits::SharedBudgets::new(conn.clone(), 1_000, 1_000);
    let spent = budgets.try_spend("ip:busy", 0).await.expect("charged");
    assert!(spent.is_ok());
    for _ in 0..api::shared_limits::SWEEP_EVERY {
        budgets.reconcile().await.expect("reconciled");
    }
    let clients: Vec<String> = conn
        .query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT client FROM rate_buckets ORDER BY client",
        ))
        .await
        .expect("rows")
        .iter()
        .map(|r| r.try_get::<String>("", "client").expect("client"))
        .collect();
    assert_eq!(clients, ["ip:busy"], "the full, stale bucket was kept");
}
