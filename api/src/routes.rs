//! HTTP routes and middleware.
//!
//! - `POST /graphql`: GraphQL (single or batched requests).
//! - `GET /graphql`: GraphiQL in a browser; with a `query` parameter, a read-only query.
//! - `GET /schema.graphql`: the SDL.
//! - `GET /healthz`: the process is up. `GET /readyz`: the database answers.
//!
//! Every response carries an `x-request-id` (the caller's, if it sent a sane one) and every
//! request is logged in a span with that id.

use crate::config::Config;
use crate::schema::{self, NormwatchSchema};
use async_graphql::{http::GraphiQLSource, BatchResponse, ErrorExtensions};
use async_graphql_poem::{GraphQLBatchRequest, GraphQLBatchResponse};
use poem::{
    get, handler,
    http::{HeaderValue, StatusCode},
    middleware::{Cors, SizeLimit},
    web::{Data, Html, Json},
    Endpoint, EndpointExt, IntoResponse, Request, Response, Route,
};
use sea_orm::DatabaseConnection;
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

#[handler]
async fn graphql_post(
    Data(schema): Data<&NormwatchSchema>,
    req: GraphQLBatchRequest,
) -> GraphQLBatchResponse {
    let resp = match schema.execute_batch(req.0).await {
        BatchResponse::Single(r) => BatchResponse::Single(with_codes(r)),
        BatchResponse::Batch(rs) => BatchResponse::Batch(rs.into_iter().map(with_codes).collect()),
    };
    GraphQLBatchResponse(resp)
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
async fn graphql_get(req: &Request, Data(schema): Data<&NormwatchSchema>) -> Response {
    let Some(qs) = req.uri().query().filter(|q| q.contains("query=")) else {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Normwatch")
                .finish(),
        )
        .into_response();
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
    if is_mutation(&gql.query) {
        let err = async_graphql::Error::new("mutations must be sent with POST")
            .extend_with(|_, ext| ext.set("code", "BAD_USER_INPUT"));
        let resp =
            async_graphql::Response::from_errors(vec![err.into_server_error(Default::default())]);
        return (StatusCode::METHOD_NOT_ALLOWED, Json(resp)).into_response();
    }
    Json(with_codes(schema.execute(gql).await)).into_response()
}

#[handler]
fn sdl() -> Response {
    schema::sdl()
        .with_content_type("text/plain; charset=utf-8")
        .into_response()
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[handler]
async fn readyz(Data(db): Data<&DatabaseConnection>) -> Response {
    match db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
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
        .expose_headers(["x-request-id"]);
    if config.cors_origins.iter().any(|o| o == "*") {
        cors
    } else {
        cors.allow_origins(config.cors_origins.iter().map(String::as_str))
    }
}

/// The whole HTTP application.
pub fn build(schema: NormwatchSchema, db: DatabaseConnection, config: &Config) -> impl Endpoint {
    Route::new()
        .at(
            "/graphql",
            get(graphql_get).post(graphql_post.with(SizeLimit::new(config.max_body_bytes))),
        )
        .at("/schema.graphql", get(sdl))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .data(schema)
        .data(db)
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
