//! HTTP routes and middleware.
//!
//! - `POST /graphql`: GraphQL (single or batched requests).
//! - `GET /graphql`: GraphiQL in a browser (served from the binary, see [`crate::assets`]);
//!   with a `query` parameter, a read-only query.
//! - `GET /`: the reference dashboard; `GET /assets/...`: the files of both pages
//!   ([`crate::assets`]: embedded, no CDN, sent with a strict Content-Security-Policy).
//! - `GET /schema.graphql`: the SDL.
//! - `GET /healthz`: the process is up. `GET /readyz`: the database answers.
//! - `GET /metrics`: Prometheus metrics ([`crate::metrics`]).
//! - `GET /export/<file>`: bulk files, streamed (`crate::export::http`).
//!
//! Every response carries an `x-request-id` (the caller's, if it sent a sane one) and every
//! request is logged in a span with that id.

use crate::auth::{self, TokenKeys, Viewer};
use crate::config::Config;
use crate::limits::ClientKey;
use crate::metrics::Metrics;
use crate::schema::{self, NormwatchSchema};
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions};
use async_graphql_poem::{GraphQLBatchRequest, GraphQLBatchResponse};
use poem::{
    get, handler,
    http::{HeaderValue, StatusCode},
    middleware::{Cors, SizeLimit},
    web::{Data, Json},
    Endpoint, EndpointExt, IntoResponse, Request, Response, Route,
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use tracing::Instrument;

/// Every error leaves with an `extensions.code`; those async-graphql raises itself (parse,
/// validation, depth and complexity limits, bad variables) are the client's: BAD_USER_INPUT.
fn with_codes(mut resp: async_graphql::Response) -> async_graphql::Response {
    for err in &mut resp.errors {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if !has_code {
            let e = async_graphql::Error::new(err.message.clone())
                .extend_with(|_, ext| ext.set("code", "BAD_USER_INPUT"));
            err.extensions = e.extensions;
        }
    }
    resp
}

/// What every GraphQL request passes through before it runs: who the caller is, what it may
/// see, who pays for it, and how long it may take.
#[derive(Clone)]
pub struct Gate {
    pub keys: Option<TokenKeys>,
    pub timeout: Duration,
    pub max_batch: usize,
    /// The query-cost budgets, shared by GraphQL and the `/export` files.
    pub limiter: std::sync::Arc<crate::shared_limits::Budgets>,
    /// Public replies to the gap engine's questions, kept as bytes (`crate::replies`).
    pub replies: std::sync::Arc<crate::replies::Replies>,
}

/// An error response with a code, for requests refused before they run.
fn refused(message: impl Into<String>, code: &'static str) -> async_graphql::Response {
    error_response(async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code)))
}

/// A response carrying one error that belongs to no position in the query.
fn error_response(err: async_graphql::Error) -> async_graphql::Response {
    let mut e = async_graphql::ServerError::new(err.message, None);
    e.extensions = err.extensions;
    async_graphql::Response::from_errors(vec![e])
}

/// The caller's viewer and client key, from the Authorization header and the peer address.
pub(crate) async fn identify(
    gate: &Gate,
    db: &DatabaseConnection,
    req: &Request,
) -> Result<(Viewer, ClientKey), async_graphql::Response> {
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let viewer = auth::viewer_from_header(db, gate.keys.as_ref(), header)
        .await
        .map_err(|e| error_response(e.into()))?;
    let key = match &viewer {
        Viewer::User(a) => ClientKey::for_user(a.user_id),
        Viewer::Anonymous => match req.remote_addr().as_socket_addr() {
            Some(addr) => ClientKey::for_address(addr.ip()),
            None => ClientKey("anonymous".into()),
        },
    };
    Ok((viewer, key))
}

