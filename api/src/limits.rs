//! Abuse limits for the public API: a query-cost budget per client and a login throttle.
//!
//! - [`CostLimiter`]: one token bucket per client; a query spends its complexity.
//! - [`CostExtension`]: the async-graphql extension that charges every query to its client
//!   ([`ClientKey`] in the request data) and reports the budget in `extensions.cost`.
//! - [`LoginThrottle`]: failed login attempts per account and per client address.
//!
//! # Wiring
//!
//! ```ignore
//! // schema::build
//! let limiter = Arc::new(CostLimiter::new(capacity, refill_per_minute));
//! Schema::build(..).extension(CostExtension::new(limiter))
//!
//! // per request (routes.rs): who pays for the query
//! let req = req.data(ClientKey::for_user(user_id)); // or ClientKey::for_address(ip)
//!
//! // login mutation
//! throttle.check(&email, &client_key.0)?;           // RetryAfter converts to a GraphQL error
//! if ok { throttle.record_success(&email, &client_key.0) }
//! else { throttle.record_failure(&email, &client_key.0) }
//! ```
//!
//! # Several processes
//!
//! The types here keep their state in the memory of one process. On PostgreSQL the same rules
//! run on rows shared by every process ([`crate::shared_limits`]): the extension charges
//! [`crate::shared_limits::SharedBudgets`] and sign-in uses
//! [`crate::shared_limits::SharedLogins`], so N processes behind a balancer give a client one
//! budget, not N. SQLite serves one process and uses the in-memory versions.

use async_graphql::{
    async_trait::async_trait,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest,
        NextValidation,
    },
    indexmap::IndexMap,
    ErrorExtensionValues, ErrorExtensions, Name, Response, ServerError, ValidationResult, Value,
};
use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

/// How many clients (or login keys) are tracked before idle entries are pruned.
pub const DEFAULT_MAX_TRACKED: usize = 10_000;

/// The client of requests that carry no [`ClientKey`]: they all share one bucket.
pub const ANONYMOUS: &str = "anonymous";

/// Locks a mutex, carrying on after a panic elsewhere: the state is plain counters that are
/// valid after any partial update.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whole seconds until `d` has passed, at least 1 (for a `retry in N s` hint).
fn ceil_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

// ---------------------------------------------------------------------------------------------
// Cost budget
// ---------------------------------------------------------------------------------------------

/// Token units per token: one token refills in `SCALE / refill_per_minute` microseconds, so
/// refills are exact integer arithmetic (`elapsed_micros * refill_per_minute` units).
const SCALE: u128 = 60 * 1_000_000;

/// A spend that was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// What the query cost.
    pub cost: u64,
    /// Whole tokens left in the client's bucket after the spend.
    pub remaining: u64,
    /// The bucket's capacity.
    pub limit: u64,
}

/// A spend that was refused; nothing was taken from the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    /// What the query would have cost.
    pub cost: u64,
    /// Whole tokens in the client's bucket.
    pub remaining: u64,
    /// The bucket's capacity.
    pub limit: u64,
    /// Seconds until the bucket holds `cost` tokens. For a query that never fits
    /// ([`Exhausted::never_fits`]) it is the time until the bucket is full, so that a client
    /// retrying anyway at least backs off.
    pub retry_after_secs: u64,
}

impl Exhausted {
    /// Whether the query costs more than a full bucket: it is refused however long one waits.
    pub fn never_fits(&self) -> bool {
        self.cost > self.limit
    }

