//! Revisions: the audit log entry every write leaves.

use super::ids;
use async_graphql::{Json, Object, ID};
use chrono::{DateTime, Utc};
use entity::{revision, RecordKind, RevisionAction};

/// One change to one record: who, when, what it was before and after.
#[derive(Clone)]
pub struct Revision(pub revision::Model);

#[Object]
impl Revision {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode_revision(self.0.id))
    }
    async fn action(&self) -> RevisionAction {
        self.0.action
    }
    async fn record_kind(&self) -> RecordKind {
        self.0.record_kind
    }
    /// The global id of the record changed.
    async fn record_id(&self) -> ID {
        ids::encode(self.0.record_kind, self.0.record_id)
    }
    /// Who made the change: a user's e-mail, or `seed` for the bundled data loader.
    async fn actor(&self) -> &str {
        &self.0.actor_label
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The record before the change (absent for a creation).
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    /// The record after the change.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