/// Adds the per-request data to one GraphQL request.
fn with_request_data(
    db: &DatabaseConnection,
    viewer: &Viewer,
    key: &ClientKey,
    r: async_graphql::Request,
) -> async_graphql::Request {
    r.data(viewer.clone())
        .data(key.clone())
        .data(crate::loaders::Loaders::new(
            db.clone(),
            viewer.visibility(),
        ))
}

#[handler]
async fn graphql_post(
    Data(schema): Data<&NormwatchSchema>,
    Data(gate): Data<&Gate>,
    Data(db): Data<&DatabaseConnection>,
    Data(metrics): Data<&Arc<Metrics>>,
    http: &Request,
    req: GraphQLBatchRequest,
) -> Response {
    let started = Instant::now();
    let resp = answer_post(schema, gate, db, metrics, http, req).await;
    metrics.latency("POST", started.elapsed());
    resp
}

/// The body of `POST /graphql`; [`graphql_post`] times it.
async fn answer_post(
    schema: &NormwatchSchema,
    gate: &Gate,
    db: &DatabaseConnection,
    metrics: &Metrics,
    http: &Request,
    req: GraphQLBatchRequest,
) -> Response {
    let (viewer, key) = match identify(gate, db, http).await {
        Ok(v) => v,
        Err(resp) => {
            // Refused before any operation ran (a bad token, the database unreachable while
            // reading the account): counted like any other answer, so /metrics shows every
            // refusal by code, whoever asked.
            metrics.operation(None, &resp);
            let (status, retry) = (refusal_status(&resp), retry_after(&resp));
            return finish(
                GraphQLBatchResponse(BatchResponse::Single(resp)).into_response(),
                status,
                retry,
            );
        }
    };
    let kept = match &req.0 {
        BatchRequest::Single(r) => reply_key(db, &viewer, r, None).await,
        BatchRequest::Batch(_) => None,
    };
    if let Some(k) = &kept {
        if let Some(reply) = gate.replies.get(k) {
            let name = match &req.0 {
                BatchRequest::Single(r) => {
                    crate::metrics::operation_name(r.operation_name.as_deref(), &r.query)
                        .map(str::to_string)
                }
                BatchRequest::Batch(_) => None,
            };
            return serve_kept(gate, metrics, &key, name.as_deref(), &reply).await;
        }
    }
    let batch = match req.0 {
        BatchRequest::Single(r) => BatchRequest::Single(with_request_data(db, &viewer, &key, r)),
        BatchRequest::Batch(rs) if rs.len() > gate.max_batch => {
            let resp = refused(
                format!(
                    "a batch may hold at most {} operations (got {})",
                    gate.max_batch,
                    rs.len()
                ),
                "BAD_USER_INPUT",
            );
            metrics.operation(None, &resp);
            return GraphQLBatchResponse(BatchResponse::Single(resp)).into_response();
        }
        BatchRequest::Batch(rs) => BatchRequest::Batch(
            rs.into_iter()
                .map(|r| with_request_data(db, &viewer, &key, r))
                .collect(),
        ),
    };
    let names: Vec<Option<String>> = batch
        .iter()
        .map(|r| {
            crate::metrics::operation_name(r.operation_name.as_deref(), &r.query)
                .map(str::to_string)
        })
        .collect();
    let resp = match tokio::time::timeout(gate.timeout, schema.execute_batch(batch)).await {
        Ok(BatchResponse::Single(r)) => BatchResponse::Single(with_codes(r)),
        Ok(BatchResponse::Batch(rs)) => {
            BatchResponse::Batch(rs.into_iter().map(with_codes).collect())
        }
        Err(_) => BatchResponse::Single(timed_out(gate.timeout)),
    };
    if let (Some(k), BatchResponse::Single(r)) = (kept, &resp) {
        gate.replies.keep(k, r);
    }
    match &resp {
        BatchResponse::Single(r) => {
            metrics.operation(names.first().cloned().flatten().as_deref(), r)
        }
        BatchResponse::Batch(rs) => {
            for (r, name) in rs.iter().zip(&names) {
                metrics.operation(name.as_deref(), r);
            }
        }
    }
    let status = match &resp {
        BatchResponse::Single(r) => refusal_status(r),
        BatchResponse::Batch(rs) => {
            let all: Vec<_> = rs.iter().map(refusal_status).collect();
            all.first()
                .copied()
                .flatten()
                .filter(|s| all.iter().all(|x| *x == Some(*s)))
        }
    };
    let retry = match &resp {
        BatchResponse::Single(r) => retry_after(r),
        BatchResponse::Batch(rs) => rs.iter().filter_map(retry_after).max(),
    };
    finish(GraphQLBatchResponse(resp).into_response(), status, retry)
}