    /// The GraphQL error for this refusal: `extensions.code` RATE_LIMITED, plus `cost`,
    /// `remaining`, `limit` and `retryAfter` (seconds).
    pub fn to_server_error(&self) -> ServerError {
        let message = if self.never_fits() {
            format!(
                "rate limit exceeded: this query costs {}, more than the budget of {}; \
                 ask for fewer or smaller fields",
                self.cost, self.limit
            )
        } else {
            format!(
                "rate limit exceeded: this query costs {}, {} of {} remain; retry in {} s",
                self.cost, self.remaining, self.limit, self.retry_after_secs
            )
        };
        let mut ext = ErrorExtensionValues::default();
        ext.set("code", "RATE_LIMITED");
        ext.set("cost", self.cost);
        ext.set("remaining", self.remaining);
        ext.set("limit", self.limit);
        ext.set("retryAfter", self.retry_after_secs);
        let mut err = ServerError::new(message, None);
        err.extensions = Some(ext);
        err
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// In units of `1 / SCALE` token.
    units: u128,
    last: Instant,
}

/// Per-client token buckets spent by query cost.
///
/// Each client has a bucket of `capacity` tokens that refills continuously at
/// `refill_per_minute` (tokens = min(capacity, tokens + elapsed × refill / 60 s)); a new client
/// starts full. A query is allowed when its bucket holds at least its cost, and then takes it;
/// a refused query takes nothing. A query costing more than `capacity` is always refused, so
/// `capacity` should be at least the schema's complexity limit (`NORMWATCH_MAX_COMPLEXITY`).
///
/// Memory stays bounded: when a new client arrives and `max_clients` are tracked, full buckets
/// are dropped (this loses nothing: a returning client gets a full bucket, which is what it
/// had). If that is not enough (many clients spending at once), the buckets used longest ago
/// are dropped down to three quarters of `max_clients`, which lets those clients start over
/// with a full bucket: lenient, never stricter.
///
/// One mutex guards the map; the critical section is a hash lookup and some arithmetic.
/// Process-local: see the module documentation for the known limit with several processes.
#[derive(Debug)]
pub struct CostLimiter {
    capacity: u64,
    refill_per_minute: u64,
    max_clients: usize,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl CostLimiter {
    /// Buckets of `capacity` tokens refilling at `refill_per_minute` tokens a minute (both
    /// taken as at least 1), tracking up to [`DEFAULT_MAX_TRACKED`] clients.
    pub fn new(capacity: u64, refill_per_minute: u64) -> Self {
        Self {
            capacity: capacity.max(1),
            refill_per_minute: refill_per_minute.max(1),
            max_clients: DEFAULT_MAX_TRACKED,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Tracks up to `max_clients` clients (at least 1) before pruning.
    pub fn with_max_clients(mut self, max_clients: usize) -> Self {
        self.max_clients = max_clients.max(1);
        self
    }

    /// The capacity of a bucket.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// How many clients have a bucket in memory now.
    pub fn tracked_clients(&self) -> usize {
        lock(&self.buckets).len()
    }

    /// Spends `cost` tokens of `client`'s bucket now.
    pub fn try_spend(&self, client: &str, cost: u64) -> Result<Budget, Exhausted> {
        self.try_spend_at(client, cost, Instant::now())
    }

    /// [`CostLimiter::try_spend`] at the instant `now` (tests inject time with it). An instant
    /// earlier than the bucket's last use counts as no time passed.
    pub fn try_spend_at(&self, client: &str, cost: u64, now: Instant) -> Result<Budget, Exhausted> {
        let capacity = u128::from(self.capacity) * SCALE;
        let refill = u128::from(self.refill_per_minute);
        let mut buckets = lock(&self.buckets);
        if !buckets.contains_key(client) && buckets.len() >= self.max_clients {
            self.prune(&mut buckets, now);
        }
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            units: capacity,
            last: now,
        });
        bucket.units = self.level_at(bucket, now);
        bucket.last = bucket.last.max(now);

        let needed = u128::from(cost) * SCALE;
        let whole = |units: u128| u64::try_from(units / SCALE).unwrap_or(u64::MAX);
        if needed <= bucket.units && needed <= capacity {
            bucket.units -= needed;
            return Ok(Budget {
                cost,
                remaining: whole(bucket.units),
                limit: self.capacity,
            });
        }
        let target = needed.min(capacity);
        let micros = (target.saturating_sub(bucket.units)).div_ceil(refill);
        let wait = Duration::from_micros(u64::try_from(micros).unwrap_or(u64::MAX));
        Err(Exhausted {
            cost,
            remaining: whole(bucket.units),
            limit: self.capacity,
            retry_after_secs: ceil_secs(wait),
        })
    }

    /// The bucket's units after refilling until `now`.
    fn level_at(&self, bucket: &Bucket, now: Instant) -> u128 {
        let capacity = u128::from(self.capacity) * SCALE;
        let elapsed = now.saturating_duration_since(bucket.last).as_micros();
        let added = elapsed.saturating_mul(u128::from(self.refill_per_minute));
        bucket.units.saturating_add(added).min(capacity)
    }

    fn prune(&self, buckets: &mut HashMap<String, Bucket>, now: Instant) {
        let capacity = u128::from(self.capacity) * SCALE;
        buckets.retain(|_, b| self.level_at(b, now) < capacity);
        evict_oldest(buckets, self.max_clients, |b| b.last);
    }
}

/// If `map` holds more than three quarters of `max`, drops the entries whose `last_used` is
/// oldest until it holds three quarters, so the next prune is at least `max / 4` inserts away.
fn evict_oldest<V>(map: &mut HashMap<String, V>, max: usize, last_used: impl Fn(&V) -> Instant) {
    let keep = max - max / 4;
    if map.len() <= keep {
        return;
    }
    let mut by_age: Vec<(Instant, String)> =
        map.iter().map(|(k, v)| (last_used(v), k.clone())).collect();
    by_age.sort_unstable();
    let excess = map.len() - keep;
    for (_, key) in by_age.into_iter().take(excess) {
        map.remove(&key);
    }
}

// ---------------------------------------------------------------------------------------------
// The GraphQL extension
// ---------------------------------------------------------------------------------------------

/// Who pays for a request: insert one per request with `Request::data`.
///
/// The format is `token:<user id>` for an authenticated caller and `ip:<address>` otherwise;
/// use [`ClientKey::for_user`] and [`ClientKey::for_address`] to get it right. A request
/// without a key is charged to [`ANONYMOUS`], a bucket shared by every such request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(pub String);

impl ClientKey {
    /// `token:<user id>`.
    pub fn for_user(user_id: impl std::fmt::Display) -> Self {
        Self(format!("token:{user_id}"))
    }

