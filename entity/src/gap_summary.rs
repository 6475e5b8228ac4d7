//! The gap engine's summary of practice: for each (state, provision), every assessment that can
//! decide a gap, with what the rules need of it and of its evidence, packed in one row.
//!
//! Why: the gap method weighs a state's assessments on a provision against the dates of their
//! evidence. Read from the raw tables, that is a join of every assessment with its evidence
//! under the publication rules (two million rows at the benchmark's size) on every request.
//! This table holds the same facts already joined, filtered and grouped: one row per pair that
//! has any, so a whole matrix is one read of a small table, and one state's scorecard is a range
//! of its primary key.
//!
//! What is stored: an assessment is in its pair's row when the public may see it, by the one
//! rule every read applies ([`crate::visibility`]): it is PUBLISHED, and so are its evidence,
//! its state, its provision (and that provision's instrument and forum) and every source any
//! of them cites (rule a of the method; a verdict never rests on what the public cannot open).
//! Nothing about the date of a question is applied here: each fact keeps its evidence's full
//! period (start and end with their precision), kind, finding, confidence and attribution, so
//! the engine can answer any `asOf` and any admissibility filter exactly as from the raw rows.
//!
//! When it changes: in the transaction of every write, by [`crate::write::Journal::finish`],
//! for the pairs the write touched ([`touched`]): an assessment's old and new pair; every pair
//! assessed against a piece of evidence that was written; and, when a source, state,
//! provision, instrument or forum changes status or sources, every pair resting on it. A
//! database built some other way (the benchmark's generator) calls [`rebuild`]. [`ensure`]
//! rebuilds it when it was never built or was built in an older [`FORMAT`].

use crate::visibility::{Readable, Visibility};
use crate::{
    assessment, evidence, forum, instrument, provision, record_source, registry, AttributionStatus,
    Confidence, DatePrecision, EvidenceKind, Finding, PartialDate, RecordKind,
};
use chrono::{Datelike, NaiveDate};
use sea_orm::entity::prelude::*;
use sea_orm::{Condition, ConnectionTrait, JoinType, QueryOrder, QuerySelect, RelationTrait, Set};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gap_summary")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub provision_id: i32,
    /// The pair's facts, [`pack`]ed in assessment id order.
    pub facts: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The layout of [`pack`]. Stored in the registry row when the table is rebuilt; a process
/// that finds another value rebuilds the table ([`ensure`]). Bump it when the layout changes or
/// when the declaration order of [`Finding`], [`Confidence`], [`AttributionStatus`],
/// [`EvidenceKind`] or [`DatePrecision`] changes (they are stored as their position in `ALL`).
///
/// 2: the evidence's kind is stored (gap method 2.0 tells practice from texts), and what is
/// stored follows the whole public visibility rule, sources and parents included.
pub const FORMAT: i32 = 2;

/// One assessment of one pair as the gap rules weigh it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    pub assessment_id: i32,
    pub evidence_id: i32,
    pub finding: Finding,
    pub confidence: Confidence,
    pub attribution: AttributionStatus,
    pub evidence_kind: EvidenceKind,
    pub occurred_from: PartialDate,
    pub occurred_to: Option<PartialDate>,
}

/// Bytes per packed fact: two ids, five enumerations, a start date, an optional end (a
/// precision byte, 255 for none, and a date).
const FACT_LEN: usize = 4 + 4 + 5 + 4 + 1 + 4;
const NO_END: u8 = u8::MAX;

fn index_of<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter().position(|v| v == value).unwrap_or(0) as u8
}

fn nth<T: Copy>(all: &[T], i: u8) -> Result<T, DbErr> {
    all.get(i as usize)
        .copied()
        .ok_or_else(|| DbErr::Custom(format!("gap_summary: bad enumeration index {i}")))
}

fn day(d: NaiveDate) -> [u8; 4] {
    d.num_days_from_ce().to_le_bytes()
}

