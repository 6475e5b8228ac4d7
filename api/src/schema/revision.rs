//! Revisions: the audit log entry every write leaves.
//!
//! The people who maintain the registry document state surveillance; they must not be exposed
//! to the states they document. So a revision shows everyone what changed, when, why and the
//! role of who changed it, and shows who it was (an e-mail) to editors and admins only. The record
//! before and after is shown only to readers who may see the record in that state (a draft's
//! content only to its author and editors), and without the author's user id.

use super::connection::{from_page, wants_total, Conn};
use super::ids;
use crate::auth::Visibility;
use crate::repo::{self, PageArgs};
use async_graphql::{Context, Json, Object, ID};
use chrono::{DateTime, Utc};
use entity::{revision, PublicationStatus, RecordKind, RevisionAction, UserRole};
use serde_json::Value;

/// One change to one record: what, when, why, by whom (as the reader may know it).
#[derive(Clone)]
pub struct Revision {
    model: revision::Model,
    vis: Visibility,
    /// Whether the reader may see the record now (always, for a record's own `history`).
    record_visible: bool,
}

impl Revision {
    /// A revision as `vis` may see it.
    pub fn new(model: revision::Model, vis: Visibility) -> Self {
        Revision {
            model,
            vis,
            record_visible: true,
        }
    }

    /// A change-feed entry: its snapshots are shown only while the reader may see the record,
    /// so a retraction also withdraws the retracted content from the feed.
    pub fn in_feed(change: repo::revisions::Change, vis: Visibility) -> Self {
        Revision {
            model: change.revision,
            vis,
            record_visible: change.record_visible,
        }
    }

    /// A snapshot, if the reader may see the record in the state it shows; the author's user id
    /// is left out for everyone but editors.
    fn snapshot(&self, v: &Option<Value>) -> Option<Json<Value>> {
        let v = v.as_ref()?;
        if !self.record_visible {
            return None;
        }
        if self.vis == Visibility::All {
            return Some(Json(v.clone()));
        }
        // Account records are never shown outside editors and admins.
        if self.model.record_kind == RecordKind::User {
            return None;
        }
        let status = v
            .get("status")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<PublicationStatus>().ok())?;
        let author = v
            .get("created_by")
            .and_then(Value::as_i64)
            .map(|n| n as i32);
        if !self.vis.allows(status, author) {
            return None;
        }
        let mut v = v.clone();
        if let Value::Object(map) = &mut v {
            map.remove("created_by");
        }
        Some(Json(v))
    }
}

/// One change to one record: what, when, why, by whom (as the reader may know it).
#[Object]
impl Revision {
    /// Global id of this revision. `node(id:)` returns revisions to editors and admins only;
    /// everyone else reads them through a record's `history`.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode_revision(self.model.id))
    }
    /// What the write did: create, update, publish or retract.
    async fn action(&self) -> RevisionAction {
        self.model.action
    }
    /// The kind of record changed, e.g. COMMITMENT.
    async fn record_kind(&self) -> RecordKind {
        self.model.record_kind
    }
    /// The global id of the record changed.
    async fn record_id(&self) -> ID {
        ids::encode(self.model.record_kind, self.model.record_id)
    }
    /// Who made the change. Editors and admins see the account's e-mail; everyone else sees the
    /// role it wrote in (`editor`, `contributor`, `admin`) or `seed` for the bundled data loader.
    async fn actor(&self) -> String {
        if self.vis == Visibility::All {
            return self.model.actor_label.clone();
        }
        match self.model.actor_role {
            Some(role) => role.as_str().to_lowercase(),
            None if self.model.actor_id.is_none() && self.model.actor_label == "seed" => {
                "seed".into()
            }
            None => "system".into(),
        }
    }
    /// The role the actor had when writing; null for the seed loader and the command line.
    async fn actor_role(&self) -> Option<UserRole> {
        self.model.actor_role
    }
    /// Why the change was made, as its author wrote it (always given for a retraction); null when
    /// none was given.
    async fn reason(&self) -> Option<&str> {
        self.model.reason.as_deref()
    }
    /// The record before the change (absent for a creation, and for readers who may not see the
    /// record as it was then).
    async fn before(&self) -> Option<Json<Value>> {
        self.snapshot(&self.model.before)
    }
    /// The record after the change (absent for readers who may not see the record as it became).
    async fn after(&self) -> Option<Json<Value>> {
        self.snapshot(&self.model.after)
    }
    /// When the change was made (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
}

#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// The change feed: every change to what the public sees (a record published, corrected
    /// while published, or retracted) made at or after `since`, oldest first, with the record's
    /// kind and global id. A mirror or dashboard keeps the last `createdAt` (or cursor) it read
    /// and asks again from there; a RETRACT tells it to drop the record, which has left every
    /// list, and its entries stop showing the record's content (`before`/`after`). `first`
    /// defaults to 20, at most 100.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        since: DateTime<Utc>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Revision>> {
        let args = PageArgs::new(first, after, last, before)?;
        let vis = super::vis(ctx);
        let page =
            repo::revisions::changes(super::db(ctx), vis, since, args, wants_total(ctx)).await?;
        Ok(from_page(
            page,
            |c| c.revision.id,
            |c| Revision::in_feed(c, vis),
        ))
    }
}
