//! Whole public replies to the gap engine's questions, kept as the bytes that were sent.
//!
//! `crate::answers` keeps the engine's evaluated answers, so a repeated `gapMatrix` skips the
//! engine; but resolving and serialising 125,000 cells again still took most of a warm
//! request (289 ms). A reply kept here skips all of it: the same question (document,
//! variables, operation, the day for the default `asOf`) at the same data version is answered
//! with the `data` bytes of the first reply, and only the budget is charged again. The reply's
//! `extensions.cost` is rebuilt, as the budget left differs from request to request.
//!
//! Only what cannot differ between two public readers is kept: a single operation (no batch)
//! by the public (anonymous or VIEWER), answered without any error, whose root fields include
//! one of the gap engine's ([`KEPT_ROOTS`]). Record queries (lists, lookups) are never served
//! from here: they are fast on their own and a kept reply there would only hide a slow read
//! path. A write that moves the data version makes every kept reply unreachable, in every
//! process (`crate::answers::Answers` retires the older versions).

use crate::answers::{Answers, Key};
use crate::limits::Budget;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use std::sync::Arc;

/// Root fields whose replies are kept: the gap engine's, which cost the most to evaluate and
/// are asked again and again by dashboards.
pub const KEPT_ROOTS: [&str; 5] = [
    "gapMatrix",
    "scorecard",
    "gaps",
    "positionsAcrossForums",
    "inconsistencies",
];

/// Replies kept per process (a full gap matrix weighs megabytes).
pub const CAPACITY: usize = 16;

/// One kept reply: the serialised `data`, and what the request cost when it was evaluated (the
/// cost depends on the document and the registry's shape, both fixed by the key).
pub struct Reply {
    pub data: Vec<u8>,
    pub cost: u64,
}

/// The kept replies of this process.
pub struct Replies {
    kept: Answers<Reply>,
}

impl Default for Replies {
    fn default() -> Self {
        Replies {
            kept: Answers::with_capacity(CAPACITY).named("reply"),
        }
    }
}

/// Whether the operation `name` (or the only one) of `doc` asks a question whose reply is kept.
pub fn is_kept_question(doc: &ExecutableDocument, name: Option<&str>) -> bool {
    let op = match name {
        Some(n) => doc
            .operations
            .iter()
            .find(|(op_name, _)| op_name.map(|x| x.as_str()) == Some(n))
            .map(|(_, op)| op),
        None => doc.operations.iter().next().map(|(_, op)| op),
    };
    let Some(op) = op else { return false };
    if op.node.ty != OperationType::Query {
        return false;
    }
    op.node
        .selection_set
        .node
        .items
        .iter()
        .any(|item| match &item.node {
            Selection::Field(f) => KEPT_ROOTS.contains(&f.node.name.node.as_str()),
            _ => false,
        })
}

/// The key of a question: everything that can change its reply at one data version.
pub fn key(
    query: &str,
    variables: &async_graphql::Variables,
    operation: Option<&str>,
    data_version: i64,
) -> Key {
    let question = serde_json::json!({
        "query": query,
        "variables": variables,
        "operationName": operation,
        // The default `asOf` is today: a reply kept yesterday is not today's.
        "day": chrono::Utc::now().date_naive().to_string(),
    });
    Key::new(question.to_string(), data_version)
}

impl Replies {
    /// The kept reply to `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Arc<Reply>> {
        self.kept.get(key)
    }

    /// Keeps the reply `resp` to `key` if it is whole (data, no error) and says what it cost.
    pub fn keep(&self, key: Key, resp: &async_graphql::Response) {
        if !resp.errors.is_empty() || matches!(resp.data, async_graphql::Value::Null) {
            return;
        }
        let cost = match resp.extensions.get("cost") {
            Some(async_graphql::Value::Object(c)) => match c.get("requested") {
                Some(async_graphql::Value::Number(n)) => n.as_u64(),
                _ => None,
            },
            _ => None,
        };
        let (Some(cost), Ok(data)) = (cost, serde_json::to_vec(&resp.data)) else {
            return;
        };
        self.kept.put(key, Arc::new(Reply { data, cost }));
    }
}

/// The body of a kept reply: its `data` bytes as they were, and the cost of this request.
pub fn body(reply: &Reply, budget: &Budget) -> Vec<u8> {
    let head = br#"{"data":"#;
    let tail = format!(
        r#","extensions":{{"cost":{{"requested":{},"remaining":{},"limit":{}}}}}}}"#,
        budget.cost, budget.remaining, budget.limit
    );
    let mut out = Vec::with_capacity(head.len() + reply.data.len() + tail.len());
    out.extend_from_slice(head);
    out.extend_from_slice(&reply.data);
    out.extend_from_slice(tail.as_bytes());
    out
}
