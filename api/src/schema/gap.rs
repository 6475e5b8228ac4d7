//! The gap queries: `gaps`, `gapMatrix`, `scorecard`, `positionsAcrossForums`,
//! `inconsistencies`, and `State.scorecard` / `Provision.gaps`.
//!
//! Resolvers only pick the scope and shape the answer; the method is `gap::rules` and the
//! inputs come from `gap::load` (a fixed number of statements per request).

use super::{by_id, children};
use super::{
    commitment::Commitment,
    db,
    evidence::Assessment,
    forum::Forum,
    position::Position,
    provision::{Provision, ProvisionLink},
    scalars::{Date, PartialDate},
    state::State,
};
use crate::answers::{Answers, Key};
use crate::error::{Error, Result};
use crate::gap::{
    load::{self, Inputs, Scope},
    rules::{self, Admissible, GapOutcome},
};
use crate::repo::{self, MAX_PAGE_SIZE};
use async_graphql::{
    connection::{Connection, Edge},
    Context, Enum, InputObject, Object, SimpleObject, Union,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::NaiveDate;
use entity::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::cells::Cells;
use super::connection::{Conn, Totals};

/// Where a state stands on a provision at a date (see docs/gap-method.md).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "rules::GapStatus")]
pub enum GapStatus {
    /// Committed, and published evidence since the commitment contradicts the provision.
    Contradicted,
    /// Committed, and evidence partially contradicts it (nothing fully contradicts it).
    Partial,
    /// Committed, nothing contradicts it, and what the state did supports it: practice (a
    /// measure taken, a remedy applied) or a court's or treaty body's finding of compliance.
    Implemented,
    /// Committed, nothing contradicts it, and the only support found is a text the state adopted
    /// (a law, a decree, a policy, a published legal position): written into law or policy, no
    /// practice documented.
    LawOrPolicyOnly,
    /// Committed, no published evidence either way.
    Unverified,
    /// No commitment valid at the date.
    NotCommitted,
}

/// How strongly a state is committed.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "rules::Strength")]
pub enum CommitmentStrength {
    /// Ratified, acceded, endorsed, joined, adopted by consensus ...
    Full,
    /// Signed only: the state has not ratified.
    SignatureOnly,
    /// Bound only by membership of the body that adopted the instrument.
    ByMembership,
}

fn as_of_or_today(as_of: Option<Date>) -> NaiveDate {
    as_of
        .map(|d| d.0)
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// One state's gap on one provision, with the chain that justifies it.
#[derive(Clone)]
pub struct Gap {
    state_id: i32,
    provision_id: i32,
    outcome: GapOutcome,
    as_of: NaiveDate,
    /// The findings admitted (`Admissible::key`), part of the id.
    view: String,
}

async fn assessments(ctx: &Context<'_>, ids: &[i32]) -> Result<Vec<Assessment>> {
    Ok(
        super::by_ids::<entity::assessment::Entity>(ctx, "assessments", ids)
            .await?
            .into_iter()
            .map(Assessment)
            .collect(),
    )
}

/// Announces what a list of gaps points at (states, provisions, the commitments and
/// assessments of their chains) to the request's batches, so that following it costs one run
/// per path for the whole list, not one per gap ([`crate::batch`]).
fn announce_gaps<'g>(ctx: &Context<'_>, place: &str, gaps: impl IntoIterator<Item = &'g Gap>) {
    let gaps: Vec<&Gap> = gaps.into_iter().collect();
    let at = |key: &str| format!("{place}>{key}");
    super::announce(ctx, &at("state_id"), gaps.iter().map(|g| g.state_id));
    super::announce(
        ctx,
        &at("provision_id"),
        gaps.iter().map(|g| g.provision_id),
    );
    super::announce(
        ctx,
        &at("commitments"),
        gaps.iter()
            .flat_map(|g| g.outcome.commitments.iter().copied()),
    );
    super::announce(
        ctx,
        &at("assessments"),
        gaps.iter().flat_map(|g| {
            let o = &g.outcome;
            o.contradicting
                .iter()
                .chain(&o.partially_contradicting)
                .chain(&o.supporting)
                .chain(&o.context)
                .copied()
        }),
    );
}

/// One state's gap on one provision, with the chain that justifies it.
#[Object]
impl Gap {
    /// Stable for the same state, provision and `asOf` (not a record: `node` does not take it).
    async fn id(&self) -> async_graphql::ID {
        super::ids::encode_gap(self.state_id, self.provision_id, self.as_of, &self.view)
    }
    /// The state. Null only when the reader may not see it (gaps are computed from published
    /// records).
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(
            super::parent::<entity::state::Entity>(ctx, "state_id", self.state_id)
                .await?
                .map(State),
        )
    }
    /// The norm, CBM or obligation.
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(
            super::parent::<entity::provision::Entity>(ctx, "provision_id", self.provision_id)
                .await?
                .map(Provision::from),
        )
    }
    /// The verdict: CONTRADICTED, PARTIAL, IMPLEMENTED, LAW_OR_POLICY_ONLY, UNVERIFIED or
    /// NOT_COMMITTED
    /// (docs/gap-method.md).
    async fn status(&self) -> GapStatus {
        self.outcome.status.into()
    }
    /// How sure the finding behind `status` is: the highest confidence among the assessments
    /// that decide it; null for UNVERIFIED and NOT_COMMITTED.
    async fn confidence(&self) -> Option<Confidence> {
        self.outcome.confidence
    }
    /// How firmly the practice behind `status` is attributed to the state: the strongest
    /// attribution (ACKNOWLEDGED, SETTLED, CONTESTED) among the deciding assessments' evidence;
    /// null with `confidence`.
    async fn attribution(&self) -> Option<AttributionStatus> {
        self.outcome.attribution
    }
    /// The earliest start of a commitment valid at `asOf`; null when not committed or when the
    /// source gives no date (`undatedCommitment`).
    async fn committed_since(&self) -> Option<PartialDate> {
        self.outcome.committed_since.map(PartialDate)
    }
    /// FULL, or weaker when the state only signed or is bound by membership.
    async fn strength(&self) -> Option<CommitmentStrength> {
        self.outcome.strength.map(Into::into)
    }
    /// True when the only commitments have no date in their source: then all evidence counts.
    async fn undated_commitment(&self) -> bool {
        self.outcome.undated_commitment
    }
    /// The commitments valid at `asOf` that cover the provision.
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment>> {
        Ok(super::by_ids::<entity::commitment::Entity>(
            ctx,
            "commitments",
            &self.outcome.commitments,
        )
        .await?
        .into_iter()
        .map(Commitment)
        .collect())
    }
    /// Assessments of practice since the commitment that find it contradicts the provision.
    async fn contradicting(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Assessment>> {
        Ok(assessments(ctx, &self.outcome.contradicting).await?)
    }
    /// Assessments of practice since the commitment that find it partially contradicts the
    /// provision.
    async fn partially_contradicting(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Assessment>> {
        Ok(assessments(ctx, &self.outcome.partially_contradicting).await?)
    }
    /// Assessments of practice since the commitment that find it supports implementation.
    async fn supporting(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Assessment>> {
        Ok(assessments(ctx, &self.outcome.supporting).await?)
    }
    /// Assessments that do not count: practice that ended before the commitment, or all of it
    /// when the state is not committed.
    async fn context(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Assessment>> {
        Ok(assessments(ctx, &self.outcome.context).await?)
    }
    /// The human-rights obligations the provision protects or may restrict (the crosswalk).
    async fn linked_rights(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProvisionLink>> {
        Ok(
            children::<crate::loaders::LinksFrom>(ctx, self.provision_id)
                .await?
                .into_iter()
                .filter(|l| {
                    matches!(
                        l.relation,
                        LinkRelation::ProtectsRight | LinkRelation::MayRestrictRight
                    )
                })
                .map(ProvisionLink)
                .collect(),
        )
    }
    /// One sentence, built from the records, that says why the status is what it is.
    async fn explanation(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(explain(ctx, self).await?)
    }
    /// The day the verdict is for (the `asOf` asked, or today).
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// Version of the gap method that produced this answer, e.g. `1.2`; cite it with the finding
    /// (docs/gap-method.md).
    async fn methodology_version(&self) -> &'static str {
        rules::METHODOLOGY_VERSION
    }
}

fn act_phrase(act: CommitmentAct) -> &'static str {
    match act {
        CommitmentAct::Ratified => "ratified",
        CommitmentAct::Acceded => "acceded to",
        CommitmentAct::Succeeded => "succeeded to",
        CommitmentAct::Signed => "signed",
        CommitmentAct::Endorsed => "endorsed",
        CommitmentAct::Joined => "joined",
        CommitmentAct::VotedInFavour => "voted for",
        CommitmentAct::AdoptedByConsensus => "joined the consensus adopting",
        CommitmentAct::StatementOfSupport => "stated its support for",
        CommitmentAct::Withdrew => "withdrew from",
    }
}

fn when(d: Option<entity::PartialDate>) -> String {
    match d {
        Some(d) if d.precision == DatePrecision::Day => format!("on {d}"),
        Some(d) => format!("in {d}"),
        None => "(the source gives no date)".into(),
    }
}

/// Builds the explanation from the records of the chain; nothing in it is written per case.
async fn explain(ctx: &Context<'_>, gap: &Gap) -> Result<String> {
    let state = super::parent::<entity::state::Entity>(ctx, "state_id", gap.state_id).await?;
    let provision =
        super::parent::<entity::provision::Entity>(ctx, "provision_id", gap.provision_id).await?;
    let (Some(state), Some(provision)) = (state, provision) else {
        return Ok(String::new());
    };
    let instrument =
        super::follow::<entity::instrument::Entity>(ctx, "instrument_id", provision.instrument_id)
            .await?;
    let instrument_title = instrument.map(|i| i.title).unwrap_or_default();
    let what = format!("{} ({})", provision.reference, provision.title);
    let o = &gap.outcome;
    let first_commitment = match o.commitments.first() {
        Some(id) => super::by_ids::<entity::commitment::Entity>(ctx, "commitments", &[*id])
            .await?
            .pop(),
        None => None,
    };
    let commitment = match &first_commitment {
        Some(c) => {
            let from = entity::PartialDate::from_parts(c.valid_from, c.valid_from_precision);
            let weak = match o.strength {
                Some(rules::Strength::SignatureOnly) => " (signature only, not ratified)",
                Some(rules::Strength::ByMembership) => " (by membership of the adopting body)",
                _ => "",
            };
            format!(
                "{} {} the {} {}{weak}",
                state.name,
                act_phrase(c.act),
                instrument_title,
                when(from)
            )
        }
        None => format!(
            "{} has no commitment to the {} valid on {}",
            state.name, instrument_title, gap.as_of
        ),
    };
    let (ids, verb) = if !o.contradicting.is_empty() {
        (&o.contradicting, "contradicts")
    } else if !o.partially_contradicting.is_empty() {
        (&o.partially_contradicting, "partially contradicts")
    } else if !o.supporting.is_empty() {
        (&o.supporting, "supports")
    } else {
        (&o.context, "")
    };
    let mut sentence = commitment;
    match ids.first() {
        Some(id) if !verb.is_empty() => {
            let found =
                super::by_ids::<entity::assessment::Entity>(ctx, "assessments", &[*id]).await?;
            if let Some(a) = found.into_iter().next() {
                let evidence =
                    super::follow::<entity::evidence::Entity>(ctx, "evidence_id", a.evidence_id);
                if let Some(e) = evidence.await? {
                    let from = entity::PartialDate {
                        date: e.occurred_from,
                        precision: e.occurred_from_precision,
                    };
                    let by = e
                        .attributed_by
                        .map(|b| format!(" ({b})"))
                        .unwrap_or_default();
                    sentence.push_str(&format!(
                        "; {} {}{by}, which {verb} {what}",
                        when(Some(from)),
                        e.title
                    ));
                }
            }
            if ids.len() > 1 {
                sentence.push_str(&format!(", with {} more assessment(s)", ids.len() - 1));
            }
        }
        Some(_) => sentence.push_str(&format!(
            "; {} assessment(s) of its practice are returned as context",
            ids.len()
        )),
        None if first_commitment.is_some() => sentence.push_str(&format!(
            "; no published evidence bears on {what} since then"
        )),
        None => {}
    }
    if o.status == rules::GapStatus::LawOrPolicyOnly {
        sentence.push_str(
            " (support from a law or policy the state adopted, not from documented practice)",
        );
    }
    if o.undated_commitment && !o.contradicting.is_empty() {
        sentence.push_str(
            " (the commitment date is unknown, so all practice up to the date was weighed)",
        );
    }
    sentence.push('.');
    Ok(sentence)
}

/// Which gaps to list.
#[derive(InputObject, Default)]
pub struct GapFilter {
    /// States by ISO alpha-3 code (default: all).
    pub states: Option<Vec<String>>,
    /// Provisions by code. Asked-for provisions are listed for every state in scope, committed
    /// or not; otherwise only pairs with a commitment or an assessment are listed.
    pub provisions: Option<Vec<String>>,
    /// Only provisions of these kinds (default: all).
    pub kinds: Option<Vec<ProvisionKind>>,
    /// Provisions of instruments adopted in these forums (slugs).
    pub forums: Option<Vec<String>>,
    /// Only gaps with these statuses, e.g. `[CONTRADICTED, PARTIAL]` (default: all).
    pub statuses: Option<Vec<GapStatus>>,
    /// Only gaps with counting evidence that began on or after this day.
    pub evidence_from: Option<Date>,
    /// Only gaps with counting evidence that began on or before this day.
    pub evidence_to: Option<Date>,
    /// Only assessments at least this confident decide a status (default: all).
    pub min_confidence: Option<Confidence>,
    /// Only assessments of evidence with one of these attribution statuses decide a status
    /// (default: all), e.g. `[ACKNOWLEDGED, SETTLED]` to leave contested attributions out.
    pub attribution: Option<Vec<AttributionStatus>>,
}

/// The findings a reader lets decide gaps (`minConfidence`, `attribution`), checked: an empty
/// `attribution` list would admit nothing and is refused.
pub fn admissible(
    min_confidence: Option<Confidence>,
    attribution: Option<Vec<AttributionStatus>>,
) -> Result<Admissible> {
    if attribution.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::bad_input(
            "attribution",
            "give at least one attribution status, or leave the argument out for all",
        ));
    }
    Ok(Admissible {
        min_confidence,
        attribution,
    })
}

