//! Creating and correcting the reference data: states, forums, memberships, instruments,
//! provisions, the crosswalk between provisions, and sources.
//!
//! Stable public keys (`code`, `slug`, `key`) and the identity of a relation (the state and
//! forum of a membership, the instrument of a provision, the ends of a link) are fixed at
//! creation: a record created under the wrong key is retracted and created again, so that no
//! URL, query or seed file silently starts meaning something else.
//!
//! Each mutation is its input type, its conversion to the domain's record
//! ([`entity::domain`], whose rules the seed loader applies to the same records) and one call
//! to [`create_record`] or [`update_record`]; what remains here is what needs the registry
//! (references resolved, keys free, dates no more precise than the sources).

use super::support::{change, change_date, create_record, Target};
use super::validate;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::schema::{
    forum::{Forum, Membership},
    instrument::Instrument,
    provision::{Provision, ProvisionLink},
    scalars::{Date, PartialDate},
    source::Source,
    state::State,
};
use async_graphql::{Context, MaybeUndefined};
use entity::domain::*;
use entity::*;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

record_inputs! {
    /// A country.
    CreateStateInput,
    /// Changes to a state; absent fields stay as they are, `null` clears an optional one.
    UpdateStateInput {
        /// ISO 3166-1 alpha-3 code, e.g. `MEX` (case-insensitive; stored upper-case). Fixed once created.
        fixed code: String;
        /// ISO 3166-1 alpha-2 code, e.g. `MX`.
        set alpha2: String =>
            /// ISO 3166-1 alpha-2 code, e.g. `MX`. Left out, it stays as it is.
        ;
        /// Short English name as ISO and the UN use it.
        set name: String =>
            /// Short English name as ISO and the UN use it. Left out, it stays as it is.
        ;
        /// UN M49 region, e.g. `Americas`.
        clear region: String =>
            /// UN M49 region, e.g. `Americas`. Left out, it stays as it is; `null` clears it.
        ;
        /// UN M49 sub-region, e.g. `Latin America and the Caribbean`.
        clear subregion: String =>
            /// UN M49 sub-region, e.g. `Latin America and the Caribbean`. Left out, it stays as it is;
            /// `null` clears it.
        ;
        /// Whether the state is a UN member (true for the 193; false for the two observer states).
        set un_member: bool =>
            /// Whether the state is a UN member (true for the 193; false for the two observer states). Left
            /// out, it stays as it is.
        ;
        /// Date of admission to the United Nations (members only).
        clear un_member_since: PartialDate =>
            /// Date of admission to the United Nations (members only). Left out, it stays as it is; `null`
            /// clears it.
        ;
        /// A non-member observer state.
        flag un_observer: bool =>
            /// A non-member observer state. Left out, it stays as it is.
        ;
        sources;
    }
}

record_inputs! {
    /// Where states act.
    CreateForumInput,
    /// Changes to a forum; absent fields stay as they are, `null` clears an optional one.
    UpdateForumInput {
        /// Stable key: lowercase letters, digits and `-`, e.g. `un-oewg`. Fixed once created.
        fixed slug: String;
        /// Full English name, e.g. `UN Open-ended Working Group`; 1 to 500 characters.
        set name: String =>
            /// Full English name, e.g. `UN Open-ended Working Group`; 1 to 500 characters. Left out, it
            /// stays as it is.
        ;
        /// What kind of forum it is.
        set kind: ForumKind =>
            /// What kind of forum it is. Left out, it stays as it is.
        ;
        /// Slug of the forum this one belongs to.
        clear parent: String =>
            /// Slug of the forum this one belongs to. Left out, it stays as it is; `null` clears it.
        ;
        /// The forum's own web page, `http://` or `https://`.
        clear url: String =>
            /// The forum's own web page, `http://` or `https://`. Left out, it stays as it is; `null`
            /// clears it.
        ;
        /// When it was set up, as precise as the source. Not in the future (BAD_USER_INPUT naming the
        /// field).
        clear established_on: PartialDate =>
            /// When it was set up, as precise as the source. Not in the future (BAD_USER_INPUT naming the
            /// field). Left out, it stays as it is; `null` clears it.
        ;
        /// One or two sentences, in our own words.
        clear summary: String =>
            /// One or two sentences, in our own words. Left out, it stays as it is; `null` clears it.
        ;
        sources;
    }
}

