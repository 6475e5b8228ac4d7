//! Writing a validated [`Dataset`] to the database: one transaction, upsert by stable key.
//!
//! A record whose content (fields, sources, reservations, responsible states) is unchanged is
//! not touched, so a second run changes nothing. A changed record is updated in place, its
//! `version` bumped, and a revision with the record before and after is written. Records in the
//! database that the files do not mention are left alone: they may have come through the API.

use crate::dataset::{folder_kind, At, Dataset, ForumRec, ListRec};
use entity::domain::Cites;
use entity::owned::List;
use entity::record::Record;
use entity::write::{self, Journal};
use entity::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Records a person changed (fields or status) after the seed last wrote them, whose row in
    /// the files now differs: left as the person made them, one line each.
    pub kept: Vec<String>,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )?;
        if !self.kept.is_empty() {
            write!(
                f,
                ", {} kept as an editor changed them (--force overwrites)",
                self.kept.len()
            )?;
        }
        Ok(())
    }
}

/// How a load treats records that people changed in the registry.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Overwrite them with the files anyway (still leaving a revision for each).
    pub force: bool,
}

/// The content of a record as compared and logged: its fields without bookkeeping, plus
/// whatever it owns in other tables (sources, reservations, responsible states).
fn content<M: Serialize>(model: &M, owned: &Value) -> Value {
    let mut v = serde_json::to_value(model).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        for k in ["id", "created_at", "updated_at", "version"] {
            map.remove(k);
        }
        if let Value::Object(extra) = owned {
            for (k, x) in extra {
                map.insert(k.clone(), x.clone());
            }
        }
    }
    v
}

#[derive(PartialEq, Eq)]
enum Change {
    Created,
    Updated,
    Unchanged,
}

struct Writer<'a> {
    /// The registry's one write path ([`entity::write::Journal`]), as the seed.
    journal: Journal<'a>,
    /// The load's transaction (the journal writes through it too).
    txn: &'a DatabaseTransaction,
    report: LoadReport,
    /// Source ids by key, and keys by id (for readable revisions).
    source_id: HashMap<String, i32>,
    source_key: HashMap<i32, String>,
    /// Existing citations per record, in order.
    cited: HashMap<(RecordKind, i32), Vec<i32>>,
    /// The list (file) each loaded record comes from.
    placed: HashMap<(RecordKind, i32), String>,
    /// Records whose latest revision a person wrote (through the API): the seed's data is an
    /// upstream source, and corrections made in the registry must survive its reloads.
    edited: HashSet<(RecordKind, i32)>,
    options: LoadOptions,
}

/// Why the seed writes (shown with each of its revisions).
const REASON: &str = "seed data load";

