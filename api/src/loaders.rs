//! DataLoaders for relation fields.
//!
//! Every relation field (`State.commitments`, `Commitment.instrument`, `sources` ...) goes
//! through a loader, so a page of 100 records with nested relations costs one or two statements
//! per relation, not one per record. Loaders return `DbErr`; resolvers convert it with
//! [`crate::error::Error`] so that no SQL reaches a client.

use crate::auth::Visibility;
use crate::repo::visible;
use async_graphql::dataloader::Loader;
use entity::*;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The loader set; one per request (it carries what the viewer may see), batching the keys
/// of that request's concurrent resolvers.
pub struct Loaders {
    pub db: DatabaseConnection,
    pub vis: Visibility,
}

macro_rules! by_id {
    ($(#[$doc:meta])* $key:ident, $module:ident $(, reviewed = $status:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = $module::Model;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                #[allow(unused_mut)]
                let mut q = $module::Entity::find().filter($module::Column::Id.is_in(ids));
                $(q = q.filter(visible(self.vis, $module::Column::$status, $module::Column::CreatedBy));)?
                let rows = q.all(&self.db).await?;
                Ok(rows.into_iter().map(|m| ($key(m.id), m)).collect())
            }
        }
    };
}

by_id!(/// A state by id.
    StateById, state);
by_id!(/// A forum by id.
    ForumById, forum);
by_id!(/// An instrument by id.
    InstrumentById, instrument);
by_id!(/// A provision by id.
    ProvisionById, provision);
by_id!(/// Evidence by id.
    EvidenceById, evidence, reviewed = Status);
by_id!(/// A commitment by id (the gap engine returns ids; its chain fields load them).
    CommitmentById, commitment, reviewed = Status);
by_id!(/// An assessment by id.
    AssessmentById, assessment, reviewed = Status);
by_id!(/// A position by id.
    PositionById, position, reviewed = Status);

macro_rules! has_many {
    ($(#[$doc:meta])* $key:ident, $module:ident, $column:ident, $field:ident $(, published = $status:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = Vec<$module::Model>;
            type Error = DbErr;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, DbErr> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                #[allow(unused_mut)]
                let mut q = $module::Entity::find().filter($module::Column::$column.is_in(ids));
                $(q = q.filter(visible(self.vis, $module::Column::$status, $module::Column::CreatedBy));)?
                let rows = q.order_by_asc($module::Column::Id).all(&self.db).await?;
                let mut map: HashMap<$key, Self::Value> = HashMap::new();
                for m in rows {
                    map.entry($key(m.$field)).or_default().push(m);
                }
                Ok(map)
            }
        }
    };
}

has_many!(/// Published commitments of a state.
    CommitmentsOfState, commitment, StateId, state_id, published = Status);
has_many!(/// Published commitments to an instrument.
    CommitmentsToInstrument, commitment, InstrumentId, instrument_id, published = Status);
has_many!(/// Published positions of a state.
    PositionsOfState, position, StateId, state_id, published = Status);
has_many!(/// Memberships of a state.
    MembershipsOfState, membership, StateId, state_id);
has_many!(/// Memberships of a forum.
    MembershipsOfForum, membership, ForumId, forum_id);
has_many!(/// Provisions of an instrument.
    ProvisionsOfInstrument, provision, InstrumentId, instrument_id);
has_many!(/// Links from a provision.
    LinksFrom, provision_link, FromId, from_id);
has_many!(/// Links to a provision.
    LinksTo, provision_link, ToId, to_id);
has_many!(/// Published assessments of a piece of evidence.
    AssessmentsOfEvidence, assessment, EvidenceId, evidence_id, published = Status);
has_many!(/// Published assessments against a provision.
    AssessmentsOfProvision, assessment, ProvisionId, provision_id, published = Status);

/// Instruments a forum adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstrumentsOfForum(pub i32);

impl Loader<InstrumentsOfForum> for Loaders {
    type Value = Vec<instrument::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[InstrumentsOfForum],
    ) -> Result<HashMap<InstrumentsOfForum, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = instrument::Entity::find()
            .filter(instrument::Column::ForumId.is_in(ids))
            .order_by_asc(instrument::Column::Id)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for m in rows {
            if let Some(f) = m.forum_id {
                map.entry(InstrumentsOfForum(f)).or_default().push(m);
            }
        }
        Ok(map)
    }
}

/// Forums whose parent is a forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildForums(pub i32);

impl Loader<ChildForums> for Loaders {
    type Value = Vec<forum::Model>;
    type Error = DbErr;