/// Resolves a filter to a scope (`repo::gaps::scope`).
async fn scope_of(
    ctx: &Context<'_>,
    states: Option<&[String]>,
    provisions: Option<&[String]>,
    kinds: Option<&[ProvisionKind]>,
    forums: Option<&[String]>,
) -> Result<Scope> {
    repo::gaps::scope(db(ctx), states, provisions, kinds, forums).await
}

/// The public gap answers kept per process ([`crate::answers`]), one bounded map per kind of
/// answer, sized by what one answer weighs at registry scale.
pub struct KeptAnswers {
    /// Whole matrices (125,000 cells weigh about 15 MB).
    matrices: Answers<GapMatrix>,
    /// Scorecards, by state id (`State.scorecard`) or by code (`scorecard`), a few hundred
    /// bytes each: every state's, at a few dates and filters.
    scorecards: Answers<Scorecard>,
    /// Every gap of a `gaps` filter, for `totalCount` and for pages that then need no
    /// evaluation (tens of MB for an unfiltered list at registry scale, so only a few).
    gap_lists: Answers<GapList>,
}

impl Default for KeptAnswers {
    fn default() -> Self {
        KeptAnswers {
            matrices: Answers::default().named("gap_matrix"),
            scorecards: Answers::with_capacity(4096).named("scorecard"),
            gap_lists: Answers::with_capacity(8).named("gap_list"),
        }
    }
}

