//! What every create and update mutation shares, so that each mutation is only its input type,
//! its conversion to the domain's record ([`entity::domain`]) and one call here.
//!
//! - [`create_record`]: the writer's role first (a reader learns nothing about the input), then
//!   the record's own rules, then in one transaction its sources, what it hangs from, and the
//!   one write path ([`crate::write::create`]);
//! - [`Target::update`]: the same for a correction, with the version check and the sources
//!   replaced when given ([`crate::write::update`]).

use super::{record_id, transaction, writer, TxnFuture};
use crate::auth::Actor;
use crate::error::Result;
use crate::schema::scalars::PartialDate;
use crate::write;
use async_graphql::{Context, MaybeUndefined, ID};
use entity::domain::{self, Checked, Cites, Corrects, Dated, Rules};
pub(super) use entity::owned::List;
use entity::record::{Record, Reviewed};
use entity::*;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

/// The new content of a record's [`List`]: the ids of its rows, resolved against the registry,
/// and their keys for the revision.
pub(super) struct Owned {
    pub list: List,
    pub ids: Vec<i32>,
    pub keys: Vec<String>,
}

impl Owned {
    pub fn new(list: List, ids: Vec<i32>, mut keys: Vec<String>) -> Self {
        keys.sort();
        Owned { list, ids, keys }
    }
}

/// A row the write path can create and correct: a record with a review status, dates its
/// sources must back, and a row in the database.
pub(super) trait Row:
    Record + Reviewed + Dated + IntoActiveModel<Self::Active> + sea_orm::FromQueryResult
{
}

impl<M> Row for M where
    M: Record + Reviewed + Dated + IntoActiveModel<M::Active> + sea_orm::FromQueryResult
{
}

/// Creates a record as the writer's DRAFT (CONTRIBUTOR or above), with its sources and a
/// revision, in one transaction. `build` gets the validated record, resolves what it hangs from,
/// checks it against the registry, and returns the row; its dates are then checked against the
/// sources it cites ([`Dated`]).
pub(super) async fn create_record<N, M, B>(ctx: &Context<'_>, new: N, build: B) -> Result<M>
where
    B: for<'c> FnOnce(&'c DatabaseTransaction, &'c Actor, N) -> TxnFuture<'c, M> + Send + 'static,
    N: Rules + Cites + Send + 'static,
    M: Row,
{
    create_owning(ctx, new, move |txn, actor, new| {
        let row = build(txn, actor, new);
        Box::pin(async move { Ok((row.await?, None)) })
    })
    .await
}

/// [`create_record`] for a record that owns a [`List`]: `build` also returns the list, which
/// is written once the record has its id, and shown in the creation's revision.
pub(super) async fn create_owning<N, M, B>(ctx: &Context<'_>, new: N, build: B) -> Result<M>
where
    B: for<'c> FnOnce(&'c DatabaseTransaction, &'c Actor, N) -> TxnFuture<'c, (M, Option<Owned>)>
        + Send
        + 'static,
    N: Rules + Cites + Send + 'static,
    M: Row,
{
    let actor = writer(ctx, UserRole::Contributor)?;
    let new = new.validate()?;
    transaction(ctx, |txn| {
        Box::pin(async move {
            let sources = match new.source_keys() {
                Some(keys) => cited(txn, &actor, keys).await?,
                None => Vec::new(),
            };
            let (model, owned) = build(txn, &actor, new).await?;
            precise_enough(txn, &sources, &model.dates()).await?;
            let extra = match &owned {
                Some(o) => json!({ o.list.name(): o.keys }),
                None => json!({}),
            };
            let saved = write::create(txn, &actor, model, &sources, extra).await?;
            if let Some(o) = owned {
                o.list.set(txn, saved.id(), &o.ids).await?;
            }
            Ok(saved)
        })
    })
    .await
}

/// The record an update mutation corrects: its global `id` and the `version` the writer read
/// (CONTRIBUTOR on their own drafts, EDITOR on anything; a stale version is a CONFLICT).
pub(super) struct Target<'a> {
    pub ctx: &'a Context<'a>,
    pub id: &'a ID,
    pub version: i32,
}

impl Target<'_> {
    /// Corrects the record by `patch` alone: see [`Target::update`].
    pub async fn correct<M: Row, P: Corrects<M>>(
        self,
        sources: Option<Vec<String>>,
        patch: P,
    ) -> Result<M> {
        self.update(sources, patch, |_, _, _, next| {
            Box::pin(async move { Ok(next) })
        })
        .await
    }

    /// Corrects the record: `sources`, when given, replace the cited ones; `patch` is applied
    /// to the stored record and validated; `edit` gets the stored record and the corrected one,
    /// resolves the references the input changed, and returns the record as it should become.
    /// Its dates are checked against its sources when either changed.
    pub async fn update<M, P, E>(self, sources: Option<Vec<String>>, patch: P, edit: E) -> Result<M>
    where
        M: Row,
        P: Corrects<M>,
        E: for<'c> FnOnce(&'c DatabaseTransaction, &'c Actor, &'c M, M) -> TxnFuture<'c, M>
            + Send
            + 'static,
    {
        self.update_owning(sources, None, patch, move |txn, actor, current, next| {
            let next = edit(txn, actor, current, next);
            Box::pin(async move { Ok((next.await?, None)) })
        })
        .await
    }

    /// [`Target::update`] for a record that may own a list (`list`): `edit` also returns the
    /// list's new content (`None` keeps it), and the revision shows the list before and after.
    pub async fn update_owning<M, P, E>(
        self,
        sources: Option<Vec<String>>,
        list: Option<List>,
        patch: P,
        edit: E,
    ) -> Result<M>
    where
        M: Row,
        P: Corrects<M>,
        E: for<'c> FnOnce(
                &'c DatabaseTransaction,
                &'c Actor,
                &'c M,
                M,
            ) -> TxnFuture<'c, (M, Option<Owned>)>
            + Send
            + 'static,
    {
        let actor = writer(self.ctx, UserRole::Contributor)?;
        let rid = record_id("id", self.id, M::KIND)?;
        let version = self.version;
        transaction(self.ctx, |txn| {
            Box::pin(async move {
                let current: M = write::for_change(txn, &actor, rid, version).await?;
                let given = sources.is_some();
                let (ids, before, after) =
                    recite(txn, &actor, M::KIND, rid, sources.as_deref()).await?;
                let corrected = valid(patch.correct(&current))?;
                let (next, owned) = edit(txn, &actor, &current, corrected).await?;
                let dates = next.dates();
                if given || dates != current.dates() {
                    precise_enough(txn, &ids, &dates).await?;
                }
                let mut before = json!({ "sources": before });
                let mut after = json!({ "sources": after });
                if let Some(list) = list {
                    let had = list.keys(txn, list.of(txn, rid).await?).await?;
                    let has = match owned {
                        Some(o) => {
                            o.list.set(txn, rid, &o.ids).await?;
                            o.keys
                        }
                        None => had.clone(),
                    };
                    before[list.name()] = json!(had);
                    after[list.name()] = json!(has);
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    given.then_some(ids.as_slice()),
                    before,
                    after,
                )
                .await
            })
        })
        .await
    }
}

