//! The gap method: what a state committed to, and whether its practice matches, at a date.
//!
//! Everything here is pure and works on plain facts that the loader has already narrowed to one
//! state (and, for gaps, one provision). Keeping the method free of SQL, async and GraphQL means
//! it can be read in one sitting, unit-tested rule by rule, and contested line by line: a gap is
//! an accusation, so the reasoning behind it must be inspectable. `docs/gap-method.md` says the
//! same thing in prose for researchers and advocates; change both together and bump
//! [`METHODOLOGY_VERSION`] whenever an answer could change.
//!
//! The rules, lettered as in the design notes:
//!
//! - **a.** Only PUBLISHED commitments count, and only PUBLISHED assessments of PUBLISHED
//!   evidence. Drafts are unreviewed and retractions were judged wrong: neither may accuse a
//!   state or clear it, so both are ignored completely (a draft withdrawal ends nothing).
//! - **b.** A commitment *covers* a provision when it is to the provision's instrument and the
//!   provision is not among its reservations.
//! - **c.** A covering commitment (other than a WITHDREW) is *valid* at `D` when it has started
//!   (`valid_from <= D`), has not ended (`D < valid_to`), and no published WITHDREW from the same
//!   instrument is dated between its start and `D`. A commitment made after a withdrawal starts a
//!   new validity. Dates compare by the first day of their period: a `validFrom` of `2016` counts
//!   from 1 January 2016.
//! - **d.** A covering commitment with no `valid_from` (the source gives no date) still commits
//!   the state, but `committed_since` stays unknown and every assessment of evidence begun by `D`
//!   counts. A dated valid commitment, when there is one, decides `committed_since` instead.
//! - **e.** `committed_since` is the earliest start among the valid dated commitments.
//! - **f.** An assessment counts when its evidence period overlaps `[committed_since, D]`.
//!   Evidence begun after `D` is ignored; evidence that ended before `committed_since` is context.
//! - **g.** Status precedence: CONTRADICTED, then PARTIAL, then IMPLEMENTED, then
//!   LAW_OR_POLICY_ONLY, then UNVERIFIED; NOT_COMMITTED when no commitment is valid.
//!   IMPLEMENTED needs a supporting assessment of practice (any evidence kind but LEGISLATION
//!   and POLICY); support from texts alone is LAW_OR_POLICY_ONLY.
//! - **g'.** The status carries the strength of what decided it: the highest confidence among
//!   the deciding assessments and the strongest attribution of their evidence.
//! - **h.** Every list of ids is sorted ascending, so answers are stable and diffable.
//!
//! Before all of these, a reader may narrow which findings count ([`Admissible`]: a minimum
//! confidence, the attribution statuses accepted); findings left out are not context either.

use chrono::NaiveDate;
use entity::{
    AttributionStatus, CommitmentAct, CommitmentModality, Confidence, EvidenceKind, Finding,
    PartialDate, PublicationStatus, Stance,
};
use std::collections::{HashMap, HashSet};

/// The version of the method below. Answers carry it so that a researcher can cite exactly which
/// rules produced a gap, and can tell when a later answer differs because the method changed
/// rather than the data.
pub const METHODOLOGY_VERSION: &str = "2.0";

/// Where a state stands on one provision at one date.
///
/// Declared from the most to the least serious, so that sorting a list of gaps puts the
/// contradictions first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapStatus {
    /// Committed, and at least one counting assessment finds practice that contradicts it.
    Contradicted,
    /// Committed, no outright contradiction, but practice partially contradicts it.
    Partial,
    /// Committed, no contradiction, and at least one counting assessment finds that what the
    /// state *did* supports it (a measure taken, a remedy applied, a body's finding of
    /// compliance).
    Implemented,
    /// Committed, no contradiction, and the only support found is a text the state adopted (a
    /// law, a decree, a policy, a published legal position): the commitment is written into
    /// its law or policy, but no practice is documented. OHCHR's indicator framework calls
    /// this a structural indicator, short of process and outcome.
    LawOrPolicyOnly,
    /// Committed, but no counting assessment either way. Not a clean bill of health: it means
    /// nobody has documented the practice yet.
    Unverified,
    /// No commitment is valid at the date. Evidence may still exist; it is returned as context.
    NotCommitted,
}

impl GapStatus {
    /// The upper-case name used in the API, exports and explanations.
    pub fn as_str(&self) -> &'static str {
        match self {
            GapStatus::Contradicted => "CONTRADICTED",
            GapStatus::Partial => "PARTIAL",
            GapStatus::Implemented => "IMPLEMENTED",
            GapStatus::LawOrPolicyOnly => "LAW_OR_POLICY_ONLY",
            GapStatus::Unverified => "UNVERIFIED",
            GapStatus::NotCommitted => "NOT_COMMITTED",
        }
    }
}

/// How strongly a state is bound, because a signature or an inherited membership is not a
/// ratification, and a gap built on one must say so instead of overstating the promise.
///
/// Declared strongest first: `min()` over a list of strengths gives the strongest. Between the
/// two weak ones, a signature (the state's own act) ranks above membership (inherited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strength {
    /// The state's own act of consent or endorsement (ratified, acceded, endorsed, voted for,
    /// joined a consensus, ...).
    Full,
    /// Signed but not (yet) ratified: under treaty law an obligation not to defeat the object
    /// and purpose, not to perform every provision.
    SignatureOnly,
    /// Attributed to the state because it belongs to a forum that adopted the text, not because
    /// of anything the state itself did.
    ByMembership,
}

impl Strength {
    /// The strength of one commitment. A signature is weak whatever the modality, because even
    /// an explicit signature is not consent to be bound; membership is weak because the state
    /// did not act; everything else (consensus included) is the state's own alignment.
    pub fn of(act: CommitmentAct, modality: CommitmentModality) -> Strength {
        if act == CommitmentAct::Signed {
            Strength::SignatureOnly
        } else if modality == CommitmentModality::ByMembership {
            Strength::ByMembership
        } else {
            Strength::Full
        }
    }

    /// Whether this is one of the weak strengths that explanations must flag.
    pub fn is_weak(&self) -> bool {
        *self != Strength::Full
    }

    /// The upper-case name used in the API, exports and explanations.
    pub fn as_str(&self) -> &'static str {
        match self {
            Strength::Full => "FULL",
            Strength::SignatureOnly => "SIGNATURE_ONLY",
            Strength::ByMembership => "BY_MEMBERSHIP",
        }
    }
}

/// One commitment of the state under evaluation, as the loader read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentFact {
    pub id: i32,
    pub instrument_id: i32,
    pub act: CommitmentAct,
    pub modality: CommitmentModality,
    /// `None` when the source gives no date (e.g. "supporter as of" lists): see rule d.
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    /// Provisions the state excluded by reservation; the commitment does not cover them.
    pub reserved_provisions: Vec<i32>,
    pub status: PublicationStatus,
}

