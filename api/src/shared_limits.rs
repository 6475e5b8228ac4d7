//! Rate-limit state in PostgreSQL, shared by every API process behind a load balancer.
//!
//! The in-memory [`CostLimiter`](crate::limits::CostLimiter) and
//! [`LoginThrottle`](crate::limits::LoginThrottle) give each process its own budgets, so N
//! processes would give a client N budgets. When the store is PostgreSQL, the same rules run
//! on rows instead (migration 23): one token bucket per client, charged in each process's
//! memory and reconciled with its row every 250 ms ([`SharedBudgets`], which says how far a
//! client can overshoot), and one row per failed sign-in, counted over the window. SQLite
//! serves one process and keeps the in-memory versions.

use crate::limits::{Budget, CostLimiter, Exhausted, RetryAfter};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The query-cost budgets of this deployment, which GraphQL and the export files both charge:
/// in the database on PostgreSQL (shared by every process), in this process's memory on
/// SQLite, or when a charge fails for another reason than the database being unreachable.
pub struct Budgets {
    local: CostLimiter,
    shared: Option<std::sync::Arc<SharedBudgets>>,
}

impl Budgets {
    /// Budgets of `capacity` tokens refilling at `refill_per_minute`, kept in the database
    /// `db` writes to when it is PostgreSQL.
    pub fn new(db: &DatabaseConnection, capacity: u64, refill_per_minute: u64) -> Self {
        let shared = (db.get_database_backend() == DbBackend::Postgres).then(|| {
            let shared =
                std::sync::Arc::new(SharedBudgets::new(db.clone(), capacity, refill_per_minute));
            tokio::spawn(SharedBudgets::reconcile_forever(std::sync::Arc::downgrade(
                &shared,
            )));
            shared
        });
        Budgets {
            local: CostLimiter::new(capacity, refill_per_minute),
            shared,
        }
    }

    /// Budgets in this process's memory only (one process, or tests).
    pub fn local(limiter: CostLimiter) -> Self {
        Budgets {
            local: limiter,
            shared: None,
        }
    }

    /// Spends `cost` tokens of `client`'s budget. An error only when the database cannot be
    /// reached (SERVICE_UNAVAILABLE): the request could read nothing either, so it is refused
    /// at once instead of waiting a second time for a connection in its next step (one deadline
    /// per request). Any other failure of the shared charge falls back to this process's
    /// budget.
    pub async fn try_spend(
        &self,
        client: &str,
        cost: u64,
    ) -> crate::Result<Result<Budget, Exhausted>> {
        if let Some(shared) = &self.shared {
            match shared.try_spend(client, cost).await {
                Ok(outcome) => return Ok(outcome),
                Err(e) if crate::error::is_unavailable(&e) => return Err(e.into()),
                Err(e) => tracing::warn!(
                    error = %e,
                    "the shared budget could not be charged; charging this process's"
                ),
            }
        }
        Ok(self.local.try_spend(client, cost))
    }
}

/// Token buckets in the `rate_buckets` table, charged in this process's memory and reconciled
/// with the table in batches.
///
/// Before, every request upserted its client's row: correct, but every request of one client
/// (a dashboard's eight connections) queued on that row lock, one after another. Now a process
/// decides each request from its own view of the client's bucket (the shared tokens it last
/// read, refilled at the same rate, less what it granted since) and, every
/// [`RECONCILE_EVERY`], subtracts what it granted from the shared row and reads the row back
/// (so it sees what the other processes spent). A client a process has not seen yet, or not
/// for [`FORGET_AFTER`], is charged through the table at once (one upsert), which also reads
/// its bucket.
///
/// **The bound.** Between two reconciliations each of N processes may grant up to what its
/// view holds, at most a full bucket: a client spending through N processes at once can get up
/// to N buckets' worth within one interval, never more. It then pays it back: the shared
/// bucket goes below zero (debt is kept), every process reads it at its next reconciliation and
/// refuses the client until it has refilled. Over any period longer than an interval, the
/// client gets its one budget: the capacity plus the refill, plus at most (N - 1) buckets once.
/// One process (or a client sticking to one) gets exactly its budget, as before.
/// `tests/api/processes.rs` checks both: a burst through two processes gets at most two
/// buckets' worth, and after a reconciliation both refuse.
pub struct SharedBudgets {
    db: DatabaseConnection,
    capacity: u64,
    refill_per_minute: u64,
    /// Reconciliation rounds so far, to sweep full buckets every [`SWEEP_EVERY`] rounds.
    rounds: std::sync::atomic::AtomicU64,
    views: std::sync::Mutex<HashMap<String, View>>,
}

