//! Sea-ORM entities: one module per table, plus the enumerations they share.
//!
//! Every domain table carries `created_at`, `updated_at` and `version` (optimistic concurrency).
//! Enumerations are stored as their upper-case names in text columns, so the same value reads the
//! same in SQL, in seed files and in GraphQL.

pub mod domain;
pub mod enums;
pub mod owned;
pub mod partial_date;
pub mod record;
pub mod rules;
pub mod write;

pub mod assessment;
pub mod commitment;
pub mod commitment_reservation;
pub mod dataset;
pub mod dataset_record;
pub mod evidence;
pub mod evidence_state;
pub mod forum;
pub mod gap_summary;
pub mod instrument;
pub mod membership;
pub mod position;
pub mod provision;
pub mod provision_link;
pub mod rationale_key;
pub mod record_source;
pub mod registry;
pub mod revision;
pub mod source;
pub mod state;
pub mod user;
pub mod visibility;

pub use enums::*;
pub use partial_date::PartialDate;