/// The kept answers, when the schema has them (the served schema does).
fn kept(ctx: &Context<'_>) -> Option<Arc<KeptAnswers>> {
    ctx.data_opt::<Arc<KeptAnswers>>().cloned()
}

/// The data version an answer for this viewer may be kept under: read (one statement) only
/// when answers are kept and the viewer sees what the public sees; `None` otherwise (drafts
/// have no data version).
async fn public_version(ctx: &Context<'_>) -> Result<Option<i64>> {
    if ctx.data_opt::<Arc<KeptAnswers>>().is_none()
        || super::vis(ctx) != crate::auth::Visibility::Public
    {
        return Ok(None);
    }
    Ok(Some(repo::registry::current(db(ctx)).await?.data_version))
}

/// Every gap of one `gaps` filter in answer order, with the order of its states: a cursor's
/// state may have no gap left in the list and must still find its place.
pub struct GapList {
    /// State ids in answer (code) order.
    states: Vec<i32>,
    gaps: Vec<Gap>,
}

/// One page of gaps and what `pageInfo` and `totalCount` say about it.
struct GapPage {
    gaps: Vec<Gap>,
    has_next: bool,
    /// Only when the whole list was evaluated.
    total: Option<usize>,
}

/// Where a keyset cursor (state, provision) falls among `states` (in answer order): the state's
/// rank. A cursor whose state is not in the answer was not given for this list.
fn cursor_rank(states: &[i32], cursor: (i32, i32)) -> Result<usize> {
    states
        .iter()
        .position(|s| *s == cursor.0)
        .ok_or_else(|| Error::bad_input("after", "the cursor does not point into this list"))
}

impl GapList {
    /// The page of `first` gaps after `after` (a keyset over (state rank, provision id), so a
    /// cursor stays good even when its own gap has left the list).
    fn page(&self, after: Option<(i32, i32)>, first: usize) -> Result<GapPage> {
        let start = match after {
            None => 0,
            Some(cursor) => {
                let rank = cursor_rank(&self.states, cursor)?;
                let rank_of: HashMap<i32, usize> = self
                    .states
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (*s, i))
                    .collect();
                self.gaps.partition_point(|g| {
                    (rank_of.get(&g.state_id).copied(), g.provision_id) <= (Some(rank), cursor.1)
                })
            }
        };
        let total = self.gaps.len();
        let end = (start + first).min(total);
        Ok(GapPage {
            gaps: self.gaps[start..end].to_vec(),
            has_next: end < total,
            total: Some(total),
        })
    }
}

/// The question a `gaps` filter asks, as a key: the resolved scope and every condition that
/// changes the list (lists sorted, so that the order a client names them in does not matter).
fn gaps_question(
    scope: &Scope,
    filter: &GapFilter,
    as_of: NaiveDate,
    admit: &Admissible,
) -> String {
    let sorted = |ids: &Option<Vec<i32>>| {
        ids.as_ref().map(|v| {
            let mut v = v.clone();
            v.sort_unstable();
            v
        })
    };
    let statuses = filter.statuses.as_ref().map(|st| {
        let mut named: Vec<String> = st.iter().map(|x| format!("{x:?}")).collect();
        named.sort();
        named
    });
    format!(
        "{:?}|{:?}|{}|{statuses:?}|{:?}|{:?}|{as_of}|{}",
        sorted(&scope.states),
        sorted(&scope.provisions),
        filter.provisions.is_some(),
        filter.evidence_from.map(|d| d.0),
        filter.evidence_to.map(|d| d.0),
        admit.key()
    )
}

