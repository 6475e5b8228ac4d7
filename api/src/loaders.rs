//! Relation loaders, generated from three generic definitions.
//!
//! Every relation field (`State.commitments`, `Commitment.instrument`, `sources` ...) goes
//! through a loader, so a page of 100 records with nested relations costs one or two statements
//! per relation, not one per record. There is no hand-written loader per relation: a relation is
//! declared in one line ([`has_many!`], [`via!`]) and loaded by one generic implementation, which
//! applies [`Readable::visible`] for the viewer the loader set was built for. A relation cannot
//! be declared without that filter, so no relation can serve a draft or a retracted record to a
//! reader who may not see it.
//!
//! Loaders return `DbErr`; resolvers convert it with [`crate::error::Error`] so that no SQL
//! reaches a client.

use crate::auth::Visibility;
use crate::repo::Readable;
use async_graphql::dataloader::Loader;
use entity::record::Record;
use entity::*;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The loader set of one request: what the viewer may see is fixed when it is built.
pub struct Loaders {
    db: DatabaseConnection,
    vis: Visibility,
}

impl Loaders {
    /// A loader set reading `db` as `vis` may see it.
    pub fn new(db: DatabaseConnection, vis: Visibility) -> Self {
        Loaders { db, vis }
    }
}

/// A key type parameterised by a marker type, with the traits DataLoader needs whatever the
/// marker is.
macro_rules! marker_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<T>(pub i32, PhantomData<fn() -> T>);

        impl<T> $name<T> {
            pub fn new(id: i32) -> Self {
                $name(id, PhantomData)
            }
        }
        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $name<T> {}
        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl<T> Eq for $name<T> {}
        impl<T> Hash for $name<T> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state)
            }
        }
    };
}

marker_key!(
    /// A record of table `E` by id.
    ById
);
marker_key!(
    /// The records of relation `R` that hang from one parent id.
    Children
);
marker_key!(
    /// The records of relation `R` linked to one parent id through a join table.
    Linked
);

impl<E: Readable> Loader<ById<E>> for Loaders {
    type Value = E::Model;
    type Error = DbErr;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, E::Model>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = E::find()
            .filter(E::id_column().is_in(ids))
            .filter(E::visible(self.vis))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (ById::new(m.id()), m)).collect())
    }
}

/// A one-to-many relation: rows of `Child` whose `column` holds the parent's id.
pub trait HasMany: 'static {
    type Child: Readable;
    fn column() -> <Self::Child as EntityTrait>::Column;
    fn parent(child: &<Self::Child as EntityTrait>::Model) -> Option<i32>;
}

impl<R: HasMany> Loader<Children<R>> for Loaders {
    type Value = Vec<<R::Child as EntityTrait>::Model>;
    type Error = DbErr;

    async fn load(&self, keys: &[Children<R>]) -> Result<HashMap<Children<R>, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = R::Child::find()
            .filter(R::column().is_in(ids))
            .filter(R::Child::visible(self.vis))
            .order_by_asc(R::Child::id_column())
            .all(&self.db)
            .await?;
        let mut map: HashMap<Children<R>, Self::Value> = HashMap::new();
        for m in rows {
            if let Some(p) = R::parent(&m) {
                map.entry(Children::new(p)).or_default().push(m);
            }
        }
        Ok(map)
    }
}

/// A many-to-many relation through a join table that belongs to the parent record.
pub trait Via: 'static {
    type Child: Readable;
    type Join: EntityTrait<Model: Send + Sync>;
    /// The join table's column holding the parent id.
    fn parent_column() -> <Self::Join as EntityTrait>::Column;
    /// (parent id, child id) of a join row.
    fn pair(row: &<Self::Join as EntityTrait>::Model) -> (i32, i32);
}

impl<R: Via> Loader<Linked<R>> for Loaders {
    type Value = Vec<<R::Child as EntityTrait>::Model>;
    type Error = DbErr;