/// The key under which the public reply to `r` is kept (`crate::replies`), when it may be:
/// a public reader, a question of the gap engine. `version` is the data version when the caller
/// has read it already; otherwise it is read here (one statement, for such questions only).
async fn reply_key(
    db: &DatabaseConnection,
    viewer: &Viewer,
    r: &async_graphql::Request,
    version: Option<i64>,
) -> Option<crate::answers::Key> {
    if viewer.visibility() != crate::auth::Visibility::Public
        || !crate::replies::KEPT_ROOTS
            .iter()
            .any(|root| r.query.contains(root))
    {
        return None;
    }
    // The parser is recursive: a document nested too deep is refused by the normal path's
    // screen (`screen::check_nesting`) before anything parses it, and is never kept.
    crate::screen::check_nesting(&r.query, crate::screen::MAX_NESTING).ok()?;
    let doc = async_graphql::parser::parse_query(&r.query).ok()?;
    if !crate::replies::is_kept_question(&doc, r.operation_name.as_deref()) {
        return None;
    }
    let version = match version {
        Some(v) => v,
        None => crate::repo::registry::current(db).await.ok()?.data_version,
    };
    Some(crate::replies::key(
        &r.query,
        &r.variables,
        r.operation_name.as_deref(),
        version,
    ))
}

/// Answers with a kept reply: the budget is charged its cost as if it had been evaluated
/// (RATE_LIMITED or SERVICE_UNAVAILABLE as usual when it cannot be), and counted in `/metrics`
/// like any answer.
async fn serve_kept(
    gate: &Gate,
    metrics: &Metrics,
    client: &ClientKey,
    name: Option<&str>,
    reply: &crate::replies::Reply,
) -> Response {
    let budget = match gate.limiter.try_spend(&client.0, reply.cost).await {
        Ok(Ok(budget)) => budget,
        Ok(Err(exhausted)) => {
            let resp = async_graphql::Response::from_errors(vec![exhausted.to_server_error()]);
            metrics.operation(name, &resp);
            return finish(
                Json(resp).into_response(),
                Some(StatusCode::TOO_MANY_REQUESTS),
                Some(exhausted.retry_after_secs),
            );
        }
        Err(unavailable) => {
            let resp = error_response(unavailable.into());
            metrics.operation(name, &resp);
            let (status, retry) = (refusal_status(&resp), retry_after(&resp));
            return finish(Json(resp).into_response(), status, retry);
        }
    };
    let mut counted = async_graphql::Response::new(async_graphql::Value::Null);
    counted.extensions.insert(
        "cost".to_string(),
        async_graphql::Value::from_json(serde_json::json!({ "requested": budget.cost }))
            .unwrap_or_default(),
    );
    metrics.operation(name, &counted);
    let mut out = crate::replies::body(reply, &budget)
        .with_content_type("application/json")
        .into_response();
    out.headers_mut()
        .insert("x-cache", HeaderValue::from_static("hit"));
    out
}

/// The answer to a request that ran past its time: TIMEOUT (HTTP 504).
fn timed_out(limit: Duration) -> async_graphql::Response {
    refused(
        format!(
            "the request did not finish within {} ms; ask for less (smaller pages, fewer \
             fields, a narrower scope)",
            limit.as_millis()
        ),
        "TIMEOUT",
    )
}