/// Evaluates the whole list of a `gaps` filter (one engine run over the scope).
async fn gap_list(
    db: &sea_orm::DatabaseConnection,
    scope: &Scope,
    filter: &GapFilter,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<GapList> {
    let inputs = load::load(db, scope, as_of, admit).await?;
    Ok(GapList {
        states: inputs.states.iter().map(|s| s.id).collect(),
        gaps: list_gaps(&inputs, filter, as_of),
    })
}

/// How many states the next engine run of a walk takes: enough to find the `wanted` gaps at the
/// rate found so far (with a quarter more), at least twice the last run (so that a filter that
/// few gaps pass takes a handful of runs, not one per state), four times when none was found.
fn next_chunk(last: usize, evaluated: usize, found: usize, wanted: usize) -> usize {
    if found == 0 {
        return last.saturating_mul(4);
    }
    let missing = wanted.saturating_sub(found);
    let estimate = (missing * evaluated * 5).div_ceil(found * 4);
    estimate.max(last.saturating_mul(2))
}

/// A page of a `gaps` filter evaluated only as far as it needs: states in answer order from
/// the cursor's, a few at a time (one state, then as many as the gaps found so far say are
/// needed, at least twice as many each time: three statements per engine run), until
/// `first + 1` gaps are found (the one past the page says there is a next page). The
/// rules and filters are those of the whole list ([`list_gaps`]), so a page is the same slice
/// of it. When the walk started at the beginning and ran to the end, the whole list is
/// returned too, to be kept.
async fn walk_gaps(
    db: &sea_orm::DatabaseConnection,
    scope: &Scope,
    filter: &GapFilter,
    as_of: NaiveDate,
    admit: &Admissible,
    after: Option<(i32, i32)>,
    first: usize,
) -> Result<(GapPage, Option<GapList>)> {
    let (states, provisions) = load::rows(db, scope).await?;
    let order: Vec<i32> = states.iter().map(|s| s.id).collect();
    let mut next = match after {
        None => 0,
        Some(cursor) => cursor_rank(&order, cursor)?,
    };
    let start = next;
    let mut found: Vec<Gap> = Vec::new();
    let mut chunk = 1;
    while next < states.len() && found.len() <= first {
        let end = (next + chunk).min(states.len());
        let part = states[next..end].to_vec();
        let part_scope = Scope {
            states: Some(part.iter().map(|s| s.id).collect()),
            provisions: scope.provisions.clone(),
        };
        let inputs = load::facts(db, &part_scope, part, provisions.clone(), as_of, admit).await?;
        found.extend(
            list_gaps(&inputs, filter, as_of)
                .into_iter()
                .filter(|g| after.is_none_or(|(s, p)| g.state_id != s || g.provision_id > p)),
        );
        let evaluated = end - start;
        next = end;
        chunk = next_chunk(chunk, evaluated, found.len(), first + 1);
    }
    let whole = (after.is_none() && next >= states.len()).then(|| GapList {
        states: order,
        gaps: found.clone(),
    });
    let has_next = found.len() > first;
    found.truncate(first);
    Ok((
        GapPage {
            gaps: found,
            has_next,
            total: whole.as_ref().map(|w| w.gaps.len()),
        },
        whole,
    ))
}

fn gap_cursor(state_id: i32, provision_id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("g:{state_id}:{provision_id}"))
}

fn decode_gap_cursor(field: &str, c: &str) -> Result<(i32, i32)> {
    let bad = || Error::bad_input(field, format!("`{c}` is not a valid cursor"));
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?).map_err(|_| bad())?;
    let mut parts = text.strip_prefix("g:").ok_or_else(bad)?.split(':');
    let s = parts.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let p = parts.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    Ok((s, p))
}

/// Computes the filtered list of gaps in (state code, provision) order.
fn list_gaps(inputs: &Inputs, filter: &GapFilter, as_of: NaiveDate) -> Vec<Gap> {
    let asked = filter.provisions.is_some();
    let statuses: Option<Vec<rules::GapStatus>> = filter
        .statuses
        .as_ref()
        .map(|s| s.iter().map(|x| (*x).into()).collect());
    let view = inputs.admit.key();
    let mut out = Vec::new();
    for s in &inputs.states {
        for p in &inputs.provisions {
            if !asked && !inputs.has_records(s, p) {
                continue;
            }
            let e = inputs.evaluate(s, p, as_of);
            if statuses
                .as_ref()
                .is_some_and(|st| !st.contains(&e.outcome.status))
            {
                continue;
            }
            if filter.evidence_from.is_some() || filter.evidence_to.is_some() {
                let counting: Vec<i32> = e
                    .outcome
                    .contradicting
                    .iter()
                    .chain(&e.outcome.partially_contradicting)
                    .chain(&e.outcome.supporting)
                    .copied()
                    .collect();
                let in_range = inputs.evidence_starts(s, p).any(|(id, start)| {
                    counting.contains(&id)
                        && filter.evidence_from.is_none_or(|f| start >= f.0)
                        && filter.evidence_to.is_none_or(|t| start <= t.0)
                });
                if !in_range {
                    continue;
                }
            }
            out.push(Gap {
                state_id: s.id,
                provision_id: p.id,
                outcome: e.outcome,
                as_of,
                view: view.clone(),
            });
        }
    }
    out
}

/// A compact cell of the gap matrix.
#[derive(SimpleObject, Clone)]
pub struct GapCell {
    /// ISO alpha-3 code.
    pub state: String,
    /// Provision code.
    pub provision: String,
    /// The verdict for this state and provision (see `Gap.status`).
    pub status: GapStatus,
    /// Number of counting CONTRADICTS assessments.
    pub contradicting: i32,
    /// Number of counting PARTIALLY_CONTRADICTS assessments.
    pub partially_contradicting: i32,
    /// Number of counting SUPPORTS assessments.
    pub supporting: i32,
    /// The highest confidence among the assessments that decide `status` (see `Gap.confidence`).
    pub confidence: Option<Confidence>,
    /// The strongest attribution of their evidence (see `Gap.attribution`).
    pub attribution: Option<AttributionStatus>,
}

/// Every requested state against every requested provision, for a heatmap.
#[derive(SimpleObject, Clone)]
pub struct GapMatrix {
    /// State codes, in row order.
    pub states: Vec<String>,
    /// Provision codes, in column order.
    pub provisions: Vec<String>,
    /// One cell per state and provision, row by row.
    pub cells: Cells,
    /// The day the matrix is for (the `asOf` asked, or today).
    pub as_of: Date,
    /// Version of the gap method that produced this answer (see `Gap.methodologyVersion`).
    pub methodology_version: &'static str,
}

/// How many gaps have a status.
#[derive(SimpleObject, Clone, Copy)]
pub struct StatusCount {
    /// A gap status.
    pub status: GapStatus,
    /// How many gaps have it.
    pub count: i32,
}

/// A state's gaps for one kind of provision.
#[derive(SimpleObject, Clone)]
pub struct KindCounts {
    /// The kind of provision counted.
    pub kind: ProvisionKind,
    /// Provisions of this kind the state is committed to at the date.
    pub committed: i32,
    /// Gaps per status for provisions of this kind.
    pub counts: Vec<StatusCount>,
}

/// A provision and how many counting assessments contradict it.
#[derive(Clone)]
pub struct ProvisionContradictions {
    provision_id: i32,
    contradicting: i32,
}

