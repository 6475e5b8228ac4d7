//! States and the `state` / `states` queries.

use super::{children, linked};
use super::{
    commitment::Commitment,
    connection::{records_page, wants_total, Conn},
    db,
    evidence::Evidence,
    forum::Membership,
    ids,
    position::Position,
    revision::Revision,
    scalars::{partial, PartialDate},
    source::{history, sources_of, Source},
};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::{state, RecordKind};

/// A country: one of the 193 UN member states or the two observer states.
#[derive(Clone)]
pub struct State(pub state::Model);

/// A country: one of the 193 UN member states or the two observer states.
#[Object]
impl State {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::State, self.0.id))
    }
    /// ISO 3166-1 alpha-3 code, e.g. `MEX`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// ISO 3166-1 alpha-2 code, e.g. `MX`.
    async fn alpha2(&self) -> &str {
        &self.0.alpha2
    }
    /// Short English name, e.g. `Mexico`, as the UN lists it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// UN M49 region, e.g. `Americas`.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// UN M49 sub-region, e.g. `Latin America and the Caribbean`.
    async fn subregion(&self) -> Option<&str> {
        self.0.subregion.as_deref()
    }
    /// Whether the state is a member of the United Nations (false for the two observer states).
    async fn un_member(&self) -> bool {
        self.0.un_member
    }
    /// Date of admission to the United Nations.
    async fn un_member_since(&self) -> Option<PartialDate> {
        partial(self.0.un_member_since, self.0.un_member_since_precision)
    }
    /// A non-member observer state (the Holy See, the State of Palestine).
    async fn un_observer(&self) -> bool {
        self.0.un_observer
    }
    /// The forums this state belongs or belonged to.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        Ok(
            children::<crate::loaders::MembershipsOfState>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Membership)
                .collect(),
        )
    }
    /// Every published commitment of this state (for filters and pages use `commitments`).
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment>> {
        Ok(
            children::<crate::loaders::CommitmentsOfState>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Commitment)
                .collect(),
        )
    }
    /// Every published position of this state.
    async fn positions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Position>> {
        Ok(children::<crate::loaders::PositionsOfState>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Position)
            .collect())
    }
    /// Published evidence of practice this state is responsible for.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Evidence>> {
        Ok(linked::<crate::loaders::EvidenceOfState>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Evidence)
            .collect())
    }
    /// This state's record at a glance (see `Query.scorecard`); `asOf` defaults to today.
    async fn scorecard(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The day of the verdict, `YYYY-MM-DD` (default: today, UTC). Only commitments and practice known by then count."
        )]
        as_of: Option<super::scalars::Date>,
        #[graphql(desc = "Only assessments at least this confident decide a status.")]
        min_confidence: Option<entity::Confidence>,
        #[graphql(desc = "Only evidence with one of these attribution statuses decides a status.")]
        attribution: Option<Vec<entity::AttributionStatus>>,
    ) -> async_graphql::Result<super::gap::Scorecard> {
        let admit = super::gap::admissible(min_confidence, attribution)?;
        Ok(super::gap::state_scorecard(ctx, self.0.id, as_of, admit).await?)
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::State, self.0.id).await?)
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
            RecordKind::State,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which states to list.
#[derive(InputObject, Default)]
pub struct StateFilter {
    /// ISO alpha-3 codes, case-insensitive.
    pub codes: Option<Vec<String>>,
    /// UN M49 region, exact name (e.g. `Africa`).
    pub region: Option<String>,
    /// UN M49 sub-region, exact name.
    pub subregion: Option<String>,
    /// Only UN members (true) or only non-members (false).
    pub un_member: Option<bool>,
    /// Only states with a membership in this forum (slug), at any time.
    pub forum: Option<String>,
    /// Case-insensitive text in the name or code.
    pub search: Option<String>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<StateFilter> for repo::states::StateFilter {
    fn from(f: StateFilter) -> Self {
        repo::states::StateFilter {
            codes: f.codes,
            region: f.region,
            subregion: f.subregion,
            un_member: f.un_member,
            forum: f.forum,
            search: f.search,
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct StateQuery;

#[Object]
impl StateQuery {
    /// A state by ISO 3166-1 alpha-3 code, case-insensitive; null when there is none.
    async fn state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-3 code, case-insensitive, e.g. `MEX`.")] code: String,
    ) -> async_graphql::Result<Option<State>> {
        Ok(repo::states::by_code(db(ctx), super::vis(ctx), &code)
            .await?
            .map(State))
    }

    /// States in registry order (the seed lists them by code). `first` defaults to 20, at most 100.
    async fn states(
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
        #[graphql(desc = "Which states to list; every condition given must hold (default: all).")]
        filter: Option<StateFilter>,
    ) -> async_graphql::Result<Conn<State>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::states::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page =
            repo::paginate(db(ctx), select, state::Column::Id, args, wants_total(ctx)).await?;
        Ok(records_page::<entity::state::Entity, _>(ctx, page, State))
    }
}