    /// `ip:<address>`. An IPv6 address is cut to its /64 network, since one subscriber
    /// usually holds a whole /64 and could otherwise take a fresh budget per address.
    pub fn for_address(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self(format!("ip:{v4}")),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(format!("ip:{v4}")),
                None => {
                    let net = std::net::Ipv6Addr::from(
                        u128::from(v6) & 0xffff_ffff_ffff_ffff_0000_0000_0000_0000,
                    );
                    Self(format!("ip:{net}/64"))
                }
            },
        }
    }
}

/// Screens, costs and charges every request (see [`crate::cost`] for the cost model).
///
/// Before anything else runs ([`Extension::prepare_request`]): the document's bracket nesting
/// is checked without parsing ([`crate::screen::check_nesting`]), the document is parsed once
/// (async-graphql reuses that parse), NUL characters in values are refused, and the cost is
/// estimated; a document costing more than `max_cost` is refused with a message naming both,
/// before validation (so an exponential fragment expansion never reaches the validator).
///
/// After validation (so syntax errors and invalid queries cost nothing), the cost is spent
/// from the shared [`CostLimiter`], and a heavy request (at least a tenth of the limit) waits
/// for a free lane ([`heavy_lanes`]). Refused: the query does not run and the answer is one
/// error with `extensions.code` RATE_LIMITED (see [`Exhausted::to_server_error`]) and a
/// `Retry-After` HTTP header. Allowed: the response carries
/// `extensions.cost = { requested, remaining, limit }`. Each request of a batch is charged on
/// its own.
pub struct CostExtension {
    limiter: Arc<crate::shared_limits::Budgets>,
    shape: Arc<crate::cost::ShapeCache>,
    max_cost: u64,
    max_depth: usize,
    heavy: Arc<tokio::sync::Semaphore>,
}

/// A request costing at least this share of the limit is heavy: it waits for one of the
/// [`heavy_lanes`] before it runs.
pub const HEAVY_SHARE: u64 = 10;

/// How many heavy requests run at once: one less than the cores (at least one), so that a
/// core always stays free for everything else and a burst of expensive requests cannot make
/// a simple one wait for them.
pub fn heavy_lanes() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1)
}

impl CostExtension {
    /// Charges `limiter`; refuses documents nested deeper than `max_depth` or costing more
    /// than `max_cost`, measured against `shape`.
    pub fn new(
        limiter: Arc<crate::shared_limits::Budgets>,
        shape: Arc<crate::cost::ShapeCache>,
        max_cost: u64,
        max_depth: usize,
    ) -> Self {
        Self {
            limiter,
            shape,
            max_cost,
            max_depth,
            heavy: Arc::new(tokio::sync::Semaphore::new(heavy_lanes())),
        }
    }
}

impl ExtensionFactory for CostExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostCharge {
            limiter: Arc::clone(&self.limiter),
            shape: Arc::clone(&self.shape),
            max_cost: self.max_cost,
            max_depth: self.max_depth,
            heavy: Arc::clone(&self.heavy),
            lane: Mutex::new(None),
            estimate: Mutex::new(None),
            outcome: Mutex::new(None),
        })
    }
}

/// The per-request instance of [`CostExtension`].
struct CostCharge {
    limiter: Arc<crate::shared_limits::Budgets>,
    shape: Arc<crate::cost::ShapeCache>,
    max_cost: u64,
    max_depth: usize,
    heavy: Arc<tokio::sync::Semaphore>,
    /// Held while a heavy request runs; released when the request's extensions are dropped.
    lane: Mutex<Option<tokio::sync::OwnedSemaphorePermit>>,
    estimate: Mutex<Option<u64>>,
    outcome: Mutex<Option<Result<Budget, Exhausted>>>,
}

fn cost_value(budget: &Budget) -> Value {
    let mut map = IndexMap::new();
    map.insert(Name::new("requested"), Value::from(budget.cost));
    map.insert(Name::new("remaining"), Value::from(budget.remaining));
    map.insert(Name::new("limit"), Value::from(budget.limit));
    Value::Object(map)
}

/// A BAD_USER_INPUT refusal of the whole request, with extra extensions.
fn bad_request(message: String, extra: &[(&str, Value)]) -> ServerError {
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", "BAD_USER_INPUT");
    for (k, v) in extra {
        ext.set(*k, v.clone());
    }
    let mut err = ServerError::new(message, None);
    err.extensions = Some(ext);
    err
}