/// What this process knows of one client's shared bucket.
#[derive(Debug, Clone, Copy)]
struct View {
    /// Tokens in the shared bucket as last read, refilled up to `at`, less what this process
    /// granted since.
    tokens: f64,
    at: Instant,
    /// Granted here since the last reconciliation, not yet subtracted from the shared row.
    pending: f64,
    /// The client's last request to this process.
    used: Instant,
}

/// How often a process reconciles what it granted with the shared table.
pub const RECONCILE_EVERY: Duration = Duration::from_millis(250);

/// A client idle this long in a process is forgotten there; its next request reads the table.
pub const FORGET_AFTER: Duration = Duration::from_secs(10);

/// How often (in reconciliation rounds, about a minute) a process deletes the buckets left
/// untouched long enough to be full again: deleting them loses nothing (a returning client
/// starts full) and keeps the table as small as the set of recent clients.
pub const SWEEP_EVERY: u64 = 240;

/// Refills the bucket for the time since its last use, then spends `$4` tokens if it holds
/// them; a new client starts full. Every `SET` expression reads the row as it was, so
/// `granted` and `tokens` agree. `$2` capacity, `$3` refill per second.
const SPEND: &str = "
INSERT INTO rate_buckets AS b (client, tokens, last_at, granted)
VALUES ($1, CASE WHEN $4 <= $2 THEN $2 - $4 ELSE $2 END, now(), $4 <= $2)
ON CONFLICT (client) DO UPDATE SET
  granted = LEAST($2, b.tokens + EXTRACT(EPOCH FROM (now() - b.last_at))::float8 * $3) >= $4,
  tokens = LEAST($2, b.tokens + EXTRACT(EPOCH FROM (now() - b.last_at))::float8 * $3)
    - CASE WHEN LEAST($2, b.tokens + EXTRACT(EPOCH FROM (now() - b.last_at))::float8 * $3) >= $4
      THEN $4 ELSE 0 END,
  last_at = GREATEST(b.last_at, now())
RETURNING tokens, granted";

/// Refills the bucket, then subtracts `$4` tokens already granted by a process, going below
/// zero if need be (the debt a burst through several processes leaves); returns the tokens.
const RECONCILE: &str = "
INSERT INTO rate_buckets AS b (client, tokens, last_at, granted)
VALUES ($1, $2 - $4, now(), true)
ON CONFLICT (client) DO UPDATE SET
  tokens = LEAST($2, b.tokens + EXTRACT(EPOCH FROM (now() - b.last_at))::float8 * $3) - $4,
  last_at = GREATEST(b.last_at, now())
RETURNING tokens";

impl SharedBudgets {
    /// Buckets of `capacity` tokens refilling at `refill_per_minute` (both at least 1).
    pub fn new(db: DatabaseConnection, capacity: u64, refill_per_minute: u64) -> Self {
        SharedBudgets {
            db,
            capacity: capacity.max(1),
            refill_per_minute: refill_per_minute.max(1),
            rounds: std::sync::atomic::AtomicU64::new(0),
            views: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn per_second(&self) -> f64 {
        self.refill_per_minute as f64 / 60.0
    }

    fn views(&self) -> std::sync::MutexGuard<'_, HashMap<String, View>> {
        self.views.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Deletes the buckets unused for as long as an empty one takes to refill.
    async fn sweep(&self) -> Result<(), DbErr> {
        let full_after = self.capacity as f64 * 60.0 / self.refill_per_minute as f64;
        self.db
            .execute_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "DELETE FROM rate_buckets WHERE last_at < now() - make_interval(secs => $1)",
                [Value::from(full_after)],
            ))
            .await?;
        Ok(())
    }

    /// The answer to a spend of `cost` from a bucket holding `tokens` after it.
    fn outcome(&self, tokens: f64, granted: bool, cost: u64) -> Result<Budget, Exhausted> {
        let remaining = tokens.max(0.0).floor() as u64;
        if granted {
            return Ok(Budget {
                cost,
                remaining,
                limit: self.capacity,
            });
        }
        let missing = (cost as f64).min(self.capacity as f64) - tokens;
        let wait = Duration::from_secs_f64((missing / self.per_second()).max(0.0));
        Err(Exhausted {
            cost,
            remaining,
            limit: self.capacity,
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        })
    }