impl Writer<'_> {
    fn keys(&self, ids: &[i32]) -> Value {
        json!(ids
            .iter()
            .map(|i| self.source_key.get(i).cloned().unwrap_or_default())
            .collect::<Vec<_>>())
    }

    fn source_ids(&self, keys: &[String]) -> Vec<i32> {
        keys.iter()
            .filter_map(|k| self.source_id.get(k).copied())
            .collect()
    }

    /// Inserts or updates one record loaded from `file`; `owned_*` describe rows it owns in
    /// other tables.
    async fn save<M>(
        &mut self,
        file: &str,
        existing: Option<&M>,
        desired: M,
        sources: &[i32],
        owned_before: Value,
        owned_after: Value,
    ) -> Result<(M, Change), DbErr>
    where
        M: Record + IntoActiveModel<M::Active>,
        <M::Active as ActiveModelTrait>::Entity: EntityTrait<Model = M>,
    {
        let mut after_owned = owned_after;
        if let Value::Object(m) = &mut after_owned {
            m.insert("sources".into(), self.keys(sources));
        }
        match existing {
            Some(old) => {
                let old_sources = self
                    .cited
                    .get(&(M::KIND, old.id()))
                    .cloned()
                    .unwrap_or_default();
                let mut before_owned = owned_before;
                if let Value::Object(m) = &mut before_owned {
                    m.insert("sources".into(), self.keys(&old_sources));
                }
                self.place(file, M::KIND, old.id());
                if content(old, &before_owned) == content(&desired, &after_owned) {
                    self.report.unchanged += 1;
                    return Ok((old.clone(), Change::Unchanged));
                }
                if !self.options.force && self.edited.contains(&(M::KIND, old.id())) {
                    self.report.kept.push(format!(
                        "kept an editor's change to {} #{} (its row in {file} differs)",
                        M::KIND.as_str().to_lowercase(),
                        old.id()
                    ));
                    return Ok((old.clone(), Change::Unchanged));
                }
                let change = write::Change {
                    action: RevisionAction::Update,
                    reason: Some(REASON.into()),
                    sources: (old_sources != sources).then_some(sources),
                    owned_before: before_owned,
                    owned_after: after_owned,
                };
                let saved = self.write(Some(old), desired, change).await?;
                self.report.updated += 1;
                Ok((saved, Change::Updated))
            }
            None => {
                let change = write::Change {
                    reason: Some(REASON.into()),
                    sources: Some(sources),
                    owned_after: after_owned,
                    ..write::Change::of(RevisionAction::Create)
                };
                let saved = self.write(None, desired, change).await?;
                self.place(file, M::KIND, saved.id());
                self.report.created += 1;
                Ok((saved, Change::Created))
            }
        }
    }

    /// Loads one list of records that own nothing in other tables. `build` makes a row's
    /// record (given the ids loaded so far, for a record that hangs from one of its own kind);
    /// the stored record with the same `key` is the one it updates. Returns the ids of the
    /// stored and the loaded records by key, for the lists that refer to them.
    async fn save_list<'r, R, M, K>(
        &mut self,
        key: impl Fn(&M) -> K,
        rows: impl IntoIterator<Item = &'r At<R>>,
        mut build: impl FnMut(&R, &HashMap<K, i32>) -> M,
    ) -> Result<HashMap<K, i32>, DbErr>
    where
        R: Cites + 'r,
        K: Eq + Hash,
        M: Record + IntoActiveModel<M::Active>,
        <M::Active as ActiveModelTrait>::Entity: EntityTrait<Model = M>,
    {
        let build = |row: &R, ids: &HashMap<K, i32>| (build(row, ids), Vec::new());
        self.save_rows(None, key, rows, build).await
    }

    /// [`Writer::save_list`], also for records that own a [`List`] (`owned`: which, and the
    /// keys of the ids it holds): `build` also gives the ids the row lists. The list is part of
    /// the record's content (a changed list is a changed record, in its revision), and is
    /// rewritten only when the record was written and the list differs.
    async fn save_rows<'r, R, M, K>(
        &mut self,
        owned: Option<(List, &HashMap<i32, &str>)>,
        key: impl Fn(&M) -> K,
        rows: impl IntoIterator<Item = &'r At<R>>,
        mut build: impl FnMut(&R, &HashMap<K, i32>) -> (M, Vec<i32>),
    ) -> Result<HashMap<K, i32>, DbErr>
    where
        R: Cites + 'r,
        K: Eq + Hash,
        M: Record + IntoActiveModel<M::Active>,
        <M::Active as ActiveModelTrait>::Entity: EntityTrait<Model = M>,
    {
        let txn = self.txn;
        let stored = <M::Active as ActiveModelTrait>::Entity::find()
            .all(txn)
            .await?;
        let lists = match owned {
            Some((list, _)) => list.all(txn).await?,
            None => HashMap::new(),
        };
        let shown = |ids: &[i32]| match owned {
            Some((list, key_of)) => {
                let mut keys: Vec<&str> =
                    ids.iter().filter_map(|i| key_of.get(i).copied()).collect();
                keys.sort();
                json!({ list.name(): keys })
            }
            None => json!({}),
        };
        let old: HashMap<K, &M> = stored.iter().map(|m| (key(m), m)).collect();
        let mut ids: HashMap<K, i32> = stored.iter().map(|m| (key(m), m.id())).collect();
        for row in rows {
            let (desired, want) = build(&row.rec, &ids);
            let k = key(&desired);
            let prior = old.get(&k).copied();
            let had = prior
                .and_then(|p| lists.get(&p.id()).cloned())
                .unwrap_or_default();
            let sources = self.source_ids(row.rec.source_keys().unwrap_or_default());
            let (saved, change) = self
                .save(
                    &row.origin.file,
                    prior,
                    published(desired),
                    &sources,
                    shown(&had),
                    shown(&want),
                )
                .await?;
            let (mut a, mut b) = (had, want.clone());
            a.sort();
            b.sort();
            if let (Some((list, _)), true) = (owned, change != Change::Unchanged && a != b) {
                list.set(txn, saved.id(), &want).await?;
            }
            ids.insert(k, saved.id());
        }
        Ok(ids)
    }

    /// One record through the registry's write path.
    async fn write<M>(
        &mut self,
        current: Option<&M>,
        desired: M,
        change: write::Change<'_>,
    ) -> Result<M, DbErr>
    where
        M: Record + IntoActiveModel<M::Active>,
    {
        self.journal
            .save(current, desired, change)
            .await
            .map_err(|e| match e {
                write::WriteError::Db(e) => e,
                // The load holds its transaction from the first read: nobody can have written
                // in between, so this is a bug, not a race to report.
                write::WriteError::Conflict { current_version } => DbErr::Custom(format!(
                    "a record changed during the load (now version {current_version})"
                )),
            })
    }

    /// Notes that record `id` of `kind` belongs to the list `file`.
    fn place(&mut self, file: &str, kind: RecordKind, id: i32) {
        self.placed.insert((kind, id), file.to_string());
    }
}

