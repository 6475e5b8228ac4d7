//! Evidence of practice, its assessments, and the `evidence` query.

use super::{children, linked, parent};
use super::{
    connection::{records_page, wants_total, Conn},
    db, ids,
    provision::Provision,
    revision::Revision,
    scalars::{partial, Date, PartialDate},
    source::{history, sources_of, Source},
    state::State,
};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{
    assessment, evidence, AttributionStatus, Confidence, EvidenceKind, Finding, PublicationStatus,
    RecordKind,
};

/// Documented practice of one or more states: a spyware campaign, a law, a shutdown, an
/// operation, a policy.
#[derive(Clone)]
pub struct Evidence(pub evidence::Model);

/// Who attributed the practice to the responsible states, on what basis, and how firmly.
#[derive(SimpleObject)]
pub struct Attribution {
    /// Who made the attribution, e.g. `Citizen Lab` or a government.
    pub attributed_by: Option<String>,
    /// What it rests on: technical analysis, an official statement, the state's own act.
    pub basis: Option<String>,
    /// How firmly: ACKNOWLEDGED by the state itself, SETTLED, or CONTESTED. `minConfidence` and
    /// `attribution` on the gap queries can leave contested findings out.
    pub status: AttributionStatus,
}

/// The competent body behind a COURT_JUDGMENT or TREATY_BODY_FINDING: who decided, in which
/// document, and when.
#[derive(SimpleObject)]
pub struct Authority {
    /// The body, e.g. `UN Human Rights Committee` or `European Court of Human Rights (Grand
    /// Chamber)`.
    pub body: String,
    /// Its document: UN symbol and paragraphs (`CCPR/C/GBR/CO/7, para 24`), application or case
    /// number, or ECLI.
    pub reference: String,
    /// When the body decided (not when the practice it judged occurred).
    pub decided_on: Option<PartialDate>,
}