    /// Spends `cost` tokens of `client`'s bucket, as every process sees it (within the bound
    /// above): from this process's view when it has one, else through the table.
    pub async fn try_spend(
        &self,
        client: &str,
        cost: u64,
    ) -> Result<Result<Budget, Exhausted>, DbErr> {
        let now = Instant::now();
        {
            let mut views = self.views();
            if let Some(v) = views.get_mut(client) {
                v.tokens = (v.tokens + (now - v.at).as_secs_f64() * self.per_second())
                    .min(self.capacity as f64);
                v.at = now;
                v.used = now;
                let granted = v.tokens >= cost as f64;
                if granted {
                    v.tokens -= cost as f64;
                    v.pending += cost as f64;
                }
                return Ok(self.outcome(v.tokens, granted, cost));
            }
        }
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                SPEND,
                [
                    Value::from(client),
                    Value::from(self.capacity as f64),
                    Value::from(self.per_second()),
                    Value::from(cost as f64),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("the rate-limit upsert returned no row".into()))?;
        let tokens: f64 = row.try_get("", "tokens")?;
        let granted: bool = row.try_get("", "granted")?;
        let mut views = self.views();
        let view = views.entry(client.to_string()).or_insert(View {
            tokens,
            at: now,
            pending: 0.0,
            used: now,
        });
        // Another request of this client may have made the view meanwhile: keep its spend.
        view.tokens = view.tokens.min(tokens);
        Ok(self.outcome(tokens, granted, cost))
    }