#[async_trait]
impl Extension for CostCharge {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        match lock(&self.outcome).take() {
            Some(Ok(budget)) => {
                resp.extensions
                    .insert("cost".to_owned(), cost_value(&budget));
            }
            Some(Err(exhausted)) => {
                resp.http_headers.insert(
                    poem::http::header::RETRY_AFTER,
                    poem::http::HeaderValue::from(exhausted.retry_after_secs),
                );
            }
            None => {}
        }
        resp
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        crate::screen::check_nesting(&request.query, crate::screen::MAX_NESTING)
            .map_err(|m| bad_request(m, &[]))?;
        // Parsed once here and kept in the request; a syntax error is left to async-graphql,
        // which reports it with its position.
        let variables = request.variables.clone();
        if let Ok(doc) = request.parsed_query() {
            crate::screen::check_values(doc, &variables).map_err(|m| bad_request(m, &[]))?;
            let depth = crate::cost::depth(doc);
            if depth > self.max_depth {
                return Err(bad_request(
                    format!(
                        "the query is nested {depth} levels deep, more than the limit of {}",
                        self.max_depth
                    ),
                    &[],
                ));
            }
            let shape = self.shape.get();
            let cost =
                crate::cost::estimate(doc, &variables, &ctx.schema_env.registry, &shape).max(1);
            if cost > self.max_cost {
                return Err(bad_request(
                    format!(
                        "this query costs {cost}, more than the limit of {}; ask for smaller \
                         pages (`first`), fewer fields or a narrower scope",
                        self.max_cost
                    ),
                    &[
                        ("cost", Value::from(cost)),
                        ("limit", Value::from(self.max_cost)),
                    ],
                ));
            }
            *lock(&self.estimate) = Some(cost);
        }
        // Each request gets its own batches: per-page computations are shared within it only.
        request = request.data(crate::batch::Batches::default());
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let mut result = next.run(ctx).await?;
        let estimate = *lock(&self.estimate);
        let cost = estimate
            .unwrap_or_else(|| u64::try_from(result.complexity).unwrap_or(u64::MAX))
            .max(1);
        result.complexity = usize::try_from(cost).unwrap_or(usize::MAX);
        let client = ctx
            .data_opt::<ClientKey>()
            .map_or(ANONYMOUS, |k| k.0.as_str());
        let outcome = match self.limiter.try_spend(client, cost).await {
            Ok(outcome) => outcome,
            Err(unavailable) => {
                let e = async_graphql::Error::from(unavailable);
                return Err(vec![e.into_server_error(Default::default())]);
            }
        };
        *lock(&self.outcome) = Some(outcome);
        if let Err(exhausted) = outcome {
            return Err(vec![exhausted.to_server_error()]);
        }
        if cost.saturating_mul(HEAVY_SHARE) >= self.max_cost {
            // The wait counts against the request's time limit (a TIMEOUT if it is too long).
            if let Ok(permit) = Arc::clone(&self.heavy).acquire_owned().await {
                *lock(&self.lane) = Some(permit);
            }
        }
        Ok(result)
    }
}

// ---------------------------------------------------------------------------------------------
// Login throttle
// ---------------------------------------------------------------------------------------------

/// A refused login attempt: try again in `secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    pub secs: u64,
}

impl From<RetryAfter> for async_graphql::Error {
    /// "too many failed login attempts; retry in N s", `extensions.code` RATE_LIMITED and
    /// `retryAfter`. It does not say whether the account or the address was throttled.
    fn from(r: RetryAfter) -> Self {
        async_graphql::Error::new(format!(
            "too many failed login attempts; retry in {} s",
            r.secs
        ))
        .extend_with(|_, ext| {
            ext.set("code", "RATE_LIMITED");
            ext.set("retryAfter", r.secs);
        })
    }
}

/// The newest failures of one key (at most `max_attempts`, oldest first).
type Failures = VecDeque<Instant>;

#[derive(Debug, Default)]
struct ThrottleState {
    /// Failures per (account, address): what locks a guesser out of one account.
    pairs: HashMap<String, Failures>,
    /// Failures per address, over every account: what stops a spree across accounts.
    addresses: HashMap<String, Failures>,
}

/// An address may fail this many times the per-account limit, across accounts, in the window.
pub const ADDRESS_FACTOR: u32 = 4;

