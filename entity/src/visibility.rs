//! Who sees which record: the one rule every read applies.
//!
//! A record is visible to a reader when its own review status allows it ([`Visibility::allows`]:
//! published; a contributor's own drafts; everything for editors) AND every record it hangs from
//! is visible too, and every source it cites: a commitment of a draft state, a provision of a
//! retracted instrument, a membership in an unpublished forum or an assessment resting on a
//! retracted source is as invisible as a draft itself. [`Readable::visible`]
//! builds that rule as one SQL condition (parents as `IN (SELECT id ...)` sub-queries), so lists,
//! counts, lookups, `node`, relation loaders, filters and the gap engine all apply the same rule
//! in the database, and none of them can be written without naming whose view it is.
//!
//! It lives beside the entities, not in the API, because the write path needs it too: the gap
//! summary ([`crate::gap_summary`]) keeps only what the public may see, by this same rule.

use crate::record::Record;
use crate::*;
use sea_orm::{
    sea_query::{Query, SelectStatement},
    ColumnTrait, Condition, EntityTrait, ModelTrait,
};

/// Which records under review a request may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Published records only: the public, viewers.
    Public,
    /// Published records and the contributor's own drafts.
    OwnDrafts(i32),
    /// Everything, drafts and retractions included: editors and admins.
    All,
}

impl Visibility {
    /// Whether a record with this status and author is visible.
    pub fn allows(&self, status: PublicationStatus, created_by: Option<i32>) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Public => status == PublicationStatus::Published,
            Visibility::OwnDrafts(uid) => {
                status == PublicationStatus::Published
                    || (status == PublicationStatus::Draft && created_by == Some(*uid))
            }
        }
    }
}