/// The forums in an order where each comes after its parent when the file has the parent too
/// (a parent that is only in the registry is there already). A parent cycle (refused by no rule
/// yet) keeps the file order for the forums in it.
fn parents_first(forums: &[ForumRec]) -> Vec<&ForumRec> {
    let mut placed: HashSet<&str> = HashSet::new();
    let mut order = Vec::with_capacity(forums.len());
    let mut pending: Vec<&ForumRec> = forums.iter().collect();
    while !pending.is_empty() {
        let (ready, later): (Vec<&ForumRec>, Vec<&ForumRec>) =
            pending
                .into_iter()
                .partition(|f| match f.parent.as_deref() {
                    None => true,
                    Some(p) => placed.contains(p) || !forums.iter().any(|g| g.slug == p),
                });
        if ready.is_empty() {
            order.extend(later);
            break;
        }
        placed.extend(ready.iter().map(|f| f.slug.as_str()));
        order.extend(ready);
        pending = later;
    }
    order
}

/// A record as the seed writes it: published, by no person.
fn published<M: Record>(mut m: M) -> M {
    m.review(PublicationStatus::Published, None);
    m
}

fn split(d: Option<PartialDate>) -> (Option<chrono::NaiveDate>, Option<DatePrecision>) {
    PartialDate::to_parts(d)
}

/// Loads `ds` into `db` in one transaction, keeping what people changed since the seed last
/// wrote it. `ds` must come from [`crate::read_dataset`].
pub async fn load(db: &DatabaseConnection, ds: &Dataset) -> Result<LoadReport, DbErr> {
    load_with(db, ds, LoadOptions::default()).await
}

/// [`load`] with options (`force`: overwrite people's changes too).
pub async fn load_with(
    db: &DatabaseConnection,
    ds: &Dataset,
    options: LoadOptions,
) -> Result<LoadReport, DbErr> {
    let txn = entity::write::begin(db).await?;
    let report = write_all(&txn, ds, options).await?;
    txn.commit().await?;
    refresh_statistics(db).await?;
    Ok(report)
}

/// The records whose latest revision a person wrote (an actor id; the seed writes none).
async fn edited_by_people(txn: &DatabaseTransaction) -> Result<HashSet<(RecordKind, i32)>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows: Vec<(RecordKind, i32, Option<i32>)> = revision::Entity::find()
        .select_only()
        .column(revision::Column::RecordKind)
        .column(revision::Column::RecordId)
        .column(revision::Column::ActorId)
        .order_by_asc(revision::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let mut latest: HashMap<(RecordKind, i32), bool> = HashMap::new();
    for (kind, id, actor) in rows {
        latest.insert((kind, id), actor.is_some());
    }
    Ok(latest
        .into_iter()
        .filter_map(|(k, by_person)| by_person.then_some(k))
        .collect())
}