    /// One reconciliation round: forgets idle clients, subtracts what was granted here from
    /// each remaining client's shared bucket and reads the bucket back. A failure keeps the
    /// pending spend for the next round.
    pub async fn reconcile(&self) -> Result<(), DbErr> {
        let now = Instant::now();
        let batch: Vec<(String, f64)> = {
            let mut views = self.views();
            views.retain(|_, v| v.pending > 0.0 || now - v.used < FORGET_AFTER);
            views
                .iter_mut()
                .map(|(client, v)| {
                    let pending = std::mem::take(&mut v.pending);
                    (client.clone(), pending)
                })
                .collect()
        };
        let mut failed = None;
        for (client, pending) in batch {
            let read = self
                .db
                .query_one_raw(Statement::from_sql_and_values(
                    self.db.get_database_backend(),
                    RECONCILE,
                    [
                        Value::from(client.as_str()),
                        Value::from(self.capacity as f64),
                        Value::from(self.per_second()),
                        Value::from(pending),
                    ],
                ))
                .await;
            let tokens = match read {
                Ok(Some(row)) => row.try_get::<f64>("", "tokens"),
                Ok(None) => Err(DbErr::Custom("the reconciliation returned no row".into())),
                Err(e) => Err(e),
            };
            let mut views = self.views();
            match tokens {
                Ok(tokens) => {
                    if let Some(v) = views.get_mut(&client) {
                        // What was granted here while the statement ran is still to subtract.
                        v.tokens = tokens - v.pending;
                        v.at = Instant::now();
                    }
                }
                Err(e) => {
                    if let Some(v) = views.get_mut(&client) {
                        v.pending += pending;
                    }
                    failed = Some(e);
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let round = self
            .rounds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if round % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep().await?;
        }
        Ok(())
    }

    /// Reconciles every [`RECONCILE_EVERY`] until the budgets are dropped.
    pub async fn reconcile_forever(me: std::sync::Weak<Self>) {
        loop {
            tokio::time::sleep(RECONCILE_EVERY).await;
            let Some(budgets) = me.upgrade() else {
                return;
            };
            if let Err(e) = budgets.reconcile().await {
                tracing::warn!(error = %e, "could not reconcile the rate-limit budgets");
            }
        }
    }
}

/// Failed sign-ins in the `login_failures` table: the same rules as
/// [`LoginThrottle`](crate::limits::LoginThrottle) (per account and address, and per address
/// over all accounts), counted over every process.
pub struct SharedLogins {
    db: DatabaseConnection,
    max_attempts: u32,
    window: Duration,
}

/// The same account-and-address key as the in-memory throttle, tagged as a pair.
fn pair_key(email: &str, address: &str) -> String {
    format!("pair:{}", crate::limits::pair_key(email, address))
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

impl SharedLogins {
    /// At most `max_attempts` failures per account and address within `window`, and
    /// [`crate::limits::ADDRESS_FACTOR`] times that per address.
    pub fn new(db: DatabaseConnection, max_attempts: u32, window: Duration) -> Self {
        SharedLogins {
            db,
            max_attempts: max_attempts.max(1),
            window,
        }
    }

    fn exec(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.db.get_database_backend(), sql, values)
    }

    /// Seconds until `key` has fewer than `limit` failures in the window, if it is at it.
    async fn wait(&self, key: String, limit: u32) -> Result<Option<u64>, DbErr> {
        let row = self
            .db
            .query_one_raw(self.exec(
                "SELECT EXTRACT(EPOCH FROM (at + make_interval(secs => $2) - now()))::float8 AS wait \
                 FROM login_failures WHERE key = $1 AND at > now() - make_interval(secs => $2) \
                 ORDER BY at DESC OFFSET $3 LIMIT 1",
                vec![
                    Value::from(key),
                    Value::from(self.window.as_secs_f64()),
                    Value::from(i64::from(limit) - 1),
                ],
            ))
            .await?;
        Ok(match row {
            Some(r) => {
                let wait: f64 = r.try_get("", "wait")?;
                Some(wait.max(1.0).ceil() as u64)
            }
            None => None,
        })
    }

    /// Whether a sign-in for `email` from `address` may be attempted now.
    pub async fn check(&self, email: &str, address: &str) -> Result<Result<(), RetryAfter>, DbErr> {
        let pair = self
            .wait(pair_key(email, address), self.max_attempts)
            .await?;
        let by_address = self
            .wait(
                address_key(address),
                self.max_attempts
                    .saturating_mul(crate::limits::ADDRESS_FACTOR),
            )
            .await?;
        Ok(match pair.max(by_address) {
            Some(secs) => Err(RetryAfter { secs }),
            None => Ok(()),
        })
    }

    /// Records a failed attempt, and forgets this account's and address's failures that left
    /// the window.
    pub async fn record_failure(&self, email: &str, address: &str) -> Result<(), DbErr> {
        let (pair, addr) = (pair_key(email, address), address_key(address));
        self.db
            .execute_raw(self.exec(
                "DELETE FROM login_failures WHERE key IN ($1, $2) \
                 AND at <= now() - make_interval(secs => $3)",
                vec![
                    Value::from(pair.clone()),
                    Value::from(addr.clone()),
                    Value::from(self.window.as_secs_f64()),
                ],
            ))
            .await?;
        self.db
            .execute_raw(self.exec(
                "INSERT INTO login_failures (key, at) VALUES ($1, now()), ($2, now())",
                vec![Value::from(pair), Value::from(addr)],
            ))
            .await?;
        Ok(())
    }

    /// Records a successful sign-in: clears this account's failures from this address (the
    /// address keeps its own, as in memory).
    pub async fn record_success(&self, email: &str, address: &str) -> Result<(), DbErr> {
        self.db
            .execute_raw(self.exec(
                "DELETE FROM login_failures WHERE key = $1",
                vec![Value::from(pair_key(email, address))],
            ))
            .await?;
        Ok(())
    }
}

/// The sign-in throttle one request uses: the shared one on PostgreSQL, else this process's.
pub enum Logins<'a> {
    Shared(&'a SharedLogins),
    Local(&'a crate::limits::LoginThrottle),
}

impl Logins<'_> {
    /// Whether a sign-in for `email` from `address` may be attempted now.
    pub async fn check(&self, email: &str, address: &str) -> crate::Result<Result<(), RetryAfter>> {
        match self {
            Logins::Shared(s) => Ok(s.check(email, address).await?),
            Logins::Local(l) => Ok(l.check(email, address)),
        }
    }

    /// Records a failed attempt.
    pub async fn record_failure(&self, email: &str, address: &str) -> crate::Result<()> {
        match self {
            Logins::Shared(s) => Ok(s.record_failure(email, address).await?),
            Logins::Local(l) => {
                l.record_failure(email, address);
                Ok(())
            }
        }
    }

    /// Records a successful sign-in.
    pub async fn record_success(&self, email: &str, address: &str) -> crate::Result<()> {
        match self {
            Logins::Shared(s) => Ok(s.record_success(email, address).await?),
            Logins::Local(l) => {
                l.record_success(email, address);
                Ok(())
            }
        }
    }
}
