//! `GET /export/<file>`: the export over HTTP, streamed.
//!
//! - `/export/<table>.csv` and `/export/<table>.ndjson` for every record table
//!   ([`super::tables::Table::name`]: states, forums, memberships, instruments, provisions,
//!   provision-links, commitments, positions, evidence, assessments, sources);
//! - `/export/gaps.csv` and `/export/gaps.ndjson`, with `asOf`, `states` and `kinds`;
//! - `/export/datapackage.json` (`?format=ndjson` for the NDJSON files).
//!
//! Who asks is resolved like a GraphQL request (a bad token is refused), but every file is the
//! public view. Each file is charged to the caller's query-cost budget, the one GraphQL spends
//! ([`crate::limits::CostLimiter`]): a point per column and a point per row, and for the gaps
//! file also what GraphQL's `gaps` pays for its scope (an engine run, a point per four cells).
//! A row costs one point, not one per value as a GraphQL selection does, because it is read in
//! pages of 500 and written without resolvers (the whole gaps file of the bundled data would
//! otherwise cost more than a full budget, and could never be had). What is known without the
//! database (the columns; the engine's run) is charged first, so an empty budget is refused
//! before any statement runs; then the rows (after one `COUNT`, or after the engine has run),
//! before the first byte is sent. A refusal is HTTP 429 with `Retry-After`; bad parameters
//! are HTTP 400; both carry a GraphQL-shaped `errors` body with `extensions.code` (and
//! `extensions.field` naming the parameter). Once streaming has begun, a failure aborts the
//! transfer, so a client never takes a cut file for a whole one.

use super::{gaps, package, stream, tables::Table, File, Format};
use crate::cost::{CELLS_PER_POINT, ENGINE_RUN};
use crate::error::Error;
use crate::limits::{Budget, ClientKey, Exhausted};
use crate::routes::Gate;
use poem::{
    handler,
    http::{header, HeaderValue, StatusCode},
    web::{Data, Json, Path},
    Body, IntoResponse, Request, Response,
};
use sea_orm::DatabaseConnection;

