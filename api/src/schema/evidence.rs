//! Evidence of practice, its assessments, and the `evidence` query.

use super::{by_id, children, linked};
use super::{
    connection::{from_page, wants_total, Conn},
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
    pub status: AttributionStatus,
}

#[Object]
impl Evidence {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Evidence, self.0.id))
    }
    /// Stable key, e.g. `mex-pegasus-2017`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What happened, to whom, when, in our own words.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn kind(&self) -> EvidenceKind {
        self.0.kind
    }
    async fn occurred_from(&self) -> PartialDate {
        PartialDate(entity::PartialDate {
            date: self.0.occurred_from,
            precision: self.0.occurred_from_precision,
        })
    }
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
    async fn attribution(&self) -> Attribution {
        Attribution {
            attributed_by: self.0.attributed_by.clone(),
            basis: self.0.attribution_basis.clone(),
            status: self.0.attribution_status,
        }
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
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Evidence, self.0.id).await?)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
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

#[Object]
impl Assessment {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Assessment, self.0.id))
    }
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Evidence>> {
        Ok(by_id::<entity::evidence::Entity>(ctx, self.0.evidence_id)
            .await?
            .map(Evidence))
    }
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(by_id::<entity::state::Entity>(ctx, self.0.state_id)
            .await?
            .map(State))
    }
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(by_id::<entity::provision::Entity>(ctx, self.0.provision_id)
            .await?
            .map(Provision::from))
    }
    async fn finding(&self) -> Finding {
        self.0.finding
    }
    async fn confidence(&self) -> Confidence {
        self.0.confidence
    }
    /// Why the practice bears on the provision, in our own words.
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Assessment, self.0.id).await?)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
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
    pub kinds: Option<Vec<EvidenceKind>>,
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
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
        Ok(from_page(page, |m| m.id, Evidence))
    }

    /// One piece of published evidence by slug; null when there is none.
    async fn evidence_item(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Evidence>> {
        Ok(repo::evidence::by_slug(db(ctx), super::vis(ctx), &slug)
            .await?
            .map(Evidence))
    }
}