/// A provision and how many counting assessments contradict it.
#[Object]
impl ProvisionContradictions {
    /// The provision. Null only when the reader may not see it.
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(by_id::<entity::provision::Entity>(ctx, self.provision_id)
            .await?
            .map(Provision::from))
    }
    /// How many counting assessments find the state's practice contradicts it.
    async fn contradicting(&self) -> i32 {
        self.contradicting
    }
}

/// One state's record at a glance.
#[derive(Clone)]
pub struct Scorecard {
    state_id: i32,
    as_of: NaiveDate,
    counts: Vec<StatusCount>,
    by_kind: Vec<KindCounts>,
    committed: i32,
    contradicted: i32,
    latest_evidence: Option<entity::PartialDate>,
    most_contradicted: Vec<ProvisionContradictions>,
    strength: Vec<StrengthCount>,
    view: String,
}

/// How many of a state's gaps of one status rest on findings of one strength.
#[derive(SimpleObject, Clone)]
pub struct StrengthCount {
    /// CONTRADICTED, PARTIAL, IMPLEMENTED or LAW_OR_POLICY_ONLY (the statuses a finding
    /// decides).
    pub status: GapStatus,
    /// The highest confidence among the deciding assessments.
    pub confidence: Confidence,
    /// The strongest attribution of their evidence.
    pub attribution: AttributionStatus,
    /// How many gaps.
    pub count: i32,
}

/// One state's record at a glance.
#[Object]
impl Scorecard {
    /// Stable for the same state and `asOf` (not a record: `node` does not take it).
    async fn id(&self) -> async_graphql::ID {
        super::ids::encode_scorecard(self.state_id, self.as_of, &self.view)
    }
    /// The state. Null only when the reader may not see it.
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(by_id::<entity::state::Entity>(ctx, self.state_id)
            .await?
            .map(State))
    }
    /// The day the scorecard is for (the `asOf` asked, or today).
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// Version of the gap method that produced this answer (see `Gap.methodologyVersion`).
    async fn methodology_version(&self) -> &'static str {
        rules::METHODOLOGY_VERSION
    }
    /// Provisions the state is committed to at the date.
    async fn committed(&self) -> i32 {
        self.committed
    }
    /// Of those, how many are CONTRADICTED.
    async fn contradicted(&self) -> i32 {
        self.contradicted
    }
    /// `contradicted / committed` (0 when nothing is committed).
    async fn contradicted_share(&self) -> f64 {
        if self.committed == 0 {
            0.0
        } else {
            f64::from(self.contradicted) / f64::from(self.committed)
        }
    }
    /// Gaps per status, over every provision.
    async fn counts(&self) -> &[StatusCount] {
        &self.counts
    }
    /// Gaps per status for each kind of provision.
    async fn by_kind(&self) -> &[KindCounts] {
        &self.by_kind
    }
    /// When the most recent assessed practice of the state began.
    async fn latest_evidence_date(&self) -> Option<PartialDate> {
        self.latest_evidence.map(PartialDate)
    }
    /// The provisions with the most contradicting assessments (at most 5).
    async fn most_contradicted(&self) -> &[ProvisionContradictions] {
        &self.most_contradicted
    }
    /// The gaps decided by findings (CONTRADICTED, PARTIAL, IMPLEMENTED, LAW_OR_POLICY_ONLY),
    /// counted by the strength of those findings: how many rest on HIGH confidence and SETTLED
    /// attribution, how many on LOW and CONTESTED, and so on.
    async fn strength(&self) -> &[StrengthCount] {
        &self.strength
    }
}

const STATUSES: [GapStatus; 6] = [
    GapStatus::Contradicted,
    GapStatus::Partial,
    GapStatus::Implemented,
    GapStatus::LawOrPolicyOnly,
    GapStatus::Unverified,
    GapStatus::NotCommitted,
];