/// An error answer: the HTTP status of its code and a GraphQL-shaped body.
fn refusal(err: async_graphql::Error) -> Response {
    let code = err
        .extensions
        .as_ref()
        .and_then(|e| match e.get("code") {
            Some(async_graphql::Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let status = match code.as_str() {
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let retry = match err.extensions.as_ref().and_then(|e| e.get("retryAfter")) {
        Some(async_graphql::Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let resp =
        async_graphql::Response::from_errors(vec![err.into_server_error(Default::default())]);
    let mut out = (status, Json(resp)).into_response();
    if let Some(secs) = retry {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    out
}

fn failed(e: Error) -> Response {
    refusal(e.into())
}

/// The 429 answer to a spend the caller's budget cannot cover.
fn rate_limited(exhausted: Exhausted) -> Response {
    let e = exhausted.to_server_error();
    let mut err = async_graphql::Error::new(e.message);
    err.extensions = e.extensions;
    let mut resp = refusal(err);
    resp.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(exhausted.retry_after_secs),
    );
    resp
}

/// Spends `cost` from the caller's budget; the answer to send instead when it cannot (429 when
/// the budget is spent, 503 when the database cannot be reached).
async fn charge(gate: &Gate, key: &ClientKey, cost: u64) -> Result<Budget, Response> {
    match gate.limiter.try_spend(&key.0, cost).await {
        Ok(Ok(budget)) => Ok(budget),
        Ok(Err(exhausted)) => Err(rate_limited(exhausted)),
        Err(unavailable) => Err(failed(unavailable)),
    }
}

/// The URL query's (name, value) pairs, percent-decoded.
fn query_pairs(req: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Refuses any query parameter (a typo should not silently export something else).
fn no_parameters(pairs: &[(String, String)], what: &str) -> Result<(), Error> {
    match pairs.first() {
        None => Ok(()),
        Some((name, _)) => Err(Error::bad_input(
            name.as_str(),
            format!("`{name}` is not a parameter of {what}"),
        )),
    }
}

fn not_found(file: &str) -> Error {
    let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    Error::NotFound(format!(
        "no export file `{file}`: ask for <name>.csv or <name>.ndjson with a name among {}, \
         gaps; or datapackage.json",
        names.join(", ")
    ))
}

/// Adds the budget headers (what GraphQL reports in `extensions.cost`).
fn with_budget(mut resp: Response, spent: u64, last: Budget) -> Response {
    let h = resp.headers_mut();
    h.insert("x-cost-requested", HeaderValue::from(spent));
    h.insert("x-cost-remaining", HeaderValue::from(last.remaining));
    h.insert("x-cost-limit", HeaderValue::from(last.limit));
    resp
}

/// A streamed file answer.
fn streamed(db: &DatabaseConnection, file: File, format: Format, name: &str) -> Response {
    let chunks = stream(db.clone(), file, format);
    let body = futures_util::stream::unfold(chunks, |mut rx| async move {
        let item = rx.recv().await?;
        let item = item
            .map(|c| c.bytes)
            .map_err(|e| std::io::Error::other(e.client_message()));
        Some((item, rx))
    });
    Response::builder()
        .content_type(format!("{}; charset=utf-8", format.media_type()))
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        )
        .body(Body::from_bytes_stream(body))
}

#[handler]
pub async fn export_file(
    Path(file): Path<String>,
    req: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(gate): Data<&Gate>,
) -> Response {
    let key = match crate::routes::identify(gate, db, req).await {
        Ok((_, key)) => key,
        Err(resp) => {
            let err = resp.errors.into_iter().next().map_or_else(
                || async_graphql::Error::new("unauthenticated"),
                |e| {
                    let mut err = async_graphql::Error::new(e.message);
                    err.extensions = e.extensions;
                    err
                },
            );
            return refusal(err);
        }
    };
    let pairs = query_pairs(req);
    if file == "datapackage.json" {
        return descriptor(db, gate, &key, &pairs).await;
    }
    let Some((name, ext)) = file.rsplit_once('.') else {
        return failed(not_found(&file));
    };
    let Ok(format) = ext.parse::<Format>() else {
        return failed(not_found(&file));
    };
    if name == "gaps" {
        return gaps_file(db, gate, &key, &pairs, format, &file).await;
    }
    let Some(table) = Table::from_name(name) else {
        return failed(not_found(&file));
    };
    if let Err(e) = no_parameters(&pairs, "a record table export (it takes none)") {
        return failed(e);
    }
    let columns = table.fields().len() as u64;
    if let Err(refused) = charge(gate, &key, columns).await {
        return refused;
    }
    let rows = match table.count(db).await {
        Ok(n) => n,
        Err(e) => return failed(e),
    };
    let budget = match charge(gate, &key, rows).await {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let resp = streamed(db, File::Table(table), format, &file);
    with_budget(resp, columns + rows, budget)
}

async fn gaps_file(
    db: &DatabaseConnection,
    gate: &Gate,
    key: &ClientKey,
    pairs: &[(String, String)],
    format: Format,
    file: &str,
) -> Response {
    let params = match gaps::Params::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let upfront = ENGINE_RUN + gaps::fields().len() as u64;
    if let Err(refused) = charge(gate, key, upfront).await {
        return refused;
    }
    let computed = match gaps::compute(db, &params).await {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    let rows_cost = computed.cells() / CELLS_PER_POINT + computed.len();
    let budget = match charge(gate, key, rows_cost).await {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let resp = streamed(db, File::Gaps(Box::new(computed)), format, file);
    with_budget(resp, upfront + rows_cost, budget)
}

async fn descriptor(
    db: &DatabaseConnection,
    gate: &Gate,
    key: &ClientKey,
    pairs: &[(String, String)],
) -> Response {
    let mut format = Format::Csv;
    for (name, value) in pairs {
        match name.as_str() {
            "format" => match value.parse() {
                Ok(f) => format = f,
                Err(message) => return failed(Error::bad_input("format", message)),
            },
            _ => {
                return failed(Error::bad_input(
                    name.as_str(),
                    format!("`{name}` is not a parameter of datapackage.json (it takes format)"),
                ))
            }
        }
    }
    let cost: u64 = Table::ALL
        .iter()
        .map(|t| t.fields().len() as u64)
        .sum::<u64>()
        + gaps::fields().len() as u64;
    let budget = match charge(gate, key, cost).await {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let registry = match crate::repo::registry::current(db).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let release = package::Release {
        data_version: registry.data_version,
        data_updated_at: registry.updated_at,
        gaps: gaps::Params::today(),
    };
    with_budget(
        Json(package::descriptor(format, &release)).into_response(),
        cost,
        budget,
    )
}