async fn write_all(
    txn: &DatabaseTransaction,
    ds: &Dataset,
    options: LoadOptions,
) -> Result<LoadReport, DbErr> {
    let mut cited: HashMap<(RecordKind, i32), Vec<(i32, i32)>> = HashMap::new();
    for rs in record_source::Entity::find().all(txn).await? {
        cited
            .entry((rs.record_kind, rs.record_id))
            .or_default()
            .push((rs.ordinal, rs.source_id));
    }
    let cited = cited
        .into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (k, v.into_iter().map(|(_, s)| s).collect())
        })
        .collect();
    let journal = Journal::new(txn, write::Author::seed());
    let mut w = Writer {
        journal,
        txn,
        report: LoadReport::default(),
        source_id: HashMap::new(),
        source_key: HashMap::new(),
        cited,
        placed: HashMap::new(),
        edited: edited_by_people(txn).await?,
        options,
    };

    // Sources first: everything cites them. They cite nothing themselves.
    let key = |m: &source::Model| m.key.clone();
    let source_id = w
        .save_list(key, &ds.sources, |s, _| s.clone().model())
        .await?;
    w.source_key = source_id.iter().map(|(k, id)| (*id, k.clone())).collect();
    w.source_id = source_id;

    let key = |m: &state::Model| m.code.clone();
    let state_id = w
        .save_list(key, &ds.states, |s, _| s.clone().model())
        .await?;

    // Forums, parents first (a parent may come later in the file).
    let key = |m: &forum::Model| m.slug.clone();
    let forum_id = w
        .save_list(key, parents_first(&ds.forums), |f, ids| {
            let parent_id = f.parent.as_ref().and_then(|p| ids.get(p).copied());
            f.clone().model(parent_id)
        })
        .await?;

    let key = |m: &instrument::Model| m.slug.clone();
    let instrument_id = w
        .save_list(key, &ds.instruments, |i, _| {
            let forum = i.forum.as_ref().and_then(|f| forum_id.get(f).copied());
            i.clone().model(forum)
        })
        .await?;

    let key = |m: &provision::Model| m.code.clone();
    let provision_id = w
        .save_list(key, &ds.provisions, |p, _| {
            let instrument = instrument_id.get(&p.instrument).copied().unwrap_or(0);
            p.clone().model(instrument)
        })
        .await?;
    let pid = |code: &str| provision_id.get(code).copied().unwrap_or(0);
    let sid = |code: &str| state_id.get(code).copied().unwrap_or(0);
    let fid = |slug: &str| forum_id.get(slug).copied().unwrap_or(0);
    let iid = |slug: &str| instrument_id.get(slug).copied().unwrap_or(0);

    let key = |m: &provision_link::Model| (m.from_id, m.to_id, m.relation);
    w.save_list(key, &ds.links, |l, _| {
        l.clone().model(pid(&l.from), pid(&l.to))
    })
    .await?;

    let key = |m: &membership::Model| (m.state_id, m.forum_id, m.role, m.valid_from);
    w.save_list(key, &ds.memberships, |m, _| {
        m.clone().model(sid(&m.state), fid(&m.forum))
    })
    .await?;

    // Commitments, with their reservations.
    let key = |m: &commitment::Model| (m.state_id, m.instrument_id, m.act);
    let codes: HashMap<i32, &str> = provision_id.iter().map(|(k, v)| (*v, k.as_str())).collect();
    let list = (List::Reservations, &codes);
    w.save_rows(Some(list), key, &ds.commitments, |c, _| {
        let forum = c.forum.as_deref().map(fid);
        let commitment = c.clone().model(sid(&c.state), iid(&c.instrument), forum);
        let reserved = c.reservations.iter().map(|r| pid(r)).collect();
        (commitment, reserved)
    })
    .await?;

    // The same key as the database's `ux_positions_key`.
    let key = |m: &position::Model| {
        let about = (m.instrument_id, m.provision_id);
        (m.state_id, m.forum_id, about, m.kind, m.date)
    };
    w.save_list(key, &ds.positions, |p, _| {
        let instrument = p.instrument.as_deref().map(iid);
        let provision = p.provision.as_deref().map(pid);
        p.clone()
            .model(sid(&p.state), fid(&p.forum), instrument, provision)
    })
    .await?;

    // Evidence, with its responsible states.
    let codes: HashMap<i32, &str> = state_id.iter().map(|(k, v)| (*v, k.as_str())).collect();
    let list = (List::ResponsibleStates, &codes);
    let key = |m: &evidence::Model| m.slug.clone();
    let evidence_id = w
        .save_rows(Some(list), key, &ds.evidence, |e, _| {
            let states = e.responsible_states.iter().map(|s| sid(s)).collect();
            (e.clone().model(), states)
        })
        .await?;

    let key = |m: &assessment::Model| (m.evidence_id, m.state_id, m.provision_id);
    w.save_list(key, &ds.assessments, |a, _| {
        let evidence = evidence_id.get(&a.evidence).copied().unwrap_or(0);
        let assessment = a.assessment.clone();
        assessment.model(evidence, sid(&a.state), pid(&a.provision))
    })
    .await?;

    w.journal.finish().await?;
    write_lists(txn, ds, &w.placed).await?;
    Ok(w.report)
}

