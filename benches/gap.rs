//! The gap benchmark (issue 4): how fast the gap queries answer on a registry far larger than
//! the bundled data, and how far they are from the best hand-written SQL.
//!
//! ```text
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo bench --bench gap -- --states 250 --provisions 500 --commitments 100000 \
//!   --evidence 1000000 --assessments 2000000 --iterations 30
//! ```
//!
//! Four steps, one function each, in the order `main` runs them:
//!
//! 1. [`generate`]: a fresh `normwatch_bench` database, migrated, filled with synthetic data by
//!    set-based SQL. Row-by-row inserts through the ORM would take hours at these sizes;
//!    `INSERT ... SELECT ... FROM generate_series` takes minutes, and hashing the series index
//!    makes every run produce the same data, so figures are comparable between runs.
//! 2. [`sql_baseline`]: `benches/gap_matrix.sql`, the gap matrix in one query, timed through the
//!    API's own connection pool. It is the yardstick: the API should stay within 2x of it.
//! 3. [`measure`]: the real server, started in-process on port 0, asked over HTTP, with the SQL
//!    statements each request ran. Timing over HTTP includes everything a client waits for
//!    (parsing, validation, loading, the rules, serialising) and nothing else. Each query is
//!    timed cold (the first request after a published write: the data version is advanced
//!    before each run, as a write does, so no kept answer serves it) and warm (repeated at the
//!    same data version, as a dashboard does).
//! 4. [`report`]: a Markdown table of the figures and the targets, ready for
//!    `docs/benchmarks.md`.
//!
//! The API's and the SQL's gap matrices are compared cell by cell: two independent
//! implementations of `docs/gap-method.md` that agree on 125,000 cells check each other.

use api::{db::StatementCounter, App, Config};
use clap::Parser;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement, TransactionTrait,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The database the benchmark creates (and drops first) on the server of `BENCH_DATABASE_URL`.
const BENCH_DB: &str = "normwatch_bench";

/// The as-of date of every query. `benches/gap_matrix.sql` has the same date as its literal.
const AS_OF: &str = "2024-01-01";

/// The hand-written baseline, run as is.
const GAP_MATRIX_SQL: &str = include_str!("gap_matrix.sql");

/// Runs before each timed series and is not timed: the first requests fill caches (PostgreSQL's
/// buffers and plans, the server's connection pool) that every later request finds warm.
const WARM_UPS: usize = 2;