/// One assessment of the state's practice against the provision under evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFact {
    pub id: i32,
    pub evidence_id: i32,
    pub finding: Finding,
    /// When the assessed practice began (the evidence's `occurredFrom`).
    pub occurred_from: PartialDate,
    /// When it ended; `None` for a single event (then it ends when it began).
    pub occurred_to: Option<PartialDate>,
    /// The assessment's own review status.
    pub status: PublicationStatus,
    /// The review status of the evidence it assesses: a retracted record of practice cannot
    /// support a finding, however the assessment itself stands.
    pub evidence_status: PublicationStatus,
    /// How confident the assessor is.
    pub confidence: Confidence,
    /// How firmly the evidence is attributed to the state.
    pub attribution: AttributionStatus,
    /// What the evidence is: practice, a text the state adopted (rule g: texts alone never make
    /// a gap IMPLEMENTED), or a competent body's finding.
    pub evidence_kind: EvidenceKind,
}

/// Which findings a reader lets decide a gap (rule a'): only assessments at least
/// `min_confidence` sure, about evidence whose attribution is one of `attribution`. The default
/// admits everything. A finding that is not admitted is left out entirely, before the status
/// is decided: a CONTRADICTED that rests only on LOW-confidence or CONTESTED evidence becomes
/// UNVERIFIED for a reader who asks for MEDIUM and SETTLED findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Admissible {
    pub min_confidence: Option<Confidence>,
    pub attribution: Option<Vec<AttributionStatus>>,
}

impl Admissible {
    /// A short text naming the filter, empty for the default (part of the ids of gaps and
    /// scorecards, whose answers depend on it).
    pub fn key(&self) -> String {
        if *self == Admissible::default() {
            return String::new();
        }
        let mut attribution: Vec<&str> = self
            .attribution
            .iter()
            .flatten()
            .map(AttributionStatus::as_str)
            .collect();
        attribution.sort_unstable();
        attribution.dedup();
        format!(
            "{}/{}",
            self.min_confidence.map_or("", |c| c.as_str()),
            attribution.join("+")
        )
    }

    /// Whether `a` may decide a gap under this filter.
    pub fn admits(&self, a: &AssessmentFact) -> bool {
        self.min_confidence.is_none_or(|min| a.confidence >= min)
            && self
                .attribution
                .as_ref()
                .is_none_or(|allowed| allowed.contains(&a.attribution))
    }
}

/// The answer for one state, one provision and one date, with the ids that justify it so the
/// caller can return the whole chain (commitments, assessments, evidence, sources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapOutcome {
    pub status: GapStatus,
    /// The earliest start of a valid dated commitment; `None` when not committed or when every
    /// valid commitment is undated (then `undated_commitment` is true).
    pub committed_since: Option<PartialDate>,
    /// The strongest of the valid commitments; `None` when not committed.
    pub strength: Option<Strength>,
    /// Ids of the commitments valid at `as_of` (dated and undated).
    pub commitments: Vec<i32>,
    /// Ids of counting assessments that find the practice CONTRADICTS the provision.
    pub contradicting: Vec<i32>,
    /// Ids of counting assessments that find it PARTIALLY_CONTRADICTS.
    pub partially_contradicting: Vec<i32>,
    /// Ids of counting assessments that find it SUPPORTS.
    pub supporting: Vec<i32>,
    /// Ids of published assessments that do not count but are worth showing: evidence that
    /// ended before `committed_since`, or all of it when the state is not committed.
    pub context: Vec<i32>,
    /// True when the state is committed only through undated commitments, so the explanation
    /// can say that the commitment date is unknown and older practice was counted.
    pub undated_commitment: bool,
    /// How strong the finding behind the status is: the highest confidence among the
    /// assessments that decide it (the contradicting ones for CONTRADICTED, and so on); `None`
    /// when no assessment decides the status (UNVERIFIED, NOT_COMMITTED).
    pub confidence: Option<Confidence>,
    /// The strongest attribution (ACKNOWLEDGED, then SETTLED, then CONTESTED) among the
    /// evidence of those assessments; `None` with `confidence`.
    pub attribution: Option<AttributionStatus>,
}

impl GapOutcome {
    /// Whether any commitment is valid at the date of the evaluation.
    pub fn is_committed(&self) -> bool {
        self.status != GapStatus::NotCommitted
    }
}

/// Rule a, for commitments: unreviewed and retracted commitments neither bind nor release.
fn commitment_counts(c: &CommitmentFact) -> bool {
    c.status == PublicationStatus::Published
}

/// Rule a, for assessments: the assessment and the evidence it rests on must both be published.
fn assessment_counts(a: &AssessmentFact) -> bool {
    a.status == PublicationStatus::Published && a.evidence_status == PublicationStatus::Published
}

/// Rule b: a commitment is to a whole instrument, minus the provisions it reserved.
fn covers(c: &CommitmentFact, provision_id: i32, provision_instrument_id: i32) -> bool {
    c.instrument_id == provision_instrument_id && !c.reserved_provisions.contains(&provision_id)
}

/// Rule c: a commitment has ended on its `valid_to` date (compared by the first day of that
/// period, so an end given as a year ends on 1 January of that year).
fn has_ended(c: &CommitmentFact, as_of: NaiveDate) -> bool {
    c.valid_to.is_some_and(|to| as_of >= to.date)
}

/// Rule c: whether a published, dated WITHDREW from `instrument_id` falls on or before `as_of`
/// and on or after `since` (the start of the commitment it would end).
///
/// A withdrawal on the very day of a commitment ends it: the only reason to record both on one
/// day is that the withdrawal came second. An undated commitment (`since` is `None`) cannot be
/// placed after a dated withdrawal, so any withdrawal by `as_of` ends it: we would rather miss a
/// commitment than hold a state to one it has left. An undated withdrawal cannot be placed in
/// time at all, so it ends nothing (the seed data dates every withdrawal).
fn withdrawn(
    commitments: &[CommitmentFact],
    instrument_id: i32,
    since: Option<NaiveDate>,
    as_of: NaiveDate,
) -> bool {
    commitments
        .iter()
        .filter(|w| {
            commitment_counts(w)
                && w.act == CommitmentAct::Withdrew
                && w.instrument_id == instrument_id
        })
        .filter_map(|w| w.valid_from)
        .any(|w| w.date <= as_of && since.is_none_or(|since| w.date >= since))
}

/// The last day of the evidence period: its end, or its start for a single event. The later of
/// the two is taken so that an end entered before the start cannot hide practice.
fn evidence_last_day(a: &AssessmentFact) -> NaiveDate {
    let start = a.occurred_from.last_day();
    a.occurred_to.map_or(start, |to| to.last_day()).max(start)
}

/// Files a counting assessment under its finding.
fn file_by_finding(out: &mut GapOutcome, a: &AssessmentFact) {
    match a.finding {
        Finding::Contradicts => out.contradicting.push(a.id),
        Finding::PartiallyContradicts => out.partially_contradicting.push(a.id),
        Finding::Supports => out.supporting.push(a.id),
    }
}

/// Rule g: whether any of the `supporting` assessments is of practice rather than of a text.
fn supported_by_practice(assessments: &[AssessmentFact], supporting: &[i32]) -> bool {
    assessments
        .iter()
        .any(|a| supporting.contains(&a.id) && !a.evidence_kind.is_text())
}

