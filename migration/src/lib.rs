//! Database migrations: one change per file, each with a `down()`.
//!
//! Every migration runs inside a transaction on every backend (SQLite included), so a failed
//! migration leaves nothing half-applied.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261126_000001_create_sources;
mod m20261126_000002_create_states;
mod m20261126_000003_create_forums;
mod m20261126_000004_create_memberships;
mod m20261126_000005_create_instruments;
mod m20261126_000006_create_provisions;
mod m20261126_000007_create_provision_links;
mod m20261126_000008_create_commitments;
mod m20261126_000009_create_commitment_reservations;
mod m20261126_000010_create_positions;
mod m20261126_000011_create_evidence;
mod m20261126_000012_create_evidence_states;
mod m20261126_000013_create_assessments;
mod m20261126_000014_create_record_sources;
mod m20261126_000015_create_users;
mod m20261126_000016_create_revisions;
mod m20261126_000017_add_status_and_authorship;
mod m20261127_000018_add_revision_actor_role;
mod m20261128_000019_add_source_tier;
mod m20261128_000020_create_datasets;
mod m20261128_000021_create_registry;
mod m20261128_000022_add_revision_is_public;
mod m20261128_000023_create_shared_limits;
mod m20261128_000024_create_gap_summary;
mod m20261128_000025_add_position_and_membership_keys;
mod m20261207_000026_add_evidence_authority;
mod m20261207_000027_add_assessment_rationale_key;
mod m20261207_000028_add_public_visibility;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_sources::Migration),
            Box::new(m20261126_000002_create_states::Migration),
            Box::new(m20261126_000003_create_forums::Migration),
            Box::new(m20261126_000004_create_memberships::Migration),
            Box::new(m20261126_000005_create_instruments::Migration),
            Box::new(m20261126_000006_create_provisions::Migration),
            Box::new(m20261126_000007_create_provision_links::Migration),
            Box::new(m20261126_000008_create_commitments::Migration),
            Box::new(m20261126_000009_create_commitment_reservations::Migration),
            Box::new(m20261126_000010_create_positions::Migration),
            Box::new(m20261126_000011_create_evidence::Migration),
            Box::new(m20261126_000012_create_evidence_states::Migration),
            Box::new(m20261126_000013_create_assessments::Migration),
            Box::new(m20261126_000014_create_record_sources::Migration),
            Box::new(m20261126_000015_create_users::Migration),
            Box::new(m20261126_000016_create_revisions::Migration),
            Box::new(m20261126_000017_add_status_and_authorship::Migration),
            Box::new(m20261127_000018_add_revision_actor_role::Migration),
            Box::new(m20261128_000019_add_source_tier::Migration),
            Box::new(m20261128_000020_create_datasets::Migration),
            Box::new(m20261128_000021_create_registry::Migration),
            Box::new(m20261128_000022_add_revision_is_public::Migration),
            Box::new(m20261128_000023_create_shared_limits::Migration),
            Box::new(m20261128_000024_create_gap_summary::Migration),
            Box::new(m20261128_000025_add_position_and_membership_keys::Migration),
            Box::new(m20261207_000026_add_evidence_authority::Migration),
            Box::new(m20261207_000027_add_assessment_rationale_key::Migration),
            Box::new(m20261207_000028_add_public_visibility::Migration),
        ]
    }
}