record_inputs! {
    /// A state in a forum over a period.
    CreateMembershipInput,
    /// Changes to a membership; absent fields stay as they are, `null` clears an optional one.
    UpdateMembershipInput {
        /// ISO alpha-3 code of the state.
        fixed state: String;
        /// Slug of the forum.
        fixed forum: String;
        /// Member, observer or participant.
        set role: MembershipRole =>
            /// Member, observer or participant. Left out, it stays as it is.
        ;
        /// Since when; leave it out only when the source gives no date (then say so in `note`).
        clear valid_from: PartialDate =>
            /// Since when; leave it out only when the source gives no date (then say so in `note`). Left
            /// out, it stays as it is; `null` clears it.
        ;
        /// Until when, if the membership ended; not before `validFrom`.
        clear valid_to: PartialDate =>
            /// Until when, if the membership ended; not before `validFrom`. Left out, it stays as it is;
            /// `null` clears it.
        ;
        /// E.g. `partial list as of 2017-10-11`.
        clear note: String =>
            /// E.g. `partial list as of 2017-10-11`. Left out, it stays as it is; `null` clears it.
        ;
        sources;
    }
}

record_inputs! {
    /// A text a forum produced.
    CreateInstrumentInput,
    /// Changes to an instrument; absent fields stay as they are, `null` clears an optional one.
    UpdateInstrumentInput {
        /// Stable key, `<body>-<number or year>`, e.g. `gge-2021`. Fixed once created.
        fixed slug: String;
        /// UN document symbol or treaty number, e.g. `A/76/135`, `ETS 185`.
        clear symbol: String =>
            /// UN document symbol or treaty number, e.g. `A/76/135`, `ETS 185`. Left out, it stays as it
            /// is; `null` clears it.
        ;
        /// Official title; 1 to 500 characters.
        set title: String =>
            /// Official title; 1 to 500 characters. Left out, it stays as it is.
        ;
        /// What kind of text it is.
        set kind: InstrumentKind =>
            /// What kind of text it is. Left out, it stays as it is.
        ;
        /// Whether it binds in law.
        set bindingness: Bindingness =>
            /// Whether it binds in law. Left out, it stays as it is.
        ;
        /// Slug of the forum that adopted it.
        clear forum: String =>
            /// Slug of the forum that adopted it. Left out, it stays as it is; `null` clears it.
        ;
        /// When it was adopted or opened for signature, as precise as the source. Not in the future
        /// (BAD_USER_INPUT naming the field).
        clear adopted_on: PartialDate =>
            /// When it was adopted or opened for signature, as precise as the source. Not in the future
            /// (BAD_USER_INPUT naming the field). Left out, it stays as it is; `null` clears it.
        ;
        /// By vote, by consensus or by signature.
        clear adoption_mode: AdoptionMode =>
            /// By vote, by consensus or by signature. Left out, it stays as it is; `null` clears it.
        ;
        /// The official text online, `http://` or `https://`.
        clear url: String =>
            /// The official text online, `http://` or `https://`. Left out, it stays as it is; `null`
            /// clears it.
        ;
        /// What it does, in our own words.
        clear summary: String =>
            /// What it does, in our own words. Left out, it stays as it is; `null` clears it.
        ;
        sources;
    }
}

