//! Relation loaders: what a relation is, and how to load it for many parents at once.
//!
//! Every relation field (`State.commitments`, `Commitment.instrument`, `sources` ...) loads
//! through these functions for a whole group of parents (the group comes from
//! [`crate::batch`]: the rows that arrived together), so a page of 100 records with nested
//! relations costs one statement per relation path (two for relations through a join table),
//! not one per record. There is no hand-written loader per relation: a relation is declared in
//! one line ([`has_many!`], [`via!`]) and loaded by one generic function, which applies
//! [`Readable::visible`] for the viewer the [`Loaders`] were built for. A relation cannot be
//! loaded without that filter, so no relation can serve a draft or a retracted record to a
//! reader who may not see it.
//!
//! Loaders return `DbErr`; their callers convert it with [`crate::error::Error`] so that no SQL
//! reaches a client.

use crate::auth::Visibility;
use crate::repo::{among, Readable};
use entity::record::Record;
use entity::*;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The loaders of one request: what the viewer may see is fixed when they are built.
#[derive(Clone)]
pub struct Loaders {
    db: DatabaseConnection,
    vis: Visibility,
}

/// Rows of a relation by parent id, in id order.
pub type ByParent<M> = HashMap<i32, Vec<M>>;

impl Loaders {
    /// Loaders reading `db` as `vis` may see it.
    pub fn new(db: DatabaseConnection, vis: Visibility) -> Self {
        Loaders { db, vis }
    }

    /// The rows of `E` with these ids that the viewer may see, by id: one statement.
    pub async fn by_ids<E: Readable>(&self, ids: &[i32]) -> Result<HashMap<i32, E::Model>, DbErr> {
        let rows = E::find()
            .filter(among(&self.db, E::id_column(), ids))
            .filter(E::visible(self.vis))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id(), m)).collect())
    }

    /// The children of relation `R` of these parents: one statement.
    pub async fn children<R: HasMany>(
        &self,
        parents: &[i32],
    ) -> Result<ByParent<<R::Child as EntityTrait>::Model>, DbErr> {
        let rows = R::Child::find()
            .filter(among(&self.db, R::column(), parents))
            .filter(R::Child::visible(self.vis))
            .order_by_asc(R::Child::id_column())
            .all(&self.db)
            .await?;
        let mut map: ByParent<_> = HashMap::new();
        for m in rows {
            if let Some(p) = R::parent(&m) {
                map.entry(p).or_default().push(m);
            }
        }
        Ok(map)
    }

    /// The records linked to these parents through relation `R`'s join table: two statements
    /// (the join rows, then the records the viewer may see).
    pub async fn linked<R: Via>(
        &self,
        parents: &[i32],
    ) -> Result<ByParent<<R::Child as EntityTrait>::Model>, DbErr> {
        let rows = R::Join::find()
            .filter(among(&self.db, R::parent_column(), parents))
            .all(&self.db)
            .await?;
        // No shortcut when there are no join rows: a relation costs the same statements
        // whatever the data, which keeps the statement count of a request predictable.
        let pairs: Vec<(i32, i32)> = rows.iter().map(R::pair).collect();
        let children = self
            .by_ids::<R::Child>(&pairs.iter().map(|p| p.1).collect::<Vec<_>>())
            .await?;
        let mut map: ByParent<_> = HashMap::new();
        for (parent, child) in pairs {
            if let Some(c) = children.get(&child) {
                map.entry(parent).or_default().push(c.clone());
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|m| m.id());
        }
        Ok(map)
    }

    /// The sources records of `kind` cite, primary first: two statements. (The one polymorphic
    /// relation: the join table names the citing record's kind.)
    pub async fn sources(
        &self,
        kind: RecordKind,
        records: &[i32],
    ) -> Result<ByParent<source::Model>, DbErr> {
        let links = record_source::Entity::find()
            .filter(
                Condition::all()
                    .add(record_source::Column::RecordKind.eq(kind))
                    .add(among(&self.db, record_source::Column::RecordId, records)),
            )
            .order_by_asc(record_source::Column::Ordinal)
            .all(&self.db)
            .await?;
        let sources = self
            .by_ids::<source::Entity>(&links.iter().map(|l| l.source_id).collect::<Vec<_>>())
            .await?;
        let mut map: ByParent<source::Model> = HashMap::new();
        for l in links {
            if let Some(s) = sources.get(&l.source_id) {
                map.entry(l.record_id).or_default().push(s.clone());
            }
        }
        Ok(map)
    }
}

