//! Provisions (an interface over norms, CBMs and human-rights obligations), the crosswalk
//! between them, and the `provision` / `provisions` queries.

use super::{children, parent};
use super::{
    connection::{records_page, wants_total, Conn},
    db, ids,
    instrument::Instrument,
    revision::Revision,
    source::{history, sources_of, Source},
};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Interface, Object, ID};
use chrono::{DateTime, Utc};
use entity::{provision, provision_link, LinkRelation, ProvisionKind, RecordKind};

/// One norm, confidence-building measure or human-rights obligation inside an instrument.
// The interface's field list repeats `ty = ...` by design; clippy reads that as duplication.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone)]
#[graphql(
    field(
        name = "id",
        ty = "ID",
        desc = "Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations."
    ),
    field(
        name = "code",
        ty = "String",
        desc = "Stable code, e.g. `gge-2015-13e`, `osce-cbm-3`, `iccpr-17`."
    ),
    field(
        name = "kind",
        ty = "ProvisionKind",
        desc = "Norm, confidence-building measure or human-rights obligation (the same as the object type)."
    ),
    field(
        name = "reference",
        ty = "String",
        desc = "Where in the instrument: `para 13(e)`, `Art. 17`."
    ),
    field(
        name = "title",
        ty = "String",
        desc = "Short title in our own words, e.g. `Respect human rights online`."
    ),
    field(
        name = "summary",
        ty = "String",
        desc = "What it asks, in our own words."
    ),
    field(
        name = "instrument",
        ty = "Option<Instrument>",
        desc = "The instrument it belongs to. Null only when the reader may not see it."
    ),
    field(
        name = "links",
        ty = "Vec<ProvisionLink>",
        desc = "Crosswalk links from and to this provision."
    ),
    field(
        name = "linked_rights",
        ty = "Vec<ProvisionLink>",
        desc = "Links to the human-rights obligations this provision protects or may restrict."
    ),
    field(
        name = "sources",
        ty = "Vec<Source>",
        desc = "The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`)."
    ),
    field(
        name = "gaps",
        ty = "Vec<super::gap::Gap>",
        desc = "Every state's gap on this provision (states with a commitment or an assessment).",
        arg(
            name = "as_of",
            ty = "Option<super::scalars::Date>",
            desc = "The day of the verdicts, `YYYY-MM-DD` (default: today, UTC)."
        ),
        arg(
            name = "statuses",
            ty = "Option<Vec<super::gap::GapStatus>>",
            desc = "Only gaps with these statuses (default: all)."
        ),
        arg(
            name = "min_confidence",
            ty = "Option<entity::Confidence>",
            desc = "Only assessments at least this confident decide a status."
        ),
        arg(
            name = "attribution",
            ty = "Option<Vec<entity::AttributionStatus>>",
            desc = "Only evidence with one of these attribution statuses decides a status."
        )
    ),
    field(
        name = "version",
        ty = "i32",
        desc = "Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT."
    ),
    field(
        name = "history",
        ty = "Conn<Revision>",
        desc = "Every change to this record, oldest first.",
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Page forward: at most this many items after `after`, 0 to 100; without `first` and `last`, 20. Negative or over 100 is a BAD_USER_INPUT naming `first`; not together with `last`."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `after`."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )
    )
)]
pub enum Provision {
    Norm(Norm),
    ConfidenceBuildingMeasure(ConfidenceBuildingMeasure),
    HumanRightsObligation(HumanRightsObligation),
}

impl From<provision::Model> for Provision {
    fn from(m: provision::Model) -> Self {
        match m.kind {
            ProvisionKind::Norm => Provision::Norm(Norm(m)),
            ProvisionKind::ConfidenceBuildingMeasure => {
                Provision::ConfidenceBuildingMeasure(ConfidenceBuildingMeasure(m))
            }
            ProvisionKind::HumanRightsObligation => {
                Provision::HumanRightsObligation(HumanRightsObligation(m))
            }
        }
    }
}

