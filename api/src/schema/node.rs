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
use crate::repo::records;
use async_graphql::{Context, Interface, Object, ID};
use entity::*;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

/// Any record with a global id. Ids are opaque: pass them back to `node` or `nodes` unchanged.
#[derive(Interface, Clone)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque global id of the record: pass it to `node(id:)` or `nodes(ids:)` unchanged."
))]
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

/// Fetches the records of one kind by id in one statement, as `vis` may see them
/// (`repo::records`); revisions only for editors and admins, accounts never.
async fn fetch(
    db: &DatabaseConnection,
    vis: Visibility,
    kind: Option<RecordKind>,
    ids: Vec<i32>,
) -> Result<Vec<(NodeRef, Node)>> {
    macro_rules! of {
        ($module:ident, $wrap:expr) => {
            records::by_ids::<$module::Entity>(db, vis, ids)
                .await?
                .into_iter()
                .map(|m| {
                    (
                        NodeRef::Record(<$module::Entity as crate::repo::Readable>::KIND, m.id),
                        $wrap(m),
                    )
                })
                .collect()
        };
    }
    use RecordKind as K;
    Ok(match kind {
        None => crate::repo::revisions::by_ids(db, vis, ids)
            .await?
            .into_iter()
            .map(|m| {
                (
                    NodeRef::Revision(m.id),
                    Node::Revision(Revision::new(m, vis)),
                )
            })
            .collect(),
        Some(K::State) => of!(state, |m| Node::State(State(m))),
        Some(K::Forum) => of!(forum, |m| Node::Forum(Forum(m))),
        Some(K::Membership) => of!(membership, |m| Node::Membership(Membership(m))),
        Some(K::Instrument) => of!(instrument, |m| Node::Instrument(Instrument(m))),
        Some(K::Provision) => of!(provision, |m| Node::from(Provision::from(m))),
        Some(K::ProvisionLink) => of!(provision_link, |m| Node::ProvisionLink(ProvisionLink(m))),
        Some(K::Source) => of!(source, |m| Node::Source(Source(m))),
        Some(K::Commitment) => of!(commitment, |m| Node::Commitment(Commitment(m))),
        Some(K::Position) => of!(position, |m| Node::Position(Position(m))),
        Some(K::Evidence) => of!(evidence, |m| Node::Evidence(Evidence(m))),
        Some(K::Assessment) => of!(assessment, |m| Node::Assessment(Assessment(m))),
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
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A record's global id, as its `id` field gives it. A malformed id is a BAD_USER_INPUT naming `id`."
        )]
        id: ID,
    ) -> async_graphql::Result<Option<Node>> {
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
        #[graphql(
            desc = "Global ids, as records' `id` fields give them; at most 100. A malformed id is a BAD_USER_INPUT naming `ids`."
        )]
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