/// A one-to-many relation: rows of `Child` whose `column` holds the parent's id.
pub trait HasMany: 'static {
    /// The table the relation hangs from.
    type Parent: Readable;
    type Child: Readable;
    fn column() -> <Self::Child as EntityTrait>::Column;
    fn parent(child: &<Self::Child as EntityTrait>::Model) -> Option<i32>;
}

/// A many-to-many relation through a join table that belongs to the parent record.
pub trait Via: 'static {
    /// The table the relation hangs from.
    type Parent: Readable;
    type Child: Readable;
    type Join: EntityTrait<Model: Send + Sync>;
    /// The join table's column holding the parent id.
    fn parent_column() -> <Self::Join as EntityTrait>::Column;
    /// (parent id, child id) of a join row.
    fn pair(row: &<Self::Join as EntityTrait>::Model) -> (i32, i32);
}

/// Declares a one-to-many relation:
/// `name: parent table => child table by column, |child| parent id`.
macro_rules! has_many {
    ($(#[$doc:meta])* $name:ident: $from:ident => $module:ident by $column:ident, |$m:ident| $parent:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl HasMany for $name {
            type Parent = $from::Entity;
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

/// Declares a many-to-many relation:
/// `name: parent table => child table via join table (parent column: parent -> child)`.
macro_rules! via {
    ($(#[$doc:meta])* $name:ident: $from:ident => $child:ident via $join:ident ($parent_col:ident: $pf:ident -> $cf:ident)) => {
        $(#[$doc])*
        pub struct $name;
        impl Via for $name {
            type Parent = $from::Entity;
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
    CommitmentsOfState: state => commitment by StateId, |m| Some(m.state_id));
has_many!(/// Commitments to an instrument.
    CommitmentsToInstrument: instrument => commitment by InstrumentId, |m| Some(m.instrument_id));
has_many!(/// Positions of a state.
    PositionsOfState: state => position by StateId, |m| Some(m.state_id));
has_many!(/// Memberships of a state.
    MembershipsOfState: state => membership by StateId, |m| Some(m.state_id));
has_many!(/// Memberships of a forum.
    MembershipsOfForum: forum => membership by ForumId, |m| Some(m.forum_id));
has_many!(/// Provisions of an instrument.
    ProvisionsOfInstrument: instrument => provision by InstrumentId, |m| Some(m.instrument_id));
has_many!(/// Instruments a forum adopted.
    InstrumentsOfForum: forum => instrument by ForumId, |m| m.forum_id);
has_many!(/// Forums under a forum.
    ChildForums: forum => forum by ParentId, |m| m.parent_id);
has_many!(/// Crosswalk links from a provision.
    LinksFrom: provision => provision_link by FromId, |m| Some(m.from_id));
has_many!(/// Crosswalk links to a provision.
    LinksTo: provision => provision_link by ToId, |m| Some(m.to_id));
has_many!(/// Assessments of a piece of evidence.
    AssessmentsOfEvidence: evidence => assessment by EvidenceId, |m| Some(m.evidence_id));

via!(/// Provisions a commitment's reservations exclude.
    ReservationsOf: commitment => provision via commitment_reservation (CommitmentId: commitment_id -> provision_id));
via!(/// The states responsible for a piece of evidence.
    ResponsibleStates: evidence => state via evidence_state (EvidenceId: evidence_id -> state_id));
via!(/// The evidence a state is responsible for.
    EvidenceOfState: state => evidence via evidence_state (StateId: state_id -> evidence_id));
