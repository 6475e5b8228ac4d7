//! The worst case of one anonymous request within the default limits (issue 9).
//!
//! ```text
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench worst_case
//! ```
//!
//! Starts the release binary (`normwatch serve`) on a fresh database holding the bundled data,
//! with every limit at its default, then:
//!
//! 1. for each kind of expensive request (the gap matrix, a scorecard per state, every
//!    provision's gaps, relation fan-outs, history, inconsistencies, `nodes`, introspection),
//!    builds the largest document the default `NORMWATCH_MAX_COMPLEXITY` accepts (aliases of
//!    the request until the next one would pass the limit) and measures, over three runs, the
//!    time to the last byte, the response size, and the server's peak memory above what it held
//!    before the request (`VmHWM` of the server process, reset before each run);
//! 2. runs `--parallel` clients sending the most expensive of those documents in a loop for
//!    `--seconds`, and meanwhile one client sending a simple query (`state(code:)` with a few
//!    fields), whose latency percentiles it reports.
//!
//! The per-client budget (`NORMWATCH_RATE_LIMIT_CAPACITY`, a rate over time, not a limit of one
//! request) is raised so that the runs are not spaced out by refills and the N clients of one
//! address do not share one budget; every per-request limit keeps its default.
//!
//! Without `BENCH_DATABASE_URL` it runs on a SQLite file in the temporary directory.

use clap::Parser;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Parser, Debug)]
#[command(about = "Normwatch worst-case request benchmark (see docs/benchmarks.md)")]
struct Args {
    /// Clients sending the worst request at once in the second part.
    #[arg(long, default_value_t = 8)]
    parallel: usize,
    /// The request kind the parallel clients send (a part of its name, e.g. `scorecard`);
    /// default: the slowest of the first part.
    #[arg(long)]
    load: Option<String>,
    /// How long the second part runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The complexity limit to test (the default of `NORMWATCH_MAX_COMPLEXITY`).
    #[arg(long, default_value_t = 50_000)]
    limit: u64,
    // `cargo bench` passes `--bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

/// The request kinds, each as one operation that is aliased to fill the limit.
const KINDS: &[(&str, &str)] = &[
    (
        "gap matrix, all states and provisions",
        "gapMatrix { cells { state provision status contradicting supporting } }",
    ),
    (
        "scorecard of each state",
        "states(first: 100) { nodes { code scorecard { committed contradicted counts { status count } byKind { kind counts { status count } } mostContradicted { provision { code } contradicting } } } }",
    ),
    (
        "every provision's gaps",
        "provisions(first: 100) { nodes { code gaps { status state { code } } } }",
    ),
    (
        "gaps page with evidence",
        "gaps(first: 100) { nodes { status state { code } provision { code } commitments { act } contradicting { finding evidence { slug } } } }",
    ),
    (
        "relation fan-out: states",
        "states(first: 100) { nodes { code commitments { act instrument { slug forum { slug } } sources { key } } memberships { forum { slug } } evidence { slug assessments { finding provision { code } } } } }",
    ),
    (
        "relation fan-out: forums",
        "forums(first: 100) { nodes { slug memberships { role state { code name } } instruments { slug provisions { code } } } }",
    ),
    (
        "evidence with history and sources",
        "evidence(first: 100) { nodes { slug title sources { key url title } history(first: 100) { nodes { action createdAt actor after } } assessments { finding rationale } } }",
    ),
    (
        "inconsistencies of every state",
        "inconsistencies(reasons: [SAME_SUBJECT, LINKED_PROVISIONS, WHOLE_TEXT_LINK]) { state { code } reason a { ... on Position { kind stance } ... on Commitment { act } } b { ... on Position { kind stance } ... on Commitment { act } } }",
    ),
    (
        "text search over states",
        "states(first: 100, filter: { search: \"a\" }) { totalCount nodes { code name region } }",
    ),
];

fn server_bin() -> &'static str {
    env!("CARGO_BIN_EXE_normwatch")
}

/// The server's resident memory now and at its peak, in kB (`VmRSS`, `VmHWM`).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak to the current resident size (Linux `clear_refs` 5).
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

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