    async fn load(&self, keys: &[Linked<R>]) -> Result<HashMap<Linked<R>, Self::Value>, DbErr> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = R::Join::find()
            .filter(R::parent_column().is_in(ids))
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(HashMap::new());
        }
        let pairs: Vec<(i32, i32)> = rows.iter().map(R::pair).collect();
        let children: HashMap<i32, <R::Child as EntityTrait>::Model> = R::Child::find()
            .filter(R::Child::id_column().is_in(pairs.iter().map(|p| p.1).collect::<Vec<_>>()))
            .filter(R::Child::visible(self.vis))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id(), m))
            .collect();
        let mut map: HashMap<Linked<R>, Self::Value> = HashMap::new();
        for (parent, child) in pairs {
            if let Some(c) = children.get(&child) {
                map.entry(Linked::new(parent)).or_default().push(c.clone());
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|m| m.id());
        }
        Ok(map)
    }
}

/// Declares a one-to-many relation: `name: child table by column (parent field)`.
macro_rules! has_many {
    ($(#[$doc:meta])* $name:ident: $module:ident by $column:ident, |$m:ident| $parent:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl HasMany for $name {
            type Child = $module::Entity;
            fn column() -> $module::Column {
                $module::Column::$column
            }
            fn parent($m: &$module::Model) -> Option<i32> {
                $parent
            }
        }
    };
}

/// Declares a many-to-many relation: `name: child table via join table (parent -> child)`.
macro_rules! via {
    ($(#[$doc:meta])* $name:ident: $child:ident via $join:ident ($parent_col:ident: $pf:ident -> $cf:ident)) => {
        $(#[$doc])*
        pub struct $name;
        impl Via for $name {
            type Child = $child::Entity;
            type Join = $join::Entity;
            fn parent_column() -> $join::Column {
                $join::Column::$parent_col
            }
            fn pair(row: &$join::Model) -> (i32, i32) {
                (row.$pf, row.$cf)
            }
        }
    };
}

has_many!(/// Commitments of a state.
    CommitmentsOfState: commitment by StateId, |m| Some(m.state_id));
has_many!(/// Commitments to an instrument.
    CommitmentsToInstrument: commitment by InstrumentId, |m| Some(m.instrument_id));
has_many!(/// Positions of a state.
    PositionsOfState: position by StateId, |m| Some(m.state_id));
has_many!(/// Memberships of a state.
    MembershipsOfState: membership by StateId, |m| Some(m.state_id));
has_many!(/// Memberships of a forum.
    MembershipsOfForum: membership by ForumId, |m| Some(m.forum_id));
has_many!(/// Provisions of an instrument.
    ProvisionsOfInstrument: provision by InstrumentId, |m| Some(m.instrument_id));
has_many!(/// Instruments a forum adopted.
    InstrumentsOfForum: instrument by ForumId, |m| m.forum_id);
has_many!(/// Forums under a forum.
    ChildForums: forum by ParentId, |m| m.parent_id);
has_many!(/// Crosswalk links from a provision.
    LinksFrom: provision_link by FromId, |m| Some(m.from_id));
has_many!(/// Crosswalk links to a provision.
    LinksTo: provision_link by ToId, |m| Some(m.to_id));
has_many!(/// Assessments of a piece of evidence.
    AssessmentsOfEvidence: assessment by EvidenceId, |m| Some(m.evidence_id));

via!(/// Provisions a commitment's reservations exclude.
    ReservationsOf: provision via commitment_reservation (CommitmentId: commitment_id -> provision_id));
via!(/// The states responsible for a piece of evidence.
    ResponsibleStates: state via evidence_state (EvidenceId: evidence_id -> state_id));
via!(/// The evidence a state is responsible for.
    EvidenceOfState: evidence via evidence_state (StateId: state_id -> evidence_id));

/// The sources a record cites, primary first. (The one polymorphic relation: the join table
/// names the citing record's kind.)
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
            .filter(source::Entity::visible(self.vis))
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