/// The HTTP status of a response that was refused as a whole (no data): 429 for
/// RATE_LIMITED, 503 for SERVICE_UNAVAILABLE, 504 for TIMEOUT. Other answers are 200, as
/// GraphQL over HTTP has them, with the errors in the body.
fn refusal_status(resp: &async_graphql::Response) -> Option<StatusCode> {
    if !matches!(resp.data, async_graphql::Value::Null) {
        return None; // some data came back: a partial answer is a 200
    }
    resp.errors.iter().find_map(|e| match code_of(e) {
        Some("RATE_LIMITED") => Some(StatusCode::TOO_MANY_REQUESTS),
        Some("SERVICE_UNAVAILABLE") => Some(StatusCode::SERVICE_UNAVAILABLE),
        Some("TIMEOUT") => Some(StatusCode::GATEWAY_TIMEOUT),
        _ => None,
    })
}

fn code_of(e: &async_graphql::ServerError) -> Option<&str> {
    match e.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// Seconds to wait before retrying, from an error's `retryAfter` (RATE_LIMITED,
/// SERVICE_UNAVAILABLE).
fn retry_after(resp: &async_graphql::Response) -> Option<u64> {
    resp.errors
        .iter()
        .find_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
}

/// Sets the status of a refused request and its `Retry-After` header.
fn finish(mut resp: Response, status: Option<StatusCode>, retry: Option<u64>) -> Response {
    if let Some(status) = status {
        resp.set_status(status);
    }
    if let Some(secs) = retry {
        resp.headers_mut()
            .insert(poem::http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// Whether a query document contains a mutation (refused over GET, which must be safe).
fn is_mutation(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
    })
}

#[handler]
async fn graphql_get(
    req: &Request,
    Data(schema): Data<&NormwatchSchema>,
    Data(gate): Data<&Gate>,
    Data(db): Data<&DatabaseConnection>,
    Data(metrics): Data<&Arc<Metrics>>,
) -> Response {
    let started = Instant::now();
    let resp = answer_get(req, schema, gate, db, metrics).await;
    if req.uri().query().is_some_and(|q| q.contains("query=")) {
        metrics.latency("GET", started.elapsed());
    }
    resp
}

/// The body of `GET /graphql` (GraphiQL, or a read-only query); [`graphql_get`] times it.
async fn answer_get(
    req: &Request,
    schema: &NormwatchSchema,
    gate: &Gate,
    db: &DatabaseConnection,
    metrics: &Metrics,
) -> Response {
    let Some(qs) = req.uri().query().filter(|q| q.contains("query=")) else {
        return crate::assets::graphiql(req);
    };
    let gql = match async_graphql::http::parse_query_string(qs) {
        Ok(r) => r,
        Err(e) => {
            let resp = async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
                e.to_string(),
                None,
            )]);
            return (StatusCode::BAD_REQUEST, Json(with_codes(resp))).into_response();
        }
    };
    if let Err(message) = crate::screen::check_nesting(&gql.query, crate::screen::MAX_NESTING) {
        let resp = refused(message, "BAD_USER_INPUT");
        return (StatusCode::BAD_REQUEST, Json(resp)).into_response();
    }
    if is_mutation(&gql.query) {
        let err = async_graphql::Error::new("mutations must be sent with POST")
            .extend_with(|_, ext| ext.set("code", "BAD_USER_INPUT"));
        let resp =
            async_graphql::Response::from_errors(vec![err.into_server_error(Default::default())]);
        return (StatusCode::METHOD_NOT_ALLOWED, Json(resp)).into_response();
    }
    let (viewer, key) = match identify(gate, db, req).await {
        Ok(v) => v,
        Err(resp) => {
            metrics.operation(None, &resp);
            let (status, retry) = (refusal_status(&resp), retry_after(&resp));
            return finish(Json(resp).into_response(), status, retry);
        }
    };
    // Read before the query runs: a write that lands in between makes the answer newer than
    // its tag, never older, so a cache keyed on the tag is never served stale data as fresh.
    // A database that cannot be reached here is the request's answer (503 now, not after the
    // query's own wait for a connection: one deadline per request); any other failure only
    // leaves the answer without a tag.
    let mut version = None;
    let etag = match crate::repo::registry::current(db).await {
        Ok(r) => {
            version = Some(r.data_version);
            Some(etag_of(&r))
        }
        Err(e @ crate::Error::Unavailable(_)) => {
            let resp = error_response(e.into());
            metrics.operation(None, &resp);
            let (status, retry) = (refusal_status(&resp), retry_after(&resp));
            return finish(Json(resp).into_response(), status, retry);
        }
        Err(_) => None,
    };
    if let Some(tag) = &etag {
        if if_none_match(req, tag) {
            return not_modified(tag);
        }
    }
    let name = crate::metrics::operation_name(gql.operation_name.as_deref(), &gql.query)
        .map(str::to_string);
    let kept = reply_key(db, &viewer, &gql, version).await;
    if let Some(reply) = kept.as_ref().and_then(|k| gate.replies.get(k)) {
        let mut out = serve_kept(gate, metrics, &key, name.as_deref(), &reply).await;
        if let (Some(tag), true) = (&etag, out.status() == StatusCode::OK) {
            with_etag(&mut out, tag);
        }
        return out;
    }
    let gql = with_request_data(db, &viewer, &key, gql);
    let resp = match tokio::time::timeout(gate.timeout, schema.execute(gql)).await {
        Ok(resp) => with_codes(resp),
        Err(_) => timed_out(gate.timeout),
    };
    if let Some(k) = kept {
        gate.replies.keep(k, &resp);
    }
    metrics.operation(name.as_deref(), &resp);
    let (status, retry) = (refusal_status(&resp), retry_after(&resp));
    let cacheable = resp.errors.is_empty();
    let mut out = finish(Json(resp).into_response(), status, retry);
    if let (Some(tag), true) = (etag, cacheable) {
        with_etag(&mut out, &tag);
    }
    out
}