impl Provision {
    pub fn model(&self) -> &provision::Model {
        match self {
            Provision::Norm(p) => &p.0,
            Provision::ConfidenceBuildingMeasure(p) => &p.0,
            Provision::HumanRightsObligation(p) => &p.0,
        }
    }
}

/// Relations that tie a norm or CBM to a human right.
const RIGHTS_RELATIONS: [LinkRelation; 2] =
    [LinkRelation::ProtectsRight, LinkRelation::MayRestrictRight];

macro_rules! provision_object {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(pub provision::Model);

        $(#[$doc])*
        #[Object]
        impl $name {
            /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
            pub async fn id(&self) -> async_graphql::Result<ID> {
                Ok(ids::encode(RecordKind::Provision, self.0.id))
            }
            /// Stable code, e.g. `gge-2015-13e`, `osce-cbm-3`, `iccpr-17`.
            pub async fn code(&self) -> async_graphql::Result<String> {
                Ok(self.0.code.clone())
            }
            /// Norm, confidence-building measure or human-rights obligation (the same as the object
            /// type).
            pub async fn kind(&self) -> async_graphql::Result<ProvisionKind> {
                Ok(self.0.kind)
            }
            /// Where in the instrument: `para 13(e)`, `Art. 17`.
            pub async fn reference(&self) -> async_graphql::Result<String> {
                Ok(self.0.reference.clone())
            }
            /// Short title in our own words, e.g. `Respect human rights online`.
            pub async fn title(&self) -> async_graphql::Result<String> {
                Ok(self.0.title.clone())
            }
            /// What it asks, in our own words.
            pub async fn summary(&self) -> async_graphql::Result<String> {
                Ok(self.0.summary.clone())
            }
            /// The instrument it belongs to. Null only when the reader may not see it.
            pub async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
                Ok(parent::<entity::instrument::Entity>(ctx, "instrument_id", self.0.instrument_id).await?.map(Instrument))
            }
            /// Crosswalk links from and to this provision.
            pub async fn links(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProvisionLink>> {
                let mut all = children::<crate::loaders::LinksFrom>(ctx, self.0.id).await?;
                all.extend(children::<crate::loaders::LinksTo>(ctx, self.0.id).await?);
                all.sort_by_key(|l| l.id);
                Ok(all.into_iter().map(ProvisionLink).collect())
            }
            /// Links to the human-rights obligations this provision protects or may restrict.
            pub async fn linked_rights(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProvisionLink>> {
                Ok(children::<crate::loaders::LinksFrom>(ctx, self.0.id)
                    .await?
                    .into_iter()
                    .filter(|l| RIGHTS_RELATIONS.contains(&l.relation))
                    .map(ProvisionLink)
                    .collect())
            }
            /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
            pub async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
                Ok(sources_of(ctx, RecordKind::Provision, self.0.id).await?)
            }
            /// Every state's gap on this provision (states with a commitment or an assessment);
            /// `asOf` defaults to today.
            pub async fn gaps(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The day of the verdicts, `YYYY-MM-DD` (default: today, UTC).")]
                as_of: Option<super::scalars::Date>,
                #[graphql(desc = "Only gaps with these statuses (default: all).")]
                statuses: Option<Vec<super::gap::GapStatus>>,
                #[graphql(desc = "Only assessments at least this confident decide a status.")]
                min_confidence: Option<entity::Confidence>,
                #[graphql(desc = "Only evidence with one of these attribution statuses decides a status.")]
                attribution: Option<Vec<entity::AttributionStatus>>,
            ) -> async_graphql::Result<Vec<super::gap::Gap>> {
                let admit = super::gap::admissible(min_confidence, attribution)?;
                Ok(super::gap::provision_gaps(ctx, self.0.id, as_of, statuses, admit).await?)
            }
            /// Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT.
            pub async fn version(&self) -> async_graphql::Result<i32> {
                Ok(self.0.version)
            }
            /// Every change to this record, oldest first.
            pub async fn history(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Page forward: at most this many items after `after`, 0 to 100; without `first` and `last`, 20. Negative or over 100 is a BAD_USER_INPUT naming `first`; not together with `last`.")]
                first: Option<i32>,
                #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `after`.")]
                after: Option<String>,
                #[graphql(desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`.")]
                last: Option<i32>,
                #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`.")]
                before: Option<String>,
            ) -> async_graphql::Result<Conn<Revision>> {
                Ok(history(ctx, RecordKind::Provision, self.0.id, first, after, last, before).await?)
            }
        }
    };
}