record_inputs! {
    /// One norm, confidence-building measure or human-rights obligation inside an instrument.
    CreateProvisionInput,
    /// Changes to a provision; absent fields stay as they are.
    UpdateProvisionInput {
        /// Stable code, `<instrument>-<article>`, e.g. `iccpr-17`. Fixed once created.
        fixed code: String;
        /// Norm, confidence-building measure or human-rights obligation; decides the GraphQL type
        /// (`Norm`, `ConfidenceBuildingMeasure`, `HumanRightsObligation`).
        set kind: ProvisionKind =>
            /// Norm, confidence-building measure or human-rights obligation; decides the GraphQL type
            /// (`Norm`, `ConfidenceBuildingMeasure`, `HumanRightsObligation`). Left out, it stays as it is.
        ;
        /// Slug of the instrument it belongs to. Fixed once created.
        fixed instrument: String;
        /// Where in the instrument: `para 13(e)`, `Art. 17`, `CBM 3`.
        set reference: String =>
            /// Where in the instrument: `para 13(e)`, `Art. 17`, `CBM 3`. Left out, it stays as it is.
        ;
        /// Short, in our own words.
        set title: String =>
            /// Short, in our own words. Left out, it stays as it is.
        ;
        /// What it asks, in our own words (never the official text).
        set summary: String =>
            /// What it asks, in our own words (never the official text). Left out, it stays as it is.
        ;
        sources;
    }
}

record_inputs! {
    /// A crosswalk link between two provisions.
    CreateProvisionLinkInput,
    /// Changes to a link; absent fields stay as they are. Its two ends are fixed.
    UpdateProvisionLinkInput {
        /// Code of the provision the link starts from (for rights relations: the norm or CBM).
        fixed from: String;
        /// Code of the provision it points to (for rights relations: the human-rights obligation).
        fixed to: String;
        /// How `from` relates to `to`.
        set relation: LinkRelation =>
            /// How `from` relates to `to`. Left out, it stays as it is.
        ;
        /// Why the two are linked, in one line, in our own words.
        set rationale: String =>
            /// Why the two are linked, in one line, in our own words. Left out, it stays as it is.
        ;
        sources;
    }
}