fn sorted(mut ids: Vec<i32>) -> Vec<i32> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Evaluates one state's gap on one provision at `as_of`.
///
/// `commitments` are all the state's commitments (any instrument, any status: the rules filter
/// them); `assessments` are all the state's assessments on this provision. See the module
/// documentation for the rules, applied here in order.
pub fn evaluate(
    provision_id: i32,
    provision_instrument_id: i32,
    commitments: &[CommitmentFact],
    assessments: &[AssessmentFact],
    as_of: NaiveDate,
) -> GapOutcome {
    // Rules a-d: which commitments hold at `as_of`, split by whether their start is known.
    let mut dated: Vec<&CommitmentFact> = Vec::new();
    let mut undated: Vec<&CommitmentFact> = Vec::new();
    for c in commitments.iter().filter(|c| {
        commitment_counts(c)
            && c.act != CommitmentAct::Withdrew
            && covers(c, provision_id, provision_instrument_id)
            && !has_ended(c, as_of)
    }) {
        match c.valid_from {
            Some(from) => {
                if from.date <= as_of
                    && !withdrawn(commitments, c.instrument_id, Some(from.date), as_of)
                {
                    dated.push(c);
                }
            }
            None => {
                if !withdrawn(commitments, c.instrument_id, None, as_of) {
                    undated.push(c);
                }
            }
        }
    }

    // Rule e: the earliest start among the valid dated commitments.
    let committed_since = dated.iter().filter_map(|c| c.valid_from).min();
    let committed = !dated.is_empty() || !undated.is_empty();

    let mut out = GapOutcome {
        status: GapStatus::NotCommitted,
        committed_since,
        strength: dated
            .iter()
            .chain(undated.iter())
            .map(|c| Strength::of(c.act, c.modality))
            .min(),
        commitments: dated.iter().chain(undated.iter()).map(|c| c.id).collect(),
        contradicting: Vec::new(),
        partially_contradicting: Vec::new(),
        supporting: Vec::new(),
        context: Vec::new(),
        undated_commitment: committed && committed_since.is_none(),
        confidence: None,
        attribution: None,
    };

    // Rule f: evidence that began after `as_of` did not exist yet at that date and is dropped;
    // the rest counts, or is context when it ended before the commitment began (or when there
    // is no commitment at all).
    for a in assessments
        .iter()
        .filter(|a| assessment_counts(a) && a.occurred_from.date <= as_of)
    {
        if !committed {
            out.context.push(a.id);
            continue;
        }
        match committed_since {
            Some(since) if evidence_last_day(a) < since.date => out.context.push(a.id),
            // Overlaps the commitment, or the commitment is undated (rule d): it counts.
            _ => file_by_finding(&mut out, a),
        }
    }

    // Rule g: the most serious counting finding decides.
    out.status = if !committed {
        GapStatus::NotCommitted
    } else if !out.contradicting.is_empty() {
        GapStatus::Contradicted
    } else if !out.partially_contradicting.is_empty() {
        GapStatus::Partial
    } else if supported_by_practice(assessments, &out.supporting) {
        GapStatus::Implemented
    } else if !out.supporting.is_empty() {
        GapStatus::LawOrPolicyOnly
    } else {
        GapStatus::Unverified
    };

    // Rule g': the strength of what decided it.
    let deciding: &[i32] = match out.status {
        GapStatus::Contradicted => &out.contradicting,
        GapStatus::Partial => &out.partially_contradicting,
        GapStatus::Implemented | GapStatus::LawOrPolicyOnly => &out.supporting,
        GapStatus::Unverified | GapStatus::NotCommitted => &[],
    };
    let decided_by = || assessments.iter().filter(|a| deciding.contains(&a.id));
    let confidence = decided_by().map(|a| a.confidence).max();
    // AttributionStatus is declared strongest first, so the strongest is the least.
    let attribution = decided_by().map(|a| a.attribution).min();
    out.confidence = confidence;
    out.attribution = attribution;

    // Rule h.
    out.commitments = sorted(out.commitments);
    out.contradicting = sorted(out.contradicting);
    out.partially_contradicting = sorted(out.partially_contradicting);
    out.supporting = sorted(out.supporting);
    out.context = sorted(out.context);
    out
}

/// Where a stance fact came from. Declared positions first, so that an inconsistency reads
/// "what the state said" against "what it signed up to".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StanceSource {
    /// A recorded position (vote, statement, sponsorship, national position, survey response).
    Position,
    /// A commitment, which the caller turns into a SUPPORTS stance on its instrument.
    Commitment,
}

/// A stance of the state under evaluation, from a position or a commitment. Ids are unique
/// within a `kind` only (positions and commitments are separate tables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanceFact {
    pub id: i32,
    pub kind: StanceSource,
    /// `None` for a commitment made outside any forum (e.g. lodged with a treaty depositary),
    /// which counts as a venue of its own.
    pub forum_id: Option<i32>,
    pub instrument_id: Option<i32>,
    pub provision_id: Option<i32>,
    pub stance: Stance,
    pub date: Option<PartialDate>,
}

/// Why two stances were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InconsistencyReason {
    /// Both are about the same provision or instrument (or one about a provision of the other's
    /// instrument).
    SameSubject,
    /// They are about different provisions that the crosswalk links as EQUIVALENT or REAFFIRMS,
    /// and no position among them is on a whole text.
    LinkedProvisions,
    /// As [`Self::LinkedProvisions`], but one side (or both) is a position on a whole text (a
    /// vote or sponsorship naming no provision), so the crosswalk is the only thing tying it to
    /// the other stance. A no vote on a resolution is usually about other parts of it (the
    /// process it sets up, its sponsor), not about each norm it restates, so this is a much
    /// weaker signal and is not reported by default.
    WholeTextLink,
}

impl InconsistencyReason {
    /// The reasons reported when the caller does not ask for others. [`Self::WholeTextLink`] is
    /// left out: reading a vote on a package as a vote on each paragraph it reaffirms would
    /// overclaim.
    pub const REPORTED_BY_DEFAULT: [Self; 2] = [Self::SameSubject, Self::LinkedProvisions];
}

/// Two opposite stances of one state on one subject, taken in different forums or instruments.
/// `a` sorts before `b` (positions before commitments, then by id).
#[derive(Debug, Clone, PartialEq)]
pub struct Inconsistency {
    pub a: StanceFact,
    pub b: StanceFact,
    pub reason: InconsistencyReason,
}

/// Only a clear SUPPORTS against a clear OPPOSES is a contradiction: abstaining or qualifying is
/// a hedge, not a reversal, and flagging it would punish nuance.
fn opposite(a: Stance, b: Stance) -> bool {
    matches!(
        (a, b),
        (Stance::Supports, Stance::Opposes) | (Stance::Opposes, Stance::Supports)
    )
}

/// The instrument a fact is about: its own, or its provision's.
fn instrument_of(f: &StanceFact, provision_instrument: &HashMap<i32, i32>) -> Option<i32> {
    f.instrument_id.or_else(|| {
        f.provision_id
            .and_then(|p| provision_instrument.get(&p).copied())
    })
}

/// Whether `p` (a provision-level fact) is a provision of the instrument an instrument-level
/// fact `f` is about.
fn provision_in(p: i32, f: &StanceFact, provision_instrument: &HashMap<i32, i32>) -> bool {
    f.provision_id.is_none()
        && f.instrument_id.is_some()
        && provision_instrument.get(&p).copied() == f.instrument_id
}

fn same_subject(a: &StanceFact, b: &StanceFact, provision_instrument: &HashMap<i32, i32>) -> bool {
    match (a.provision_id, b.provision_id) {
        (Some(pa), Some(pb)) => pa == pb,
        (None, None) => a.instrument_id.is_some() && a.instrument_id == b.instrument_id,
        (Some(pa), None) => provision_in(pa, b, provision_instrument),
        (None, Some(pb)) => provision_in(pb, a, provision_instrument),
    }
}

