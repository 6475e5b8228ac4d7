//! The SQL that feeds the gap rules: one statement per kind of input, never one per state or
//! per cell, whatever the number of states and provisions asked for.

use super::rules::{self, Admissible, AssessmentFact, CommitmentFact, GapOutcome};
use crate::auth::Visibility;
use crate::error::Result;
use crate::repo::Readable;

/// The engine reads what the public sees, whoever asks: published records whose parents are
/// published (a verdict must not depend on who is signed in).
const PUBLIC: Visibility = Visibility::Public;
use chrono::NaiveDate;
use entity::*;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use std::collections::HashMap;

/// Which states and provisions to evaluate (`None` = all).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub states: Option<Vec<i32>>,
    pub provisions: Option<Vec<i32>>,
}

/// A provision as the engine needs it.
#[derive(Debug, Clone)]
pub struct ProvisionRow {
    pub id: i32,
    pub code: String,
    pub kind: ProvisionKind,
    pub instrument_id: i32,
}

/// A state as the engine needs it.
#[derive(Debug, Clone)]
pub struct StateRow {
    pub id: i32,
    pub code: String,
}

/// Everything the rules need for a scope, grouped for evaluation.
pub struct Inputs {
    pub states: Vec<StateRow>,
    pub provisions: Vec<ProvisionRow>,
    /// Commitments by (state, instrument).
    commitments: HashMap<(i32, i32), Vec<CommitmentFact>>,
    /// Assessments by (state, provision).
    assessments: HashMap<(i32, i32), Vec<AssessmentFact>>,
    /// Which findings were admitted (the assessments above are already filtered by it).
    pub admit: Admissible,
}

/// One evaluated pair.
pub struct Evaluated<'a> {
    pub state: &'a StateRow,
    pub provision: &'a ProvisionRow,
    pub outcome: GapOutcome,
}

const NONE: &[CommitmentFact] = &[];
const NO_ASSESSMENTS: &[AssessmentFact] = &[];

impl Inputs {
    /// Evaluates one pair.
    pub fn evaluate<'a>(
        &self,
        state: &'a StateRow,
        provision: &'a ProvisionRow,
        as_of: NaiveDate,
    ) -> Evaluated<'a> {
        let commitments = self
            .commitments
            .get(&(state.id, provision.instrument_id))
            .map(Vec::as_slice)
            .unwrap_or(NONE);
        let assessments = self
            .assessments
            .get(&(state.id, provision.id))
            .map(Vec::as_slice)
            .unwrap_or(NO_ASSESSMENTS);
        Evaluated {
            state,
            provision,
            outcome: rules::evaluate(
                provision.id,
                provision.instrument_id,
                commitments,
                assessments,
                as_of,
            ),
        }
    }

    /// Whether anything at all is recorded for the pair (a commitment to the provision's
    /// instrument or an assessment): pairs with nothing are NOT_COMMITTED without evidence.
    pub fn has_records(&self, state: &StateRow, provision: &ProvisionRow) -> bool {
        self.commitments
            .contains_key(&(state.id, provision.instrument_id))
            || self.assessments.contains_key(&(state.id, provision.id))
    }

    /// (assessment id, start of its evidence) for a pair's assessments.
    pub fn evidence_starts(
        &self,
        state: &StateRow,
        provision: &ProvisionRow,
    ) -> impl Iterator<Item = (i32, NaiveDate)> + '_ {
        self.assessments
            .get(&(state.id, provision.id))
            .into_iter()
            .flatten()
            .map(|a| (a.id, a.occurred_from.date))
    }

    /// When the most recent assessed practice of a state began.
    pub fn latest_evidence(&self, state_id: i32) -> Option<PartialDate> {
        self.assessments
            .iter()
            .filter(|((s, _), _)| *s == state_id)
            .flat_map(|(_, list)| list.iter().map(|a| a.occurred_from))
            .max()
    }

    /// Every pair in state, then provision order.
    pub fn evaluate_all(&self, as_of: NaiveDate) -> impl Iterator<Item = Evaluated<'_>> {
        self.states.iter().flat_map(move |s| {
            self.provisions
                .iter()
                .map(move |p| self.evaluate(s, p, as_of))
        })
    }
}