/// Limits failed login attempts per (account, address) and per address.
///
/// A login is refused when the account (the email, trimmed and lower-cased) has had
/// `max_attempts` failed attempts *from this address* within the sliding `window`, or when the
/// address has had `max_attempts × ADDRESS_FACTOR` failures over all accounts. Failures from
/// one address never lock the account for another address, so a stranger cannot lock a user
/// out. Call [`LoginThrottle::check`] before verifying the password, then
/// [`LoginThrottle::record_failure`] or [`LoginThrottle::record_success`]. A refused attempt
/// is not a failure (it does not extend the lock-out). Unknown emails are counted like known
/// ones (and verified against a dummy hash, so they take as long), so the throttle reveals
/// nothing about which accounts exist.
///
/// For the address, pass the caller's [`ClientKey`] string for an unauthenticated request
/// (`ip:<address>`, IPv6 cut to /64).
///
/// Memory: each key keeps at most its limit of instants; when `max_keys` keys are tracked in a
/// map and a new one arrives, keys without a failure inside the window are dropped, then if
/// needed those whose last failure is oldest (lenient: they start over). Process-local, like
/// [`CostLimiter`].
#[derive(Debug)]
pub struct LoginThrottle {
    max_attempts: u32,
    window: Duration,
    max_keys: usize,
    state: Mutex<ThrottleState>,
}

/// The key of an account tried from an address.
pub(crate) fn pair_key(email: &str, address: &str) -> String {
    format!("{}|{address}", email.trim().to_lowercase())
}