/// Builds a scorecard for one state.
pub async fn scorecard_of(
    ctx: &Context<'_>,
    state_id: i32,
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<Scorecard> {
    let mut all = scorecards_of(db(ctx), &[state_id], as_of, admit).await?;
    all.remove(&state_id)
        .ok_or_else(|| Error::Internal(format!("no scorecard computed for state {state_id}")))
}

/// The scorecards of several states: those kept at `kept`'s data version from memory, the
/// others from one engine run over them, then kept. Without `kept`, every one is evaluated.
async fn scorecards_kept(
    db: &sea_orm::DatabaseConnection,
    kept: Option<(Arc<KeptAnswers>, i64)>,
    state_ids: &[i32],
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<HashMap<i32, Scorecard>> {
    let key =
        |id: i32, version: i64| Key::new(format!("state {id}|{as_of}|{}", admit.key()), version);
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    for &id in state_ids {
        match kept
            .as_ref()
            .and_then(|(k, v)| k.scorecards.get(&key(id, *v)))
        {
            Some(card) => {
                out.insert(id, card.as_ref().clone());
            }
            None => missing.push(id),
        }
    }
    if !missing.is_empty() {
        for (id, card) in scorecards_of(db, &missing, as_of, admit).await? {
            if let Some((k, v)) = &kept {
                k.scorecards.put(key(id, *v), Arc::new(card.clone()));
            }
            out.insert(id, card);
        }
    }
    Ok(out)
}

/// Builds the scorecards of several states from one engine run (one load of their inputs).
pub async fn scorecards_of(
    db: &sea_orm::DatabaseConnection,
    state_ids: &[i32],
    as_of: NaiveDate,
    admit: &Admissible,
) -> Result<HashMap<i32, Scorecard>> {
    let scope = Scope {
        states: Some(state_ids.to_vec()),
        provisions: None,
    };
    let inputs = load::load(db, &scope, as_of, admit).await?;
    let mut tallies: HashMap<i32, Tally> = HashMap::new();
    for e in inputs.evaluate_all(as_of) {
        tallies.entry(e.state.id).or_default().add(&e);
    }
    Ok(state_ids
        .iter()
        .map(|&id| {
            let tally = tallies.remove(&id).unwrap_or_default();
            let view = inputs.admit.key();
            (
                id,
                tally.finish(id, as_of, inputs.latest_evidence(id), &view),
            )
        })
        .collect())
}

/// What a scorecard counts, accumulated over one state's evaluated pairs.
#[derive(Default)]
struct Tally {
    totals: HashMap<rules::GapStatus, i32>,
    kinds: BTreeMap<ProvisionKind, (i32, HashMap<rules::GapStatus, i32>)>,
    most: Vec<ProvisionContradictions>,
    committed: i32,
    contradicted: i32,
    strength: BTreeMap<(rules::GapStatus, Confidence, AttributionStatus), i32>,
}

impl Tally {
    fn add(&mut self, e: &load::Evaluated<'_>) {
        let st = e.outcome.status;
        *self.totals.entry(st).or_default() += 1;
        let k = self.kinds.entry(e.provision.kind).or_default();
        *k.1.entry(st).or_default() += 1;
        if e.outcome.is_committed() {
            self.committed += 1;
            k.0 += 1;
        }
        if st == rules::GapStatus::Contradicted {
            self.contradicted += 1;
        }
        if let (Some(c), Some(a)) = (e.outcome.confidence, e.outcome.attribution) {
            *self.strength.entry((st, c, a)).or_default() += 1;
        }
        if !e.outcome.contradicting.is_empty() {
            self.most.push(ProvisionContradictions {
                provision_id: e.provision.id,
                contradicting: e.outcome.contradicting.len() as i32,
            });
        }
    }

    fn finish(
        mut self,
        state_id: i32,
        as_of: NaiveDate,
        latest_evidence: Option<entity::PartialDate>,
        view: &str,
    ) -> Scorecard {
        self.most.sort_by(|a, b| {
            b.contradicting
                .cmp(&a.contradicting)
                .then(a.provision_id.cmp(&b.provision_id))
        });
        self.most.truncate(5);
        let counts_of = |m: &HashMap<rules::GapStatus, i32>| {
            STATUSES
                .iter()
                .map(|s| StatusCount {
                    status: *s,
                    count: m.get(&(*s).into()).copied().unwrap_or(0),
                })
                .collect::<Vec<_>>()
        };
        Scorecard {
            state_id,
            as_of,
            counts: counts_of(&self.totals),
            by_kind: self
                .kinds
                .into_iter()
                .map(|(kind, (committed, m))| KindCounts {
                    kind,
                    committed,
                    counts: counts_of(&m),
                })
                .collect(),
            committed: self.committed,
            contradicted: self.contradicted,
            latest_evidence,
            most_contradicted: self.most,
            strength: self
                .strength
                .into_iter()
                .map(|((status, confidence, attribution), count)| StrengthCount {
                    status: status.into(),
                    confidence,
                    attribution,
                    count,
                })
                .collect(),
            view: view.to_string(),
        }
    }
}

/// Gaps of several provisions for every state with a record (for `Provision.gaps`), from one
/// engine run, by provision id.
pub async fn gaps_of_provisions(
    db: &sea_orm::DatabaseConnection,
    provision_ids: &[i32],
    as_of: NaiveDate,
    statuses: Option<Vec<GapStatus>>,
    admit: &Admissible,
) -> Result<HashMap<i32, Vec<Gap>>> {
    let scope = Scope {
        states: None,
        provisions: Some(provision_ids.to_vec()),
    };
    let inputs = load::load(db, &scope, as_of, admit).await?;
    // Every state in scope is listed for an asked-for provision: with several provisions asked
    // for, that is still "the pairs with a record", as for one (see `list_gaps`).
    let filter = GapFilter {
        statuses,
        ..Default::default()
    };
    let mut out: HashMap<i32, Vec<Gap>> = provision_ids.iter().map(|&p| (p, Vec::new())).collect();
    for gap in list_gaps(&inputs, &filter, as_of) {
        out.entry(gap.provision_id).or_default().push(gap);
    }
    Ok(out)
}

/// A state's commitments and positions in one forum.
pub struct ForumPositions {
    forum_id: Option<i32>,
    commitments: Vec<commitment::Model>,
    positions: Vec<position::Model>,
}

/// A state's commitments and positions in one forum.
#[Object]
impl ForumPositions {
    /// The forum; null for acts outside any forum (e.g. deposited with a treaty depositary).
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        match self.forum_id {
            Some(f) => Ok(by_id::<entity::forum::Entity>(ctx, f).await?.map(Forum)),
            None => Ok(None),
        }
    }
    /// The state's published commitments made in this forum to the provision's instrument or to the
    /// linked provisions' instruments.
    async fn commitments(&self) -> Vec<Commitment> {
        self.commitments.iter().cloned().map(Commitment).collect()
    }
    /// The state's published positions taken in this forum on the provision, the linked provisions
    /// or their instruments.
    async fn positions(&self) -> Vec<Position> {
        self.positions.iter().cloned().map(Position).collect()
    }
}

/// A position or a commitment, as one side of an inconsistency.
#[derive(Union)]
pub enum StanceRecord {
    Position(Position),
    Commitment(Commitment),
}

/// Why two stances of a state are set against each other (docs/gap-method.md).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "rules::InconsistencyReason")]
pub enum InconsistencyReason {
    /// Both are about the same provision or instrument.
    SameSubject,
    /// About different provisions that the crosswalk links as EQUIVALENT or REAFFIRMS, each
    /// stance on a named provision or a commitment to a whole instrument.
    LinkedProvisions,
    /// Linked only through the crosswalk, with a vote or other position on a whole text on one
    /// side (or both). A no vote on a resolution is usually about other parts of it, not about
    /// each norm it reaffirms: a weak signal, listed only when asked for.
    WholeTextLink,
}

/// Two opposite stances of one state, in different forums or instruments.
pub struct Inconsistency {
    state_id: i32,
    a: rules::StanceFact,
    b: rules::StanceFact,
    reason: rules::InconsistencyReason,
}

async fn stance_record(ctx: &Context<'_>, f: &rules::StanceFact) -> Result<Option<StanceRecord>> {
    Ok(match f.kind {
        rules::StanceSource::Position => by_id::<entity::position::Entity>(ctx, f.id)
            .await?
            .map(|p| StanceRecord::Position(Position(p))),
        rules::StanceSource::Commitment => by_id::<entity::commitment::Entity>(ctx, f.id)
            .await?
            .map(|c| StanceRecord::Commitment(Commitment(c))),
    })
}

/// Two opposite stances of one state, in different forums or instruments.
#[Object]
impl Inconsistency {
    /// The state whose stances disagree. Null only when the reader may not see it.
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(by_id::<entity::state::Entity>(ctx, self.state_id)
            .await?
            .map(State))
    }
    /// One stance: a position or a commitment.
    async fn a(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StanceRecord>> {
        Ok(stance_record(ctx, &self.a).await?)
    }
    /// The opposite stance, in another forum or instrument.
    async fn b(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StanceRecord>> {
        Ok(stance_record(ctx, &self.b).await?)
    }
    /// Why the two are compared: the same subject, linked provisions, or a link through a whole
    /// text.
    async fn reason(&self) -> InconsistencyReason {
        self.reason.into()
    }
}

/// The default of `inconsistencies(reasons:)`, spelled out in the schema so that a client sees
/// what it gets without asking.
fn default_reasons() -> Vec<InconsistencyReason> {
    rules::InconsistencyReason::REPORTED_BY_DEFAULT
        .into_iter()
        .map(Into::into)
        .collect()
}

#[derive(Default)]
pub struct GapQuery;

#[Object]
impl GapQuery {
    /// Gaps between commitments and practice, in state then provision order. Without
    /// `filter.provisions`, only pairs with a commitment or an assessment are listed.
    /// `asOf` defaults to today. `first` defaults to 20, at most 100.
    async fn gaps(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page forward: at most this many items after `after`, 0 to 100; without `first` and `last`, 20. Negative or over 100 is a BAD_USER_INPUT naming `first`; not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `after`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Which gaps to list; every condition given must hold (default: every state and provision with a record)."
        )]
        filter: Option<GapFilter>,
        #[graphql(
            desc = "The day the answer is for, `YYYY-MM-DD` (default: today, UTC): only commitments valid and practice begun by then count."
        )]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Conn<Gap>> {
        let first = first.unwrap_or(repo::DEFAULT_PAGE_SIZE);
        if !(0..=MAX_PAGE_SIZE).contains(&first) {
            return Err(Error::bad_input(
                "first",
                format!("`first` must be between 0 and {MAX_PAGE_SIZE} (asked for {first})"),
            )
            .into());
        }
        let after = after.map(|c| decode_gap_cursor("after", &c)).transpose()?;
        let filter = filter.unwrap_or_default();
        let as_of = as_of_or_today(as_of);
        let scope = scope_of(
            ctx,
            filter.states.as_deref(),
            filter.provisions.as_deref(),
            filter.kinds.as_deref(),
            filter.forums.as_deref(),
        )
        .await?;
        let admit = admissible(filter.min_confidence, filter.attribution.clone())?;
        let first = first as usize;
        // The whole list is kept for the public (crate::answers); it is evaluated only when
        // `totalCount` asks for it. Otherwise a page is evaluated only as far as it reaches.
        let kept = kept(ctx);
        let key = public_version(ctx)
            .await?
            .map(|v| Key::new(gaps_question(&scope, &filter, as_of, &admit), v));
        let mut list = match (&kept, &key) {
            (Some(kept), Some(key)) => kept.gap_lists.get(key),
            _ => None,
        };
        if list.is_none() && super::connection::wants_total(ctx) {
            let whole = Arc::new(gap_list(db(ctx), &scope, &filter, as_of, &admit).await?);
            if let (Some(kept), Some(key)) = (&kept, &key) {
                kept.gap_lists.put(key.clone(), whole.clone());
            }
            list = Some(whole);
        }
        let page = match list {
            Some(list) => list.page(after, first)?,
            None => {
                let (page, whole) =
                    walk_gaps(db(ctx), &scope, &filter, as_of, &admit, after, first).await?;
                if let (Some(kept), Some(key), Some(whole)) = (&kept, key, whole) {
                    kept.gap_lists.put(key, Arc::new(whole));
                }
                page
            }
        };
        let mut conn = Connection::with_additional_fields(
            after.is_some(),
            page.has_next,
            Totals {
                // Asked for only when `totalCount` is in the query, which makes `total` known.
                total_count: page.total.unwrap_or(0) as i64,
            },
        );
        let here = super::place(ctx);
        for at in [format!("{here}.nodes"), format!("{here}.edges.node")] {
            announce_gaps(ctx, &at, &page.gaps);
        }
        conn.edges.extend(
            page.gaps
                .into_iter()
                .map(|g| Edge::new(gap_cursor(g.state_id, g.provision_id), g)),
        );
        Ok(conn)
    }

    /// Every requested state (default all) against every provision of the requested kinds
    /// (default all) in one answer, with compact cells.
    async fn gap_matrix(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Rows: states by ISO alpha-3 code, case-insensitive (default: all). Unknown codes are left out."
        )]
        states: Option<Vec<String>>,
        #[graphql(desc = "Columns: provisions of these kinds (default: all).")] kinds: Option<
            Vec<ProvisionKind>,
        >,
        #[graphql(
            desc = "The day the answer is for, `YYYY-MM-DD` (default: today, UTC): only commitments valid and practice begun by then count."
        )]
        as_of: Option<Date>,
        #[graphql(desc = "Only assessments at least this confident decide a status.")]
        min_confidence: Option<Confidence>,
        #[graphql(desc = "Only evidence with one of these attribution statuses decides a status.")]
        attribution: Option<Vec<AttributionStatus>>,
    ) -> async_graphql::Result<Arc<GapMatrix>> {
        let as_of = as_of_or_today(as_of);
        let admit = admissible(min_confidence, attribution)?;
        // The public's answer is kept until the data version moves (crate::answers).
        let mut codes: Vec<String> = states
            .iter()
            .flatten()
            .map(|c| c.trim().to_uppercase())
            .collect();
        codes.sort();
        let mut kinds_named: Vec<String> =
            kinds.iter().flatten().map(|k| format!("{k:?}")).collect();
        kinds_named.sort();
        let question = format!(
            "{}|{}|{}|{as_of}|{}",
            states.is_some(),
            codes.join(","),
            kinds_named.join(","),
            admit.key()
        );
        let key = public_version(ctx).await?.map(|v| Key::new(question, v));
        let compute = || async {
            let scope = scope_of(ctx, states.as_deref(), None, kinds.as_deref(), None).await?;
            let inputs = load::load(db(ctx), &scope, as_of, &admit).await?;
            let cells = inputs
                .evaluate_all(as_of)
                .map(|e| GapCell {
                    state: e.state.code.clone(),
                    provision: e.provision.code.clone(),
                    status: e.outcome.status.into(),
                    contradicting: e.outcome.contradicting.len() as i32,
                    partially_contradicting: e.outcome.partially_contradicting.len() as i32,
                    supporting: e.outcome.supporting.len() as i32,
                    confidence: e.outcome.confidence,
                    attribution: e.outcome.attribution,
                })
                .collect();
            Ok(GapMatrix {
                states: inputs.states.iter().map(|s| s.code.clone()).collect(),
                provisions: inputs.provisions.iter().map(|p| p.code.clone()).collect(),
                cells: Cells(cells),
                as_of: Date(as_of),
                methodology_version: rules::METHODOLOGY_VERSION,
            })
        };
        Ok(match kept(ctx) {
            Some(kept) => kept.matrices.get_or_compute(key, compute).await?,
            None => Arc::new(compute().await?),
        })
    }

    /// One state's record at a glance. An unknown state code is a NOT_FOUND error.
    async fn scorecard(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "ISO alpha-3 code of the state, case-insensitive, e.g. `MEX`. Unknown is a NOT_FOUND error."
        )]
        state: String,
        #[graphql(
            desc = "The day the answer is for, `YYYY-MM-DD` (default: today, UTC): only commitments valid and practice begun by then count."
        )]
        as_of: Option<Date>,
        #[graphql(desc = "Only assessments at least this confident decide a status.")]
        min_confidence: Option<Confidence>,
        #[graphql(desc = "Only evidence with one of these attribution statuses decides a status.")]
        attribution: Option<Vec<AttributionStatus>>,
    ) -> async_graphql::Result<Scorecard> {
        let admit = admissible(min_confidence, attribution)?;
        let as_of = as_of_or_today(as_of);
        // Kept by code for the public, so that a repeat costs one statement (the data version):
        // whether the code names a published state is itself part of the data version.
        let question = format!(
            "code {}|{as_of}|{}",
            state.trim().to_uppercase(),
            admit.key()
        );
        let key = public_version(ctx).await?.map(|v| Key::new(question, v));
        let compute = || async {
            let Some(s) = repo::states::by_code(db(ctx), super::vis(ctx), &state).await? else {
                return Err(Error::NotFound(format!("no state with code `{state}`")));
            };
            scorecard_of(ctx, s.id, as_of, &admit).await
        };
        let card = match kept(ctx) {
            Some(kept) => kept.scorecards.get_or_compute(key, compute).await?,
            None => Arc::new(compute().await?),
        };
        Ok(card.as_ref().clone())
    }

    /// A state's commitments and positions on a provision, and on provisions the crosswalk
    /// links to it as EQUIVALENT or REAFFIRMS, grouped by forum.
    async fn positions_across_forums(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "ISO alpha-3 code of the state, case-insensitive. Unknown is a BAD_USER_INPUT naming `state`."
        )]
        state: String,
        #[graphql(
            desc = "Code of the provision, e.g. `gge-2015-13e`. Unknown is a BAD_USER_INPUT naming `provision`."
        )]
        provision: String,
    ) -> async_graphql::Result<Vec<ForumPositions>> {
        let db = db(ctx);
        let Some(s) = repo::states::by_code(db, super::vis(ctx), &state).await? else {
            return Err(Error::bad_input("state", format!("unknown state `{state}`")).into());
        };
        let Some(p) = repo::provisions::by_code(db, super::vis(ctx), &provision).await? else {
            return Err(
                Error::bad_input("provision", format!("unknown provision `{provision}`")).into(),
            );
        };
        let (commitments, positions) = repo::gaps::across_forums(db, s.id, p.id).await?;
        let mut groups: BTreeMap<Option<i32>, ForumPositions> = BTreeMap::new();
        for c in commitments {
            groups
                .entry(c.forum_id)
                .or_insert_with(|| ForumPositions {
                    forum_id: c.forum_id,
                    commitments: vec![],
                    positions: vec![],
                })
                .commitments
                .push(c);
        }
        for p in positions {
            groups
                .entry(Some(p.forum_id))
                .or_insert_with(|| ForumPositions {
                    forum_id: Some(p.forum_id),
                    commitments: vec![],
                    positions: vec![],
                })
                .positions
                .push(p);
        }
        Ok(groups.into_values().collect())
    }

    /// Opposite stances of a state (or of every state) in different forums or instruments.
    /// `reasons` defaults to SAME_SUBJECT and LINKED_PROVISIONS; add WHOLE_TEXT_LINK to also see
    /// pairs tied only by the crosswalk to a vote on a whole text (see docs/gap-method.md).
    async fn inconsistencies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "ISO alpha-3 code of one state, case-insensitive (default: every state). Unknown is a BAD_USER_INPUT naming `state`."
        )]
        state: Option<String>,
        #[graphql(
            desc = "The day the answer is for, `YYYY-MM-DD` (default: today, UTC): only commitments valid and practice begun by then count."
        )]
        as_of: Option<Date>,
        #[graphql(
            default_with = "default_reasons()",
            desc = "Which kinds of pair to list (default: SAME_SUBJECT and LINKED_PROVISIONS; add WHOLE_TEXT_LINK for the weak pairs)."
        )]
        reasons: Vec<InconsistencyReason>,
    ) -> async_graphql::Result<Vec<Inconsistency>> {
        let db = db(ctx);
        let as_of = as_of_or_today(as_of);
        let state_id = match &state {
            None => None,
            Some(code) => match repo::states::by_code(db, super::vis(ctx), code).await? {
                Some(s) => Some(s.id),
                None => {
                    return Err(Error::bad_input("state", format!("unknown state `{code}`")).into())
                }
            },
        };
        let wanted: Vec<rules::InconsistencyReason> = reasons.into_iter().map(Into::into).collect();
        let found = repo::gaps::inconsistencies(db, state_id, as_of).await?;
        Ok(found
            .into_iter()
            .filter(|(_, i)| wanted.contains(&i.reason))
            .map(|(state_id, i)| Inconsistency {
                state_id,
                a: i.a,
                b: i.b,
                reason: i.reason,
            })
            .collect())
    }
}