/// Reads the inputs of `scope` at `as_of`: states, provisions, commitments, reservations and
/// assessments with their evidence dates: five statements. Only the assessments `admit` admits
/// are kept (rule a' of `gap::rules`).
pub async fn load(
    db: &DatabaseConnection,
    scope: &Scope,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<Inputs> {
    let (states, provisions) = rows(db, scope).await?;
    facts(db, scope, states, provisions, as_of, admit).await
}

/// The states (in code order) and provisions (in id order) of `scope`: the rows and columns of
/// an answer, two statements. A caller that pages evaluates them a few states at a time with
/// [`facts`].
pub async fn rows(
    db: &DatabaseConnection,
    scope: &Scope,
) -> Result<(Vec<StateRow>, Vec<ProvisionRow>)> {
    let mut q = state::Entity::find()
        .select_only()
        .column(state::Column::Id)
        .column(state::Column::Code)
        .filter(state::Entity::visible(PUBLIC))
        .order_by_asc(state::Column::Code);
    if let Some(ids) = &scope.states {
        q = q.filter(crate::repo::among(db, state::Column::Id, ids));
    }
    let states: Vec<StateRow> = q
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, code)| StateRow { id, code })
        .collect();

    let mut q = provision::Entity::find()
        .select_only()
        .column(provision::Column::Id)
        .column(provision::Column::Code)
        .column(provision::Column::Kind)
        .column(provision::Column::InstrumentId)
        .filter(provision::Entity::visible(PUBLIC))
        .order_by_asc(provision::Column::Id);
    if let Some(ids) = &scope.provisions {
        q = q.filter(crate::repo::among(db, provision::Column::Id, ids));
    }
    let provisions: Vec<ProvisionRow> = q
        .into_tuple::<(i32, String, ProvisionKind, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, code, kind, instrument_id)| ProvisionRow {
            id,
            code,
            kind,
            instrument_id,
        })
        .collect();
    Ok((states, provisions))
}