/// Sizes of the synthetic registry and how many times to run each query.
#[derive(Parser, Debug, Clone)]
#[command(about = "Normwatch gap benchmark (see docs/benchmarks.md)")]
struct Args {
    #[arg(long, default_value_t = 250)]
    states: i64,
    #[arg(long, default_value_t = 500)]
    provisions: i64,
    /// Instruments the provisions are spread over. With 100, a state has about four commitments
    /// per instrument at 100,000 commitments (signed, then ratified, ...), as in real data.
    #[arg(long, default_value_t = 100)]
    instruments: i64,
    #[arg(long, default_value_t = 100_000)]
    commitments: i64,
    #[arg(long, default_value_t = 1_000_000)]
    evidence: i64,
    #[arg(long, default_value_t = 2_000_000)]
    assessments: i64,
    #[arg(long, default_value_t = 30)]
    iterations: usize,
    /// Keep the existing `normwatch_bench` database instead of generating it again (to repeat
    /// the measurements after a change to the API).
    #[arg(long)]
    reuse: bool,
    /// Passed by `cargo bench` to every bench target; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// The acts a commitment can record, with their weight in the sample: ratifications and
/// endorsements dominate, withdrawals are rare. The position is the act's salt in the hash.
const ACTS: [(&str, f64); 9] = [
    ("RATIFIED", 10.0),
    ("ENDORSED", 10.0),
    ("SIGNED", 4.0),
    ("VOTED_IN_FAVOUR", 3.0),
    ("ADOPTED_BY_CONSENSUS", 3.0),
    ("ACCEDED", 2.0),
    ("STATEMENT_OF_SUPPORT", 2.0),
    ("JOINED", 1.0),
    ("WITHDREW", 0.4),
];

/// Forums and sources are context for the gap queries, not load: a handful of each.
const FORUMS: i64 = 5;
const SOURCES: i64 = 5;

impl Args {
    /// Rejects sizes the generator cannot honour, rather than silently producing fewer rows or
    /// duplicate keys.
    fn check(&self) -> Result<(), BoxError> {
        let positive = [
            ("states", self.states),
            ("provisions", self.provisions),
            ("instruments", self.instruments),
            ("commitments", self.commitments),
            ("evidence", self.evidence),
            ("assessments", self.assessments),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v < 1) {
            return Err(format!("--{name} must be at least 1").into());
        }
        if self.iterations < 1 {
            return Err("--iterations must be at least 1".into());
        }
        // Two characters from 36 symbols give the unique alpha-2 codes.
        if self.states > 36 * 36 {
            return Err("--states can be at most 1296 (unique two-character alpha-2 codes)".into());
        }
        let triples = self.states * self.instruments * ACTS.len() as i64;
        if self.commitments > triples {
            return Err(format!(
                "--commitments can be at most states x instruments x {} acts = {triples}",
                ACTS.len()
            )
            .into());
        }
        if self.assessments > self.evidence * self.provisions {
            return Err("--assessments can be at most evidence x provisions".into());
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    args.check()?;
    let admin_url = std::env::var("BENCH_DATABASE_URL")
        .map_err(|_| "set BENCH_DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres")?;
    let url = bench_url(&admin_url)?;
    println!("# Normwatch gap benchmark\n");
    println!("{args:?}\n");

    let generation = if args.reuse {
        println!("reusing the existing {BENCH_DB} database (--reuse): nothing generated");
        None
    } else {
        Some(generate(&admin_url, &url, &args).await?)
    };

    let mut config = Config::from_lookup(|_| None).map_err(|e| format!("{e:?}"))?;
    config.database_url = url.clone();
    config.addr = "127.0.0.1:0".parse()?;
    config.seed_on_start = false;
    // Writes are measured too: an editor's account signs them. Budgets are raised so that the
    // benchmark measures the work, not the rate limiter.
    config.jwt_secret = Some(api::config::Secret::new(BENCH_SECRET));
    config.writes_enabled = true;
    config.rate_limit_capacity = u64::MAX / 4;
    config.rate_limit_per_minute = u64::MAX / 4;
    // A whole 250 x 500 matrix is over the default per-request cost limit (which is sized for
    // the bundled data): the benchmark prices the engine, so the limit is lifted.
    config.max_complexity = usize::MAX / 4;
    let app = App::build(config).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let statements = app.statements();
    let db = app.db();
    tokio::spawn(app.run_until_stopped());
    if args.reuse {
        // The sizes on the command line say nothing about a reused database: show its own.
        print_row_counts(&db).await?;
    }

    let sql = sql_baseline(&db, args.iterations).await?;
    let api = measure(&address, &db, &statements, args.iterations).await?;
    let writes = measure_writes(&address, &db, &statements, args.iterations).await?;
    report(&args, &url, generation, &sql, api.as_ref(), &writes);
    Ok(())
}

/// The URL of the benchmark database: the admin URL with its database name replaced.
fn bench_url(admin_url: &str) -> Result<String, BoxError> {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    match base.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && !server.ends_with('/') => {
            Ok(format!("{server}/{BENCH_DB}{query}"))
        }
        _ => Err(format!("BENCH_DATABASE_URL has no database name: {admin_url}").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Generation
// ---------------------------------------------------------------------------------------------

/// Creates `normwatch_bench` afresh, migrates it with the API's own migrations (so the schema is
/// exactly the one the API runs on), fills it and runs ANALYZE. Returns how long it took.
///
/// Everything is inserted in one transaction on one connection, with explicit ids, so a failed
/// run leaves an empty database rather than half a registry, and ids are the same in every run.
async fn generate(admin_url: &str, url: &str, args: &Args) -> Result<Duration, BoxError> {
    let admin = sea_orm::Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {BENCH_DB}"))
        .await?;
    admin.close().await?;

    let (db, _) = api::db::connect(url).await?;
    api::db::migrate(&db).await?;

    let started = Instant::now();
    let txn = db.begin().await?;
    for (table, sql) in generation_sql(args) {
        let step = Instant::now();
        txn.execute_unprepared(&sql).await?;
        println!(
            "generated {table:<24} {:>8.1} s",
            step.elapsed().as_secs_f64()
        );
    }
    txn.commit().await?;
    let step = Instant::now();
    db.execute_unprepared("ANALYZE").await?;
    println!("{:<34} {:>8.1} s", "ANALYZE", step.elapsed().as_secs_f64());
    // The rows above bypassed the write path, which keeps the gap summary: build it once, as a
    // database migrated before its data was loaded would.
    let step = Instant::now();
    entity::gap_summary::rebuild(&db).await?;
    db.execute_unprepared("ANALYZE gap_summary").await?;
    println!(
        "{:<34} {:>8.1} s",
        "gap summary (rebuild)",
        step.elapsed().as_secs_f64()
    );
    let took = started.elapsed();
    println!("generation took {:.1} s\n", took.as_secs_f64());
    print_row_counts(&db).await?;
    db.close().await?;
    Ok(took)
}

/// The generation statements, in foreign-key order, each labelled for the progress output.
///
/// Pseudo-randomness comes from `bench_h(i, salt, n)`: PostgreSQL's own `hashint8extended` of
/// the series index, reduced modulo `n`. It is deterministic (the function backs hash
/// partitioning, so it is stable across versions) and spreads consecutive indexes evenly, which
/// a bare multiplicative hash `(i * 2654435761) % n` does not for small `n`. Each column has its
/// own salt so that, say, an evidence's date does not decide its status.
fn generation_sql(a: &Args) -> Vec<(&'static str, String)> {
    let (s, i, p, c, e, n) = (
        a.states,
        a.instruments,
        a.provisions,
        a.commitments,
        a.evidence,
        a.assessments,
    );
    let acts = ACTS
        .iter()
        .enumerate()
        .map(|(k, (act, w))| format!("('{act}', {w:.1}, {})", k + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let record = "now(), now(), 1"; // created_at, updated_at, version
    vec![
        (
            "(hash function)",
            "CREATE FUNCTION bench_h(i bigint, salt bigint, n bigint) RETURNS bigint
             LANGUAGE sql IMMUTABLE PARALLEL SAFE
             AS $$ SELECT (hashint8extended(i, salt) & 9223372036854775807) % n $$"
                .to_string(),
        ),
        (
            "sources",
            format!(
                "INSERT INTO sources (id, created_at, updated_at, version, key, kind, title,
                     publisher, date_precision)
                 SELECT g, {record}, 'bench-source-' || g,
                     (ARRAY['UN_DOCUMENT','TREATY_DEPOSITARY','GOVERNMENT','NGO_REPORT',
                            'ACADEMIC','NEWS','DATASET'])[1 + (g - 1) % 7],
                     'Synthetic source ' || g, 'Normwatch benchmark', 'DAY'
                 FROM generate_series(1, {SOURCES}) g"
            ),
        ),
        (
            "states",
            // Codes AAA, AAB, ...: three letters from the index in base 26; alpha-2 from base 36.
            format!(
                "INSERT INTO states (id, created_at, updated_at, version, code, alpha2, name,
                     region, un_member, un_observer)
                 SELECT g, {record},
                     chr(65 + ((g - 1) / 676) % 26) || chr(65 + ((g - 1) / 26) % 26)
                         || chr(65 + (g - 1) % 26),
                     substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 1 + ((g - 1) / 36) % 36, 1)
                         || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 1 + (g - 1) % 36, 1),
                     'Synthetic state ' || g,
                     (ARRAY['Africa','Americas','Asia','Europe','Oceania'])[1 + g % 5],
                     true, false
                 FROM generate_series(1, {s}) g"
            ),
        ),
        (
            "forums",
            format!(
                "INSERT INTO forums (id, created_at, updated_at, version, slug, name, kind)
                 SELECT g, {record}, 'bench-forum-' || g, 'Synthetic forum ' || g,
                     (ARRAY['INTERGOVERNMENTAL','REGIONAL','COALITION','MULTISTAKEHOLDER',
                            'EXPERT_GROUP'])[1 + (g - 1) % 5]
                 FROM generate_series(1, {FORUMS}) g"
            ),
        ),
        (
            "instruments",
            format!(
                "INSERT INTO instruments (id, created_at, updated_at, version, slug, title, kind,
                     bindingness, forum_id, adopted_on, adopted_on_precision, adoption_mode)
                 SELECT g, {record}, 'bench-instrument-' || g, 'Synthetic instrument ' || g,
                     (ARRAY['REPORT','RESOLUTION','TREATY','DECLARATION','DECISION',
                            'STATEMENT'])[1 + g % 6],
                     CASE WHEN g % 6 = 2 THEN 'LEGALLY_BINDING'
                          WHEN g % 2 = 0 THEN 'POLITICAL' ELSE 'VOLUNTARY' END,
                     1 + g % {FORUMS},
                     DATE '1970-01-01' + bench_h(g, 11, 50 * 365)::int, 'DAY',
                     (ARRAY['VOTE','CONSENSUS','SIGNATURE'])[1 + g % 3]
                 FROM generate_series(1, {i}) g"
            ),
        ),
        (
            "provisions",
            // Round-robin over instruments and kinds: every instrument gets provisions of
            // every kind, and a kind filter selects a third of the matrix.
            format!(
                "INSERT INTO provisions (id, created_at, updated_at, version, code, kind,
                     instrument_id, reference, title, summary)
                 SELECT g, {record}, 'p-' || lpad(g::text, greatest(5, length(g::text)), '0'),
                     (ARRAY['NORM','CONFIDENCE_BUILDING_MEASURE',
                            'HUMAN_RIGHTS_OBLIGATION'])[1 + (g - 1) % 3],
                     1 + (g - 1) % {i}, 'para ' || (1 + (g - 1) / {i}),
                     'Synthetic provision ' || g, 'Generated for the gap benchmark.'
                 FROM generate_series(1, {p}) g"
            ),
        ),
        (
            "commitments",
            // A weighted sample without replacement (Efraimidis-Spirakis: the n smallest
            // -ln(u)/weight) of all (state, instrument, act) triples, so the unique key holds
            // and common acts dominate. Dates: 1970-2020, a fifth of them known to the year only,
            // 4% undated; withdrawals 2005-2024, so some come after the other acts and some
            // after the as-of date; 3% have ended; 3% are not published.
            format!(
                "INSERT INTO commitments (id, created_at, updated_at, version, state_id,
                     instrument_id, forum_id, act, modality, valid_from, valid_from_precision,
                     valid_to, valid_to_precision, status)
                 WITH acts(act, weight, k) AS (VALUES {acts}),
                 triples AS (
                     SELECT st, ins, acts.act, acts.weight, (st * {i} + ins) * 16 + acts.k AS t
                     FROM generate_series(1, {s}) st, generate_series(1, {i}) ins, acts
                 ),
                 chosen AS (
                     SELECT st, ins, act, t, row_number() OVER (
                         ORDER BY -ln((bench_h(t, 21, 1000000) + 1) / 1000001.0) / weight, t
                     ) AS id
                     FROM triples
                 ),
                 dated AS (
                     SELECT chosen.*,
                         CASE WHEN act = 'WITHDREW'
                                  THEN DATE '2005-01-01' + bench_h(t, 23, 20 * 365)::int
                              WHEN bench_h(t, 24, 100) < 4 THEN NULL
                              WHEN bench_h(t, 25, 100) < 20
                                  THEN date_trunc('year', DATE '1970-01-01'
                                      + bench_h(t, 23, 51 * 365)::int)::date
                              ELSE DATE '1970-01-01' + bench_h(t, 23, 51 * 365)::int
                         END AS from_date,
                         CASE WHEN act = 'WITHDREW' THEN 'DAY'
                              WHEN bench_h(t, 24, 100) < 4 THEN NULL
                              WHEN bench_h(t, 25, 100) < 20 THEN 'YEAR'
                              ELSE 'DAY'
                         END AS from_precision
                     FROM chosen
                     WHERE id <= {c}
                 )
                 SELECT d.id, {record}, d.st, d.ins, instruments.forum_id, d.act,
                     CASE WHEN d.act = 'ADOPTED_BY_CONSENSUS' THEN 'CONSENSUS'
                          WHEN d.act <> 'WITHDREW' AND bench_h(d.t, 22, 10) = 0
                              THEN 'BY_MEMBERSHIP'
                          ELSE 'EXPLICIT' END,
                     d.from_date, d.from_precision,
                     CASE WHEN d.act <> 'WITHDREW' AND d.from_date IS NOT NULL
                               AND bench_h(d.t, 26, 100) < 3
                          THEN d.from_date + (1 + bench_h(d.t, 27, 30)::int) * 365 END,
                     CASE WHEN d.act <> 'WITHDREW' AND d.from_date IS NOT NULL
                               AND bench_h(d.t, 26, 100) < 3
                          THEN 'DAY' END,
                     CASE WHEN bench_h(d.t, 28, 100) < 2 THEN 'DRAFT'
                          WHEN bench_h(d.t, 28, 100) < 3 THEN 'RETRACTED'
                          ELSE 'PUBLISHED' END
                 FROM dated d
                 JOIN instruments ON instruments.id = d.ins
                 ORDER BY d.id"
            ),
        ),
        (
            "commitment_reservations",
            // 1% of treaty-style acts reserve about half of their instrument's provisions.
            "INSERT INTO commitment_reservations (commitment_id, provision_id)
             SELECT c.id, p.id
             FROM commitments c
             JOIN provisions p ON p.instrument_id = c.instrument_id
             WHERE c.act IN ('RATIFIED', 'ACCEDED', 'SUCCEEDED', 'SIGNED')
               AND bench_h(c.id, 31, 100) = 0
               AND bench_h(c.id::bigint * 100003 + p.id, 32, 2) = 0"
                .to_string(),
        ),
        (
            "evidence",
            // Practice from 2000 to 2025 (so some begins after the as-of date); a tenth known to
            // the year and 15% to the month; 30% lasted up to four years; 3% are drafts and 1%
            // retracted.
            format!(
                "INSERT INTO evidence (id, created_at, updated_at, version, slug, title, summary,
                     kind, occurred_from, occurred_from_precision, occurred_to,
                     occurred_to_precision, attribution_status, status)
                 SELECT g, {record}, 'e-' || lpad(g::text, greatest(7, length(g::text)), '0'),
                     'Synthetic evidence ' || g, 'Generated for the gap benchmark.',
                     (ARRAY['CYBER_OPERATION','SURVEILLANCE','LEGISLATION','INTERNET_SHUTDOWN',
                            'PROSECUTION','POLICY','IMPLEMENTATION_MEASURE'])[1 + bench_h(g, 41, 7)],
                     CASE WHEN pr < 10 THEN date_trunc('year', d)::date
                          WHEN pr < 25 THEN date_trunc('month', d)::date
                          ELSE d END,
                     CASE WHEN pr < 10 THEN 'YEAR' WHEN pr < 25 THEN 'MONTH' ELSE 'DAY' END,
                     CASE WHEN bench_h(g, 45, 100) < 30 THEN d + 1 + bench_h(g, 46, 1500)::int END,
                     CASE WHEN bench_h(g, 45, 100) < 30 THEN 'DAY' END,
                     (ARRAY['ACKNOWLEDGED','SETTLED','CONTESTED'])[1 + bench_h(g, 44, 3)],
                     CASE WHEN bench_h(g, 47, 100) < 3 THEN 'DRAFT'
                          WHEN bench_h(g, 47, 100) < 4 THEN 'RETRACTED'
                          ELSE 'PUBLISHED' END
                 FROM (
                     SELECT g, DATE '2000-01-01' + bench_h(g, 42, 26 * 365)::int AS d,
                         bench_h(g, 43, 100) AS pr
                     FROM generate_series(1, {e}) g
                 ) x"
            ),
        ),
        (
            "evidence_states",
            format!(
                "INSERT INTO evidence_states (evidence_id, state_id)
                 SELECT g, 1 + bench_h(g, 51, {s}) FROM generate_series(1, {e}) g"
            ),
        ),
        (
            "assessments",
            // Round-robin over the evidence, each assessing its responsible state against
            // consecutive provisions from a hashed start: (evidence, state, provision) stays
            // unique while assessments <= evidence x provisions. 6% contradict, 10% partially.
            format!(
                "INSERT INTO assessments (id, created_at, updated_at, version, evidence_id,
                     state_id, provision_id, finding, confidence, rationale, rationale_key,
                     status)
                 SELECT g, {record}, ev, 1 + bench_h(ev, 51, {s}),
                     1 + (bench_h(ev, 52, {p}) + round) % {p},
                     CASE WHEN bench_h(g, 53, 100) < 6 THEN 'CONTRADICTS'
                          WHEN bench_h(g, 53, 100) < 16 THEN 'PARTIALLY_CONTRADICTS'
                          ELSE 'SUPPORTS' END,
                     (ARRAY['LOW','MEDIUM','HIGH'])[1 + bench_h(g, 55, 3)],
                     'Synthetic assessment.', 'synthetic-' || g,
                     CASE WHEN bench_h(g, 54, 100) < 3 THEN 'DRAFT'
                          WHEN bench_h(g, 54, 100) < 4 THEN 'RETRACTED'
                          ELSE 'PUBLISHED' END
                 FROM (
                     SELECT g, 1 + (g - 1) % {e} AS ev, (g - 1) / {e} AS round
                     FROM generate_series(1, {n}) g
                 ) x"
            ),
        ),
        (
            "(sequences, clean-up)",
            // Rows came with explicit ids: move the sequences past them, so the API could
            // insert more, and leave the schema exactly as migrated.
            [
                "sources",
                "states",
                "forums",
                "instruments",
                "provisions",
                "commitments",
                "evidence",
                "assessments",
            ]
            .iter()
            .map(|t| {
                format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                     (SELECT coalesce(max(id), 0) + 1 FROM {t}), false);"
                )
            })
            .chain(std::iter::once("DROP FUNCTION bench_h;".to_string()))
            .collect::<String>(),
        ),
    ]
}