    async fn load(&self, keys: &[ChildForums]) -> Result<HashMap<ChildForums, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = forum::Entity::find()
            .filter(forum::Column::ParentId.is_in(ids))
            .order_by_asc(forum::Column::Id)
            .all(&self.db)
            .await?;
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for m in rows {
            if let Some(p) = m.parent_id {
                map.entry(ChildForums(p)).or_default().push(m);
            }
        }
        Ok(map)
    }
}

/// The sources a record cites, primary first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourcesOf(pub RecordKind, pub i32);

impl Loader<SourcesOf> for Loaders {
    type Value = Vec<source::Model>;
    type Error = DbErr;

    async fn load(&self, keys: &[SourcesOf]) -> Result<HashMap<SourcesOf, Self::Value>, DbErr> {
        let mut by_kind: HashMap<RecordKind, Vec<i32>> = HashMap::new();
        for k in keys {
            by_kind.entry(k.0).or_default().push(k.1);
        }
        let cond = by_kind
            .into_iter()
            .fold(Condition::any(), |c, (kind, ids)| {
                c.add(
                    Condition::all()
                        .add(record_source::Column::RecordKind.eq(kind))
                        .add(record_source::Column::RecordId.is_in(ids)),
                )
            });
        let links = record_source::Entity::find()
            .filter(cond)
            .order_by_asc(record_source::Column::Ordinal)
            .all(&self.db)
            .await?;
        let source_ids: Vec<i32> = links.iter().map(|l| l.source_id).collect();
        let sources: HashMap<i32, source::Model> = source::Entity::find()
            .filter(source::Column::Id.is_in(source_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut map: HashMap<SourcesOf, Vec<source::Model>> = HashMap::new();
        for l in links {
            if let Some(s) = sources.get(&l.source_id) {
                map.entry(SourcesOf(l.record_kind, l.record_id))
                    .or_default()
                    .push(s.clone());
            }
        }
        Ok(map)
    }
}

/// Provisions excluded by a commitment's reservations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReservationsOf(pub i32);

impl Loader<ReservationsOf> for Loaders {
    type Value = Vec<provision::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[ReservationsOf],
    ) -> Result<HashMap<ReservationsOf, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = commitment_reservation::Entity::find()
            .filter(commitment_reservation::Column::CommitmentId.is_in(ids))
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(HashMap::new());
        }
        let provisions: HashMap<i32, provision::Model> = provision::Entity::find()
            .filter(
                provision::Column::Id
                    .is_in(rows.iter().map(|r| r.provision_id).collect::<Vec<_>>()),
            )
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for r in rows {
            if let Some(p) = provisions.get(&r.provision_id) {
                map.entry(ReservationsOf(r.commitment_id))
                    .or_default()
                    .push(p.clone());
            }
        }
        Ok(map)
    }
}

/// The states responsible for a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponsibleStates(pub i32);

impl Loader<ResponsibleStates> for Loaders {
    type Value = Vec<state::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[ResponsibleStates],
    ) -> Result<HashMap<ResponsibleStates, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = evidence_state::Entity::find()
            .filter(evidence_state::Column::EvidenceId.is_in(ids))
            .all(&self.db)
            .await?;
        let states: HashMap<i32, state::Model> = state::Entity::find()
            .filter(state::Column::Id.is_in(rows.iter().map(|r| r.state_id).collect::<Vec<_>>()))
            .order_by_asc(state::Column::Code)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut map: HashMap<_, Vec<_>> = HashMap::new();
        for r in rows {
            if let Some(s) = states.get(&r.state_id) {
                map.entry(ResponsibleStates(r.evidence_id))
                    .or_default()
                    .push(s.clone());
            }
        }
        Ok(map)
    }
}

/// Published evidence a state is responsible for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EvidenceOfState(pub i32);

impl Loader<EvidenceOfState> for Loaders {
    type Value = Vec<evidence::Model>;
    type Error = DbErr;

    async fn load(
        &self,
        keys: &[EvidenceOfState],
    ) -> Result<HashMap<EvidenceOfState, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = evidence_state::Entity::find()
            .filter(evidence_state::Column::StateId.is_in(ids))
            .all(&self.db)
            .await?;
        let evidence: HashMap<i32, evidence::Model> = evidence::Entity::find()
            .filter(
                evidence::Column::Id.is_in(rows.iter().map(|r| r.evidence_id).collect::<Vec<_>>()),
            )
            .filter(visible(
                self.vis,
                evidence::Column::Status,
                evidence::Column::CreatedBy,
            ))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut map: HashMap<_, Vec<evidence::Model>> = HashMap::new();
        for r in rows {
            if let Some(e) = evidence.get(&r.evidence_id) {
                map.entry(EvidenceOfState(r.state_id))
                    .or_default()
                    .push(e.clone());
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|e| e.id);
        }
        Ok(map)
    }
}