/// Writes one `datasets` row per list (file) with what `DATASETS.csv` says about it, and which
/// records each list holds (`dataset_records`), so that the API can count them in SQL. Lists
/// whose file is gone are removed; the membership table is rewritten only when it changed, so a
/// second load writes nothing.
async fn write_lists(
    txn: &DatabaseTransaction,
    ds: &Dataset,
    placed: &HashMap<(RecordKind, i32), String>,
) -> Result<(), DbErr> {
    let described: HashMap<&str, &ListRec> =
        ds.lists.iter().map(|l| (l.file.as_str(), l)).collect();
    let existing = dataset::Entity::find().all(txn).await?;
    let mut id_of: HashMap<&str, i32> = HashMap::new();
    for (position, file) in ds.files.iter().enumerate() {
        let meta = described.get(file.as_str());
        let folder = file.split('/').next().unwrap_or_default();
        let (as_of, as_of_precision) = split(meta.and_then(|m| m.as_of));
        let mut desired = dataset::Model {
            id: 0,
            name: file.clone(),
            folder: folder.to_string(),
            record_kind: folder_kind(folder).unwrap_or(RecordKind::Source),
            as_of,
            as_of_precision,
            complete: meta.is_some_and(|m| m.complete),
            note: meta.and_then(|m| m.note.clone()),
            position: position as i32,
        };
        let id = match existing.iter().find(|d| d.name == *file) {
            Some(old) => {
                desired.id = old.id;
                if desired != *old {
                    desired.into_active_model().reset_all().update(txn).await?;
                }
                old.id
            }
            None => {
                let mut am = desired.into_active_model().reset_all();
                am.not_set(dataset::Column::Id);
                am.insert(txn).await?.id
            }
        };
        id_of.insert(file.as_str(), id);
    }
    let gone: Vec<i32> = existing
        .iter()
        .filter(|d| !id_of.contains_key(d.name.as_str()))
        .map(|d| d.id)
        .collect();
    if !gone.is_empty() {
        dataset_record::Entity::delete_many()
            .filter(dataset_record::Column::DatasetId.is_in(gone.clone()))
            .exec(txn)
            .await?;
        dataset::Entity::delete_many()
            .filter(dataset::Column::Id.is_in(gone))
            .exec(txn)
            .await?;
    }

    let desired: HashSet<(RecordKind, i32, i32)> = placed
        .iter()
        .filter_map(|((kind, id), file)| id_of.get(file.as_str()).map(|d| (*kind, *id, *d)))
        .collect();
    let current: HashSet<(RecordKind, i32, i32)> = dataset_record::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.record_kind, r.record_id, r.dataset_id))
        .collect();
    if desired != current {
        dataset_record::Entity::delete_many().exec(txn).await?;
        let mut rows: Vec<_> = desired.into_iter().collect();
        rows.sort();
        for chunk in rows.chunks(500) {
            let models = chunk
                .iter()
                .map(|(kind, id, dataset)| dataset_record::ActiveModel {
                    record_kind: sea_orm::Set(*kind),
                    record_id: sea_orm::Set(*id),
                    dataset_id: sea_orm::Set(*dataset),
                });
            dataset_record::Entity::insert_many(models.collect::<Vec<_>>())
                .exec_without_returning(txn)
                .await?;
        }
    }
    Ok(())
}

/// Has PostgreSQL gather table statistics after a load. Without them, on a freshly loaded
/// database, the planner guesses badly for the visibility sub-queries of the read path: a
/// provision's gaps took 27 s instead of 40 ms until autovacuum got round to the tables.
async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        sea_orm::ConnectionTrait::execute_unprepared(db, "ANALYZE").await?;
    }
    Ok(())
}