/// A validated value, or the first problem as a BAD_USER_INPUT naming the field.
pub(super) fn valid<T>(checked: Checked<T>) -> Result<T> {
    Ok(checked?)
}

/// A clearable input as a patch sees it: absent (keep), `null` (clear) or a value.
pub(super) fn change<T, U>(input: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match input {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v))),
    }
}

/// A clearable date input as a patch sees it.
pub(super) fn change_date(
    input: MaybeUndefined<PartialDate>,
) -> Option<Option<entity::PartialDate>> {
    change(input, |d| d.0)
}

/// Source ids for `keys`: at least one, each known, none twice (the order is kept: primary first).
pub(super) async fn cited(
    txn: &DatabaseTransaction,
    actor: &Actor,
    keys: &[String],
) -> Result<Vec<i32>> {
    write::source_ids(txn, actor, "sources", keys).await
}

/// The sources a record will cite after an update: the ones `keys` name when given (the write
/// path then replaces the current ones), else the current ones. Returns their ids, and the keys
/// before and after (for the revision).
pub(super) async fn recite(
    txn: &DatabaseTransaction,
    actor: &Actor,
    kind: RecordKind,
    id: i32,
    keys: Option<&[String]>,
) -> Result<(Vec<i32>, Vec<String>, Vec<String>)> {
    let before = write::cited_keys(txn, kind, id).await?;
    match keys {
        Some(keys) => {
            let ids = cited(txn, actor, keys).await?;
            let after = write::keys_of(txn, &ids).await?;
            Ok((ids, before, after))
        }
        None => {
            let ids = record_source::Entity::find()
                .filter(record_source::Column::RecordKind.eq(kind))
                .filter(record_source::Column::RecordId.eq(id))
                .order_by_asc(record_source::Column::Ordinal)
                .all(txn)
                .await?
                .into_iter()
                .map(|l| l.source_id)
                .collect();
            let after = before.clone();
            Ok((ids, before, after))
        }
    }
}

/// The dates of a record no more precise than the finest of the sources it cites (ids), by
/// the domain's rule ([`entity::domain::precise_enough`]), which the seed applies too.
async fn precise_enough(
    txn: &DatabaseTransaction,
    sources: &[i32],
    dates: &[(&'static str, Option<entity::PartialDate>)],
) -> Result<()> {
    if dates.iter().all(|(_, d)| d.is_none()) || sources.is_empty() {
        return Ok(());
    }
    let given: Vec<DatePrecision> = source::Entity::find()
        .select_only()
        .column(source::Column::DatePrecision)
        .filter(source::Column::Id.is_in(sources.to_vec()))
        .into_tuple()
        .all(txn)
        .await?;
    let errors = domain::precise_enough(dates, domain::finest(given));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(domain::Invalid(errors).into())
    }
}