/// Prints how many rows each table got, and how the published commitments split by act, so the
/// reader can see what was measured.
async fn print_row_counts(db: &DatabaseConnection) -> Result<(), BoxError> {
    let sql = "SELECT 'states' AS t, count(*) AS n FROM states
               UNION ALL SELECT 'instruments', count(*) FROM instruments
               UNION ALL SELECT 'provisions', count(*) FROM provisions
               UNION ALL SELECT 'commitments', count(*) FROM commitments
               UNION ALL SELECT 'commitments WITHDREW', count(*) FROM commitments
                   WHERE act = 'WITHDREW'
               UNION ALL SELECT 'commitments undated', count(*) FROM commitments
                   WHERE valid_from IS NULL
               UNION ALL SELECT 'commitment_reservations', count(*) FROM commitment_reservations
               UNION ALL SELECT 'evidence', count(*) FROM evidence
               UNION ALL SELECT 'evidence_states', count(*) FROM evidence_states
               UNION ALL SELECT 'assessments', count(*) FROM assessments
               UNION ALL SELECT 'database size (MB)', pg_database_size(current_database()) / 1048576";
    for row in db.query_all_raw(stmt(sql)).await? {
        let table: String = row.try_get("", "t")?;
        let n: i64 = row.try_get("", "n")?;
        println!("  {table:<26} {n:>10}");
    }
    println!();
    Ok(())
}