/// The `ETag` of a GET answer: the data version and the day (gap answers default to today, so
/// they change at midnight without a write). Weak, because `extensions.cost` differs between
/// two otherwise equal answers.
fn etag_of(registry: &entity::registry::Model) -> String {
    format!(
        "W/\"{}-{}\"",
        registry.data_version,
        chrono::Utc::now().date_naive()
    )
}

/// Whether the request's `If-None-Match` lists `tag` (or `*`).
fn if_none_match(req: &Request, tag: &str) -> bool {
    req.headers()
        .get_all(poem::http::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t == tag || t.trim_start_matches("W/") == tag.trim_start_matches("W/"))
}

/// Tags an answer; an answer depends on who asks (drafts), hence `Vary: Authorization`.
fn with_etag(resp: &mut Response, tag: &str) {
    if let Ok(v) = HeaderValue::from_str(tag) {
        resp.headers_mut().insert(poem::http::header::ETAG, v);
        resp.headers_mut().insert(
            poem::http::header::VARY,
            HeaderValue::from_static("Authorization"),
        );
    }
}

/// 304 Not Modified: the client's copy is current; nothing runs and no budget is spent.
fn not_modified(tag: &str) -> Response {
    let mut resp = Response::builder()
        .status(StatusCode::NOT_MODIFIED)
        .finish();
    with_etag(&mut resp, tag);
    resp
}

/// The schema as SDL, for code generators and review. It does not depend on the request, so it
/// is computed once per process.
#[handler]
async fn sdl() -> Response {
    static SDL: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    SDL.get_or_init(schema::sdl)
        .await
        .clone()
        .with_content_type("text/plain; charset=utf-8")
        .into_response()
}