impl LoginThrottle {
    /// At most `max_attempts` (at least 1) failures per account and address within `window`,
    /// tracking up to [`DEFAULT_MAX_TRACKED`] keys of each kind.
    pub fn new(max_attempts: u32, window: Duration) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            window,
            max_keys: DEFAULT_MAX_TRACKED,
            state: Mutex::new(ThrottleState::default()),
        }
    }

    /// Tracks up to `max_keys` pairs and as many addresses (at least 1) before pruning.
    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(1);
        self
    }

    fn address_limit(&self) -> usize {
        (self.max_attempts as usize).saturating_mul(ADDRESS_FACTOR as usize)
    }

    /// How many (account, address) pairs and addresses are tracked now.
    pub fn tracked_keys(&self) -> (usize, usize) {
        let state = lock(&self.state);
        (state.pairs.len(), state.addresses.len())
    }

    /// Whether a login for `email` from `address` may be attempted now.
    pub fn check(&self, email: &str, address: &str) -> Result<(), RetryAfter> {
        self.check_at(email, address, Instant::now())
    }

    /// [`LoginThrottle::check`] at the instant `now`.
    pub fn check_at(&self, email: &str, address: &str, now: Instant) -> Result<(), RetryAfter> {
        let state = lock(&self.state);
        let waits = [
            self.wait(
                state.pairs.get(&pair_key(email, address)),
                self.max_attempts as usize,
                now,
            ),
            self.wait(state.addresses.get(address), self.address_limit(), now),
        ];
        match waits.into_iter().flatten().max() {
            Some(wait) => Err(RetryAfter {
                secs: ceil_secs(wait),
            }),
            None => Ok(()),
        }
    }

    /// Records a failed attempt (wrong password or unknown email) now.
    pub fn record_failure(&self, email: &str, address: &str) {
        self.record_failure_at(email, address, Instant::now());
    }

    /// [`LoginThrottle::record_failure`] at the instant `now`.
    pub fn record_failure_at(&self, email: &str, address: &str, now: Instant) {
        let mut state = lock(&self.state);
        let ThrottleState { pairs, addresses } = &mut *state;
        self.push(
            pairs,
            &pair_key(email, address),
            self.max_attempts as usize,
            now,
        );
        self.push(addresses, address, self.address_limit(), now);
    }

    /// Records a successful login: clears the failures of this account from this address.
    /// The address keeps its failures, so that logging in to one's own account does not reset
    /// a guessing spree against others from the same address.
    pub fn record_success(&self, email: &str, address: &str) {
        self.record_success_at(email, address, Instant::now());
    }

    /// [`LoginThrottle::record_success`] at the instant `now`.
    pub fn record_success_at(&self, email: &str, address: &str, _now: Instant) {
        lock(&self.state).pairs.remove(&pair_key(email, address));
    }

    /// Whether `t` is still inside the window at `now`.
    fn recent(&self, t: Instant, now: Instant) -> bool {
        now.saturating_duration_since(t) < self.window
    }

    /// How long until `failures` drop below `limit`, if they are at it now.
    fn wait(&self, failures: Option<&Failures>, limit: usize, now: Instant) -> Option<Duration> {
        let failures = failures?;
        let recent = failures.iter().filter(|&&t| self.recent(t, now)).count();
        if recent < limit {
            return None;
        }
        // At the limit the deque holds exactly `limit` recent instants; the oldest leaving
        // the window brings the count below the limit.
        let oldest = *failures.front()?;
        Some(
            self.window
                .saturating_sub(now.saturating_duration_since(oldest)),
        )
    }

    fn push(&self, map: &mut HashMap<String, Failures>, key: &str, limit: usize, now: Instant) {
        if !map.contains_key(key) && map.len() >= self.max_keys {
            map.retain(|_, f| f.back().is_some_and(|&t| self.recent(t, now)));
            evict_oldest(map, self.max_keys, |f| f.back().copied().unwrap_or(now));
        }
        let failures = map.entry(key.to_owned()).or_default();
        while failures.front().is_some_and(|&t| !self.recent(t, now)) {
            failures.pop_front();
        }
        failures.push_back(now);
        while failures.len() > limit {
            failures.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SEC: Duration = Duration::from_secs(1);

    // --- CostLimiter ---

    #[test]
    fn spends_until_exhausted_then_refills() {
        let limiter = CostLimiter::new(10, 60); // one token a second
        let t0 = Instant::now();
        let b = limiter.try_spend_at("ip:1.2.3.4", 4, t0).unwrap();
        assert_eq!(
            b,
            Budget {
                cost: 4,
                remaining: 6,
                limit: 10
            }
        );
        let b = limiter.try_spend_at("ip:1.2.3.4", 6, t0).unwrap();
        assert_eq!(b.remaining, 0);

        let e = limiter.try_spend_at("ip:1.2.3.4", 3, t0).unwrap_err();
        assert_eq!(
            e,
            Exhausted {
                cost: 3,
                remaining: 0,
                limit: 10,
                retry_after_secs: 3
            }
        );
        assert!(!e.never_fits());
        // Half a second later: half a token, still not enough, and the refusal took nothing.
        let e = limiter
            .try_spend_at("ip:1.2.3.4", 1, t0 + SEC / 2)
            .unwrap_err();
        assert_eq!((e.remaining, e.retry_after_secs), (0, 1));

        let b = limiter.try_spend_at("ip:1.2.3.4", 3, t0 + 3 * SEC).unwrap();
        assert_eq!(b.remaining, 0);
        // Refill stops at the capacity.
        let b = limiter
            .try_spend_at("ip:1.2.3.4", 1, t0 + 3600 * SEC)
            .unwrap();
        assert_eq!(b.remaining, 9);
    }

    #[test]
    fn a_query_above_capacity_is_always_refused() {
        let limiter = CostLimiter::new(10, 600);
        let t0 = Instant::now();
        for t in [t0, t0 + 3600 * SEC] {
            let e = limiter.try_spend_at("c", 11, t).unwrap_err();
            assert!(e.never_fits());
            assert_eq!((e.cost, e.remaining, e.limit), (11, 10, 10));
            assert!(e.retry_after_secs >= 1);
        }
        // A full bucket still serves a query that fits.
        assert!(limiter.try_spend_at("c", 10, t0 + 3600 * SEC).is_ok());
    }

    #[test]
    fn clients_have_separate_buckets() {
        let limiter = CostLimiter::new(5, 1);
        let t0 = Instant::now();
        limiter.try_spend_at("token:1", 5, t0).unwrap();
        assert!(limiter.try_spend_at("token:1", 1, t0).is_err());
        let b = limiter.try_spend_at("token:2", 5, t0).unwrap();
        assert_eq!(b.remaining, 0);
        assert!(limiter.try_spend_at("ip:10.0.0.1", 1, t0).is_ok());
    }

    #[test]
    fn time_going_backwards_refills_nothing() {
        let limiter = CostLimiter::new(5, 60);
        let t0 = Instant::now() + 10 * SEC;
        limiter.try_spend_at("c", 5, t0).unwrap();
        assert!(limiter.try_spend_at("c", 1, t0 - 5 * SEC).is_err());
        assert!(limiter.try_spend_at("c", 1, t0 + SEC).is_ok());
    }

    #[test]
    fn pruning_keeps_the_map_bounded() {
        let limiter = CostLimiter::new(10, 60).with_max_clients(100);
        let t0 = Instant::now();
        // 1000 clients spending at the same instant: nothing is full, the oldest go.
        for i in 0..1000 {
            limiter.try_spend_at(&format!("ip:{i}"), 1, t0).unwrap();
            assert!(limiter.tracked_clients() <= 100);
        }
    }

    #[test]
    fn pruning_drops_full_buckets_and_keeps_spent_ones() {
        let limiter = CostLimiter::new(10, 60).with_max_clients(100);
        let t0 = Instant::now();
        for i in 0..100 {
            limiter.try_spend_at(&format!("ip:{i}"), 1, t0).unwrap();
        }
        // Fifteen seconds on, those buckets are full again; one client empties its bucket.
        let t1 = t0 + 15 * SEC;
        limiter.try_spend_at("heavy", 10, t1).unwrap();
        limiter.try_spend_at("newcomer", 1, t1).unwrap();
        // The full buckets went, the spent ones stayed.
        assert_eq!(limiter.tracked_clients(), 2);
        let e = limiter.try_spend_at("heavy", 1, t1).unwrap_err();
        assert_eq!(e.remaining, 0);
    }

    // --- CostExtension ---

    struct Query;

    #[Object]
    impl Query {
        async fn hello(&self, ctx: &async_graphql::Context<'_>) -> &'static str {
            ctx.data_unchecked::<Arc<AtomicUsize>>()
                .fetch_add(1, Ordering::SeqCst);
            "world"
        }
    }

    fn schema(
        limiter: CostLimiter,
    ) -> (
        Schema<Query, EmptyMutation, EmptySubscription>,
        Arc<AtomicUsize>,
    ) {
        let runs = Arc::new(AtomicUsize::new(0));
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .data(Arc::clone(&runs))
            .extension(CostExtension::new(
                Arc::new(crate::shared_limits::Budgets::local(limiter)),
                Arc::new(crate::cost::ShapeCache::default()),
                1000,
                10,
            ))
            .finish();
        (schema, runs)
    }

    fn as_json(value: &impl serde::Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[tokio::test]
    async fn the_extension_reports_the_cost_and_refuses_when_spent() {
        // One token a minute, so nothing refills while the test runs.
        let (schema, runs) = schema(CostLimiter::new(10, 1));
        let alice = || ClientKey::for_user(7);

        let resp = schema
            .execute(Request::new("{ a: hello b: hello c: hello d: hello }").data(alice()))
            .await;
        assert!(resp.is_ok(), "{:?}", resp.errors);
        assert_eq!(
            as_json(&resp.extensions)["cost"],
            serde_json::json!({ "requested": 4, "remaining": 6, "limit": 10 })
        );
        assert_eq!(runs.load(Ordering::SeqCst), 4);

        let resp = schema
            .execute(
                Request::new("{ a: hello b: hello c: hello d: hello e: hello f: hello }")
                    .data(alice()),
            )
            .await;
        assert_eq!(as_json(&resp.extensions)["cost"]["remaining"], 0);
        assert_eq!(runs.load(Ordering::SeqCst), 10);

        let resp = schema
            .execute(Request::new("{ hello }").data(alice()))
            .await;
        assert_eq!(runs.load(Ordering::SeqCst), 10, "the refused query ran");
        assert_eq!(resp.data, Value::Null);
        assert!(!resp.extensions.contains_key("cost"));
        assert_eq!(
            resp.http_headers
                .get(poem::http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("60")
        );
        let errors = as_json(&resp.errors);
        assert_eq!(errors.as_array().map(Vec::len), Some(1));
        assert_eq!(
            errors[0]["message"],
            "rate limit exceeded: this query costs 1, 0 of 10 remain; retry in 60 s"
        );
        assert_eq!(
            errors[0]["extensions"],
            serde_json::json!({
                "code": "RATE_LIMITED",
                "cost": 1,
                "remaining": 0,
                "limit": 10,
                "retryAfter": 60
            })
        );

        // Another client, and requests without a key, have their own budgets.
        let resp = schema
            .execute(
                Request::new("{ hello }")
                    .data(ClientKey::for_address("192.0.2.1".parse().unwrap())),
            )
            .await;
        assert_eq!(as_json(&resp.extensions)["cost"]["remaining"], 9);
        let resp = schema.execute("{ hello }").await;
        assert_eq!(as_json(&resp.extensions)["cost"]["remaining"], 9);
        assert_eq!(runs.load(Ordering::SeqCst), 12);
    }

    #[tokio::test]
    async fn invalid_queries_cost_nothing() {
        let (schema, runs) = schema(CostLimiter::new(10, 1));
        let resp = schema.execute("{ nope }").await;
        assert!(!resp.is_ok());
        assert!(!resp.extensions.contains_key("cost"));
        let resp = schema.execute("{ hello }").await;
        assert_eq!(as_json(&resp.extensions)["cost"]["remaining"], 9);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn client_keys_have_one_format() {
        assert_eq!(ClientKey::for_user(42).0, "token:42");
        assert_eq!(
            ClientKey::for_address("203.0.113.9".parse().unwrap()).0,
            "ip:203.0.113.9"
        );
        assert_eq!(
            ClientKey::for_address("2001:db8:1:2:3:4:5:6".parse().unwrap()).0,
            "ip:2001:db8:1:2::/64"
        );
        assert_eq!(
            ClientKey::for_address("::ffff:203.0.113.9".parse().unwrap()).0,
            "ip:203.0.113.9"
        );
    }

    // --- LoginThrottle ---

    #[test]
    fn refuses_after_n_failures_per_account_and_address() {
        let throttle = LoginThrottle::new(3, 60 * SEC);
        let t0 = Instant::now();
        for (i, email) in ["Ann@Example.org", " ann@example.org", "ann@example.org"]
            .into_iter()
            .enumerate()
        {
            assert!(throttle.check_at(email, "ip:1", t0).is_ok(), "attempt {i}");
            throttle.record_failure_at(email, "ip:1", t0);
        }
        let r = throttle
            .check_at("ann@example.org", "ip:1", t0)
            .unwrap_err();
        assert_eq!(r, RetryAfter { secs: 60 });
        // Another address, and another account from the same address, are not locked.
        assert!(throttle.check_at("ann@example.org", "ip:2", t0).is_ok());
        assert!(throttle.check_at("bob@example.org", "ip:1", t0).is_ok());
    }

    #[test]
    fn a_stranger_cannot_lock_an_account_from_elsewhere() {
        let throttle = LoginThrottle::new(3, 60 * SEC);
        let t0 = Instant::now();
        for i in 0..50 {
            throttle.record_failure_at("ann@x.org", &format!("ip:10.0.0.{i}"), t0);
        }
        assert!(throttle.check_at("ann@x.org", "ip:192.0.2.7", t0).is_ok());
    }

    #[test]
    fn refuses_a_spree_across_accounts_per_address() {
        let throttle = LoginThrottle::new(3, 60 * SEC);
        let t0 = Instant::now();
        for i in 0..(3 * ADDRESS_FACTOR) {
            let email = format!("user{i}@x.org");
            assert!(throttle.check_at(&email, "ip:9.9.9.9", t0).is_ok());
            throttle.record_failure_at(&email, "ip:9.9.9.9", t0);
        }
        assert!(throttle.check_at("d@x.org", "ip:9.9.9.9", t0).is_err());
        assert!(throttle.check_at("d@x.org", "ip:8.8.8.8", t0).is_ok());
    }

    #[test]
    fn success_clears_the_pair_but_not_the_address() {
        let throttle = LoginThrottle::new(3, 60 * SEC);
        let t0 = Instant::now();
        throttle.record_failure_at("ann@x.org", "ip:1", t0);
        throttle.record_failure_at("ann@x.org", "ip:1", t0);
        throttle.record_success_at("ANN@x.org", "ip:1", t0);
        throttle.record_failure_at("ann@x.org", "ip:1", t0);
        throttle.record_failure_at("ann@x.org", "ip:1", t0);
        assert!(throttle.check_at("ann@x.org", "ip:1", t0).is_ok());

        for i in 0..(3 * ADDRESS_FACTOR) {
            throttle.record_failure_at(&format!("u{i}@x.org"), "ip:7", t0);
        }
        throttle.record_success_at("mallory@x.org", "ip:7", t0);
        assert!(throttle.check_at("d@x.org", "ip:7", t0).is_err());
    }

    #[test]
    fn the_window_expires() {
        let throttle = LoginThrottle::new(3, 60 * SEC);
        let t0 = Instant::now();
        throttle.record_failure_at("ann@x.org", "ip:1", t0);
        throttle.record_failure_at("ann@x.org", "ip:1", t0 + 30 * SEC);
        throttle.record_failure_at("ann@x.org", "ip:1", t0 + 50 * SEC);
        let r = throttle
            .check_at("ann@x.org", "ip:1", t0 + 55 * SEC)
            .unwrap_err();
        assert_eq!(r.secs, 5);
        // The first failure left the window: two remain, below the limit.
        assert!(throttle
            .check_at("ann@x.org", "ip:1", t0 + 60 * SEC)
            .is_ok());
        throttle.record_failure_at("ann@x.org", "ip:1", t0 + 61 * SEC);
        let r = throttle
            .check_at("ann@x.org", "ip:1", t0 + 61 * SEC)
            .unwrap_err();
        assert_eq!(r.secs, 29);
        assert!(throttle
            .check_at("ann@x.org", "ip:1", t0 + 200 * SEC)
            .is_ok());
    }

    #[test]
    fn the_throttle_keeps_memory_bounded() {
        let throttle = LoginThrottle::new(3, 60 * SEC).with_max_keys(100);
        let t0 = Instant::now();
        for i in 0..1000 {
            throttle.record_failure_at(&format!("u{i}@x.org"), &format!("ip:{i}"), t0);
            let (accounts, addresses) = throttle.tracked_keys();
            assert!(accounts <= 100 && addresses <= 100);
        }
        // Keys whose failures left the window go first; a throttled one stays.
        for _ in 0..3 {
            throttle.record_failure_at("target@x.org", "ip:attacker", t0 + 120 * SEC);
        }
        for i in 0..50 {
            throttle.record_failure_at(&format!("v{i}@x.org"), "ip:other", t0 + 120 * SEC);
        }
        assert!(throttle
            .check_at("target@x.org", "ip:attacker", t0 + 120 * SEC)
            .is_err());
    }

    #[test]
    fn retry_after_becomes_a_rate_limited_error() {
        let err: async_graphql::Error = RetryAfter { secs: 12 }.into();
        assert_eq!(err.message, "too many failed login attempts; retry in 12 s");
        let ext = as_json(&err.extensions);
        assert_eq!(ext["code"], "RATE_LIMITED");
        assert_eq!(ext["retryAfter"], 12);
    }
}