fn stmt(sql: &str) -> Statement {
    Statement::from_string(sea_orm::DbBackend::Postgres, sql)
}

// ---------------------------------------------------------------------------------------------
// 2. The SQL baseline
// ---------------------------------------------------------------------------------------------

/// One cell of the gap matrix, in the form both sides can produce: the comparison is on these.
type Cell = (String, String, String, i64, i64);

/// Timings of one query: milliseconds of each timed run, sorted.
#[derive(Debug, Clone)]
struct Timings(Vec<f64>);

impl Timings {
    fn from_durations(mut ms: Vec<f64>) -> Timings {
        ms.sort_by(f64::total_cmp);
        Timings(ms)
    }

    /// The middle run (the mean of the two middle ones for an even count).
    fn median(&self) -> f64 {
        let n = self.0.len();
        if n == 0 {
            return f64::NAN;
        }
        if n % 2 == 1 {
            self.0[n / 2]
        } else {
            (self.0[n / 2 - 1] + self.0[n / 2]) / 2.0
        }
    }

    /// The 99th percentile by nearest rank: with 30 runs, the slowest one.
    fn p99(&self) -> f64 {
        let n = self.0.len();
        if n == 0 {
            return f64::NAN;
        }
        let rank = ((0.99 * n as f64).ceil() as usize).clamp(1, n);
        self.0[rank - 1]
    }
}

