//! The Normwatch API: configuration, the poem server, the GraphQL schema and its data access.
//!
//! Where things live (read `docs/ARCHITECTURE.md` first):
//! - [`config`]: typed configuration from environment variables, checked at start-up.
//! - [`telemetry`]: tracing set-up (text or JSON).
//! - [`db`]: connecting, counting statements, migrating and seeding.
//! - [`app`]: [`app::App`] builds everything and serves; tests reuse it on port 0.
//! - [`routes`]: HTTP routes and middleware (GraphQL, GraphiQL, SDL, health, request ids, CORS).
//! - [`assets`]: the dashboard, the GraphiQL page and their files, embedded in the binary.
//! - [`metrics`]: Prometheus metrics at `/metrics` (requests, latency, cost, pools).
//! - [`export`]: bulk files (CSV, NDJSON, a Frictionless descriptor) for the CLI and `/export`.
//! - [`error`]: the one error type and its mapping to `extensions.code`.
//! - [`repo`]: database functions (filters, pagination); resolvers call these.
//! - [`screen`]: refusing hostile documents (deep nesting, NUL characters) before parsing.
//! - [`cost`]: what a request costs, computed from its document before it runs.
//! - [`answers`]: evaluated gap matrices kept while the data version stands.
//! - [`batch`]: per-page computations (scorecards, a provision's gaps) run once per page.
//! - [`loaders`]: relation loaders that load a relation for a whole group of parents at once.
//! - [`shared_limits`]: rate-limit and sign-in throttle state in PostgreSQL, shared by processes.
//! - [`schema`]: the GraphQL types, one file per domain.

pub mod answers;
pub mod app;
pub mod assets;
pub mod auth;
pub mod batch;
pub mod config;
pub mod cost;
pub mod db;
pub mod error;
pub mod export;
pub mod gap;
pub mod limits;
pub mod loaders;
pub mod metrics;
pub mod replies;
pub mod repo;
pub mod routes;
pub mod schema;
pub mod screen;
pub mod shared_limits;
pub mod telemetry;
pub mod write;

pub use app::App;
pub use config::Config;
pub use error::{Error, Result};