record_inputs! {
    /// A citation. Give a `url`, a `documentSymbol`, or both.
    CreateSourceInput,
    /// Changes to a source; absent fields stay as they are, `null` clears an optional one.
    UpdateSourceInput {
        /// Stable key: lowercase letters, digits and `-`, e.g. `citizenlab-2017-reckless-exploit`.
        /// Fixed once created.
        fixed key: String;
        /// What kind of document it is.
        set kind: SourceKind =>
            /// What kind of document it is. Left out, it stays as it is.
        ;
        /// How close the source is to the fact: PRIMARY (the official record or the depositary),
        /// PUBLISHER (the author's own report), SECONDARY (a compilation), COPY (a mirror).
        set tier: SourceTier =>
            /// How close the source is to the fact: PRIMARY (the official record or the depositary),
            /// PUBLISHER (the author's own report), SECONDARY (a compilation), COPY (a mirror). Left out,
            /// it stays as it is.
        ;
        /// The document's own title; 1 to 500 characters.
        set title: String =>
            /// The document's own title; 1 to 500 characters. Left out, it stays as it is.
        ;
        /// Who published it, e.g. `United Nations`; 1 to 500 characters.
        set publisher: String =>
            /// Who published it, e.g. `United Nations`; 1 to 500 characters. Left out, it stays as it is.
        ;
        /// Where to read it, `http://` or `https://`.
        clear url: String =>
            /// Where to read it, `http://` or `https://`. Left out, it stays as it is; `null` clears it.
        ;
        /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`.
        clear document_symbol: String =>
            /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`. Left out, it stays as it
            /// is; `null` clears it.
        ;
        /// When it was published, as precise as the document. Not in the future (BAD_USER_INPUT naming
        /// the field).
        clear published_on: PartialDate =>
            /// When it was published, as precise as the document. Not in the future (BAD_USER_INPUT naming
            /// the field). Left out, it stays as it is; `null` clears it.
        ;
        /// The day the stored copy was read.
        clear accessed_on: Date =>
            /// The day the stored copy was read. Left out, it stays as it is; `null` clears it.
        ;
        /// The finest date precision this source gives (default DAY): records citing it may not be
        /// more precise.
        opt date_precision: DatePrecision =>
            /// The finest date precision this source gives (default DAY): records citing it may not be more
            /// precise. Left out, it stays as it is.
        ;
        /// Anything a reader should know (partial, secondary, as of ...).
        clear note: String =>
            /// Anything a reader should know (partial, secondary, as of ...). Left out, it stays as it is;
            /// `null` clears it.
        ;
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs as the domain's records
// ---------------------------------------------------------------------------------------------

impl CreateStateInput {
    fn domain(self) -> NewState {
        NewState {
            code: self.code,
            fields: StateFields {
                alpha2: self.alpha2,
                name: self.name,
                region: self.region,
                subregion: self.subregion,
                un_member: self.un_member,
                un_member_since: self.un_member_since.map(|d| d.0),
                un_observer: self.un_observer,
            },
            sources: self.sources,
        }
    }
}

impl UpdateStateInput {
    fn patch(self) -> StatePatch {
        StatePatch {
            alpha2: self.alpha2,
            name: self.name,
            region: change(self.region, |v| v),
            subregion: change(self.subregion, |v| v),
            un_member: self.un_member,
            un_member_since: change_date(self.un_member_since),
            un_observer: self.un_observer,
        }
    }
}

impl CreateForumInput {
    fn domain(self) -> NewForum {
        NewForum {
            slug: self.slug,
            parent: self.parent,
            fields: ForumFields {
                name: self.name,
                kind: self.kind,
                url: self.url,
                established_on: self.established_on.map(|d| d.0),
                summary: self.summary,
            },
            sources: self.sources,
        }
    }
}

impl UpdateForumInput {
    fn patch(self) -> ForumPatch {
        ForumPatch {
            name: self.name,
            kind: self.kind,
            url: change(self.url, |v| v),
            established_on: change_date(self.established_on),
            summary: change(self.summary, |v| v),
        }
    }
}

impl CreateMembershipInput {
    fn domain(self) -> NewMembership {
        NewMembership {
            state: self.state,
            forum: self.forum,
            fields: MembershipFields {
                role: self.role,
                valid_from: self.valid_from.map(|d| d.0),
                valid_to: self.valid_to.map(|d| d.0),
                note: self.note,
            },
            sources: self.sources,
        }
    }
}

impl UpdateMembershipInput {
    fn patch(self) -> MembershipPatch {
        MembershipPatch {
            role: self.role,
            valid_from: change_date(self.valid_from),
            valid_to: change_date(self.valid_to),
            note: change(self.note, |v| v),
        }
    }
}

impl CreateInstrumentInput {
    fn domain(self) -> NewInstrument {
        NewInstrument {
            slug: self.slug,
            forum: self.forum,
            fields: InstrumentFields {
                symbol: self.symbol,
                title: self.title,
                kind: self.kind,
                bindingness: self.bindingness,
                adopted_on: self.adopted_on.map(|d| d.0),
                adoption_mode: self.adoption_mode,
                url: self.url,
                summary: self.summary,
            },
            sources: self.sources,
        }
    }
}

impl UpdateInstrumentInput {
    fn patch(self) -> InstrumentPatch {
        InstrumentPatch {
            symbol: change(self.symbol, |v| v),
            title: self.title,
            kind: self.kind,
            bindingness: self.bindingness,
            adopted_on: change_date(self.adopted_on),
            adoption_mode: change(self.adoption_mode, |v| v),
            url: change(self.url, |v| v),
            summary: change(self.summary, |v| v),
        }
    }
}

impl CreateProvisionInput {
    fn domain(self) -> NewProvision {
        NewProvision {
            code: self.code,
            instrument: self.instrument,
            fields: ProvisionFields {
                kind: self.kind,
                reference: self.reference,
                title: self.title,
                summary: self.summary,
            },
            sources: self.sources,
        }
    }
}

impl UpdateProvisionInput {
    fn patch(self) -> ProvisionPatch {
        ProvisionPatch {
            kind: self.kind,
            reference: self.reference,
            title: self.title,
            summary: self.summary,
        }
    }
}

impl CreateProvisionLinkInput {
    fn domain(self) -> NewProvisionLink {
        NewProvisionLink {
            from: self.from,
            to: self.to,
            fields: LinkFields {
                relation: self.relation,
                rationale: self.rationale,
            },
            sources: self.sources,
        }
    }
}

impl UpdateProvisionLinkInput {
    fn patch(self) -> LinkPatch {
        LinkPatch {
            relation: self.relation,
            rationale: self.rationale,
        }
    }
}

impl CreateSourceInput {
    fn domain(self) -> NewSource {
        NewSource {
            key: self.key,
            fields: SourceFields {
                kind: self.kind,
                tier: self.tier,
                title: self.title,
                publisher: self.publisher,
                url: self.url,
                document_symbol: self.document_symbol,
                published_on: self.published_on.map(|d| d.0),
                accessed_on: self.accessed_on.map(|d| d.0),
                date_precision: self.date_precision.unwrap_or(DatePrecision::Day),
                note: self.note,
            },
        }
    }
}

impl UpdateSourceInput {
    fn patch(self) -> SourcePatch {
        SourcePatch {
            kind: self.kind,
            tier: self.tier,
            title: self.title,
            publisher: self.publisher,
            url: change(self.url, |v| v),
            document_symbol: change(self.document_symbol, |v| v),
            published_on: change_date(self.published_on),
            accessed_on: change(self.accessed_on, |d| d.0),
            date_precision: self.date_precision,
            note: change(self.note, |v| v),
        }
    }
}
// ---------------------------------------------------------------------------------------------
// Checks against the registry, shared by create and update
// ---------------------------------------------------------------------------------------------

/// A parent forum that does not make the forum `id` its own ancestor.
async fn parent_forum(
    txn: &DatabaseTransaction,
    actor: &Actor,
    slug: &str,
    id: Option<i32>,
) -> Result<i32> {
    let parent = validate::id_of::<forum::Entity>(txn, actor, "parent", slug).await?;
    if let Some(id) = id {
        let mut at = Some(parent);
        // Bounded walk: a corrupt cycle higher up cannot hang the request.
        for _ in 0..64 {
            let Some(current) = at else { break };
            if current == id {
                return Err(Error::bad_input(
                    "parent",
                    "a forum cannot be its own parent or ancestor",
                ));
            }
            at = forum::Entity::find_by_id(current)
                .one(txn)
                .await?
                .and_then(|f| f.parent_id);
        }
    }
    Ok(parent)
}

/// Rights relations run from a norm or CBM to a human-rights obligation.
fn link_direction(
    relation: LinkRelation,
    from: &provision::Model,
    to: &provision::Model,
) -> Result<()> {
    if matches!(
        relation,
        LinkRelation::ProtectsRight | LinkRelation::MayRestrictRight
    ) {
        if to.kind != ProvisionKind::HumanRightsObligation {
            return Err(Error::bad_input(
                "to",
                format!(
                    "{relation} points to a human-rights obligation; `{}` is a {}",
                    to.code, to.kind
                ),
            ));
        }
        if from.kind == ProvisionKind::HumanRightsObligation {
            return Err(Error::bad_input(
                "from",
                format!(
                    "{relation} starts from a norm or CBM; `{}` is a human-rights obligation",
                    from.code
                ),
            ));
        }
    }
    Ok(())
}

/// A provision's kind may change only if the rights relations it is an end of keep their
/// direction (from a norm or CBM, to a human-rights obligation).
async fn kind_keeps_links(txn: &DatabaseTransaction, id: i32, kind: ProvisionKind) -> Result<()> {
    let links = provision_link::Entity::find()
        .filter(
            Condition::any()
                .add(provision_link::Column::FromId.eq(id))
                .add(provision_link::Column::ToId.eq(id)),
        )
        .filter(
            provision_link::Column::Relation
                .is_in([LinkRelation::ProtectsRight, LinkRelation::MayRestrictRight]),
        )
        .all(txn)
        .await?;
    let hro = kind == ProvisionKind::HumanRightsObligation;
    if links
        .iter()
        .any(|l| (l.from_id == id && hro) || (l.to_id == id && !hro))
    {
        return Err(Error::bad_input(
            "kind",
            "this provision is linked as a right or to a right; correct those links first",
        ));
    }
    Ok(())
}

/// A link's new relation must fit its (fixed) ends (that it repeats no other link is the
/// database's unique key).
async fn relation_fits(
    txn: &DatabaseTransaction,
    link: &provision_link::Model,
    relation: LinkRelation,
) -> Result<()> {
    let ends = provision::Entity::find()
        .filter(provision::Column::Id.is_in([link.from_id, link.to_id]))
        .all(txn)
        .await?;
    let from = ends.iter().find(|p| p.id == link.from_id);
    let to = ends.iter().find(|p| p.id == link.to_id);
    if let (Some(from), Some(to)) = (from, to) {
        link_direction(relation, from, to).map_err(|_| {
            Error::bad_input(
                "relation",
                format!("{relation} runs from a norm or CBM to a human-rights obligation; these ends do not"),
            )
        })?;
    }
    Ok(())
}
// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

record_mutations! {
    ReferenceMutation {
        /// Records a state as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_state(CreateStateInput),
        /// Corrects a state. `version` is the one you read: if someone changed the record since,
        /// this is a CONFLICT carrying the current version. The `code` is fixed.
        update_state(UpdateStateInput) -> State;
        /// Records a forum as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_forum(CreateForumInput),
        /// Corrects a forum. `version` is the one you read: if someone changed the record since,
        /// this is a CONFLICT carrying the current version. The `slug` is fixed.
        update_forum(UpdateForumInput) -> Forum;
        /// Records a state's membership of a forum as a DRAFT (CONTRIBUTOR or above).
        create_membership(CreateMembershipInput),
        /// Corrects a membership. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version. The state and forum are fixed.
        update_membership(UpdateMembershipInput) -> Membership;
        /// Records an instrument as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_instrument(CreateInstrumentInput),
        /// Corrects an instrument. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version. The `slug` is fixed.
        update_instrument(UpdateInstrumentInput) -> Instrument;
        /// Records a provision as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_provision(CreateProvisionInput),
        /// Corrects a provision. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version. The code and instrument are fixed.
        update_provision(UpdateProvisionInput) -> Provision;
        /// Records a crosswalk link between two provisions as a DRAFT (CONTRIBUTOR or above).
        create_provision_link(CreateProvisionLinkInput),
        /// Corrects a crosswalk link. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version. Its two ends are fixed.
        update_provision_link(UpdateProvisionLinkInput) -> ProvisionLink;
        /// Records a source as a DRAFT (CONTRIBUTOR or above). A source cites no other sources.
        create_source(CreateSourceInput),
        /// Corrects a source. `version` is the one you read: if someone changed the record since,
        /// this is a CONFLICT carrying the current version. The `key` is fixed.
        update_source(UpdateSourceInput) -> Source;
    }
}

async fn create_state(ctx: &Context<'_>, input: CreateStateInput) -> Result<state::Model> {
    create_record(ctx, input.domain(), |_, _, new| {
        Box::pin(async move { Ok(new.model()) })
    })
    .await
}

async fn update_state(at: Target<'_>, mut input: UpdateStateInput) -> Result<state::Model> {
    at.correct(input.sources.take(), input.patch()).await
}

async fn create_forum(ctx: &Context<'_>, input: CreateForumInput) -> Result<forum::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let parent_id = match &new.parent {
                Some(p) => Some(parent_forum(txn, actor, p, None).await?),
                None => None,
            };
            Ok(new.model(parent_id))
        })
    })
    .await
}

