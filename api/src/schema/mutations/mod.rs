//! Mutations: one file per domain, the shared rules here.
//!
//! Convention (the public API contract): `create<Type>(input)`, `update<Type>(id, version, input)`,
//! `publish(id, version)`, `retract(id, version, reason)`; each returns the record. Every
//! mutation runs in one transaction and leaves a revision; bad input is a BAD_USER_INPUT that
//! names the field, and nothing is written.

#[macro_use]
mod surface;
pub mod commitment;
pub mod practice;
pub mod reference;
pub mod support;
pub mod validate;

use super::{db, ids, node::Node, viewer};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::write;
use async_graphql::{Context, MergedObject, Object, ID};
use entity::record::{Record, Reviewed};
use entity::*;
use sea_orm::{DatabaseTransaction, IntoActiveModel};
use std::{future::Future, pin::Pin};

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    super::user::UserMutation,
    ReviewMutation,
    commitment::CommitmentMutation,
    reference::ReferenceMutation,
    practice::PracticeMutation,
);

/// The signed-in user, if it has at least `role`; else UNAUTHENTICATED or FORBIDDEN.
pub fn writer(ctx: &Context<'_>, role: UserRole) -> Result<Actor> {
    viewer(ctx).require(role).cloned()
}

/// A user id from a global id.
pub fn user_id(id: &ID) -> Result<i32> {
    match ids::decode("id", id)? {
        ids::NodeRef::Record(RecordKind::User, n) => Ok(n),
        _ => Err(Error::bad_input("id", "this is not the id of a user")),
    }
}

/// A record id of `kind` from a global id.
pub fn record_id(field: &str, id: &ID, kind: RecordKind) -> Result<i32> {
    match ids::decode(field, id)? {
        ids::NodeRef::Record(k, n) if k == kind => Ok(n),
        _ => Err(Error::bad_input(
            field,
            format!("this is not the id of a {}", ids::type_name(kind)),
        )),
    }
}

