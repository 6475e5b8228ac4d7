//! Prometheus metrics at `/metrics`: what an operator watches.
//!
//! - `normwatch_graphql_requests_total{operation, code}`: GraphQL operations answered or
//!   refused, by operation name and outcome (`OK`, or the first error's `extensions.code`),
//!   refusals before any operation ran (a bad token, an unreachable database) included.
//! - `normwatch_graphql_request_seconds{method}`: latency histogram of `/graphql` (GET, POST).
//! - `normwatch_query_cost_total`: cost points spent (the rate limiter's currency).
//! - `normwatch_rate_limited_total`: operations refused with RATE_LIMITED.
//! - `normwatch_db_connections{pool, state}`: connections in use and idle, per pool.
//! - `normwatch_kept_answers_total{kind, outcome}`: public gap answers (`gap_matrix`,
//!   `scorecard`, `gap_list`) served from the kept answers (`hit`) or evaluated (`miss`).
//!
//! Operation names come from clients, so they are a label only while there are few of them
//! ([`MAX_OPERATION_NAMES`]) and they look like names; anything else counts as `other`.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sea_orm::{DatabaseConnection, DbBackend};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// Kept gap answers served and evaluated ([`crate::answers`]). Process-wide, because the
/// kept answers are: every [`Metrics`] of the process registers this one counter.
pub static KEPT_ANSWERS: std::sync::LazyLock<IntCounterVec> = std::sync::LazyLock::new(|| {
    IntCounterVec::new(
        Opts::new(
            "normwatch_kept_answers_total",
            "Public gap answers served from the kept answers (hit) or evaluated (miss), by kind",
        ),
        &["kind", "outcome"],
    )
    .expect("a valid metric")
});

/// Distinct operation names kept as labels; later ones count as `other`.
pub const MAX_OPERATION_NAMES: usize = 100;

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    cost: IntCounter,
    rate_limited: IntCounter,
    connections: IntGaugeVec,
    names: Mutex<HashSet<String>>,
}

impl Metrics {
    /// Registers every metric. Fails only on a programming error (a duplicate or malformed
    /// metric), which the unit test below would catch.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "normwatch_graphql_requests_total",
                "GraphQL operations answered, by operation name and outcome code",
            ),
            &["operation", "code"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "normwatch_graphql_request_seconds",
                "Time to answer a /graphql request, by HTTP method",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["method"],
        )?;
        let cost = IntCounter::new(
            "normwatch_query_cost_total",
            "Query cost points spent by answered operations",
        )?;
        let rate_limited = IntCounter::new(
            "normwatch_rate_limited_total",
            "Operations refused with RATE_LIMITED",
        )?;
        let connections = IntGaugeVec::new(
            Opts::new(
                "normwatch_db_connections",
                "Database connections by pool (read, write, limits: where budgets are charged) and state (in_use, idle)",
            ),
            &["pool", "state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(cost.clone()))?;
        registry.register(Box::new(rate_limited.clone()))?;
        registry.register(Box::new(connections.clone()))?;
        registry.register(Box::new(KEPT_ANSWERS.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            cost,
            rate_limited,
            connections,
            names: Mutex::new(HashSet::new()),
        })
    }

    /// Counts one answered operation.
    pub fn operation(&self, name: Option<&str>, resp: &async_graphql::Response) {
        let code = resp
            .errors
            .first()
            .and_then(|e| e.extensions.as_ref()?.get("code").cloned())
            .and_then(|v| match v {
                async_graphql::Value::String(s) => Some(s),
                _ => None,
            })
            .unwrap_or_else(|| "OK".into());
        if code == "RATE_LIMITED" {
            self.rate_limited.inc();
        }
        if let Some(spent) = spent(resp) {
            self.cost.inc_by(spent);
        }
        let label = self.operation_label(name);
        self.requests.with_label_values(&[&label, &code]).inc();
    }

    /// Records the time one `/graphql` request took.
    pub fn latency(&self, method: &str, elapsed: Duration) {
        self.latency
            .with_label_values(&[method])
            .observe(elapsed.as_secs_f64());
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }) else {
            return "anonymous".into();
        };
        let Ok(mut names) = self.names.lock() else {
            return "other".into();
        };
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_string());
            name.to_string()
        } else {
            "other".into()
        }
    }

    /// The text exposition of every metric, with the pools read now.
    pub fn render(&self, pools: &crate::db::Pools) -> String {
        for (label, db) in [
            ("read", &pools.read),
            ("write", &pools.write),
            ("limits", &pools.limits),
        ] {
            let (size, idle) = pool_use(db);
            self.connections
                .with_label_values(&[label, "in_use"])
                .set(size.saturating_sub(idle));
            self.connections
                .with_label_values(&[label, "idle"])
                .set(idle);
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "encoding the metrics failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// The operation's name: the request's `operationName`, else the name of a document's leading
/// operation (`query Heatmap { ... }`), found by a scan of its first words rather than a
/// second parse.
pub fn operation_name<'a>(given: Option<&'a str>, query: &'a str) -> Option<&'a str> {
    if given.is_some() {
        return given;
    }
    let mut words = query
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == '{' || c == '('))
        .filter(|w| !w.is_empty());
    match words.next()? {
        "query" | "mutation" | "subscription" => words.next(),
        _ => None,
    }
}

/// The cost an answer reports in `extensions.cost.requested` (absent when it was refused
/// before the cost was counted).
fn spent(resp: &async_graphql::Response) -> Option<u64> {
    let cost = resp.extensions.get("cost")?;
    let async_graphql::Value::Object(cost) = cost else {
        return None;
    };
    match cost.get("requested")? {
        async_graphql::Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// (open connections, idle connections) of a pool.
fn pool_use(db: &DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_labels_only_while_they_are_few_and_sane() {
        let m = Metrics::new().expect("metrics register");
        assert_eq!(m.operation_label(None), "anonymous");
        assert_eq!(m.operation_label(Some("Heatmap")), "Heatmap");
        assert_eq!(m.operation_label(Some("drop table;")), "anonymous");
        for i in 0..MAX_OPERATION_NAMES {
            m.operation_label(Some(&format!("op{i}")));
        }
        assert_eq!(m.operation_label(Some("one_too_many")), "other");
        assert_eq!(m.operation_label(Some("Heatmap")), "Heatmap");
    }

    #[test]
    fn a_leading_operation_name_is_found_without_parsing() {
        assert_eq!(operation_name(None, "query Heatmap { a }"), Some("Heatmap"));
        assert_eq!(
            operation_name(None, "# comment\n  query Map($x: Int) { a }"),
            Some("Map")
        );
        assert_eq!(operation_name(None, "{ a }"), None);
        assert_eq!(
            operation_name(Some("Given"), "query Other { a }"),
            Some("Given")
        );
    }
}