async fn start(
    database_url: &str,
    port: u16,
    limit: u64,
    budget: Option<u64>,
) -> Result<Server, BoxError> {
    let mut cmd = Command::new(server_bin());
    cmd.arg("serve")
        .env("DATABASE_URL", database_url)
        .env("NORMWATCH_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .env("NORMWATCH_MAX_COMPLEXITY", limit.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(b) = budget {
        cmd.env("NORMWATCH_RATE_LIMIT_CAPACITY", b.to_string())
            .env("NORMWATCH_RATE_LIMIT_PER_MINUTE", b.to_string());
    }
    let child = cmd.spawn()?;
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{}/readyz", server.url)).send().await {
            if r.status().is_success() {
                return Ok(server);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err("the server did not become ready".into())
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    query: &str,
) -> Result<(Value, usize), BoxError> {
    let body = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await?
        .bytes()
        .await?;
    Ok((serde_json::from_slice(&body)?, body.len()))
}

/// The cost of one operation, asked of the server itself (the limit names it when it refuses).
async fn cost_of(client: &reqwest::Client, url: &str, op: &str) -> Result<u64, BoxError> {
    // Within the limit the answer reports its cost; above it, the refusal names it.
    let (resp, _) = post(client, url, &format!("{{ {} }}", aliases(op, 1))).await?;
    if let Some(c) = resp["extensions"]["cost"]["requested"].as_u64() {
        return Ok(c);
    }
    resp["errors"][0]["extensions"]["cost"]
        .as_u64()
        .ok_or_else(|| format!("no cost for {op}: {resp}").into())
}

fn aliases(op: &str, n: u64) -> String {
    (0..n).map(|i| format!("a{i}: {op} ")).collect()
}

struct Row {
    kind: &'static str,
    doc: String,
    aliases: u64,
    cost: u64,
    ms: f64,
    bytes: usize,
    peak_mb: f64,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let (database_url, cleanup) = database().await?;
    let port = free_port()?;
    let result = run(&args, &database_url, port).await;
    cleanup.await;
    result
}

async fn run(args: &Args, database_url: &str, port: u16) -> Result<(), BoxError> {
    let server = start(database_url, port, args.limit, Some(u64::MAX / 4)).await?;
    let pid = server.child.id();
    let client = reqwest::Client::new();
    let mut rows = Vec::new();
    for (kind, op) in KINDS {
        let mut op = op.to_string();
        let mut one = cost_of(&client, &server.url, &op).await?;
        if one > args.limit && op.contains("first: 100") {
            // One page of 100 is over the limit: the largest page that fits instead.
            let first = (100 * args.limit / one).saturating_sub(1).max(1);
            op = op.replacen("first: 100", &format!("first: {first}"), 1);
            one = cost_of(&client, &server.url, &op).await?;
            println!("{kind}: a page of 100 is over the limit; measured with first: {first}");
        }
        if one > args.limit {
            println!("{kind}: one costs {one}, more than the limit: refused");
            continue;
        }
        let n = (args.limit / one.max(1)).max(1);
        let doc = format!("{{ {} }}", aliases(&op, n));
        let mut best: Option<Row> = None;
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let (before, _) = memory(pid);
            reset_peak(pid);
            let t = Instant::now();
            let (resp, bytes) = post(&client, &server.url, &doc).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let (_, peak) = memory(pid);
            if let Some(e) = resp.get("errors") {
                return Err(format!("{kind}: {e}").into());
            }
            let row = Row {
                kind,
                doc: doc.clone(),
                aliases: n,
                cost: resp["extensions"]["cost"]["requested"]
                    .as_u64()
                    .unwrap_or(0),
                ms,
                bytes,
                peak_mb: peak.saturating_sub(before) as f64 / 1024.0,
            };
            // Report the slowest of the three runs: this is a worst case.
            if best.as_ref().is_none_or(|b| row.ms > b.ms) {
                best = Some(row);
            }
        }
        if let Some(row) = best {
            rows.push(row);
        }
    }
    let (rss, _) = memory(pid);
    drop(server);

    println!(
        "\nOne anonymous request at the default limit ({}), slowest of 3 runs:\n",
        args.limit
    );
    println!("| request (aliased to fill the limit) | aliases | cost | time | response | server peak memory above idle |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.0} ms | {:.2} MB | {:.1} MB |",
            r.kind,
            r.aliases,
            r.cost,
            r.ms,
            r.bytes as f64 / 1e6,
            r.peak_mb
        );
    }
    println!(
        "\nserver resident memory after the series: {:.0} MB",
        rss as f64 / 1024.0
    );

    // Part 2: N clients on the worst document, one client on a simple query.
    let chosen = match &args.load {
        Some(part) => rows.iter().find(|r| r.kind.contains(part.as_str())),
        None => rows.iter().max_by(|a, b| a.ms.total_cmp(&b.ms)),
    };
    let Some(worst_row) = chosen else {
        return Err(format!("no request kind matches --load {:?}", args.load).into());
    };
    let worst = worst_row.kind;
    let doc = worst_row.doc.clone();
    let server = start(database_url, free_port()?, args.limit, Some(u64::MAX / 4)).await?;
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut heavy = Vec::new();
    for _ in 0..args.parallel {
        let (client, url, doc) = (reqwest::Client::new(), server.url.clone(), doc.clone());
        heavy.push(tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                if post(&client, &url, &doc).await.is_ok() {
                    done += 1;
                }
            }
            done
        }));
    }
    let simple = "{ state(code: \"MEX\") { code name region unMember } }";
    let mut latencies = Vec::new();
    tokio::time::sleep(Duration::from_millis(500)).await;
    while Instant::now() < deadline {
        let t = Instant::now();
        post(&client, &server.url, simple).await?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut heavy_done = 0;
    for h in heavy {
        heavy_done += h.await.unwrap_or(0);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "\n{} clients sending \"{worst}\" for {} s ({heavy_done} answered); a simple query meanwhile: \
         p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} requests",
        args.parallel,
        args.seconds,
        pct(0.5),
        pct(0.99),
        pct(1.0),
        latencies.len()
    );
    Ok(())
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A fresh database for the run, and what removes it afterwards.
async fn database() -> Result<
    (
        String,
        std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>,
    ),
    BoxError,
> {
    let name = format!("normwatch_worst_{}", std::process::id());
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            use sea_orm::ConnectionTrait;
            let conn = sea_orm::Database::connect(admin.as_str()).await?;
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(b, _)| b)
                .to_owned();
            let url = format!("{base}/{name}");
            let drop = Box::pin(async move {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            });
            Ok((url, drop))
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let drop = Box::pin(async move {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            });
            Ok((url, drop))
        }
    }
}
