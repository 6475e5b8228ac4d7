//! The `Node` interface and the `node` / `nodes` queries: any record by its global id.

use super::{
    commitment::Commitment,
    db,
    evidence::{Assessment, Evidence},
    forum::{Forum, Membership},
    ids::{self, NodeRef},
    instrument::Instrument,
    position::Position,
    provision::{ConfidenceBuildingMeasure, HumanRightsObligation, Norm, Provision, ProvisionLink},
    revision::Revision,
    source::Source,
    state::State,
};
use crate::auth::Visibility;
use crate::error::Result;
use crate::repo::visible;
use async_graphql::{Context, Interface, Object, ID};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Any record with a global id. Ids are opaque: pass them back to `node` or `nodes` unchanged.
#[derive(Interface, Clone)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    State(State),
    Forum(Forum),
    Membership(Membership),
    Instrument(Instrument),
    Norm(Norm),
    ConfidenceBuildingMeasure(ConfidenceBuildingMeasure),
    HumanRightsObligation(HumanRightsObligation),
    ProvisionLink(ProvisionLink),
    Commitment(Commitment),
    Position(Position),
    Evidence(Evidence),
    Assessment(Assessment),
    Source(Source),
    Revision(Revision),
}

impl From<Provision> for Node {
    fn from(p: Provision) -> Self {
        match p {
            Provision::Norm(n) => Node::Norm(n),
            Provision::ConfidenceBuildingMeasure(c) => Node::ConfidenceBuildingMeasure(c),
            Provision::HumanRightsObligation(h) => Node::HumanRightsObligation(h),
        }
    }
}

/// Fetches the records of one kind by id in one statement; drafts and retractions are left out
/// for the public.
async fn fetch(
    db: &DatabaseConnection,
    vis: Visibility,
    kind: Option<RecordKind>,
    ids: Vec<i32>,
) -> Result<Vec<(NodeRef, Node)>> {
    macro_rules! plain {
        ($module:ident, $wrap:expr, $kind:expr) => {
            $module::Entity::find()
                .filter($module::Column::Id.is_in(ids))
                .filter(visible(
                    vis,
                    $module::Column::Status,
                    $module::Column::CreatedBy,
                ))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (NodeRef::Record($kind, m.id), $wrap(m)))
                .collect()
        };
    }
    macro_rules! published {
        ($module:ident, $wrap:expr, $kind:expr) => {
            $module::Entity::find()
                .filter($module::Column::Id.is_in(ids))
                .filter(visible(
                    vis,
                    $module::Column::Status,
                    $module::Column::CreatedBy,
                ))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (NodeRef::Record($kind, m.id), $wrap(m)))
                .collect()
        };
    }
    use RecordKind as K;
    Ok(match kind {
        None => revision::Entity::find()
            .filter(revision::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (NodeRef::Revision(m.id), Node::Revision(Revision(m))))
            .collect(),
        Some(K::State) => plain!(state, |m| Node::State(State(m)), K::State),
        Some(K::Forum) => plain!(forum, |m| Node::Forum(Forum(m)), K::Forum),
        Some(K::Membership) => plain!(
            membership,
            |m| Node::Membership(Membership(m)),
            K::Membership
        ),
        Some(K::Instrument) => plain!(
            instrument,
            |m| Node::Instrument(Instrument(m)),
            K::Instrument
        ),
        Some(K::Provision) => plain!(provision, |m| Node::from(Provision::from(m)), K::Provision),
        Some(K::ProvisionLink) => plain!(
            provision_link,
            |m| Node::ProvisionLink(ProvisionLink(m)),
            K::ProvisionLink
        ),
        Some(K::Source) => plain!(source, |m| Node::Source(Source(m)), K::Source),
        Some(K::Commitment) => published!(
            commitment,
            |m| Node::Commitment(Commitment(m)),
            K::Commitment
        ),
        Some(K::Position) => published!(position, |m| Node::Position(Position(m)), K::Position),
        Some(K::Evidence) => published!(evidence, |m| Node::Evidence(Evidence(m)), K::Evidence),
        Some(K::Assessment) => published!(
            assessment,
            |m| Node::Assessment(Assessment(m)),
            K::Assessment
        ),
        // Accounts are not public records.
        Some(K::User) => Vec::new(),
    })
}

/// Resolves global ids in one statement per record kind, keeping the order asked for.
async fn resolve(
    db: &DatabaseConnection,
    vis: Visibility,
    ids: &[ID],
) -> Result<Vec<Option<Node>>> {
    let refs: Vec<NodeRef> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let field = if ids.len() == 1 {
                "id".to_string()
            } else {
                format!("ids[{i}]")
            };
            ids::decode(&field, id)
        })
        .collect::<Result<_>>()?;
    let mut by_kind: HashMap<Option<RecordKind>, Vec<i32>> = HashMap::new();
    for r in &refs {
        match r {
            NodeRef::Record(k, id) => by_kind.entry(Some(*k)).or_default().push(*id),
            NodeRef::Revision(id) => by_kind.entry(None).or_default().push(*id),
        }
    }
    let mut found: HashMap<NodeRef, Node> = HashMap::new();
    for (kind, ids) in by_kind {
        found.extend(fetch(db, vis, kind, ids).await?);
    }
    let out = refs.iter().map(|r| found.get(r).cloned()).collect();
    Ok(out)
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by its global id; null when there is no such (public) record. A malformed id
    /// is a BAD_USER_INPUT error.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        Ok(resolve(db(ctx), super::vis(ctx), &[id])
            .await?
            .into_iter()
            .next()
            .flatten())
    }

    /// Several records by global id, in the order asked for (null where there is none).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > crate::repo::MAX_PAGE_SIZE as usize {
            return Err(crate::Error::bad_input(
                "ids",
                format!(
                    "at most {} ids per request (got {})",
                    crate::repo::MAX_PAGE_SIZE,
                    ids.len()
                ),
            )
            .into());
        }
        Ok(resolve(db(ctx), super::vis(ctx), &ids).await?)
    }
}

/// One record by global id as `vis` may see it (used to return records after a mutation).
pub async fn resolve_for(
    db: &DatabaseConnection,
    vis: Visibility,
    id: &ID,
) -> Result<Option<Node>> {
    Ok(resolve(db, vis, std::slice::from_ref(id))
        .await?
        .into_iter()
        .next()
        .flatten())
}