/// Documented practice of one or more states: a spyware campaign, a law, a shutdown, an
/// operation, a policy, or a court's or treaty body's finding on such practice.
#[Object]
impl Evidence {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Evidence, self.0.id))
    }
    /// Stable key, e.g. `mex-pegasus-2017`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Short title, e.g. `Pegasus spyware used against Mexican journalists`.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What happened, to whom, when, in our own words.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// What kind of practice: a cyber operation, surveillance, a law, a shutdown ...
    async fn kind(&self) -> EvidenceKind {
        self.0.kind
    }
    /// When the practice began, at the precision its source gives (`2017`, `2017-06`,
    /// `2017-06-19`).
    async fn occurred_from(&self) -> PartialDate {
        PartialDate(entity::PartialDate {
            date: self.0.occurred_from,
            precision: self.0.occurred_from_precision,
        })
    }
    /// When it ended, at the precision its source gives; null while it continues or when the end is
    /// not known.
    async fn occurred_to(&self) -> Option<PartialDate> {
        partial(self.0.occurred_to, self.0.occurred_to_precision)
    }
    /// The states the practice is attributed to.
    async fn responsible_states(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<State>> {
        Ok(linked::<crate::loaders::ResponsibleStates>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(State)
            .collect())
    }
    /// Who attributed the practice to the responsible states, on what basis, and how firmly.
    async fn attribution(&self) -> Attribution {
        Attribution {
            attributed_by: self.0.attributed_by.clone(),
            basis: self.0.attribution_basis.clone(),
            status: self.0.attribution_status,
        }
    }
    /// For a court's judgment or a treaty body's finding: the body, its document and the date of
    /// its decision; null for every other kind of evidence.
    async fn authority(&self) -> Option<Authority> {
        if !self.0.kind.is_authority() {
            return None;
        }
        Some(Authority {
            body: self.0.authority_body.clone().unwrap_or_default(),
            reference: self.0.authority_reference.clone().unwrap_or_default(),
            decided_on: partial(self.0.decided_on, self.0.decided_on_precision),
        })
    }
    /// How this practice weighs against provisions, per responsible state.
    async fn assessments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Assessment>> {
        Ok(
            children::<crate::loaders::AssessmentsOfEvidence>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Assessment)
                .collect(),
        )
    }
    /// Where the record is in review. The public sees PUBLISHED records only; a DRAFT shows to its author and to editors, a RETRACTED record to editors.
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Evidence, self.0.id).await?)
    }
    /// Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
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
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Revision>> {
        Ok(history(
            ctx,
            RecordKind::Evidence,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Evidence about one state weighed against one provision: the heart of a gap.
#[derive(Clone)]
pub struct Assessment(pub assessment::Model);

/// Evidence about one state weighed against one provision: the heart of a gap.
#[Object]
impl Assessment {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Assessment, self.0.id))
    }
    /// The evidence assessed. Null only when the reader may not see it (never for the public).
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Evidence>> {
        Ok(
            parent::<entity::evidence::Entity>(ctx, "evidence_id", self.0.evidence_id)
                .await?
                .map(Evidence),
        )
    }
    /// The responsible state whose practice is assessed. Null only when the reader may not see it.
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(
            parent::<entity::state::Entity>(ctx, "state_id", self.0.state_id)
                .await?
                .map(State),
        )
    }
    /// The norm, CBM or obligation the practice is weighed against. Null only when the reader may
    /// not see it.
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(
            parent::<entity::provision::Entity>(ctx, "provision_id", self.0.provision_id)
                .await?
                .map(Provision::from),
        )
    }
    /// What the practice means for the provision: it contradicts it, partially contradicts it, or
    /// supports its implementation. Decides the gap's status (docs/gap-method.md).
    async fn finding(&self) -> Finding {
        self.0.finding
    }
    /// How sure the finding is, by the sources read (LOW, MEDIUM, HIGH; see
    /// docs/assessment-standard.md).
    async fn confidence(&self) -> Confidence {
        self.0.confidence
    }
    /// Why the practice bears on the provision, in our own words.
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    /// Where the record is in review. The public sees PUBLISHED records only; a DRAFT shows to its author and to editors, a RETRACTED record to editors.
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Assessment, self.0.id).await?)
    }
    /// Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
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
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Revision>> {
        Ok(history(
            ctx,
            RecordKind::Assessment,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which evidence to list.
#[derive(InputObject, Default)]
pub struct EvidenceFilter {
    /// Responsible states by ISO alpha-3 code.
    pub states: Option<Vec<String>>,
    /// Evidence assessed against these provisions (codes).
    pub provisions: Option<Vec<String>>,
    /// Only these kinds of practice (default: all).
    pub kinds: Option<Vec<EvidenceKind>>,
    /// Only evidence with one of these attribution statuses (default: all).
    pub attribution: Option<Vec<AttributionStatus>>,
    /// Still occurring on or after this day.
    pub occurred_from: Option<Date>,
    /// Begun on or before this day.
    pub occurred_to: Option<Date>,
    /// Case-insensitive text in the title, summary or slug.
    pub search: Option<String>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<EvidenceFilter> for repo::evidence::EvidenceFilter {
    fn from(f: EvidenceFilter) -> Self {
        repo::evidence::EvidenceFilter {
            states: f.states,
            provisions: f.provisions,
            kinds: f.kinds,
            attribution: f.attribution,
            search: f.search,
            occurred_from: f.occurred_from.map(|d| d.0),
            occurred_to: f.occurred_to.map(|d| d.0),
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct EvidenceQuery;

#[Object]
impl EvidenceQuery {
    /// Published evidence in registry order. `first` defaults to 20, at most 100.
    async fn evidence(
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
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )]
        before: Option<String>,
        #[graphql(
            desc = "Which evidence to list; every condition given must hold (default: all)."
        )]
        filter: Option<EvidenceFilter>,
    ) -> async_graphql::Result<Conn<Evidence>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::evidence::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page = repo::paginate(
            db(ctx),
            select,
            evidence::Column::Id,
            args,
            wants_total(ctx),
        )
        .await?;
        Ok(records_page::<entity::evidence::Entity, _>(
            ctx, page, Evidence,
        ))
    }

    /// One piece of published evidence by slug; null when there is none.
    async fn evidence_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evidence's stable key, e.g. `mex-pegasus-2017`. Exact match.")]
        slug: String,
    ) -> async_graphql::Result<Option<Evidence>> {
        Ok(repo::evidence::by_slug(db(ctx), super::vis(ctx), &slug)
            .await?
            .map(Evidence))
    }
}