/// The provisions a fact speaks to: its own provision, or every provision of its instrument
/// (a commitment to an instrument is a commitment to each of its provisions).
fn provisions_of(f: &StanceFact, by_instrument: &HashMap<i32, Vec<i32>>) -> Vec<i32> {
    match (f.provision_id, f.instrument_id) {
        (Some(p), _) => vec![p],
        (None, Some(i)) => by_instrument.get(&i).cloned().unwrap_or_default(),
        (None, None) => Vec::new(),
    }
}

/// Whether `f` is a position on a whole text: a vote, sponsorship or statement about an
/// instrument that names none of its provisions. A commitment is not one: taking on a text
/// commits the state to each of its provisions (the gap rules read it the same way), while a
/// vote on a text records the state's view of the package, not of each paragraph in it.
fn whole_text_position(f: &StanceFact) -> bool {
    f.kind == StanceSource::Position && f.provision_id.is_none()
}

/// The EQUIVALENT and REAFFIRMS crosswalk, ready to ask whether two stances are linked.
struct Crosswalk {
    /// Linked provision pairs, each as `(smaller id, larger id)`.
    linked: HashSet<(i32, i32)>,
    by_instrument: HashMap<i32, Vec<i32>>,
}

impl Crosswalk {
    fn new(equivalent: &[(i32, i32)], provision_instrument: &HashMap<i32, i32>) -> Self {
        let linked = equivalent
            .iter()
            .map(|&(x, y)| (x.min(y), x.max(y)))
            .collect();
        let mut by_instrument: HashMap<i32, Vec<i32>> = HashMap::new();
        for (&provision, &instrument) in provision_instrument {
            by_instrument.entry(instrument).or_default().push(provision);
        }
        Crosswalk {
            linked,
            by_instrument,
        }
    }

    /// Whether a provision `a` speaks to is linked to one that `b` speaks to.
    fn links(&self, a: &StanceFact, b: &StanceFact) -> bool {
        let bs = provisions_of(b, &self.by_instrument);
        provisions_of(a, &self.by_instrument).iter().any(|&pa| {
            bs.iter()
                .any(|&pb| self.linked.contains(&(pa.min(pb), pa.max(pb))))
        })
    }
}

/// Why `a` and `b` (already known to be opposite) are an inconsistency, if they are one.
fn reason_for(
    a: &StanceFact,
    b: &StanceFact,
    crosswalk: &Crosswalk,
    provision_instrument: &HashMap<i32, i32>,
) -> Option<InconsistencyReason> {
    let different_venue = a.forum_id != b.forum_id
        || instrument_of(a, provision_instrument) != instrument_of(b, provision_instrument);
    if !different_venue {
        None
    } else if same_subject(a, b, provision_instrument) {
        Some(InconsistencyReason::SameSubject)
    } else if !crosswalk.links(a, b) {
        None
    } else if whole_text_position(a) || whole_text_position(b) {
        Some(InconsistencyReason::WholeTextLink)
    } else {
        Some(InconsistencyReason::LinkedProvisions)
    }
}