async fn update_forum(at: Target<'_>, mut input: UpdateForumInput) -> Result<forum::Model> {
    let sources = input.sources.take();
    let parent = std::mem::take(&mut input.parent);
    let patch = input.patch();
    at.update(
        sources,
        patch,
        move |txn, actor, current, mut next: forum::Model| {
            Box::pin(async move {
                next.parent_id = match parent {
                    MaybeUndefined::Undefined => current.parent_id,
                    MaybeUndefined::Null => None,
                    MaybeUndefined::Value(p) => {
                        Some(parent_forum(txn, actor, &p, Some(current.id)).await?)
                    }
                };
                Ok(next)
            })
        },
    )
    .await
}

async fn create_membership(
    ctx: &Context<'_>,
    input: CreateMembershipInput,
) -> Result<membership::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let state_id =
                validate::id_of::<state::Entity>(txn, actor, "state", &new.state).await?;
            let forum_id =
                validate::id_of::<forum::Entity>(txn, actor, "forum", &new.forum).await?;
            Ok(new.model(state_id, forum_id))
        })
    })
    .await
}

async fn update_membership(
    at: Target<'_>,
    mut input: UpdateMembershipInput,
) -> Result<membership::Model> {
    at.correct(input.sources.take(), input.patch()).await
}

async fn create_instrument(
    ctx: &Context<'_>,
    input: CreateInstrumentInput,
) -> Result<instrument::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let forum = new.forum.as_deref();
            let forum_id = validate::opt_id::<forum::Entity>(txn, actor, "forum", forum).await?;
            Ok(new.model(forum_id))
        })
    })
    .await
}