/// A table of reviewed records that readers may list.
pub trait Readable: EntityTrait<Model: Record + Send + Sync + Clone> {
    /// The record kind (for global ids, sources and history).
    const KIND: RecordKind;
    /// The primary key column.
    fn id_column() -> Self::Column;
    /// The condition under which `vis` may see a row: its own status and its parents'.
    fn visible(vis: Visibility) -> Condition;
    /// The records a row hangs from, as (foreign-key column, id), from the same declaration as
    /// [`visible`]: the loaders announce them so that following them costs one statement for
    /// all the rows loaded together (`crate::batch`).
    ///
    /// [`visible`]: Readable::visible
    fn parents(row: &Self::Model) -> Vec<(&'static str, i32)>;
}

/// The column's name and the id it holds in `row`, if any.
fn foreign_key<M: ModelTrait>(
    row: &M,
    column: <M::Entity as EntityTrait>::Column,
) -> Option<(&'static str, i32)> {
    match row.get(column) {
        sea_orm::Value::Int(Some(id)) => Some((sea_orm::IdenStatic::as_str(&column), id)),
        _ => None,
    }
}

/// Own status only: published; a contributor's own drafts; anything for editors.
fn own<C: ColumnTrait>(vis: Visibility, status: C, created_by: C) -> Condition {
    match vis {
        Visibility::All => Condition::all(),
        Visibility::Public => Condition::all().add(status.eq(PublicationStatus::Published)),
        Visibility::OwnDrafts(uid) => Condition::any()
            .add(status.eq(PublicationStatus::Published))
            .add(
                Condition::all()
                    .add(status.eq(PublicationStatus::Draft))
                    .add(created_by.eq(uid)),
            ),
    }
}

/// `SELECT id FROM <E> WHERE <visible to vis>`: the ids a foreign key may point at.
pub fn visible_ids<E: Readable>(vis: Visibility) -> SelectStatement {
    Query::select()
        .column(E::id_column())
        .from(E::default())
        .cond_where(E::visible(vis))
        .to_owned()
}

/// `column IN (visible ids of E)`.
fn parent<C: ColumnTrait, E: Readable>(vis: Visibility, column: C) -> Condition {
    Condition::all().add(column.in_subquery(visible_ids::<E>(vis)))
}

/// Every source the record cites is visible: `id NOT IN (records citing a source the reader may
/// not see)`. A retracted source takes what rests on it out of public view.
fn sources_visible<C: ColumnTrait>(vis: Visibility, id: C, kind: RecordKind) -> Condition {
    let hidden_sources = Query::select()
        .column(source::Column::Id)
        .from(source::Entity)
        .cond_where(
            Condition::all()
                .add(own(vis, source::Column::Status, source::Column::CreatedBy))
                .not(),
        )
        .to_owned();
    Condition::all().add(
        id.not_in_subquery(
            Query::select()
                .column(record_source::Column::RecordId)
                .from(record_source::Entity)
                .and_where(record_source::Column::RecordKind.eq(kind))
                .and_where(record_source::Column::SourceId.in_subquery(hidden_sources))
                .to_owned(),
        ),
    )
}

/// `column IS NULL OR column IN (visible ids of E)`, for optional parents.
fn optional_parent<C: ColumnTrait, E: Readable>(vis: Visibility, column: C) -> Condition {
    Condition::any()
        .add(column.is_null())
        .add(column.in_subquery(visible_ids::<E>(vis)))
}

macro_rules! readable {
    ($module:ident, $kind:ident $(, $col:ident => $parent:ident)* $(; optional $ocol:ident => $oparent:ident)*) => {
        impl Readable for $module::Entity {
            const KIND: RecordKind = RecordKind::$kind;
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            #[allow(unused_mut)]
            fn visible(vis: Visibility) -> Condition {
                if vis == Visibility::All {
                    return Condition::all();
                }
                let mut c = Condition::all()
                    .add(own(vis, $module::Column::Status, $module::Column::CreatedBy))
                    .add(sources_visible(vis, $module::Column::Id, RecordKind::$kind));
                $(c = c.add(parent::<_, $parent::Entity>(vis, $module::Column::$col));)*
                $(c = c.add(optional_parent::<_, $oparent::Entity>(vis, $module::Column::$ocol));)*
                c
            }
            fn parents(row: &$module::Model) -> Vec<(&'static str, i32)> {
                [$($module::Column::$col,)* $($module::Column::$ocol,)*]
                    .into_iter()
                    .filter_map(|column| foreign_key(row, column))
                    .collect()
            }
        }
    };
}

readable!(state, State);
readable!(evidence, Evidence);
readable!(instrument, Instrument; optional ForumId => forum);
readable!(provision, Provision, InstrumentId => instrument);
readable!(provision_link, ProvisionLink, FromId => provision, ToId => provision);
readable!(membership, Membership, StateId => state, ForumId => forum);
readable!(commitment, Commitment, StateId => state, InstrumentId => instrument; optional ForumId => forum);
readable!(position, Position, StateId => state, ForumId => forum; optional InstrumentId => instrument; optional ProvisionId => provision);
readable!(assessment, Assessment, EvidenceId => evidence, StateId => state, ProvisionId => provision);

/// Sources hang from nothing.
impl Readable for source::Entity {
    const KIND: RecordKind = RecordKind::Source;
    fn id_column() -> source::Column {
        source::Column::Id
    }
    fn visible(vis: Visibility) -> Condition {
        Condition::all().add(own(vis, source::Column::Status, source::Column::CreatedBy))
    }
    fn parents(_: &source::Model) -> Vec<(&'static str, i32)> {
        Vec::new()
    }
}

/// Forums hang from a parent forum; the parent's own status is checked (the registry nests
/// forums one level: the UN GGE and OEWG under the General Assembly).
impl Readable for forum::Entity {
    const KIND: RecordKind = RecordKind::Forum;
    fn id_column() -> forum::Column {
        forum::Column::Id
    }
    fn visible(vis: Visibility) -> Condition {
        if vis == Visibility::All {
            return Condition::all();
        }
        let parents = Query::select()
            .column(forum::Column::Id)
            .from(forum::Entity)
            .cond_where(own(vis, forum::Column::Status, forum::Column::CreatedBy))
            .to_owned();
        Condition::all()
            .add(own(vis, forum::Column::Status, forum::Column::CreatedBy))
            .add(sources_visible(vis, forum::Column::Id, RecordKind::Forum))
            .add(
                Condition::any()
                    .add(forum::Column::ParentId.is_null())
                    .add(forum::Column::ParentId.in_subquery(parents)),
            )
    }
    fn parents(row: &forum::Model) -> Vec<(&'static str, i32)> {
        foreign_key(row, forum::Column::ParentId)
            .into_iter()
            .collect()
    }
}
