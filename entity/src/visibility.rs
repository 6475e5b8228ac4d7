//! Who sees which record: the one rule every read applies.
//!
//! A record is visible to a reader when its own review status allows it ([`Visibility::allows`]:
//! published; a contributor's own drafts; everything for editors) AND every record it hangs from
//! is visible too, and every source it cites: a commitment of a draft state, a provision of a
//! retracted instrument, a membership in an unpublished forum or an assessment resting on a
//! retracted source is as invisible as a draft itself. [`Readable::rule`] builds that rule as one
//! SQL condition (parents as `IN (SELECT id ...)` sub-queries).
//!
//! The public's view is read far more often than it changes, so it is stored: every record table
//! has a `public` column, kept equal to the rule by [`store_public`], which the one write path
//! (`crate::write::Journal::finish`) runs in the transaction of every write that can move it, and
//! `db::migrate` at start-up. [`Readable::visible`] is that column for the public (one
//! condition without parameters, the same statement text for every request) and the full rule
//! for contributors and editors. Lists, counts, lookups, `node`, relation loaders, filters, the
//! gap engine and the gap summary all go through [`Readable::visible`], and none of them can be
//! written without naming whose view it is. The drift test (`tests/api/gap_summary.rs`) drives random
//! writes of every kind and checks the stored column against the rule for every row.
//!
//! It lives beside the entities, not in the API, because the write path needs it too: the gap
//! summary ([`crate::gap_summary`]) keeps only what the public may see, by this same rule.

use crate::record::Record;
use crate::*;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ModelTrait,
};

/// The stored column: whether the public may see the record now.
pub const PUBLIC_COLUMN: &str = "public";

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
    /// The condition under which `vis` may see a row: the stored `public` column for the
    /// public, the full [`rule`](Readable::rule) for everyone else.
    fn visible(vis: Visibility) -> Condition {
        match vis {
            Visibility::Public => stored_public::<Self>(),
            _ => Self::rule(vis),
        }
    }
    /// The rule itself, computed from the statuses: its own status, its parents' (by their
    /// rule, recursively) and its sources'.
    fn rule(vis: Visibility) -> Condition;
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

/// `<E>.public = TRUE`: a literal, not a parameter, so the statement's text is the same for
/// every request (prepared once per connection) and a partial index could match it.
fn stored_public<E: EntityTrait>() -> Condition {
    Condition::all()
        .add(Expr::col((E::default(), Alias::new(PUBLIC_COLUMN))).eq(Expr::cust("TRUE")))
}

/// `SELECT id FROM <E> WHERE <visible to vis>`: the ids a foreign key may point at.
pub fn visible_ids<E: Readable>(vis: Visibility) -> SelectStatement {
    Query::select()
        .column(E::id_column())
        .from(E::default())
        .cond_where(E::visible(vis))
        .to_owned()
}

/// `SELECT id FROM <E> WHERE <the rule for vis>`, computed from statuses, never from the
/// stored column.
pub fn rule_ids<E: Readable>(vis: Visibility) -> SelectStatement {
    Query::select()
        .column(E::id_column())
        .from(E::default())
        .cond_where(E::rule(vis))
        .to_owned()
}

/// `column IN (ids of E by the rule)`.
fn parent<C: ColumnTrait, E: Readable>(vis: Visibility, column: C) -> Condition {
    Condition::all().add(column.in_subquery(rule_ids::<E>(vis)))
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
        .add(column.in_subquery(rule_ids::<E>(vis)))
}

macro_rules! readable {
    ($module:ident, $kind:ident $(, $col:ident => $parent:ident)* $(; optional $ocol:ident => $oparent:ident)*) => {
        impl Readable for $module::Entity {
            const KIND: RecordKind = RecordKind::$kind;
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            #[allow(unused_mut)]
            fn rule(vis: Visibility) -> Condition {
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
    fn rule(vis: Visibility) -> Condition {
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
    fn rule(vis: Visibility) -> Condition {
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

/// Brings the stored `public` column of one table in line with the rule: two statements, each
/// touching only the rows whose stored value is wrong. Returns how many rows changed.
async fn store<E: Readable, C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let column = || Alias::new(PUBLIC_COLUMN);
    let mut changed = 0;
    for public in [true, false] {
        let in_rule = if public {
            E::id_column().in_subquery(rule_ids::<E>(Visibility::Public))
        } else {
            E::id_column().not_in_subquery(rule_ids::<E>(Visibility::Public))
        };
        let update = Query::update()
            .table(E::default())
            .value(column(), public)
            .cond_where(
                Condition::all()
                    .add(Expr::col(column()).eq(!public))
                    .add(in_rule),
            )
            .to_owned();
        changed += db.execute(&update).await?.rows_affected();
    }
    Ok(changed)
}

/// Brings the stored `public` column of every record table in line with the rule (see the
/// module's documentation); returns how many rows changed. Each table is compared with the
/// rule computed from statuses, so the order of the tables does not matter.
pub async fn store_public<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    Ok(store::<source::Entity, _>(db).await?
        + store::<state::Entity, _>(db).await?
        + store::<forum::Entity, _>(db).await?
        + store::<evidence::Entity, _>(db).await?
        + store::<instrument::Entity, _>(db).await?
        + store::<provision::Entity, _>(db).await?
        + store::<provision_link::Entity, _>(db).await?
        + store::<membership::Entity, _>(db).await?
        + store::<commitment::Entity, _>(db).await?
        + store::<position::Entity, _>(db).await?
        + store::<assessment::Entity, _>(db).await?)
}

/// Rows of one table whose stored `public` differs from the rule (the property the tests
/// check; 0 when the write path kept its promise).
async fn drift<E: Readable, C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    use sea_orm::{PaginatorTrait, QueryFilter};
    let wrong = Condition::any()
        .add(
            Condition::all()
                .add(stored_public::<E>())
                .add(E::id_column().not_in_subquery(rule_ids::<E>(Visibility::Public))),
        )
        .add(
            Condition::all()
                .add(stored_public::<E>().not())
                .add(E::id_column().in_subquery(rule_ids::<E>(Visibility::Public))),
        );
    E::find().filter(wrong).count(db).await
}

/// For every record kind, the rows whose stored `public` differs from the rule.
pub async fn public_drift<C: ConnectionTrait>(db: &C) -> Result<Vec<(RecordKind, u64)>, DbErr> {
    Ok(vec![
        (RecordKind::Source, drift::<source::Entity, _>(db).await?),
        (RecordKind::State, drift::<state::Entity, _>(db).await?),
        (RecordKind::Forum, drift::<forum::Entity, _>(db).await?),
        (
            RecordKind::Evidence,
            drift::<evidence::Entity, _>(db).await?,
        ),
        (
            RecordKind::Instrument,
            drift::<instrument::Entity, _>(db).await?,
        ),
        (
            RecordKind::Provision,
            drift::<provision::Entity, _>(db).await?,
        ),
        (
            RecordKind::ProvisionLink,
            drift::<provision_link::Entity, _>(db).await?,
        ),
        (
            RecordKind::Membership,
            drift::<membership::Entity, _>(db).await?,
        ),
        (
            RecordKind::Commitment,
            drift::<commitment::Entity, _>(db).await?,
        ),
        (
            RecordKind::Position,
            drift::<position::Entity, _>(db).await?,
        ),
        (
            RecordKind::Assessment,
            drift::<assessment::Entity, _>(db).await?,
        ),
    ])
}