async fn update_instrument(
    at: Target<'_>,
    mut input: UpdateInstrumentInput,
) -> Result<instrument::Model> {
    let sources = input.sources.take();
    let forum = std::mem::take(&mut input.forum);
    let patch = input.patch();
    at.update(
        sources,
        patch,
        move |txn, actor, current, mut next: instrument::Model| {
            Box::pin(async move {
                next.forum_id = validate::relinked::<forum::Entity>(
                    txn,
                    actor,
                    "forum",
                    forum,
                    current.forum_id,
                )
                .await?;
                Ok(next)
            })
        },
    )
    .await
}

async fn create_provision(
    ctx: &Context<'_>,
    input: CreateProvisionInput,
) -> Result<provision::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let instrument_id =
                validate::id_of::<instrument::Entity>(txn, actor, "instrument", &new.instrument)
                    .await?;
            Ok(new.model(instrument_id))
        })
    })
    .await
}

async fn update_provision(
    at: Target<'_>,
    mut input: UpdateProvisionInput,
) -> Result<provision::Model> {
    let sources = input.sources.take();
    let patch = input.patch();
    at.update(sources, patch, |txn, _, current, next: provision::Model| {
        Box::pin(async move {
            if next.kind != current.kind {
                kind_keeps_links(txn, current.id, next.kind).await?;
            }
            Ok(next)
        })
    })
    .await
}