/// The facts the rules weigh for `states` x `provisions` (rows of `scope`, from [`rows`]):
/// commitments and reservations (two statements) and the assessments with their evidence's
/// dates, read from the gap summary (one statement, see `entity::gap_summary`).
/// `scope.states` limits what is read; with `None`, every state's facts are read.
pub async fn facts(
    db: &DatabaseConnection,
    scope: &Scope,
    states: Vec<StateRow>,
    provisions: Vec<ProvisionRow>,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<Inputs> {
    let commitments = commitment_facts(db, scope, &provisions).await?;
    let assessments = summarised_assessments(db, scope, as_of, admit).await?;
    Ok(Inputs {
        states,
        provisions,
        commitments,
        assessments,
        admit: admit.clone(),
    })
}

/// [`load`] from the raw tables instead of the summary: the reference the summary is checked
/// against (`tests/api/gap_summary.rs`). Same answer, more rows read.
pub async fn load_from_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<Inputs> {
    let (states, provisions) = rows(db, scope).await?;
    let commitments = commitment_facts(db, scope, &provisions).await?;
    let assessments = raw_assessments(db, scope, as_of, admit).await?;
    Ok(Inputs {
        states,
        provisions,
        commitments,
        assessments,
        admit: admit.clone(),
    })
}

/// Commitments to the instruments of `provisions` (every instrument when `scope` has no
/// provision list), with their reservations, by (state, instrument): two statements.
async fn commitment_facts(
    db: &DatabaseConnection,
    scope: &Scope,
    provisions: &[ProvisionRow],
) -> Result<HashMap<(i32, i32), Vec<CommitmentFact>>> {
    let mut instruments: Vec<i32> = provisions.iter().map(|p| p.instrument_id).collect();
    instruments.sort_unstable();
    instruments.dedup();

    // Commitments to the instruments in scope, published only (the rules check again).
    let mut q = commitment::Entity::find()
        .select_only()
        .columns([
            commitment::Column::Id,
            commitment::Column::StateId,
            commitment::Column::InstrumentId,
            commitment::Column::Act,
            commitment::Column::Modality,
            commitment::Column::ValidFrom,
            commitment::Column::ValidFromPrecision,
            commitment::Column::ValidTo,
            commitment::Column::ValidToPrecision,
            commitment::Column::Status,
        ])
        .filter(commitment::Entity::visible(PUBLIC));
    let all_provisions = scope.provisions.is_none();
    if !all_provisions {
        q = q.filter(crate::repo::among(
            db,
            commitment::Column::InstrumentId,
            &instruments,
        ));
    }
    if let Some(ids) = &scope.states {
        q = q.filter(crate::repo::among(db, commitment::Column::StateId, ids));
    }
    type CommitmentTuple = (
        i32,
        i32,
        i32,
        CommitmentAct,
        CommitmentModality,
        Option<NaiveDate>,
        Option<DatePrecision>,
        Option<NaiveDate>,
        Option<DatePrecision>,
        PublicationStatus,
    );
    let rows: Vec<CommitmentTuple> = q.into_tuple().all(db).await?;

    // Reservations of those commitments, by commitment.
    let mut rq = commitment_reservation::Entity::find()
        .select_only()
        .column(commitment_reservation::Column::CommitmentId)
        .column(commitment_reservation::Column::ProvisionId)
        .join(
            JoinType::InnerJoin,
            commitment_reservation::Relation::Commitment.def(),
        )
        .filter(commitment::Entity::visible(PUBLIC));
    if let Some(ids) = &scope.states {
        rq = rq.filter(crate::repo::among(db, commitment::Column::StateId, ids));
    }
    let mut reserved: HashMap<i32, Vec<i32>> = HashMap::new();
    for (c, p) in rq.into_tuple::<(i32, i32)>().all(db).await? {
        reserved.entry(c).or_default().push(p);
    }

    let mut commitments: HashMap<(i32, i32), Vec<CommitmentFact>> = HashMap::new();
    for (id, state_id, instrument_id, act, modality, from, from_p, to, to_p, status) in rows {
        commitments
            .entry((state_id, instrument_id))
            .or_default()
            .push(CommitmentFact {
                id,
                instrument_id,
                act,
                modality,
                valid_from: PartialDate::from_parts(from, from_p),
                valid_to: PartialDate::from_parts(to, to_p),
                reserved_provisions: reserved.remove(&id).unwrap_or_default(),
                status,
            });
    }
    Ok(commitments)
}

/// Published assessments of published evidence begun by `as_of` that `admit` admits, by
/// (state, provision), from the gap summary: one statement.
async fn summarised_assessments(
    db: &DatabaseConnection,
    scope: &Scope,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<HashMap<(i32, i32), Vec<AssessmentFact>>> {
    let mut q = gap_summary::Entity::find();
    if let Some(ids) = &scope.provisions {
        q = q.filter(crate::repo::among(
            db,
            gap_summary::Column::ProvisionId,
            ids,
        ));
    }
    if let Some(ids) = &scope.states {
        q = q.filter(crate::repo::among(db, gap_summary::Column::StateId, ids));
    }
    let mut assessments: HashMap<(i32, i32), Vec<AssessmentFact>> = HashMap::new();
    for row in q.all(db).await? {
        let facts: Vec<AssessmentFact> = gap_summary::unpack(&row.facts)?
            .into_iter()
            .filter(|f| f.occurred_from.date <= as_of)
            .map(|f| AssessmentFact {
                id: f.assessment_id,
                evidence_id: f.evidence_id,
                finding: f.finding,
                occurred_from: f.occurred_from,
                occurred_to: f.occurred_to,
                status: PublicationStatus::Published,
                evidence_status: PublicationStatus::Published,
                confidence: f.confidence,
                attribution: f.attribution,
                evidence_kind: f.evidence_kind,
            })
            .filter(|f| admit.admits(f))
            .collect();
        if !facts.is_empty() {
            assessments.insert((row.state_id, row.provision_id), facts);
        }
    }
    Ok(assessments)
}

/// What [`summarised_assessments`] reads, from the raw tables under the public visibility
/// rules: the reference implementation.
async fn raw_assessments(
    db: &DatabaseConnection,
    scope: &Scope,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<HashMap<(i32, i32), Vec<AssessmentFact>>> {
    // Assessments with their evidence's dates, published, of practice begun by `as_of`.
    let mut q = assessment::Entity::find()
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
        .filter(assessment::Entity::visible(PUBLIC))
        .filter(evidence::Column::OccurredFrom.lte(as_of));
    if let Some(ids) = &scope.provisions {
        q = q.filter(crate::repo::among(db, assessment::Column::ProvisionId, ids));
    }
    if let Some(ids) = &scope.states {
        q = q.filter(crate::repo::among(db, assessment::Column::StateId, ids));
    }
    type AssessmentTuple = (
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
    let mut assessments: HashMap<(i32, i32), Vec<AssessmentFact>> = HashMap::new();
    for (
        id,
        evidence_id,
        state_id,
        provision_id,
        finding,
        confidence,
        from,
        from_p,
        to,
        to_p,
        attribution,
        evidence_kind,
    ) in q.into_tuple::<AssessmentTuple>().all(db).await?
    {
        let fact = AssessmentFact {
            id,
            evidence_id,
            finding,
            occurred_from: PartialDate {
                date: from,
                precision: from_p,
            },
            occurred_to: PartialDate::from_parts(to, to_p),
            status: PublicationStatus::Published,
            evidence_status: PublicationStatus::Published,
            confidence,
            attribution,
            evidence_kind,
        };
        if admit.admits(&fact) {
            assessments
                .entry((state_id, provision_id))
                .or_default()
                .push(fact);
        }
    }

    Ok(assessments)
}
