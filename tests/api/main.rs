//! Integration tests of the whole API: each test spawns the real server on port 0 against its
//! own database (PostgreSQL from TEST_DATABASE_URL, else testcontainers, else SQLite).

mod helpers;

mod answers;
mod auth;
mod batching;
mod changes;
mod config;
mod dashboard;
mod datasets;
mod export;
mod fuzz;
mod gap_pages;
mod gap_summary;
mod gaps;
mod health;
mod hostile;
mod limits;
mod metrics;
mod migrations;
mod nodes;
mod one_record_model;
mod outages;
mod pagination;
mod processes;
mod queries;
mod readme;
mod registry;
mod schema;
mod seed_data;
mod seed_loader;
mod seed_respects_editors;
mod verdicts;
mod visibility;
mod walkthrough;
mod writes;