/// Prometheus metrics (text exposition format).
#[handler]
fn metrics_text(
    Data(metrics): Data<&Arc<Metrics>>,
    Data(pools): Data<&Arc<crate::db::Pools>>,
) -> Response {
    metrics
        .render(pools)
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .into_response()
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

/// Ready when the reading and the writing connections answer within
/// [`crate::db::ACQUIRE_TIMEOUT`]; 503 otherwise.
#[handler]
async fn readyz(
    Data(db): Data<&DatabaseConnection>,
    Data(writer): Data<&crate::db::Writer>,
) -> Response {
    let ping = async { db.ping().await.and(writer.0.ping().await) };
    let outcome = tokio::time::timeout(crate::db::ACQUIRE_TIMEOUT, ping).await;
    match outcome {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// A request id from the caller if it is short and printable, else a fresh UUID.
fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

fn cors(config: &Config) -> Cors {
    let cors = Cors::new()
        .allow_methods(["GET", "POST", "OPTIONS"])
        .allow_headers(["content-type", "authorization", "x-request-id"])
        // A dashboard in another origin reads these too: its request id, its remaining budget
        // after an export, when to retry, and the tag to revalidate a GET with.
        .expose_headers([
            "x-request-id",
            "x-cost-requested",
            "x-cost-remaining",
            "x-cost-limit",
            "retry-after",
            "etag",
        ]);
    if config.cors_origins.iter().any(|o| o == "*") {
        cors
    } else {
        cors.allow_origins(config.cors_origins.iter().map(String::as_str))
    }
}

/// The whole HTTP application.
pub fn build(
    schema: NormwatchSchema,
    pools: crate::db::Pools,
    gate: Gate,
    metrics: Arc<Metrics>,
    config: &Config,
) -> impl Endpoint {
    let db = pools.read.clone();
    let writer = crate::db::Writer(pools.write.clone());
    let pools = Arc::new(pools);
    Route::new()
        .at("/", get(crate::assets::dashboard))
        .at("/assets/*path", get(crate::assets::asset))
        .at(
            "/graphql",
            get(graphql_get).post(graphql_post.with(SizeLimit::new(config.max_body_bytes))),
        )
        .at("/schema.graphql", get(sdl))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/metrics", get(metrics_text))
        .at("/export/:file", get(crate::export::http::export_file))
        .data(schema)
        .data(metrics)
        .data(pools)
        .data(gate)
        .data(db)
        .data(writer)
        .with(cors(config))
        .around(|next, req| async move {
            let id = request_id(&req);
            let span = tracing::info_span!(
                "request",
                request_id = %id,
                method = %req.method(),
                path = %req.uri().path()
            );
            async move {
                let start = Instant::now();
                let mut resp = match next.call(req).await {
                    Ok(r) => r.into_response(),
                    Err(e) => e.into_response(),
                };
                tracing::info!(
                    status = resp.status().as_u16(),
                    elapsed_ms = start.elapsed().as_millis() as u64,
                    "request done"
                );
                if let Ok(v) = HeaderValue::from_str(&id) {
                    resp.headers_mut().insert("x-request-id", v);
                }
                Ok(resp)
            }
            .instrument(span)
            .await
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_have_their_http_status() {
        let t = timed_out(Duration::from_millis(1));
        assert_eq!(refusal_status(&t), Some(StatusCode::GATEWAY_TIMEOUT));
        let r = refused("x", "RATE_LIMITED");
        assert_eq!(refusal_status(&r), Some(StatusCode::TOO_MANY_REQUESTS));
        let u = refused("x", "SERVICE_UNAVAILABLE");
        assert_eq!(refusal_status(&u), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(refusal_status(&refused("x", "BAD_USER_INPUT")), None);
        let resp = finish(
            GraphQLBatchResponse(BatchResponse::Single(t)).into_response(),
            Some(StatusCode::GATEWAY_TIMEOUT),
            None,
        );
        assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    }
}