/// `State.scorecard` and `Provision.gaps` live here with the engine they call. Both run the
/// engine once for the whole page their parent came in (see [`crate::batch`]): a page of 100
/// states asking for their scorecards is one engine run, not 100.
pub async fn state_scorecard(
    ctx: &Context<'_>,
    state_id: i32,
    as_of: Option<Date>,
    admit: Admissible,
) -> Result<Scorecard> {
    let as_of = as_of_or_today(as_of);
    let db = db(ctx).clone();
    let args = format!("{as_of} {admit:?}");
    let kept = kept(ctx);
    let public = super::vis(ctx) == crate::auth::Visibility::Public;
    let all = super::batched(ctx, "scorecard", args, state_id, |ids| async move {
        let kept = match kept {
            Some(kept) if public => {
                let version = repo::registry::current(&db).await?.data_version;
                Some((kept, version))
            }
            _ => None,
        };
        scorecards_kept(&db, kept, &ids, as_of, &admit).await
    })
    .await?;
    all.get(&state_id)
        .cloned()
        .ok_or_else(|| Error::Internal(format!("no scorecard computed for state {state_id}")))
}

/// Used by `Provision.gaps`.
pub async fn provision_gaps(
    ctx: &Context<'_>,
    provision_id: i32,
    as_of: Option<Date>,
    statuses: Option<Vec<GapStatus>>,
    admit: Admissible,
) -> Result<Vec<Gap>> {
    let as_of = as_of_or_today(as_of);
    let here = super::place(ctx);
    let args = format!("{as_of} {statuses:?} {admit:?} {here}");
    let db = db(ctx).clone();
    let all = super::batched(ctx, "gaps", args, provision_id, |ids| async move {
        let all = gaps_of_provisions(&db, &ids, as_of, statuses, &admit).await?;
        announce_gaps(ctx, &here, all.values().flatten());
        Ok(all)
    })
    .await?;
    Ok(all.get(&provision_id).cloned().unwrap_or_default())
}