fn date(b: &[u8]) -> Result<NaiveDate, DbErr> {
    let days = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    NaiveDate::from_num_days_from_ce_opt(days)
        .ok_or_else(|| DbErr::Custom(format!("gap_summary: bad date {days}")))
}

fn int(b: &[u8]) -> i32 {
    i32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Packs facts into a row's bytes (fixed-width little-endian records, [`FACT_LEN`] each).
pub fn pack(facts: &[Fact]) -> Vec<u8> {
    let mut out = Vec::with_capacity(facts.len() * FACT_LEN);
    for f in facts {
        out.extend_from_slice(&f.assessment_id.to_le_bytes());
        out.extend_from_slice(&f.evidence_id.to_le_bytes());
        out.push(index_of(Finding::ALL, &f.finding));
        out.push(index_of(Confidence::ALL, &f.confidence));
        out.push(index_of(AttributionStatus::ALL, &f.attribution));
        out.push(index_of(EvidenceKind::ALL, &f.evidence_kind));
        out.push(index_of(DatePrecision::ALL, &f.occurred_from.precision));
        out.extend_from_slice(&day(f.occurred_from.date));
        match f.occurred_to {
            Some(to) => {
                out.push(index_of(DatePrecision::ALL, &to.precision));
                out.extend_from_slice(&day(to.date));
            }
            None => {
                out.push(NO_END);
                out.extend_from_slice(&[0; 4]);
            }
        }
    }
    out
}

/// Reads back what [`pack`] wrote.
pub fn unpack(bytes: &[u8]) -> Result<Vec<Fact>, DbErr> {
    if !bytes.len().is_multiple_of(FACT_LEN) {
        return Err(DbErr::Custom(format!(
            "gap_summary: {} bytes is not a whole number of facts",
            bytes.len()
        )));
    }
    bytes
        .chunks_exact(FACT_LEN)
        .map(|b| {
            Ok(Fact {
                assessment_id: int(&b[0..4]),
                evidence_id: int(&b[4..8]),
                finding: nth(Finding::ALL, b[8])?,
                confidence: nth(Confidence::ALL, b[9])?,
                attribution: nth(AttributionStatus::ALL, b[10])?,
                evidence_kind: nth(EvidenceKind::ALL, b[11])?,
                occurred_from: PartialDate {
                    precision: nth(DatePrecision::ALL, b[12])?,
                    date: date(&b[13..17])?,
                },
                occurred_to: match b[17] {
                    NO_END => None,
                    p => Some(PartialDate {
                        precision: nth(DatePrecision::ALL, p)?,
                        date: date(&b[18..22])?,
                    }),
                },
            })
        })
        .collect()
}

type FactRow = (
    i32,
    i32,
    i32,
    i32,
    Finding,
    Confidence,
    NaiveDate,
    DatePrecision,
    Option<NaiveDate>,
    Option<DatePrecision>,
    AttributionStatus,
    EvidenceKind,
);

/// The assessments the public may see matching `filter`, grouped by pair in assessment id
/// order: the rows of the table, computed from the raw tables.
async fn from_rows<C: ConnectionTrait>(
    db: &C,
    filter: Condition,
) -> Result<BTreeMap<(i32, i32), Vec<Fact>>, DbErr> {
    let rows: Vec<FactRow> = assessment::Entity::find()
        .select_only()
        .columns([
            assessment::Column::Id,
            assessment::Column::EvidenceId,
            assessment::Column::StateId,
            assessment::Column::ProvisionId,
            assessment::Column::Finding,
            assessment::Column::Confidence,
        ])
        .columns([
            evidence::Column::OccurredFrom,
            evidence::Column::OccurredFromPrecision,
            evidence::Column::OccurredTo,
            evidence::Column::OccurredToPrecision,
            evidence::Column::AttributionStatus,
            evidence::Column::Kind,
        ])
        .join(JoinType::InnerJoin, assessment::Relation::Evidence.def())
        .filter(assessment::Entity::visible(Visibility::Public))
        .filter(filter)
        .order_by_asc(assessment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut pairs: BTreeMap<(i32, i32), Vec<Fact>> = BTreeMap::new();
    for (
        id,
        evidence_id,
        state,
        provision,
        finding,
        confidence,
        from,
        from_p,
        to,
        to_p,
        attr,
        kind,
    ) in rows
    {
        pairs.entry((state, provision)).or_default().push(Fact {
            assessment_id: id,
            evidence_id,
            finding,
            confidence,
            attribution: attr,
            evidence_kind: kind,
            occurred_from: PartialDate {
                date: from,
                precision: from_p,
            },
            occurred_to: PartialDate::from_parts(to, to_p),
        });
    }
    Ok(pairs)
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    pairs: BTreeMap<(i32, i32), Vec<Fact>>,
) -> Result<(), DbErr> {
    let rows: Vec<ActiveModel> = pairs
        .into_iter()
        .map(|((state_id, provision_id), facts)| ActiveModel {
            state_id: Set(state_id),
            provision_id: Set(provision_id),
            facts: Set(pack(&facts)),
        })
        .collect();
    for chunk in rows.chunks(1000) {
        Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// `(state_id, provision_id)` is one of `pairs`, for the columns of a table.
fn one_of(pairs: &[(i32, i32)], state: impl ColumnTrait, provision: impl ColumnTrait) -> Condition {
    pairs.iter().fold(Condition::any(), |any, &(s, p)| {
        any.add(Condition::all().add(state.eq(s)).add(provision.eq(p)))
    })
}

/// Recomputes the rows of `pairs` from the raw tables, inside the caller's transaction.
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    pairs: &BTreeSet<(i32, i32)>,
) -> Result<(), DbErr> {
    let pairs: Vec<(i32, i32)> = pairs.iter().copied().collect();
    for chunk in pairs.chunks(200) {
        Entity::delete_many()
            .filter(one_of(chunk, Column::StateId, Column::ProvisionId))
            .exec(db)
            .await?;
        let facts = from_rows(
            db,
            one_of(
                chunk,
                assessment::Column::StateId,
                assessment::Column::ProvisionId,
            ),
        )
        .await?;
        insert(db, facts).await?;
    }
    Ok(())
}

/// The pairs a batch of revisions can have changed: an assessment's pair before and after the
/// write, and every pair assessed against a piece of evidence that was written, for records
/// that were published before or after the write; and every pair resting on a source, state,
/// provision, instrument or forum whose status or cited sources changed ([`Bases`]).
pub async fn touched<C: ConnectionTrait>(
    db: &C,
    writes: impl Iterator<Item = (RecordKind, i32, [Option<&serde_json::Value>; 2])>,
) -> Result<BTreeSet<(i32, i32)>, DbErr> {
    let mut pairs = BTreeSet::new();
    let mut bases = Bases::default();
    let mut sources = BTreeSet::new();
    for (kind, id, images) in writes {
        // The summary holds published records only: a write that neither found nor left the
        // record published (a draft created or corrected) cannot change it.
        let published = images.iter().flatten().any(|image| {
            image.get("status").and_then(serde_json::Value::as_str) == Some("PUBLISHED")
        });
        if !published {
            continue;
        }
        match kind {
            RecordKind::Assessment => {
                for image in images.into_iter().flatten() {
                    let field = |name: &str| {
                        image
                            .get(name)
                            .and_then(serde_json::Value::as_i64)
                            .and_then(|v| i32::try_from(v).ok())
                    };
                    if let (Some(s), Some(p)) = (field("state_id"), field("provision_id")) {
                        pairs.insert((s, p));
                    }
                }
            }
            RecordKind::Evidence => {
                bases.evidence.insert(id);
            }
            _ if !changes_what_rests_on_it(&images) => {}
            RecordKind::Source => {
                sources.insert(id);
            }
            RecordKind::State => {
                bases.states.insert(id);
            }
            RecordKind::Provision => {
                bases.provisions.insert(id);
            }
            RecordKind::Instrument => {
                bases.instruments.insert(id);
            }
            RecordKind::Forum => {
                bases.forums.insert(id);
            }
            _ => {}
        }
    }
    bases.cited_by(db, &sources).await?;
    pairs.extend(bases.pairs(db).await?);
    Ok(pairs)
}

/// Whether a correction of a record others rest on can change what the public sees of them:
/// its status or the sources it cites changed. A creation cannot (nothing rests on a new
/// record yet).
fn changes_what_rests_on_it(images: &[Option<&serde_json::Value>; 2]) -> bool {
    match images {
        [Some(before), Some(after)] => {
            before.get("status") != after.get("status")
                || before.get("sources") != after.get("sources")
        }
        _ => false,
    }
}

/// The records whose public visibility decides whether an assessment is in the summary, by
/// kind: an assessment rests on itself, its evidence, its state, its provision, that
/// provision's instrument and the instrument's forum (and that forum's parent).
#[derive(Default)]
struct Bases {
    assessments: BTreeSet<i32>,
    evidence: BTreeSet<i32>,
    states: BTreeSet<i32>,
    provisions: BTreeSet<i32>,
    instruments: BTreeSet<i32>,
    forums: BTreeSet<i32>,
}

impl Bases {
    /// Adds the records that cite any of `sources`: a source's status decides theirs.
    async fn cited_by<C: ConnectionTrait>(
        &mut self,
        db: &C,
        sources: &BTreeSet<i32>,
    ) -> Result<(), DbErr> {
        let ids: Vec<i32> = sources.iter().copied().collect();
        for chunk in ids.chunks(500) {
            let citing: Vec<(RecordKind, i32)> = record_source::Entity::find()
                .select_only()
                .column(record_source::Column::RecordKind)
                .column(record_source::Column::RecordId)
                .filter(record_source::Column::SourceId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (kind, id) in citing {
                let set = match kind {
                    RecordKind::Assessment => &mut self.assessments,
                    RecordKind::Evidence => &mut self.evidence,
                    RecordKind::State => &mut self.states,
                    RecordKind::Provision => &mut self.provisions,
                    RecordKind::Instrument => &mut self.instruments,
                    RecordKind::Forum => &mut self.forums,
                    _ => continue,
                };
                set.insert(id);
            }
        }
        Ok(())
    }

    /// The pairs of every assessment resting on one of the bases, following forums down to
    /// their child forums, instruments and provisions first.
    async fn pairs<C: ConnectionTrait>(mut self, db: &C) -> Result<Vec<(i32, i32)>, DbErr> {
        if !self.forums.is_empty() {
            let children: Vec<i32> = forum::Entity::find()
                .select_only()
                .column(forum::Column::Id)
                .filter(forum::Column::ParentId.is_in(self.forums.clone()))
                .into_tuple()
                .all(db)
                .await?;
            self.forums.extend(children);
            let held: Vec<i32> = instrument::Entity::find()
                .select_only()
                .column(instrument::Column::Id)
                .filter(instrument::Column::ForumId.is_in(self.forums.clone()))
                .into_tuple()
                .all(db)
                .await?;
            self.instruments.extend(held);
        }
        if !self.instruments.is_empty() {
            let inside: Vec<i32> = provision::Entity::find()
                .select_only()
                .column(provision::Column::Id)
                .filter(provision::Column::InstrumentId.is_in(self.instruments.clone()))
                .into_tuple()
                .all(db)
                .await?;
            self.provisions.extend(inside);
        }
        let mut any = Condition::any();
        for (column, ids) in [
            (assessment::Column::Id, &self.assessments),
            (assessment::Column::EvidenceId, &self.evidence),
            (assessment::Column::StateId, &self.states),
            (assessment::Column::ProvisionId, &self.provisions),
        ] {
            if !ids.is_empty() {
                any = any.add(column.is_in(ids.iter().copied()));
            }
        }
        if any.is_empty() {
            return Ok(Vec::new());
        }
        assessment::Entity::find()
            .select_only()
            .column(assessment::Column::StateId)
            .column(assessment::Column::ProvisionId)
            .filter(any)
            .distinct()
            .into_tuple()
            .all(db)
            .await
    }
}

/// Recomputes the whole table from the raw tables in one transaction, and records [`FORMAT`].
pub async fn rebuild(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = crate::write::begin(db).await?;
    Entity::delete_many().exec(&txn).await?;
    let facts = from_rows(&txn, Condition::all()).await?;
    insert(&txn, facts).await?;
    registry::Entity::update_many()
        .col_expr(
            registry::Column::GapSummaryFormat,
            sea_orm::sea_query::Expr::value(FORMAT),
        )
        .filter(registry::Column::Id.eq(registry::ROW))
        .exec(&txn)
        .await?;
    txn.commit().await
}

/// Rebuilds the table if it was never built, or was built in another [`FORMAT`] (run after the
/// migrations, before anything reads it).
pub async fn ensure(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let current = registry::Entity::find_by_id(registry::ROW)
        .one(db)
        .await?
        .and_then(|r| r.gap_summary_format);
    if current == Some(FORMAT) {
        return Ok(false);
    }
    rebuild(db).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn facts_survive_packing() {
        let facts = vec![
            Fact {
                assessment_id: 7,
                evidence_id: i32::MAX,
                finding: Finding::PartiallyContradicts,
                confidence: Confidence::Low,
                attribution: AttributionStatus::Contested,
                evidence_kind: EvidenceKind::Surveillance,
                occurred_from: PartialDate {
                    date: d("2016-01-01"),
                    precision: DatePrecision::Year,
                },
                occurred_to: Some(PartialDate {
                    date: d("2019-03-01"),
                    precision: DatePrecision::Month,
                }),
            },
            Fact {
                assessment_id: 1,
                evidence_id: 2,
                finding: Finding::Supports,
                confidence: Confidence::High,
                attribution: AttributionStatus::Acknowledged,
                evidence_kind: EvidenceKind::TreatyBodyFinding,
                occurred_from: PartialDate {
                    date: d("1999-12-31"),
                    precision: DatePrecision::Day,
                },
                occurred_to: None,
            },
        ];
        let bytes = pack(&facts);
        assert_eq!(bytes.len(), 2 * FACT_LEN);
        assert_eq!(unpack(&bytes).expect("unpacks"), facts);
        assert!(unpack(&bytes[1..]).is_err(), "a torn row is an error");
    }

    /// The enumerations are stored by position: this pins the positions, so reordering one
    /// fails here first (then bump [`FORMAT`] and update the lists).
    #[test]
    fn stored_enumeration_order_is_pinned() {
        let names = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            names(Finding::ALL.iter().map(|v| v.as_str()).collect()),
            "CONTRADICTS,PARTIALLY_CONTRADICTS,SUPPORTS"
        );
        assert_eq!(
            names(Confidence::ALL.iter().map(|v| v.as_str()).collect()),
            "LOW,MEDIUM,HIGH"
        );
        assert_eq!(
            names(AttributionStatus::ALL.iter().map(|v| v.as_str()).collect()),
            "ACKNOWLEDGED,SETTLED,CONTESTED"
        );
        assert_eq!(
            names(EvidenceKind::ALL.iter().map(|v| v.as_str()).collect()),
            "CYBER_OPERATION,SURVEILLANCE,LEGISLATION,INTERNET_SHUTDOWN,PROSECUTION,POLICY,\
             IMPLEMENTATION_MEASURE,COURT_JUDGMENT,TREATY_BODY_FINDING"
        );
        assert_eq!(
            names(DatePrecision::ALL.iter().map(|v| v.as_str()).collect()),
            "YEAR,MONTH,DAY"
        );
    }
}