async fn create_provision_link(
    ctx: &Context<'_>,
    input: CreateProvisionLinkInput,
) -> Result<provision_link::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let from = validate::named::<provision::Entity>(txn, actor, "from", &new.from).await?;
            let to = validate::named::<provision::Entity>(txn, actor, "to", &new.to).await?;
            let relation = new.fields.relation;
            link_direction(relation, &from, &to)?;
            Ok(new.model(from.id, to.id))
        })
    })
    .await
}

async fn update_provision_link(
    at: Target<'_>,
    mut input: UpdateProvisionLinkInput,
) -> Result<provision_link::Model> {
    let sources = input.sources.take();
    let patch = input.patch();
    at.update(
        sources,
        patch,
        |txn, _, current, next: provision_link::Model| {
            Box::pin(async move {
                if next.relation != current.relation {
                    relation_fits(txn, current, next.relation).await?;
                }
                Ok(next)
            })
        },
    )
    .await
}

async fn create_source(ctx: &Context<'_>, input: CreateSourceInput) -> Result<source::Model> {
    create_record(ctx, input.domain(), |_, _, new| {
        Box::pin(async move { Ok(new.model()) })
    })
    .await
}

async fn update_source(at: Target<'_>, input: UpdateSourceInput) -> Result<source::Model> {
    at.correct(None, input.patch()).await
}