/// A transaction's body.
pub type TxnFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// Runs `body` in one transaction: committed when it succeeds, rolled back otherwise.
pub async fn transaction<T, F>(ctx: &Context<'_>, body: F) -> Result<T>
where
    F: for<'c> FnOnce(&'c DatabaseTransaction) -> TxnFuture<'c, T>,
{
    let txn = entity::write::begin(super::write_db(ctx)).await?;
    match body(&txn).await {
        Ok(v) => {
            txn.commit().await?;
            // Nothing after the commit may decide the answer: the write is saved, so a database
            // that goes away now must not turn it into "503, retry". The cost model's shape is
            // re-measured in the background.
            if let Some(shape) = ctx.data_opt::<std::sync::Arc<crate::cost::ShapeCache>>() {
                shape.refresh_after_write(db(ctx));
            }
            Ok(v)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

/// Sets the review status of any record, with the version check and a revision; returns the
/// record as saved.
async fn set_status<M>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: i32,
    version: i32,
    status: PublicationStatus,
    reason: Option<String>,
) -> Result<M>
where
    M: Record + Reviewed + IntoActiveModel<M::Active>,
{
    let current: M = write::for_change(txn, actor, id, version).await?;
    if current.status() == status {
        return Err(Error::bad_input(
            "id",
            format!("the record is {} already", status.as_str()),
        ));
    }
    if status == PublicationStatus::Published && current.status() == PublicationStatus::Retracted {
        return Err(Error::bad_input(
            "id",
            "a retracted record cannot be published again; create a corrected one",
        ));
    }
    if status == PublicationStatus::Published {
        write::check_publishable(txn, M::KIND, id).await?;
    }
    let mut next = current.clone();
    next.set_status(status);
    let action = if status == PublicationStatus::Published {
        RevisionAction::Publish
    } else {
        RevisionAction::Retract
    };
    write::update(
        txn,
        actor,
        &current,
        next,
        action,
        reason,
        None,
        serde_json::json!({}),
        serde_json::json!({}),
    )
    .await
}

/// Sets the status of a record of any kind and returns it as a node, built from what the
/// transaction saved: the answer never needs the database again after the commit.
async fn set_status_of(
    txn: &DatabaseTransaction,
    actor: &Actor,
    kind: RecordKind,
    id: i32,
    version: i32,
    status: PublicationStatus,
    reason: Option<String>,
) -> Result<Node> {
    use crate::schema::{
        commitment::Commitment,
        evidence::{Assessment, Evidence},
        forum::{Forum, Membership},
        instrument::Instrument,
        position::Position,
        provision::{Provision, ProvisionLink},
        source::Source,
        state::State,
    };
    let (a, i, v, s, r) = (actor, id, version, status, reason);
    Ok(match kind {
        RecordKind::Source => Node::Source(Source(set_status(txn, a, i, v, s, r).await?)),
        RecordKind::State => Node::State(State(set_status(txn, a, i, v, s, r).await?)),
        RecordKind::Forum => Node::Forum(Forum(set_status(txn, a, i, v, s, r).await?)),
        RecordKind::Membership => {
            Node::Membership(Membership(set_status(txn, a, i, v, s, r).await?))
        }
        RecordKind::Instrument => {
            Node::Instrument(Instrument(set_status(txn, a, i, v, s, r).await?))
        }
        RecordKind::Provision => Node::from(Provision::from(
            set_status::<provision::Model>(txn, a, i, v, s, r).await?,
        )),
        RecordKind::ProvisionLink => {
            Node::ProvisionLink(ProvisionLink(set_status(txn, a, i, v, s, r).await?))
        }
        RecordKind::Commitment => {
            Node::Commitment(Commitment(set_status(txn, a, i, v, s, r).await?))
        }
        RecordKind::Position => Node::Position(Position(set_status(txn, a, i, v, s, r).await?)),
        RecordKind::Evidence => Node::Evidence(Evidence(set_status(txn, a, i, v, s, r).await?)),
        RecordKind::Assessment => {
            Node::Assessment(Assessment(set_status(txn, a, i, v, s, r).await?))
        }
        RecordKind::User => {
            return Err(Error::bad_input(
                "id",
                "users are deactivated, not retracted",
            ))
        }
    })
}

/// Moves any record to `status` (EDITOR), in one transaction, and returns it.
async fn review(
    ctx: &Context<'_>,
    id: &ID,
    version: i32,
    status: PublicationStatus,
    reason: Option<String>,
) -> Result<Node> {
    let actor = writer(ctx, UserRole::Editor)?;
    let (kind, rid) = match ids::decode("id", id)? {
        ids::NodeRef::Record(k, n) => (k, n),
        ids::NodeRef::Revision(_) => {
            return Err(Error::bad_input("id", "revisions cannot be reviewed"))
        }
    };
    transaction(ctx, |txn| {
        Box::pin(
            async move { set_status_of(txn, &actor, kind, rid, version, status, reason).await },
        )
    })
    .await
}

#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Publishes a draft (EDITOR): it becomes visible to everyone and counts in the gap engine.
    async fn publish(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
    ) -> async_graphql::Result<Node> {
        Ok(review(ctx, &id, version, PublicationStatus::Published, None).await?)
    }

    /// Retracts a record (EDITOR): it stays, with its history, for editors, and disappears for
    /// the public and from the gap engine. Nothing is ever deleted.
    async fn retract(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "Why the record is retracted, 3 to 2,000 characters; shown to everyone in the record's history."
        )]
        reason: String,
    ) -> async_graphql::Result<Node> {
        // Who may retract is checked first, so a viewer learns nothing about the input.
        writer(ctx, UserRole::Editor)?;
        let reason = validate::text("reason", &reason, 3, 2000)?;
        Ok(review(
            ctx,
            &id,
            version,
            PublicationStatus::Retracted,
            Some(reason),
        )
        .await?)
    }
}