provision_object!(
    /// A norm of responsible state behaviour (GGE 2015 para 13, GCSC, Paris Call ...).
    Norm
);
provision_object!(
    /// A confidence-building measure (the OSCE cyber CBMs).
    ConfidenceBuildingMeasure
);
provision_object!(
    /// A human-rights obligation (ICCPR Art. 17 and 19, UDHR Art. 12 ...).
    HumanRightsObligation
);

/// A crosswalk link: how one provision relates to another.
#[derive(Clone)]
pub struct ProvisionLink(pub provision_link::Model);

/// A crosswalk link: how one provision relates to another.
#[Object]
impl ProvisionLink {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::ProvisionLink, self.0.id))
    }
    /// The provision the link starts from (for rights relations: the norm or CBM). Null only when
    /// the reader may not see it.
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(
            parent::<entity::provision::Entity>(ctx, "from_id", self.0.from_id)
                .await?
                .map(Provision::from),
        )
    }
    /// The provision it points to (for rights relations: the human-rights obligation). Null only
    /// when the reader may not see it.
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        Ok(
            parent::<entity::provision::Entity>(ctx, "to_id", self.0.to_id)
                .await?
                .map(Provision::from),
        )
    }
    /// How `from` relates to `to`, e.g. PROTECTS_RIGHT.
    async fn relation(&self) -> LinkRelation {
        self.0.relation
    }
    /// Why the two are linked, in one line.
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::ProvisionLink, self.0.id).await?)
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
            RecordKind::ProvisionLink,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which provisions to list.
#[derive(InputObject, Default)]
pub struct ProvisionFilter {
    /// Only provisions of these kinds (default: all).
    pub kinds: Option<Vec<ProvisionKind>>,
    /// Provision codes, case-insensitive.
    pub codes: Option<Vec<String>>,
    /// The instrument's slug, e.g. `gge-2015`.
    pub instrument: Option<String>,
    /// Case-insensitive text in the title, summary or code.
    pub search: Option<String>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<ProvisionFilter> for repo::provisions::ProvisionFilter {
    fn from(f: ProvisionFilter) -> Self {
        repo::provisions::ProvisionFilter {
            kinds: f.kinds,
            codes: f.codes,
            instrument: f.instrument,
            search: f.search,
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct ProvisionQuery;

#[Object]
impl ProvisionQuery {
    /// A provision by code (`gge-2015-13e`, `iccpr-17` ...); null when there is none.
    async fn provision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The provision's stable code, e.g. `gge-2015-13e`, `iccpr-17`.")]
        code: String,
    ) -> async_graphql::Result<Option<Provision>> {
        Ok(repo::provisions::by_code(db(ctx), super::vis(ctx), &code)
            .await?
            .map(Provision::from))
    }

    /// Provisions in registry order. `first` defaults to 20, at most 100.
    async fn provisions(
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
            desc = "Which provisions to list; every condition given must hold (default: all)."
        )]
        filter: Option<ProvisionFilter>,
    ) -> async_graphql::Result<Conn<Provision>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::provisions::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page = repo::paginate(
            db(ctx),
            select,
            provision::Column::Id,
            args,
            wants_total(ctx),
        )
        .await?;
        Ok(records_page::<entity::provision::Entity, _>(
            ctx,
            page,
            Provision::from,
        ))
    }
}