/// The baseline's figures and the cells of its last run.
struct SqlBaseline {
    timings: Timings,
    cells: Vec<Cell>,
}

/// Runs `benches/gap_matrix.sql` through the API's own connection pool, rows fetched and
/// decoded as the API would, so that the comparison is with the best the database can do for
/// the same answer rather than with the cost of a different driver.
async fn sql_baseline(db: &DatabaseConnection, iterations: usize) -> Result<SqlBaseline, BoxError> {
    let mut cells = Vec::new();
    let mut ms = Vec::with_capacity(iterations);
    for run in 0..WARM_UPS + iterations {
        let started = Instant::now();
        let rows = db.query_all_raw(stmt(GAP_MATRIX_SQL)).await?;
        cells = rows
            .iter()
            .map(|r| -> Result<Cell, sea_orm::DbErr> {
                Ok((
                    r.try_get("", "state")?,
                    r.try_get("", "provision")?,
                    r.try_get("", "status")?,
                    r.try_get("", "contradicting")?,
                    r.try_get("", "supporting")?,
                ))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if run >= WARM_UPS {
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let timings = Timings::from_durations(ms);
    println!(
        "SQL baseline: {} cells, median {:.1} ms, p99 {:.1} ms",
        cells.len(),
        timings.median(),
        timings.p99()
    );
    print_status_split(&cells);
    Ok(SqlBaseline { timings, cells })
}

/// How the cells split by status: a benchmark where every cell is NOT_COMMITTED or every cell
/// CONTRADICTED would not exercise the method.
fn print_status_split(cells: &[Cell]) {
    let mut split = std::collections::BTreeMap::<&str, usize>::new();
    for c in cells {
        *split.entry(c.2.as_str()).or_default() += 1;
    }
    let parts: Vec<String> = split.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("  statuses: {}\n", parts.join(", "));
}

// ---------------------------------------------------------------------------------------------
// 3. The API over HTTP
// ---------------------------------------------------------------------------------------------

/// Figures for one GraphQL query, cold or warm.
struct Measured {
    name: &'static str,
    /// True when the data version was advanced before each run (the first request after a
    /// published write), false when the question was repeated at one version.
    cold: bool,
    timings: Timings,
    /// Statements per request, smallest and largest over the timed runs.
    statements: (u64, u64),
    /// What the answer held (cells, nodes), for the report.
    note: String,
}

impl Measured {
    fn label(&self) -> String {
        if self.name == WRITE {
            return self.name.to_string();
        }
        format!("{}, {}", self.name, if self.cold { "cold" } else { "warm" })
    }
}

/// The API's figures, and the gap matrix's cells for the cross-check.
struct ApiFigures {
    queries: Vec<Measured>,
    matrix_cells: Vec<Cell>,
}

/// Names of the measured queries, used again by the report's targets.
const MATRIX: &str = "gapMatrix (all states x all provisions)";
const SCORECARD: &str = "scorecard (one state)";
const GAPS_PAGE: &str = "gaps (kind NORM, first 100)";
const GAPS_TOTAL: &str = "gaps (kind NORM, first 100, with totalCount)";
const WRITE: &str = "updateAssessment (a write that changes the summary)";

/// Times the gap queries over HTTP against the running server, cold then warm. Returns `None`,
/// with a message, when the server's schema has no gap queries yet, so that the generator and
/// the SQL baseline can be measured on their own.
async fn measure(
    address: &str,
    db: &DatabaseConnection,
    statements: &StatementCounter,
    iterations: usize,
) -> Result<Option<ApiFigures>, BoxError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?;
    let sdl = client
        .get(format!("{address}/schema.graphql"))
        .send()
        .await?
        .text()
        .await?;
    if !sdl.contains("gapMatrix(") {
        println!(
            "API figures skipped: the schema at {address}/schema.graphql has no `gapMatrix(` \
             query yet (the gap queries have not landed)\n"
        );
        return Ok(None);
    }

    let state = first_state(&client, address).await?;
    let gaps = |total: &str| {
        format!(
            "{{ gaps(first: 100, filter: {{ kinds: [NORM] }}, asOf: \"{AS_OF}\") {{ \
             {total} nodes {{ status state {{ code }} provision {{ code }} }} }} }}"
        )
    };
    let queries = [
        (
            MATRIX,
            format!(
                "{{ gapMatrix(asOf: \"{AS_OF}\") {{ methodologyVersion cells {{ state provision \
                 status contradicting supporting }} }} }}"
            ),
        ),
        (
            SCORECARD,
            format!(
                "{{ scorecard(state: \"{state}\", asOf: \"{AS_OF}\") {{ committed contradicted \
                 counts {{ status count }} }} }}"
            ),
        ),
        (GAPS_PAGE, gaps("")),
        (GAPS_TOTAL, gaps("totalCount")),
    ];

    let mut figures = ApiFigures {
        queries: Vec::new(),
        matrix_cells: Vec::new(),
    };
    for (name, query) in queries {
        for cold in [true, false] {
            let mut ms = Vec::with_capacity(iterations);
            let (mut fewest, mut most) = (u64::MAX, 0);
            let mut data = Value::Null;
            for run in 0..WARM_UPS + iterations {
                if cold {
                    // What a published write does to the registry row, in its own statement
                    // (not counted: the counter is read after it).
                    entity::registry::advance(db).await?;
                }
                let before = statements.get();
                let started = Instant::now();
                let body = client
                    .post(format!("{address}/graphql"))
                    .json(&json!({ "query": query }))
                    .send()
                    .await?
                    .bytes()
                    .await?;
                let elapsed = started.elapsed();
                let ran = statements.get() - before;
                let response: Value = serde_json::from_slice(&body)?;
                if let Some(errors) = response.get("errors") {
                    return Err(format!("{name} failed: {errors:#}\nquery: {query}").into());
                }
                data = response["data"].clone();
                if run >= WARM_UPS {
                    ms.push(elapsed.as_secs_f64() * 1000.0);
                    fewest = fewest.min(ran);
                    most = most.max(ran);
                }
            }
            let note = describe(&data);
            if name == MATRIX {
                let cells = api_cells(&data)?;
                if !figures.matrix_cells.is_empty() && figures.matrix_cells != cells {
                    return Err("the kept gap matrix differs from the evaluated one".into());
                }
                figures.matrix_cells = cells;
            }
            let m = Measured {
                name,
                cold,
                timings: Timings::from_durations(ms),
                statements: (fewest, most),
                note,
            };
            println!(
                "{}: median {:.1} ms, p99 {:.1} ms, {} statements per request ({})",
                m.label(),
                m.timings.median(),
                m.timings.p99(),
                statements_text(m.statements),
                m.note
            );
            figures.queries.push(m);
        }
    }
    println!();
    Ok(Some(figures))
}

/// Signs the benchmark's tokens (HS256); the server lives only as long as the run.
const BENCH_SECRET: &str = "normwatch-benchmark-secret-0123456789abcdef";

/// What a write that changes the gap summary costs, over HTTP: an editor corrects the
/// confidence of a published assessment (alternating LOW and MEDIUM, so every write changes
/// the pair's summary row), which runs the write path in one transaction: the version check,
/// the revision, the data version, and the refresh of the pair's summary row.
async fn measure_writes(
    address: &str,
    db: &DatabaseConnection,
    statements: &StatementCounter,
    iterations: usize,
) -> Result<Measured, BoxError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let (email, password) = ("bench-editor@example.org", "bench-password-0123");
    // Exists already when the database is reused.
    let _ = api::schema::user::create_user(
        db,
        "benchmark",
        None,
        email,
        password,
        entity::UserRole::Editor,
    )
    .await;
    let login: Value = client
        .post(format!("{address}/graphql"))
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            "variables": { "e": email, "p": password }
        }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["data"]["login"]["token"]
        .as_str()
        .ok_or_else(|| format!("login failed: {login}"))?
        .to_string();
    let target = entity::assessment::Entity::find()
        .filter(entity::assessment::Column::Status.eq(entity::PublicationStatus::Published))
        .order_by_asc(entity::assessment::Column::Id)
        .one(db)
        .await?
        .ok_or("no published assessment")?;
    let id = api::schema::ids::encode(entity::RecordKind::Assessment, target.id).to_string();
    let post = |query: &'static str, variables: Value| {
        client
            .post(format!("{address}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };
    let mut ms = Vec::with_capacity(iterations);
    let (mut fewest, mut most) = (u64::MAX, 0);
    for run in 0..WARM_UPS + iterations {
        let version = entity::assessment::Entity::find_by_id(target.id)
            .one(db)
            .await?
            .ok_or("the assessment disappeared")?
            .version;
        let confidence = if run % 2 == 0 { "MEDIUM" } else { "LOW" };
        let before = statements.get();
        let started = Instant::now();
        let body = post(
            "mutation($id: ID!, $v: Int!, $c: Confidence!) { updateAssessment(id: $id, version: $v, input: { confidence: $c }) { version } }",
            json!({ "id": id, "v": version, "c": confidence }),
        )
        .await?
        .bytes()
        .await?;
        let elapsed = started.elapsed();
        let ran = statements.get() - before;
        let response: Value = serde_json::from_slice(&body)?;
        if let Some(errors) = response.get("errors") {
            return Err(format!("the write failed: {errors:#}").into());
        }
        if run >= WARM_UPS {
            ms.push(elapsed.as_secs_f64() * 1000.0);
            fewest = fewest.min(ran);
            most = most.max(ran);
        }
    }
    let m = Measured {
        name: WRITE,
        cold: true,
        timings: Timings::from_durations(ms),
        statements: (fewest, most),
        note: format!("assessment {} (one summary row)", target.id),
    };
    println!(
        "{}: median {:.1} ms, p99 {:.1} ms, {} statements per request\n",
        m.name,
        m.timings.median(),
        m.timings.p99(),
        statements_text(m.statements),
    );
    Ok(m)
}

/// The server's memory (this process: the server runs in it), from `/proc/self/status`: the
/// resident size now and at its peak, in MB.
fn memory() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| -> Option<f64> {
        status
            .lines()
            .find(|l| l.starts_with(key))?
            .split_whitespace()
            .nth(1)?
            .parse::<f64>()
            .ok()
    };
    Some((kb("VmRSS:")? / 1024.0, kb("VmHWM:")? / 1024.0))
}

/// The code of the first state (the scorecard's subject): `AAA` in generated data.
async fn first_state(client: &reqwest::Client, address: &str) -> Result<String, BoxError> {
    let response: Value = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": "{ states(first: 1) { nodes { code } } }" }))
        .send()
        .await?
        .json()
        .await?;
    response["data"]["states"]["nodes"][0]["code"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("no state in the database: {response}").into())
}

/// A short description of an answer, for the report: the lengths of its lists and its scalar
/// fields (`totalCount`, `committed`, ...), so a reader can see what each request returned.
fn describe(data: &Value) -> String {
    let Some(root) = data
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_object)
    else {
        return String::new();
    };
    root.iter()
        .filter_map(|(field, v)| match v {
            Value::Array(items) => Some(format!("{} {field}", items.len())),
            Value::Number(n) => Some(format!("{field} {n}")),
            Value::String(s) => Some(format!("{field} {s}")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The API's gap matrix as cells. A cell's state and provision may be codes or objects with a
/// `code`; its `contradicting` and `supporting` may be counts or lists: both are read.
fn api_cells(data: &Value) -> Result<Vec<Cell>, BoxError> {
    let code = |v: &Value| -> Option<String> {
        v.as_str()
            .or_else(|| v.get("code").and_then(Value::as_str))
            .map(str::to_string)
    };
    let count =
        |v: &Value| -> Option<i64> { v.as_i64().or_else(|| v.as_array().map(|a| a.len() as i64)) };
    data["gapMatrix"]["cells"]
        .as_array()
        .ok_or("gapMatrix has no cells list")?
        .iter()
        .map(|c| {
            let cell = || -> Option<Cell> {
                Some((
                    code(&c["state"])?,
                    code(&c["provision"])?,
                    c["status"].as_str()?.to_string(),
                    count(&c["contradicting"])?,
                    count(&c["supporting"])?,
                ))
            };
            cell().ok_or_else(|| format!("a gapMatrix cell this benchmark cannot read: {c}").into())
        })
        .collect()
}

/// Whether the API's and the SQL's matrices have the same cells; prints the first differences.
fn cross_check(api: &[Cell], sql: &[Cell]) -> bool {
    let api: BTreeSet<&Cell> = api.iter().collect();
    let sql: BTreeSet<&Cell> = sql.iter().collect();
    if api == sql {
        println!(
            "cross-check: the API's and the SQL's gap matrices agree ({} cells)\n",
            api.len()
        );
        return true;
    }
    println!(
        "cross-check FAILED: {} cells only in the API's answer, {} only in the SQL's",
        api.difference(&sql).count(),
        sql.difference(&api).count()
    );
    for c in api.difference(&sql).take(5) {
        println!("  API only: {c:?}");
    }
    for c in sql.difference(&api).take(5) {
        println!("  SQL only: {c:?}");
    }
    println!();
    false
}

fn statements_text((fewest, most): (u64, u64)) -> String {
    if fewest == most {
        fewest.to_string()
    } else {
        format!("{fewest}-{most} (varies!)")
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The report
// ---------------------------------------------------------------------------------------------

/// Prints the figures as a Markdown table for `docs/benchmarks.md`, with the targets of issue 13
/// and whether they were met.
fn report(
    args: &Args,
    url: &str,
    generation: Option<Duration>,
    sql: &SqlBaseline,
    api: Option<&ApiFigures>,
    write: &Measured,
) {
    println!("## Results\n");
    let sizes = if args.reuse {
        "the reused database (row counts above)".to_string()
    } else {
        format!(
            "{} states, {} provisions ({} instruments), {} commitments, {} evidence, {} \
             assessments",
            args.states,
            args.provisions,
            args.instruments,
            args.commitments,
            args.evidence,
            args.assessments,
        )
    };
    println!(
        "{sizes}; as of {AS_OF}; {} timed runs after {WARM_UPS} warm-ups; {} cores.\n",
        args.iterations,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    match generation {
        Some(took) => println!(
            "Generation (set-based SQL, then ANALYZE): {:.1} s\n",
            took.as_secs_f64()
        ),
        None => println!("Generation: skipped (--reuse)\n"),
    }
    println!("| query | median (ms) | p99 (ms) | SQL statements per request | answer |");
    println!("|---|---:|---:|---:|---|");
    println!(
        "| SQL baseline: `benches/gap_matrix.sql` | {:.1} | {:.1} | 1 | {} cells |",
        sql.timings.median(),
        sql.timings.p99(),
        sql.cells.len()
    );
    let Some(api) = api else {
        println!(
            "| API queries | to be measured | | | the gap queries are not in the schema yet |\n"
        );
        println!("Run the SQL baseline by hand: psql {url} -c '\\timing on' -f benches/gap_matrix.sql -o /dev/null");
        return;
    };
    for m in api.queries.iter().chain(std::iter::once(write)) {
        println!(
            "| `{}` | {:.1} | {:.1} | {} | {} |",
            m.label(),
            m.timings.median(),
            m.timings.p99(),
            statements_text(m.statements),
            m.note
        );
    }
    println!();
    let agree = cross_check(&api.matrix_cells, &sql.cells);
    let find = |name: &str, cold: bool| {
        api.queries
            .iter()
            .find(|m| m.name == name && m.cold == cold)
            .map(|m| m.timings.median())
    };
    println!("Targets (issue 13, medians):\n");
    let against = |what: &str, median: Option<f64>, limit: f64| {
        if let Some(ms) = median {
            target(&format!("{what} <= {limit} ms: {ms:.1} ms"), ms <= limit);
        }
    };
    against(
        &format!("gapMatrix ({} cells) cold", api.matrix_cells.len()),
        find(MATRIX, true),
        1000.0,
    );
    against("gapMatrix warm", find(MATRIX, false), 150.0);
    against("scorecard cold", find(SCORECARD, true), 10.0);
    against(
        "gaps first 100 of one kind cold",
        find(GAPS_PAGE, true),
        100.0,
    );
    against(
        "gaps first 100 of one kind with totalCount cold",
        find(GAPS_TOTAL, true),
        100.0,
    );
    against(
        "a write that changes the summary",
        Some(write.timings.median()),
        20.0,
    );
    if let Some((now, peak)) = memory() {
        println!(
            "- server memory (the benchmark process, which runs the server): {now:.0} MB resident \
             after the runs, {peak:.0} MB at its peak"
        );
    }
    if let Some(ms) = find(MATRIX, true) {
        let ratio = ms / sql.timings.median();
        target(
            &format!("gapMatrix cold within 2x of the SQL baseline: {ratio:.2}x"),
            ratio <= 2.0,
        );
    }
    target(
        "statements per request constant over the runs (compare a small run for constancy in size)",
        api.queries.iter().all(|m| m.statements.0 == m.statements.1),
    );
    target("API and SQL gap matrices agree", agree);
    println!("\nRun the SQL baseline by hand: psql {url} -c '\\timing on' -f benches/gap_matrix.sql -o /dev/null");
}

fn target(what: &str, met: bool) {
    println!("- [{}] {what}", if met { "x" } else { " " });
}