/// Finds the pairs of the state's stances that contradict each other across forums.
///
/// A pair is inconsistent when one SUPPORTS and the other OPPOSES, they were taken in different
/// forums or concern different instruments (the same forum voting twice on the same text is a
/// change of mind, not an inconsistency), and they are about the same subject or about
/// provisions linked in `equivalent`. An instrument-level fact speaks to every provision of its
/// instrument, so `provision_instrument` must map every provision of the instruments involved.
/// A linked pair with a position on a whole text on either side is reported as
/// [`InconsistencyReason::WholeTextLink`], for the caller to leave out unless asked.
///
/// `equivalent` holds provision id pairs linked EQUIVALENT or REAFFIRMS, in either direction.
/// Each unordered pair is reported once, ordered by `(a, b)` with positions before commitments
/// and then by id; a pair that is both the same subject and linked is reported as the same
/// subject. Dates are not compared: a reversal over time is still worth a look, and `date` is
/// carried so the reader can see it.
pub fn inconsistencies(
    facts: &[StanceFact],
    equivalent: &[(i32, i32)],
    provision_instrument: &HashMap<i32, i32>,
) -> Vec<Inconsistency> {
    let crosswalk = Crosswalk::new(equivalent, provision_instrument);
    let mut ordered: Vec<&StanceFact> = facts.iter().collect();
    ordered.sort_by_key(|f| (f.kind, f.id));
    ordered.dedup_by_key(|f| (f.kind, f.id));

    let mut out = Vec::new();
    for (i, a) in ordered.iter().enumerate() {
        for b in ordered.iter().skip(i + 1) {
            if !opposite(a.stance, b.stance) {
                continue;
            }
            if let Some(reason) = reason_for(a, b, &crosswalk, provision_instrument) {
                out.push(Inconsistency {
                    a: (*a).clone(),
                    b: (*b).clone(),
                    reason,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::CommitmentAct::*;
    use entity::CommitmentModality::{ByMembership, Consensus, Explicit};
    use entity::Finding::{Contradicts, PartiallyContradicts, Supports};
    use entity::PublicationStatus::{Draft, Published, Retracted};

    /// The provision under evaluation and its instrument.
    const P: i32 = 100;
    const I: i32 = 10;
    /// Another provision of the same instrument, and another instrument.
    const P2: i32 = 101;
    const OTHER_I: i32 = 20;

    fn pd(s: &str) -> PartialDate {
        s.parse().expect("test date")
    }

    fn day(s: &str) -> NaiveDate {
        pd(s).date
    }

    fn commitment(id: i32, act: CommitmentAct, from: Option<&str>) -> CommitmentFact {
        CommitmentFact {
            id,
            instrument_id: I,
            act,
            modality: Explicit,
            valid_from: from.map(pd),
            valid_to: None,
            reserved_provisions: Vec::new(),
            status: Published,
        }
    }

    fn assessment(id: i32, finding: Finding, from: &str, to: Option<&str>) -> AssessmentFact {
        AssessmentFact {
            id,
            evidence_id: id * 10,
            finding,
            occurred_from: pd(from),
            occurred_to: to.map(pd),
            status: Published,
            evidence_status: Published,
            confidence: Confidence::Medium,
            attribution: AttributionStatus::Settled,
            evidence_kind: EvidenceKind::Surveillance,
        }
    }

    /// An assessment of evidence of `kind`.
    fn of_kind(id: i32, finding: Finding, kind: EvidenceKind) -> AssessmentFact {
        AssessmentFact {
            evidence_kind: kind,
            ..assessment(id, finding, "2020-01-01", None)
        }
    }

    // Rule g (method 2.0): IMPLEMENTED needs practice; a text adopted is not practice.

    #[test]
    fn support_from_a_law_or_a_policy_alone_is_not_implemented() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        for kind in [EvidenceKind::Legislation, EvidenceKind::Policy] {
            let as_ = [of_kind(1, Supports, kind)];
            let out = eval(&cs, &as_, "2024-01-01");
            assert_eq!(out.status, GapStatus::LawOrPolicyOnly, "{kind}");
            assert_eq!(out.supporting, vec![1]);
            assert_eq!(
                out.confidence,
                Some(Confidence::Medium),
                "it carries its strength"
            );
        }
    }

    #[test]
    fn practice_or_a_body_s_finding_of_compliance_makes_it_implemented() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        for kind in [
            EvidenceKind::ImplementationMeasure,
            EvidenceKind::CourtJudgment,
            EvidenceKind::TreatyBodyFinding,
        ] {
            let as_ = [
                of_kind(1, Supports, EvidenceKind::Legislation),
                of_kind(2, Supports, kind),
            ];
            let out = eval(&cs, &as_, "2024-01-01");
            assert_eq!(out.status, GapStatus::Implemented, "{kind}");
            assert_eq!(out.supporting, vec![1, 2], "both are listed");
        }
    }

    #[test]
    fn a_law_never_outweighs_a_contradiction() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let as_ = [
            of_kind(1, Supports, EvidenceKind::Legislation),
            of_kind(2, PartiallyContradicts, EvidenceKind::TreatyBodyFinding),
        ];
        assert_eq!(eval(&cs, &as_, "2024-01-01").status, GapStatus::Partial);
    }

    #[test]
    fn a_law_outside_the_commitment_window_is_context_not_support() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let as_ = [AssessmentFact {
            evidence_kind: EvidenceKind::Legislation,
            ..assessment(1, Supports, "2010-01-01", None)
        }];
        let out = eval(&cs, &as_, "2024-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.context, vec![1]);
    }

    fn eval(cs: &[CommitmentFact], as_: &[AssessmentFact], as_of: &str) -> GapOutcome {
        evaluate(P, I, cs, as_, day(as_of))
    }

    // Rules a' and g': what may decide, and how strong the decision is.

    fn graded(
        id: i32,
        finding: Finding,
        confidence: Confidence,
        attribution: AttributionStatus,
    ) -> AssessmentFact {
        AssessmentFact {
            confidence,
            attribution,
            ..assessment(id, finding, "2020-01-01", None)
        }
    }

    #[test]
    fn a_status_carries_the_strongest_finding_that_decides_it() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let as_ = [
            graded(
                1,
                Contradicts,
                Confidence::Low,
                AttributionStatus::Contested,
            ),
            graded(2, Contradicts, Confidence::High, AttributionStatus::Settled),
            // Supporting evidence does not decide a CONTRADICTED gap.
            graded(
                3,
                Supports,
                Confidence::High,
                AttributionStatus::Acknowledged,
            ),
        ];
        let out = eval(&cs, &as_, "2024-01-01");
        assert_eq!(out.status, GapStatus::Contradicted);
        assert_eq!(out.confidence, Some(Confidence::High));
        assert_eq!(out.attribution, Some(AttributionStatus::Settled));
        let none = eval(&cs, &[], "2024-01-01");
        assert_eq!((none.confidence, none.attribution), (None, None));
    }

    #[test]
    fn a_contradiction_resting_on_weak_contested_evidence_is_unverified_for_a_stricter_reader() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let weak = [graded(
            1,
            Contradicts,
            Confidence::Low,
            AttributionStatus::Contested,
        )];
        let strict = Admissible {
            min_confidence: Some(Confidence::Medium),
            attribution: Some(vec![
                AttributionStatus::Acknowledged,
                AttributionStatus::Settled,
            ]),
        };
        let admitted: Vec<AssessmentFact> =
            weak.iter().filter(|a| strict.admits(a)).cloned().collect();
        assert_eq!(
            eval(&cs, &weak, "2024-01-01").status,
            GapStatus::Contradicted
        );
        assert_eq!(
            eval(&cs, &admitted, "2024-01-01").status,
            GapStatus::Unverified
        );
        // Either condition alone is enough to leave a finding out.
        let only_confidence = Admissible {
            min_confidence: Some(Confidence::High),
            attribution: None,
        };
        let medium_settled = graded(
            2,
            Contradicts,
            Confidence::Medium,
            AttributionStatus::Settled,
        );
        assert!(!only_confidence.admits(&medium_settled));
        assert!(strict.admits(&medium_settled));
        assert!(Admissible::default().admits(&weak[0]));
    }

    // Rule c: windows.

    #[test]
    fn before_a_ratification_takes_effect_the_state_is_not_committed() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let out = eval(&cs, &[], "2016-04-30");
        assert_eq!(out.status, GapStatus::NotCommitted);
        assert_eq!(out.committed_since, None);
        assert_eq!(out.strength, None);
        assert!(out.commitments.is_empty());
        assert!(!out.is_committed());
    }

    #[test]
    fn a_commitment_is_valid_from_its_valid_from_day() {
        let cs = [commitment(1, Ratified, Some("2016-05-01"))];
        let out = eval(&cs, &[], "2016-05-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.committed_since, Some(pd("2016-05-01")));
        assert_eq!(out.strength, Some(Strength::Full));
        assert_eq!(out.commitments, vec![1]);
        assert!(!out.undated_commitment);
    }

    #[test]
    fn a_commitment_ends_on_its_valid_to_date() {
        let mut c = commitment(1, Ratified, Some("2010-01-01"));
        c.valid_to = Some(pd("2020-06-01"));
        let cs = [c];
        assert_eq!(eval(&cs, &[], "2020-05-31").status, GapStatus::Unverified);
        assert_eq!(eval(&cs, &[], "2020-06-01").status, GapStatus::NotCommitted);
    }

    #[test]
    fn an_as_of_in_the_past_judges_the_state_by_what_it_had_committed_to_then() {
        let cs = [commitment(1, Ratified, Some("2018-01-01"))];
        let as_ = [assessment(1, Contradicts, "2015-03-01", None)];
        let then = eval(&cs, &as_, "2017-01-01");
        assert_eq!(then.status, GapStatus::NotCommitted);
        assert_eq!(then.context, vec![1]);
        assert!(then.contradicting.is_empty());
    }

    // Rule c: withdrawal and re-commitment.

    #[test]
    fn a_withdrawal_ends_the_commitment() {
        let cs = [
            commitment(1, Ratified, Some("2010-01-01")),
            commitment(2, Withdrew, Some("2015-01-01")),
        ];
        assert_eq!(eval(&cs, &[], "2014-12-31").status, GapStatus::Unverified);
        let after = eval(&cs, &[], "2015-01-01");
        assert_eq!(after.status, GapStatus::NotCommitted);
        assert!(after.commitments.is_empty());
    }

    #[test]
    fn a_withdrawal_on_the_day_of_the_commitment_ends_it() {
        let cs = [
            commitment(1, Ratified, Some("2015-01-01")),
            commitment(2, Withdrew, Some("2015-01-01")),
        ];
        assert_eq!(eval(&cs, &[], "2016-01-01").status, GapStatus::NotCommitted);
    }

    #[test]
    fn a_re_commitment_after_a_withdrawal_starts_a_new_validity() {
        let cs = [
            commitment(1, Ratified, Some("2010-01-01")),
            commitment(2, Withdrew, Some("2015-01-01")),
            commitment(3, Acceded, Some("2018-01-01")),
        ];
        let as_ = [
            assessment(1, Contradicts, "2012-01-01", None),
            assessment(2, Contradicts, "2016-01-01", None),
            assessment(3, Supports, "2019-01-01", None),
        ];
        assert_eq!(
            eval(&cs, &as_, "2016-06-01").status,
            GapStatus::NotCommitted
        );
        let out = eval(&cs, &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::Implemented);
        assert_eq!(out.commitments, vec![3]);
        assert_eq!(out.committed_since, Some(pd("2018-01-01")));
        assert_eq!(out.supporting, vec![3]);
        // Practice from the first period, and from the gap between, is context only.
        assert_eq!(out.context, vec![1, 2]);
    }

    #[test]
    fn a_withdrawal_from_another_instrument_does_not_end_the_commitment() {
        let mut w = commitment(2, Withdrew, Some("2015-01-01"));
        w.instrument_id = OTHER_I;
        let cs = [commitment(1, Ratified, Some("2010-01-01")), w];
        assert_eq!(eval(&cs, &[], "2020-01-01").status, GapStatus::Unverified);
    }

    #[test]
    fn a_withdrawal_is_never_itself_a_commitment() {
        let cs = [commitment(2, Withdrew, Some("2015-01-01"))];
        assert_eq!(eval(&cs, &[], "2020-01-01").status, GapStatus::NotCommitted);
    }

    // Rule b: coverage and reservations.

    #[test]
    fn a_reservation_excludes_its_provision_but_not_others_of_the_same_instrument() {
        let mut c = commitment(1, Ratified, Some("2010-01-01"));
        c.reserved_provisions = vec![P];
        let cs = [c];
        let reserved = evaluate(P, I, &cs, &[], day("2020-01-01"));
        assert_eq!(reserved.status, GapStatus::NotCommitted);
        let other = evaluate(P2, I, &cs, &[], day("2020-01-01"));
        assert_eq!(other.status, GapStatus::Unverified);
        assert_eq!(other.commitments, vec![1]);
    }

    #[test]
    fn a_commitment_to_another_instrument_does_not_cover_the_provision() {
        let mut c = commitment(1, Ratified, Some("2010-01-01"));
        c.instrument_id = OTHER_I;
        assert_eq!(
            eval(&[c], &[], "2020-01-01").status,
            GapStatus::NotCommitted
        );
    }

    // Strength.

    #[test]
    fn a_signature_alone_is_a_signature_only_commitment() {
        let cs = [commitment(1, Signed, Some("2010-01-01"))];
        let out = eval(&cs, &[], "2020-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.strength, Some(Strength::SignatureOnly));
        assert!(Strength::SignatureOnly.is_weak());
    }

    #[test]
    fn a_commitment_by_membership_is_a_weak_commitment() {
        let mut c = commitment(1, AdoptedByConsensus, Some("2015-07-22"));
        c.modality = ByMembership;
        let out = eval(&[c], &[], "2020-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.strength, Some(Strength::ByMembership));
    }

    #[test]
    fn strength_follows_the_act_first_and_then_the_modality() {
        assert_eq!(Strength::of(Signed, ByMembership), Strength::SignatureOnly);
        assert_eq!(Strength::of(Joined, ByMembership), Strength::ByMembership);
        assert_eq!(Strength::of(AdoptedByConsensus, Consensus), Strength::Full);
        assert_eq!(Strength::of(Ratified, Explicit), Strength::Full);
        assert!(!Strength::Full.is_weak());
    }

    #[test]
    fn a_full_commitment_beats_a_weak_one_and_the_earliest_start_is_committed_since() {
        let cs = [
            commitment(1, Signed, Some("2001-11-23")),
            commitment(2, Ratified, Some("2004-07-01")),
        ];
        let out = eval(&cs, &[], "2020-01-01");
        assert_eq!(out.strength, Some(Strength::Full));
        assert_eq!(out.committed_since, Some(pd("2001-11-23")));
        assert_eq!(out.commitments, vec![1, 2]);
        // Between the weak ones, the state's own signature ranks above membership.
        let mut m = commitment(3, Joined, Some("2001-01-01"));
        m.modality = ByMembership;
        let weak = eval(
            &[m, commitment(1, Signed, Some("2001-11-23"))],
            &[],
            "2020-01-01",
        );
        assert_eq!(weak.strength, Some(Strength::SignatureOnly));
    }

    // Rule f: which evidence counts.

    #[test]
    fn evidence_that_ended_before_the_commitment_is_context() {
        let cs = [commitment(1, Ratified, Some("2016-01-01"))];
        let as_ = [
            assessment(1, Contradicts, "2012-01-01", Some("2015-12-31")),
            assessment(2, Contradicts, "2014-06-01", None),
        ];
        let out = eval(&cs, &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert!(out.contradicting.is_empty());
        assert_eq!(out.context, vec![1, 2]);
    }

    #[test]
    fn ongoing_evidence_that_began_before_and_continued_after_the_commitment_counts() {
        let cs = [commitment(1, Ratified, Some("2016-01-01"))];
        let as_ = [assessment(1, Contradicts, "2012-01-01", Some("2018-01-01"))];
        let out = eval(&cs, &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::Contradicted);
        assert_eq!(out.contradicting, vec![1]);
        assert!(out.context.is_empty());
    }

    #[test]
    fn evidence_that_began_after_as_of_is_ignored_entirely() {
        let cs = [commitment(1, Ratified, Some("2016-01-01"))];
        let as_ = [assessment(1, Contradicts, "2021-01-01", None)];
        let out = eval(&cs, &as_, "2020-12-31");
        assert_eq!(out.status, GapStatus::Unverified);
        assert!(out.contradicting.is_empty());
        assert!(out.context.is_empty());
        // The same evidence is ignored when the state is not committed either.
        let none = eval(&[], &as_, "2020-12-31");
        assert!(none.context.is_empty());
    }

    #[test]
    fn evidence_dated_to_a_year_counts_until_the_last_day_of_that_year() {
        let cs = [commitment(1, Ratified, Some("2015-07-01"))];
        let as_ = [assessment(1, PartiallyContradicts, "2015", None)];
        let out = eval(&cs, &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::Partial);
        assert_eq!(out.partially_contradicting, vec![1]);
    }

    // Rule g: status precedence.

    #[test]
    fn contradicts_beats_partially_contradicts_beats_supports() {
        let cs = [commitment(1, Ratified, Some("2010-01-01"))];
        let c = assessment(1, Contradicts, "2016-01-01", None);
        let p = assessment(2, PartiallyContradicts, "2016-01-01", None);
        let s = assessment(3, Supports, "2016-01-01", None);
        let all = eval(&cs, &[s.clone(), p.clone(), c.clone()], "2020-01-01");
        assert_eq!(all.status, GapStatus::Contradicted);
        assert_eq!(all.contradicting, vec![1]);
        assert_eq!(all.partially_contradicting, vec![2]);
        assert_eq!(all.supporting, vec![3]);
        let partial = eval(&cs, &[s.clone(), p], "2020-01-01");
        assert_eq!(partial.status, GapStatus::Partial);
        let supported = eval(&cs, &[s], "2020-01-01");
        assert_eq!(supported.status, GapStatus::Implemented);
    }

    #[test]
    fn a_commitment_without_counting_evidence_is_unverified() {
        let cs = [commitment(1, Ratified, Some("2010-01-01"))];
        assert_eq!(eval(&cs, &[], "2020-01-01").status, GapStatus::Unverified);
    }

    #[test]
    fn without_a_commitment_every_published_assessment_begun_by_as_of_is_context() {
        let as_ = [
            assessment(2, Contradicts, "2012-01-01", None),
            assessment(1, Supports, "2019-01-01", Some("2025-01-01")),
        ];
        let out = eval(&[], &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::NotCommitted);
        assert_eq!(out.context, vec![1, 2]);
        assert!(out.contradicting.is_empty() && out.supporting.is_empty());
        assert_eq!(out.strength, None);
    }

    // Rule a: publication status.

    #[test]
    fn draft_and_retracted_assessments_are_ignored() {
        let cs = [commitment(1, Ratified, Some("2010-01-01"))];
        let mut draft = assessment(1, Contradicts, "2016-01-01", None);
        draft.status = Draft;
        let mut retracted = assessment(2, PartiallyContradicts, "2016-01-01", None);
        retracted.status = Retracted;
        let mut old_draft = assessment(3, Contradicts, "2001-01-01", None);
        old_draft.status = Draft;
        let out = eval(&cs, &[draft, retracted, old_draft], "2020-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert!(out.contradicting.is_empty() && out.partially_contradicting.is_empty());
        assert!(out.context.is_empty());
    }

    #[test]
    fn assessments_of_retracted_or_draft_evidence_are_ignored() {
        let cs = [commitment(1, Ratified, Some("2010-01-01"))];
        let mut retracted = assessment(1, Contradicts, "2016-01-01", None);
        retracted.evidence_status = Retracted;
        let mut draft = assessment(2, Contradicts, "2016-01-01", None);
        draft.evidence_status = Draft;
        let out = eval(&cs, &[retracted, draft], "2020-01-01");
        assert_eq!(out.status, GapStatus::Unverified);
        assert!(out.contradicting.is_empty() && out.context.is_empty());
    }

    #[test]
    fn draft_and_retracted_commitments_are_ignored() {
        let mut draft = commitment(1, Ratified, Some("2010-01-01"));
        draft.status = Draft;
        let mut retracted = commitment(2, Ratified, Some("2010-01-01"));
        retracted.status = Retracted;
        let out = eval(&[draft, retracted], &[], "2020-01-01");
        assert_eq!(out.status, GapStatus::NotCommitted);
        assert!(out.commitments.is_empty());
    }

    #[test]
    fn a_draft_or_retracted_withdrawal_ends_nothing() {
        let mut draft = commitment(2, Withdrew, Some("2015-01-01"));
        draft.status = Draft;
        let mut retracted = commitment(3, Withdrew, Some("2016-01-01"));
        retracted.status = Retracted;
        let cs = [
            commitment(1, Ratified, Some("2010-01-01")),
            draft,
            retracted,
        ];
        assert_eq!(eval(&cs, &[], "2020-01-01").status, GapStatus::Unverified);
    }

    // Rule d: undated commitments.

    #[test]
    fn an_undated_commitment_commits_and_counts_all_evidence_begun_by_as_of() {
        let c = commitment(1, Endorsed, None);
        let as_ = [
            assessment(1, Contradicts, "1999-01-01", None),
            assessment(2, Supports, "2019-01-01", None),
            assessment(3, Contradicts, "2021-01-01", None),
        ];
        let out = eval(&[c], &as_, "2020-01-01");
        assert_eq!(out.status, GapStatus::Contradicted);
        assert!(out.undated_commitment);
        assert_eq!(out.committed_since, None);
        assert_eq!(out.strength, Some(Strength::Full));
        assert_eq!(out.commitments, vec![1]);
        assert_eq!(out.contradicting, vec![1]);
        assert_eq!(out.supporting, vec![2]);
        assert!(out.context.is_empty());
    }

    #[test]
    fn a_dated_commitment_decides_committed_since_over_an_undated_one() {
        let cs = [
            commitment(1, Endorsed, None),
            commitment(2, Ratified, Some("2016-01-01")),
        ];
        let as_ = [assessment(1, Contradicts, "2012-01-01", None)];
        let out = eval(&cs, &as_, "2020-01-01");
        assert!(!out.undated_commitment);
        assert_eq!(out.committed_since, Some(pd("2016-01-01")));
        assert_eq!(out.commitments, vec![1, 2]);
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.context, vec![1]);
    }

    #[test]
    fn an_undated_commitment_still_ends_at_a_dated_withdrawal_or_its_valid_to() {
        let cs = [
            commitment(1, Endorsed, None),
            commitment(2, Withdrew, Some("2015-01-01")),
        ];
        assert_eq!(eval(&cs, &[], "2014-01-01").status, GapStatus::Unverified);
        assert_eq!(eval(&cs, &[], "2016-01-01").status, GapStatus::NotCommitted);
        let mut ended = commitment(3, Endorsed, None);
        ended.valid_to = Some(pd("2018"));
        assert_eq!(
            eval(&[ended], &[], "2019-01-01").status,
            GapStatus::NotCommitted
        );
    }

    #[test]
    fn an_undated_withdrawal_ends_nothing() {
        let cs = [
            commitment(1, Ratified, Some("2010-01-01")),
            commitment(2, Withdrew, None),
        ];
        assert_eq!(eval(&cs, &[], "2020-01-01").status, GapStatus::Unverified);
    }

    // Date precision.

    #[test]
    fn a_year_precision_valid_from_counts_from_the_first_day_of_the_year() {
        let cs = [commitment(1, Ratified, Some("2016"))];
        let as_ = [assessment(1, Contradicts, "2016-02-10", None)];
        let out = eval(&cs, &as_, "2016-01-01");
        // On 1 January 2016 the commitment holds but the evidence has not begun.
        assert_eq!(out.status, GapStatus::Unverified);
        assert_eq!(out.committed_since, Some(pd("2016")));
        assert_eq!(eval(&cs, &[], "2015-12-31").status, GapStatus::NotCommitted);
        let later = eval(&cs, &as_, "2016-03-01");
        assert_eq!(later.status, GapStatus::Contradicted);
    }

    // Rule h.

    #[test]
    fn output_lists_are_sorted_by_id() {
        let cs = [
            commitment(7, Ratified, Some("2010-01-01")),
            commitment(3, Signed, Some("2009-01-01")),
        ];
        let as_ = [
            assessment(9, Contradicts, "2016-01-01", None),
            assessment(4, Contradicts, "2017-01-01", None),
            assessment(8, Supports, "2001-01-01", None),
            assessment(2, Supports, "2002-01-01", None),
        ];
        let out = eval(&cs, &as_, "2020-01-01");
        assert_eq!(out.commitments, vec![3, 7]);
        assert_eq!(out.contradicting, vec![4, 9]);
        assert_eq!(out.context, vec![2, 8]);
    }

    // Inconsistencies.

    const UNGA: i32 = 1;
    const HRC: i32 = 2;

    fn position(id: i32, forum: i32, provision: Option<i32>, stance: Stance) -> StanceFact {
        StanceFact {
            id,
            kind: StanceSource::Position,
            forum_id: Some(forum),
            instrument_id: None,
            provision_id: provision,
            stance,
            date: None,
        }
    }

    fn committed_to(id: i32, forum: Option<i32>, instrument: i32) -> StanceFact {
        StanceFact {
            id,
            kind: StanceSource::Commitment,
            forum_id: forum,
            instrument_id: Some(instrument),
            provision_id: None,
            stance: Stance::Supports,
            date: None,
        }
    }

    /// P and P2 are provisions of I; 200 and 201 of OTHER_I.
    fn provision_instrument() -> HashMap<i32, i32> {
        HashMap::from([(P, I), (P2, I), (200, OTHER_I), (201, OTHER_I)])
    }

    #[test]
    fn opposite_stances_on_the_same_provision_in_two_forums_are_inconsistent() {
        let facts = [
            position(1, UNGA, Some(P), Stance::Supports),
            position(2, HRC, Some(P), Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].a.id, 1);
        assert_eq!(found[0].b.id, 2);
        assert_eq!(found[0].reason, InconsistencyReason::SameSubject);
    }

    #[test]
    fn a_commitment_and_an_opposing_vote_in_another_forum_are_inconsistent() {
        let facts = [
            committed_to(1, None, I),
            position(5, UNGA, Some(P2), Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[], &provision_instrument());
        assert_eq!(found.len(), 1);
        // Positions come before commitments whatever their ids.
        assert_eq!(found[0].a.kind, StanceSource::Position);
        assert_eq!(found[0].b.kind, StanceSource::Commitment);
        assert_eq!(found[0].reason, InconsistencyReason::SameSubject);
    }

    #[test]
    fn opposing_an_instrument_in_one_forum_and_committing_to_it_in_another_is_inconsistent() {
        let mut vote = position(5, UNGA, None, Stance::Opposes);
        vote.instrument_id = Some(I);
        let facts = [vote, committed_to(1, Some(HRC), I)];
        let found = inconsistencies(&facts, &[], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::SameSubject);
    }

    #[test]
    fn opposite_stances_on_provisions_linked_as_equivalent_are_inconsistent() {
        let facts = [
            position(1, UNGA, Some(P), Stance::Supports),
            position(2, UNGA, Some(201), Stance::Opposes),
        ];
        // Given in the other direction: links count either way.
        let found = inconsistencies(&facts, &[(201, P)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::LinkedProvisions);
        // Without the link they are about different things.
        assert!(inconsistencies(&facts, &[], &provision_instrument()).is_empty());
    }

    #[test]
    fn a_commitment_to_an_instrument_is_inconsistent_with_opposing_a_provision_linked_to_it() {
        let facts = [
            committed_to(1, Some(UNGA), I),
            position(2, UNGA, Some(200), Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[(P2, 200)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::LinkedProvisions);
    }

    /// A vote on the whole of instrument `instrument` (no provision named).
    fn vote_on(id: i32, forum: i32, instrument: i32, stance: Stance) -> StanceFact {
        let mut vote = position(id, forum, None, stance);
        vote.instrument_id = Some(instrument);
        vote
    }

    #[test]
    fn a_whole_text_no_vote_linked_only_through_a_reaffirming_provision_is_a_whole_text_link() {
        // The shape of a no vote on A/RES/77/37 against a GGE 2015 commitment: 200 (a paragraph
        // of OTHER_I) reaffirms P, and the vote names no paragraph.
        let facts = [
            vote_on(5, UNGA, OTHER_I, Stance::Opposes),
            committed_to(1, Some(HRC), I),
        ];
        let found = inconsistencies(&facts, &[(200, P)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::WholeTextLink);
        assert!(!InconsistencyReason::REPORTED_BY_DEFAULT.contains(&found[0].reason));
    }

    #[test]
    fn a_provision_level_no_against_a_reaffirmed_provision_is_still_linked_provisions() {
        let facts = [
            position(5, UNGA, Some(200), Stance::Opposes),
            committed_to(1, Some(HRC), I),
        ];
        let found = inconsistencies(&facts, &[(200, P)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::LinkedProvisions);
        assert!(InconsistencyReason::REPORTED_BY_DEFAULT.contains(&found[0].reason));
    }

    #[test]
    fn a_whole_text_no_vote_on_a_text_the_state_committed_to_is_still_the_same_subject() {
        // The link does not demote it: the vote and the commitment are about the same text.
        let facts = [
            vote_on(5, UNGA, I, Stance::Opposes),
            committed_to(1, Some(HRC), I),
        ];
        let found = inconsistencies(&facts, &[(P, 200), (P2, P)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::SameSubject);
    }

    #[test]
    fn two_whole_text_votes_linked_through_equivalent_paragraphs_are_a_whole_text_link() {
        // A yes on one resolution and a no on a rival one that share a paragraph: the votes are
        // about the packages, not about the shared paragraph.
        let facts = [
            vote_on(1, UNGA, I, Stance::Supports),
            vote_on(2, UNGA, OTHER_I, Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[(P, 201)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::WholeTextLink);
    }

    #[test]
    fn a_whole_text_yes_against_a_no_on_a_linked_provision_is_a_whole_text_link() {
        let facts = [
            vote_on(1, UNGA, OTHER_I, Stance::Supports),
            position(2, HRC, Some(P), Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[(200, P)], &provision_instrument());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, InconsistencyReason::WholeTextLink);
    }

    #[test]
    fn opposite_stances_in_the_same_forum_on_the_same_instrument_are_not_inconsistent() {
        let mut earlier = position(1, UNGA, None, Stance::Opposes);
        earlier.instrument_id = Some(I);
        let facts = [
            earlier,
            position(2, UNGA, Some(P), Stance::Supports),
            committed_to(3, Some(UNGA), I),
        ];
        assert!(inconsistencies(&facts, &[], &provision_instrument()).is_empty());
    }

    #[test]
    fn abstaining_or_qualifying_is_never_inconsistent() {
        let facts = [
            position(1, UNGA, Some(P), Stance::Abstains),
            position(2, HRC, Some(P), Stance::Qualifies),
            position(3, HRC, Some(P), Stance::Opposes),
            position(4, UNGA, Some(P), Stance::Abstains),
        ];
        assert!(inconsistencies(&facts, &[], &provision_instrument()).is_empty());
        let with_commitment = [
            committed_to(1, None, I),
            position(2, HRC, Some(P), Stance::Qualifies),
        ];
        assert!(inconsistencies(&with_commitment, &[], &provision_instrument()).is_empty());
    }

    #[test]
    fn agreeing_stances_and_unrelated_subjects_are_not_inconsistent() {
        let facts = [
            position(1, UNGA, Some(P), Stance::Supports),
            position(2, HRC, Some(P), Stance::Supports),
            position(3, HRC, Some(200), Stance::Opposes),
        ];
        assert!(inconsistencies(&facts, &[], &provision_instrument()).is_empty());
    }

    #[test]
    fn each_pair_is_reported_once_in_a_deterministic_order() {
        let facts = vec![
            committed_to(1, None, I),
            position(9, HRC, Some(P), Stance::Opposes),
            position(4, UNGA, Some(P), Stance::Supports),
            position(9, HRC, Some(P), Stance::Opposes),
        ];
        let found = inconsistencies(&facts, &[], &provision_instrument());
        let pairs: Vec<_> = found
            .iter()
            .map(|x| ((x.a.kind, x.a.id), (x.b.kind, x.b.id)))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ((StanceSource::Position, 4), (StanceSource::Position, 9)),
                ((StanceSource::Position, 9), (StanceSource::Commitment, 1)),
            ]
        );
        let mut reversed = facts.clone();
        reversed.reverse();
        assert_eq!(
            inconsistencies(&reversed, &[], &provision_instrument()),
            found
        );
    }
}
