//! Creating and correcting the reference data: states, forums, memberships, instruments,
//! provisions, the crosswalk between provisions, and sources.
//!
//! Stable public keys (`code`, `slug`, `key`) and the identity of a relation (the state and
//! forum of a membership, the instrument of a provision, the ends of a link) are fixed at
//! creation: a record created under the wrong key is retracted and created again, so that no
//! URL, query or seed file silently starts meaning something else.
//!
//! The helpers at the top are shared with `practice.rs`.

use super::{record_id, transaction, validate, writer};
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
use crate::write;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use entity::partial_date::precision_rank;
use entity::*;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

/// Longest name or title.
pub(super) const NAME_MAX: usize = 500;
/// Longest summary or rationale.
pub(super) const SUMMARY_MAX: usize = 5000;
/// Longest note (and one-line explanations such as an attribution's basis).
pub(super) const NOTE_MAX: usize = 2000;
/// Longest document symbol or in-text reference (`A/70/174`, `para 13(e)`).
const SYMBOL_MAX: usize = 200;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The stored columns of a partial date.
pub(super) fn split(
    d: Option<entity::PartialDate>,
) -> (Option<chrono::NaiveDate>, Option<DatePrecision>) {
    entity::PartialDate::to_parts(d)
}

/// A partial date from its stored columns.
pub(super) fn stored(
    date: Option<chrono::NaiveDate>,
    precision: Option<DatePrecision>,
) -> Option<entity::PartialDate> {
    entity::PartialDate::from_parts(date, precision)
}

/// The value of a clearable date after an update.
pub(super) fn merged_date(
    current: Option<entity::PartialDate>,
    input: &MaybeUndefined<PartialDate>,
) -> Option<entity::PartialDate> {
    match input {
        MaybeUndefined::Undefined => current,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(d) => Some(d.0),
    }
}

/// The value of a clearable text after an update, checked when given.
pub(super) fn merged_text(
    field: &str,
    current: Option<String>,
    input: &MaybeUndefined<String>,
    max: usize,
) -> Result<Option<String>> {
    match input {
        MaybeUndefined::Undefined => Ok(current),
        MaybeUndefined::Null => Ok(None),
        MaybeUndefined::Value(v) => validate::opt_text(field, Some(v), max),
    }
}

/// `column IS NULL` for an absent value, `column = value` otherwise (for key look-ups).
pub(super) fn eq_or_null<C: ColumnTrait, V: Into<sea_orm::Value>>(
    column: C,
    value: Option<V>,
) -> SimpleExpr {
    match value {
        Some(v) => column.eq(v),
        None => column.is_null(),
    }
}

/// Source ids for `keys`: at least one, each known, none twice (the order is kept: primary first).
pub(super) async fn cited(
    txn: &DatabaseTransaction,
    actor: &Actor,
    keys: &[String],
) -> Result<Vec<i32>> {
    write::source_ids(txn, actor, "sources", keys).await
}

/// The sources a record cites after an update: when `keys` is given they replace the current
/// ones. Returns the source ids now cited, and the keys before and after (for the revision).
pub(super) async fn recite(
    txn: &DatabaseTransaction,
    actor: &Actor,
    kind: RecordKind,
    id: i32,
    keys: Option<&[String]>,
) -> Result<(Vec<i32>, Vec<String>, Vec<String>)> {
    let before = write::cited_keys(txn, kind, id).await?;
    match keys {
        Some(keys) => {
            let ids = cited(txn, actor, keys).await?;
            write::cite(txn, kind, id, &ids).await?;
            let after = write::cited_keys(txn, kind, id).await?;
            Ok((ids, before, after))
        }
        None => {
            let ids = record_source::Entity::find()
                .filter(record_source::Column::RecordKind.eq(kind))
                .filter(record_source::Column::RecordId.eq(id))
                .order_by_asc(record_source::Column::Ordinal)
                .all(txn)
                .await?
                .into_iter()
                .map(|l| l.source_id)
                .collect();
            let after = before.clone();
            Ok((ids, before, after))
        }
    }
}

/// Dates may be no more precise than the finest precision any of the record's sources gives
/// (seed/data/FORMAT.md): a source that gives only years cannot support a day.
pub(super) async fn precise_enough(
    txn: &DatabaseTransaction,
    sources: &[i32],
    dates: &[(&str, Option<entity::PartialDate>)],
) -> Result<()> {
    if dates.iter().all(|(_, d)| d.is_none()) || sources.is_empty() {
        return Ok(());
    }
    let finest = source::Entity::find()
        .filter(source::Column::Id.is_in(sources.to_vec()))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| s.date_precision)
        .max_by_key(|p| precision_rank(*p))
        .unwrap_or(DatePrecision::Day);
    for (field, date) in dates {
        if let Some(d) = date {
            if precision_rank(d.precision) > precision_rank(finest) {
                return Err(Error::bad_input(
                    *field,
                    format!(
                        "`{d}` is more precise than its sources, which give dates to the {}",
                        finest.as_str().to_lowercase()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Exactly `n` ASCII letters, upper-cased (ISO 3166-1 codes).
fn letters(field: &str, value: &str, n: usize) -> Result<String> {
    let v = value.trim().to_uppercase();
    if v.len() == n && v.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(Error::bad_input(
            field,
            format!("`{value}` is not a code of {n} letters"),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// A country.
#[derive(InputObject)]
pub struct CreateStateInput {
    /// ISO 3166-1 alpha-3 code, e.g. `MEX` (case-insensitive; stored upper-case). Fixed once created.
    pub code: String,
    /// ISO 3166-1 alpha-2 code, e.g. `MX`.
    pub alpha2: String,
    /// Short English name as ISO and the UN use it.
    pub name: String,
    /// UN M49 region, e.g. `Americas`.
    pub region: Option<String>,
    /// UN M49 sub-region, e.g. `Latin America and the Caribbean`.
    pub subregion: Option<String>,
    /// Whether the state is a UN member (true for the 193; false for the two observer states).
    pub un_member: bool,
    /// Date of admission to the United Nations (members only).
    pub un_member_since: Option<PartialDate>,
    /// A non-member observer state.
    #[graphql(default)]
    pub un_observer: bool,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a state; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateStateInput {
    /// ISO 3166-1 alpha-2 code, e.g. `MX`. Left out, it stays as it is.
    pub alpha2: Option<String>,
    /// Short English name as ISO and the UN use it. Left out, it stays as it is.
    pub name: Option<String>,
    /// UN M49 region, e.g. `Americas`. Left out, it stays as it is; `null` clears it.
    pub region: MaybeUndefined<String>,
    /// UN M49 sub-region, e.g. `Latin America and the Caribbean`. Left out, it stays as it is;
    /// `null` clears it.
    pub subregion: MaybeUndefined<String>,
    /// Whether the state is a UN member (true for the 193; false for the two observer states). Left
    /// out, it stays as it is.
    pub un_member: Option<bool>,
    /// Date of admission to the United Nations (members only). Left out, it stays as it is; `null`
    /// clears it.
    pub un_member_since: MaybeUndefined<PartialDate>,
    /// A non-member observer state. Left out, it stays as it is.
    pub un_observer: Option<bool>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// Where states act.
#[derive(InputObject)]
pub struct CreateForumInput {
    /// Stable key: lowercase letters, digits and `-`, e.g. `un-oewg`. Fixed once created.
    pub slug: String,
    /// Full English name, e.g. `UN Open-ended Working Group`; 1 to 500 characters.
    pub name: String,
    /// What kind of forum it is.
    pub kind: ForumKind,
    /// Slug of the forum this one belongs to.
    pub parent: Option<String>,
    /// The forum's own web page, `http://` or `https://`.
    pub url: Option<String>,
    /// When it was set up, as precise as the source. Not in the future (BAD_USER_INPUT naming the
    /// field).
    pub established_on: Option<PartialDate>,
    /// One or two sentences, in our own words.
    pub summary: Option<String>,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a forum; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateForumInput {
    /// Full English name, e.g. `UN Open-ended Working Group`; 1 to 500 characters. Left out, it
    /// stays as it is.
    pub name: Option<String>,
    /// What kind of forum it is. Left out, it stays as it is.
    pub kind: Option<ForumKind>,
    /// Slug of the forum this one belongs to. Left out, it stays as it is; `null` clears it.
    pub parent: MaybeUndefined<String>,
    /// The forum's own web page, `http://` or `https://`. Left out, it stays as it is; `null`
    /// clears it.
    pub url: MaybeUndefined<String>,
    /// When it was set up, as precise as the source. Not in the future (BAD_USER_INPUT naming the
    /// field). Left out, it stays as it is; `null` clears it.
    pub established_on: MaybeUndefined<PartialDate>,
    /// One or two sentences, in our own words. Left out, it stays as it is; `null` clears it.
    pub summary: MaybeUndefined<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// A state in a forum over a period.
#[derive(InputObject)]
pub struct CreateMembershipInput {
    /// ISO alpha-3 code of the state.
    pub state: String,
    /// Slug of the forum.
    pub forum: String,
    /// Member, observer or participant.
    pub role: MembershipRole,
    /// Since when; leave it out only when the source gives no date (then say so in `note`).
    pub valid_from: Option<PartialDate>,
    /// Until when, if the membership ended; not before `validFrom`.
    pub valid_to: Option<PartialDate>,
    /// E.g. `partial list as of 2017-10-11`.
    pub note: Option<String>,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a membership; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateMembershipInput {
    /// Member, observer or participant. Left out, it stays as it is.
    pub role: Option<MembershipRole>,
    /// Since when; leave it out only when the source gives no date (then say so in `note`). Left
    /// out, it stays as it is; `null` clears it.
    pub valid_from: MaybeUndefined<PartialDate>,
    /// Until when, if the membership ended; not before `validFrom`. Left out, it stays as it is;
    /// `null` clears it.
    pub valid_to: MaybeUndefined<PartialDate>,
    /// E.g. `partial list as of 2017-10-11`. Left out, it stays as it is; `null` clears it.
    pub note: MaybeUndefined<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// A text a forum produced.
#[derive(InputObject)]
pub struct CreateInstrumentInput {
    /// Stable key, `<body>-<number or year>`, e.g. `gge-2021`. Fixed once created.
    pub slug: String,
    /// UN document symbol or treaty number, e.g. `A/76/135`, `ETS 185`.
    pub symbol: Option<String>,
    /// Official title; 1 to 500 characters.
    pub title: String,
    /// What kind of text it is.
    pub kind: InstrumentKind,
    /// Whether it binds in law.
    pub bindingness: Bindingness,
    /// Slug of the forum that adopted it.
    pub forum: Option<String>,
    /// When it was adopted or opened for signature, as precise as the source. Not in the future
    /// (BAD_USER_INPUT naming the field).
    pub adopted_on: Option<PartialDate>,
    /// By vote, by consensus or by signature.
    pub adoption_mode: Option<AdoptionMode>,
    /// The official text online, `http://` or `https://`.
    pub url: Option<String>,
    /// What it does, in our own words.
    pub summary: Option<String>,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to an instrument; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateInstrumentInput {
    /// UN document symbol or treaty number, e.g. `A/76/135`, `ETS 185`. Left out, it stays as it
    /// is; `null` clears it.
    pub symbol: MaybeUndefined<String>,
    /// Official title; 1 to 500 characters. Left out, it stays as it is.
    pub title: Option<String>,
    /// What kind of text it is. Left out, it stays as it is.
    pub kind: Option<InstrumentKind>,
    /// Whether it binds in law. Left out, it stays as it is.
    pub bindingness: Option<Bindingness>,
    /// Slug of the forum that adopted it. Left out, it stays as it is; `null` clears it.
    pub forum: MaybeUndefined<String>,
    /// When it was adopted or opened for signature, as precise as the source. Not in the future
    /// (BAD_USER_INPUT naming the field). Left out, it stays as it is; `null` clears it.
    pub adopted_on: MaybeUndefined<PartialDate>,
    /// By vote, by consensus or by signature. Left out, it stays as it is; `null` clears it.
    pub adoption_mode: MaybeUndefined<AdoptionMode>,
    /// The official text online, `http://` or `https://`. Left out, it stays as it is; `null`
    /// clears it.
    pub url: MaybeUndefined<String>,
    /// What it does, in our own words. Left out, it stays as it is; `null` clears it.
    pub summary: MaybeUndefined<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// One norm, confidence-building measure or human-rights obligation inside an instrument.
#[derive(InputObject)]
pub struct CreateProvisionInput {
    /// Stable code, `<instrument>-<article>`, e.g. `iccpr-17`. Fixed once created.
    pub code: String,
    /// Norm, confidence-building measure or human-rights obligation; decides the GraphQL type
    /// (`Norm`, `ConfidenceBuildingMeasure`, `HumanRightsObligation`).
    pub kind: ProvisionKind,
    /// Slug of the instrument it belongs to. Fixed once created.
    pub instrument: String,
    /// Where in the instrument: `para 13(e)`, `Art. 17`, `CBM 3`.
    pub reference: String,
    /// Short, in our own words.
    pub title: String,
    /// What it asks, in our own words (never the official text).
    pub summary: String,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a provision; absent fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateProvisionInput {
    /// Norm, confidence-building measure or human-rights obligation; decides the GraphQL type
    /// (`Norm`, `ConfidenceBuildingMeasure`, `HumanRightsObligation`). Left out, it stays as it is.
    pub kind: Option<ProvisionKind>,
    /// Where in the instrument: `para 13(e)`, `Art. 17`, `CBM 3`. Left out, it stays as it is.
    pub reference: Option<String>,
    /// Short, in our own words. Left out, it stays as it is.
    pub title: Option<String>,
    /// What it asks, in our own words (never the official text). Left out, it stays as it is.
    pub summary: Option<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// A crosswalk link between two provisions.
#[derive(InputObject)]
pub struct CreateProvisionLinkInput {
    /// Code of the provision the link starts from (for rights relations: the norm or CBM).
    pub from: String,
    /// Code of the provision it points to (for rights relations: the human-rights obligation).
    pub to: String,
    /// How `from` relates to `to`.
    pub relation: LinkRelation,
    /// Why the two are linked, in one line, in our own words.
    pub rationale: String,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a link; absent fields stay as they are. Its two ends are fixed.
#[derive(InputObject, Default)]
pub struct UpdateProvisionLinkInput {
    /// How `from` relates to `to`. Left out, it stays as it is.
    pub relation: Option<LinkRelation>,
    /// Why the two are linked, in one line, in our own words. Left out, it stays as it is.
    pub rationale: Option<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// A citation. Give a `url`, a `documentSymbol`, or both.
#[derive(InputObject)]
pub struct CreateSourceInput {
    /// Stable key: lowercase letters, digits and `-`, e.g. `citizenlab-2017-reckless-exploit`.
    /// Fixed once created.
    pub key: String,
    /// What kind of document it is.
    pub kind: SourceKind,
    /// How close the source is to the fact: PRIMARY (the official record or the depositary),
    /// PUBLISHER (the author's own report), SECONDARY (a compilation), COPY (a mirror).
    pub tier: SourceTier,
    /// The document's own title; 1 to 500 characters.
    pub title: String,
    /// Who published it, e.g. `United Nations`; 1 to 500 characters.
    pub publisher: String,
    /// Where to read it, `http://` or `https://`.
    pub url: Option<String>,
    /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`.
    pub document_symbol: Option<String>,
    /// When it was published, as precise as the document. Not in the future (BAD_USER_INPUT naming
    /// the field).
    pub published_on: Option<PartialDate>,
    /// The day the stored copy was read.
    pub accessed_on: Option<Date>,
    /// The finest date precision this source gives (default DAY): records citing it may not be
    /// more precise.
    pub date_precision: Option<DatePrecision>,
    /// Anything a reader should know (partial, secondary, as of ...).
    pub note: Option<String>,
}

/// Changes to a source; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateSourceInput {
    /// What kind of document it is. Left out, it stays as it is.
    pub kind: Option<SourceKind>,
    /// How close the source is to the fact: PRIMARY (the official record or the depositary),
    /// PUBLISHER (the author's own report), SECONDARY (a compilation), COPY (a mirror). Left out,
    /// it stays as it is.
    pub tier: Option<SourceTier>,
    /// The document's own title; 1 to 500 characters. Left out, it stays as it is.
    pub title: Option<String>,
    /// Who published it, e.g. `United Nations`; 1 to 500 characters. Left out, it stays as it is.
    pub publisher: Option<String>,
    /// Where to read it, `http://` or `https://`. Left out, it stays as it is; `null` clears it.
    pub url: MaybeUndefined<String>,
    /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`. Left out, it stays as it
    /// is; `null` clears it.
    pub document_symbol: MaybeUndefined<String>,
    /// When it was published, as precise as the document. Not in the future (BAD_USER_INPUT naming
    /// the field). Left out, it stays as it is; `null` clears it.
    pub published_on: MaybeUndefined<PartialDate>,
    /// The day the stored copy was read. Left out, it stays as it is; `null` clears it.
    pub accessed_on: MaybeUndefined<Date>,
    /// The finest date precision this source gives (default DAY): records citing it may not be more
    /// precise. Left out, it stays as it is.
    pub date_precision: Option<DatePrecision>,
    /// Anything a reader should know (partial, secondary, as of ...). Left out, it stays as it is;
    /// `null` clears it.
    pub note: MaybeUndefined<String>,
}

// ---------------------------------------------------------------------------------------------
// Checks shared by create and update
// ---------------------------------------------------------------------------------------------

/// A UN member has no observer status, and only members have an admission date.
fn un_standing(member: bool, observer: bool, since: Option<entity::PartialDate>) -> Result<()> {
    if member && observer {
        return Err(Error::bad_input(
            "unObserver",
            "a UN member state is not a non-member observer state",
        ));
    }
    if !member && since.is_some() {
        return Err(Error::bad_input(
            "unMemberSince",
            "only UN member states have a date of admission",
        ));
    }
    validate::not_future("unMemberSince", since)
}

async fn alpha2_free(txn: &DatabaseTransaction, alpha2: &str, except: Option<i32>) -> Result<()> {
    let mut q = state::Entity::find().filter(state::Column::Alpha2.eq(alpha2));
    if let Some(id) = except {
        q = q.filter(state::Column::Id.ne(id));
    }
    if let Some(other) = q.one(txn).await? {
        return Err(Error::bad_input(
            "alpha2",
            format!(
                "alpha-2 code `{alpha2}` is already used by `{}`",
                other.code
            ),
        ));
    }
    Ok(())
}

/// A parent forum that does not make the forum `id` its own ancestor.
async fn parent_forum(
    txn: &DatabaseTransaction,
    actor: &Actor,
    slug: &str,
    id: Option<i32>,
) -> Result<i32> {
    let parent = validate::forum(txn, actor, "parent", slug).await?;
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

async fn membership_free(
    txn: &DatabaseTransaction,
    state_id: i32,
    forum_id: i32,
    role: MembershipRole,
    from: Option<entity::PartialDate>,
    except: Option<i32>,
) -> Result<()> {
    let mut q = membership::Entity::find()
        .filter(membership::Column::StateId.eq(state_id))
        .filter(membership::Column::ForumId.eq(forum_id))
        .filter(membership::Column::Role.eq(role))
        .filter(eq_or_null(
            membership::Column::ValidFrom,
            from.map(|d| d.date),
        ));
    if let Some(id) = except {
        q = q.filter(membership::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(Error::bad_input(
            "role",
            "this state already has a membership in this forum with this role from this date; correct that record instead",
        ));
    }
    Ok(())
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

async fn link_free(
    txn: &DatabaseTransaction,
    field: &str,
    from: i32,
    to: i32,
    relation: LinkRelation,
    except: Option<i32>,
) -> Result<()> {
    let mut q = provision_link::Entity::find()
        .filter(provision_link::Column::FromId.eq(from))
        .filter(provision_link::Column::ToId.eq(to))
        .filter(provision_link::Column::Relation.eq(relation));
    if let Some(id) = except {
        q = q.filter(provision_link::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(Error::bad_input(
            field,
            format!("these provisions are already linked as {relation}; correct that link instead"),
        ));
    }
    Ok(())
}

/// A source needs a URL or a document symbol, and cannot have been read before it was published.
fn source_dates_and_locator(
    url: &Option<String>,
    symbol: &Option<String>,
    published: Option<entity::PartialDate>,
    accessed: Option<chrono::NaiveDate>,
) -> Result<()> {
    if url.is_none() && symbol.is_none() {
        return Err(Error::bad_input(
            "url",
            "give a url or a documentSymbol (or both)",
        ));
    }
    validate::not_future("publishedOn", published)?;
    let accessed = accessed.map(|date| entity::PartialDate {
        date,
        precision: DatePrecision::Day,
    });
    validate::not_future("accessedOn", accessed)?;
    validate::ordered("accessedOn", published, accessed)
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub struct ReferenceMutation;

#[Object]
impl ReferenceMutation {
    /// Records a state as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateStateInput,
    ) -> async_graphql::Result<State> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let code = letters("code", &input.code, 3)?;
                let alpha2 = letters("alpha2", &input.alpha2, 2)?;
                let name = validate::text("name", &input.name, 1, NAME_MAX)?;
                let region = validate::opt_text("region", input.region.as_deref(), NAME_MAX)?;
                let subregion = validate::opt_text("subregion", input.subregion.as_deref(), NAME_MAX)?;
                let since = input.un_member_since.map(|d| d.0);
                un_standing(input.un_member, input.un_observer, since)?;
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("unMemberSince", since)]).await?;
                if state::Entity::find().filter(state::Column::Code.eq(code.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("code", format!("a state with code `{code}` exists already; correct that record instead")));
                }
                alpha2_free(txn, &alpha2, None).await?;
                let (since, since_p) = split(since);
                let now = chrono::Utc::now();
                let model = state::Model {
                    id: 0,
                    code,
                    alpha2,
                    name,
                    region,
                    subregion,
                    un_member: input.un_member,
                    un_member_since: since,
                    un_member_since_precision: since_p,
                    un_observer: input.un_observer,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(State(saved))
    }

    /// Corrects a state. `version` is the one you read: if someone changed the record since,
    /// this is a CONFLICT carrying the current version. The `code` is fixed.
    async fn update_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateStateInput,
    ) -> async_graphql::Result<State> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let sid = record_id("id", &id, RecordKind::State)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: state::Model = write::for_change(txn, &actor, sid, version).await?;
                let mut next = current.clone();
                if let Some(a) = &input.alpha2 {
                    next.alpha2 = letters("alpha2", a, 2)?;
                    alpha2_free(txn, &next.alpha2, Some(sid)).await?;
                }
                if let Some(n) = &input.name {
                    next.name = validate::text("name", n, 1, NAME_MAX)?;
                }
                next.region = merged_text("region", next.region, &input.region, NAME_MAX)?;
                next.subregion =
                    merged_text("subregion", next.subregion, &input.subregion, NAME_MAX)?;
                if let Some(m) = input.un_member {
                    next.un_member = m;
                }
                if let Some(o) = input.un_observer {
                    next.un_observer = o;
                }
                let since = merged_date(
                    stored(next.un_member_since, next.un_member_since_precision),
                    &input.un_member_since,
                );
                un_standing(next.un_member, next.un_observer, since)?;
                (next.un_member_since, next.un_member_since_precision) = split(since);
                let (ids, before, after) = recite(
                    txn,
                    &actor,
                    RecordKind::State,
                    sid,
                    input.sources.as_deref(),
                )
                .await?;
                if !input.un_member_since.is_undefined() || input.sources.is_some() {
                    precise_enough(txn, &ids, &[("unMemberSince", since)]).await?;
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    json!({ "sources": before }),
                    json!({ "sources": after }),
                )
                .await
            })
        })
        .await?;
        Ok(State(saved))
    }

    /// Records a forum as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_forum(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateForumInput,
    ) -> async_graphql::Result<Forum> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let slug = validate::key("slug", &input.slug)?;
                let name = validate::text("name", &input.name, 1, NAME_MAX)?;
                let url = input.url.as_deref().map(|u| validate::url("url", u)).transpose()?;
                let summary = validate::opt_text("summary", input.summary.as_deref(), SUMMARY_MAX)?;
                let established = input.established_on.map(|d| d.0);
                validate::not_future("establishedOn", established)?;
                let parent_id = match &input.parent {
                    Some(p) if p.trim().eq_ignore_ascii_case(&slug) => {
                        return Err(Error::bad_input("parent", "a forum cannot be its own parent"));
                    }
                    Some(p) => Some(parent_forum(txn, &actor, p, None).await?),
                    None => None,
                };
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("establishedOn", established)]).await?;
                if forum::Entity::find().filter(forum::Column::Slug.eq(slug.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("slug", format!("a forum with slug `{slug}` exists already; correct that record instead")));
                }
                let (on, on_p) = split(established);
                let now = chrono::Utc::now();
                let model = forum::Model {
                    id: 0,
                    slug,
                    name,
                    kind: input.kind,
                    parent_id,
                    url,
                    established_on: on,
                    established_on_precision: on_p,
                    summary,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Forum(saved))
    }

    /// Corrects a forum. `version` is the one you read: if someone changed the record since,
    /// this is a CONFLICT carrying the current version. The `slug` is fixed.
    async fn update_forum(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateForumInput,
    ) -> async_graphql::Result<Forum> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let fid = record_id("id", &id, RecordKind::Forum)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: forum::Model = write::for_change(txn, &actor, fid, version).await?;
                let mut next = current.clone();
                if let Some(n) = &input.name {
                    next.name = validate::text("name", n, 1, NAME_MAX)?;
                }
                if let Some(k) = input.kind {
                    next.kind = k;
                }
                match &input.parent {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.parent_id = None,
                    MaybeUndefined::Value(p) => {
                        next.parent_id = Some(parent_forum(txn, &actor, p, Some(fid)).await?)
                    }
                }
                match &input.url {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.url = None,
                    MaybeUndefined::Value(u) => next.url = Some(validate::url("url", u)?),
                }
                next.summary = merged_text("summary", next.summary, &input.summary, SUMMARY_MAX)?;
                let established = merged_date(
                    stored(next.established_on, next.established_on_precision),
                    &input.established_on,
                );
                validate::not_future("establishedOn", established)?;
                (next.established_on, next.established_on_precision) = split(established);
                let (ids, before, after) = recite(
                    txn,
                    &actor,
                    RecordKind::Forum,
                    fid,
                    input.sources.as_deref(),
                )
                .await?;
                if !input.established_on.is_undefined() || input.sources.is_some() {
                    precise_enough(txn, &ids, &[("establishedOn", established)]).await?;
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    json!({ "sources": before }),
                    json!({ "sources": after }),
                )
                .await
            })
        })
        .await?;
        Ok(Forum(saved))
    }

    /// Records a state's membership of a forum as a DRAFT (CONTRIBUTOR or above).
    async fn create_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateMembershipInput,
    ) -> async_graphql::Result<Membership> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let state_id = validate::state(txn, &actor, "state", &input.state).await?;
                let forum_id = validate::forum(txn, &actor, "forum", &input.forum).await?;
                let from = input.valid_from.map(|d| d.0);
                let to = input.valid_to.map(|d| d.0);
                validate::not_future("validFrom", from)?;
                validate::ordered("validTo", from, to)?;
                let note = validate::opt_text("note", input.note.as_deref(), NOTE_MAX)?;
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("validFrom", from), ("validTo", to)]).await?;
                membership_free(txn, state_id, forum_id, input.role, from, None).await?;
                let (from, from_p) = split(from);
                let (to, to_p) = split(to);
                let now = chrono::Utc::now();
                let model = membership::Model {
                    id: 0,
                    state_id,
                    forum_id,
                    role: input.role,
                    valid_from: from,
                    valid_from_precision: from_p,
                    valid_to: to,
                    valid_to_precision: to_p,
                    note,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Membership(saved))
    }

    /// Corrects a membership. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version. The state and forum are fixed.
    async fn update_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateMembershipInput,
    ) -> async_graphql::Result<Membership> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let mid = record_id("id", &id, RecordKind::Membership)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: membership::Model =
                    write::for_change(txn, &actor, mid, version).await?;
                let mut next = current.clone();
                if let Some(r) = input.role {
                    next.role = r;
                }
                let from = merged_date(
                    stored(next.valid_from, next.valid_from_precision),
                    &input.valid_from,
                );
                let to = merged_date(
                    stored(next.valid_to, next.valid_to_precision),
                    &input.valid_to,
                );
                validate::not_future("validFrom", from)?;
                validate::ordered("validTo", from, to)?;
                (next.valid_from, next.valid_from_precision) = split(from);
                (next.valid_to, next.valid_to_precision) = split(to);
                next.note = merged_text("note", next.note, &input.note, NOTE_MAX)?;
                if input.role.is_some() || !input.valid_from.is_undefined() {
                    membership_free(
                        txn,
                        next.state_id,
                        next.forum_id,
                        next.role,
                        from,
                        Some(mid),
                    )
                    .await?;
                }
                let (ids, before, after) = recite(
                    txn,
                    &actor,
                    RecordKind::Membership,
                    mid,
                    input.sources.as_deref(),
                )
                .await?;
                if !input.valid_from.is_undefined()
                    || !input.valid_to.is_undefined()
                    || input.sources.is_some()
                {
                    precise_enough(txn, &ids, &[("validFrom", from), ("validTo", to)]).await?;
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    json!({ "sources": before }),
                    json!({ "sources": after }),
                )
                .await
            })
        })
        .await?;
        Ok(Membership(saved))
    }

    /// Records an instrument as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_instrument(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateInstrumentInput,
    ) -> async_graphql::Result<Instrument> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let slug = validate::key("slug", &input.slug)?;
                let symbol = validate::opt_text("symbol", input.symbol.as_deref(), SYMBOL_MAX)?;
                let title = validate::text("title", &input.title, 1, NAME_MAX)?;
                let url = input.url.as_deref().map(|u| validate::url("url", u)).transpose()?;
                let summary = validate::opt_text("summary", input.summary.as_deref(), SUMMARY_MAX)?;
                let adopted = input.adopted_on.map(|d| d.0);
                validate::not_future("adoptedOn", adopted)?;
                let forum_id = match &input.forum {
                    Some(f) => Some(validate::forum(txn, &actor, "forum", f).await?),
                    None => None,
                };
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("adoptedOn", adopted)]).await?;
                if instrument::Entity::find().filter(instrument::Column::Slug.eq(slug.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("slug", format!("an instrument with slug `{slug}` exists already; correct that record instead")));
                }
                let (on, on_p) = split(adopted);
                let now = chrono::Utc::now();
                let model = instrument::Model {
                    id: 0,
                    slug,
                    symbol,
                    title,
                    kind: input.kind,
                    bindingness: input.bindingness,
                    forum_id,
                    adopted_on: on,
                    adopted_on_precision: on_p,
                    adoption_mode: input.adoption_mode,
                    url,
                    summary,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Instrument(saved))
    }

    /// Corrects an instrument. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version. The `slug` is fixed.
    async fn update_instrument(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateInstrumentInput,
    ) -> async_graphql::Result<Instrument> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let iid = record_id("id", &id, RecordKind::Instrument)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: instrument::Model =
                    write::for_change(txn, &actor, iid, version).await?;
                let mut next = current.clone();
                next.symbol = merged_text("symbol", next.symbol, &input.symbol, SYMBOL_MAX)?;
                if let Some(t) = &input.title {
                    next.title = validate::text("title", t, 1, NAME_MAX)?;
                }
                if let Some(k) = input.kind {
                    next.kind = k;
                }
                if let Some(b) = input.bindingness {
                    next.bindingness = b;
                }
                match &input.forum {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.forum_id = None,
                    MaybeUndefined::Value(f) => {
                        next.forum_id = Some(validate::forum(txn, &actor, "forum", f).await?)
                    }
                }
                match &input.adoption_mode {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.adoption_mode = None,
                    MaybeUndefined::Value(m) => next.adoption_mode = Some(*m),
                }
                match &input.url {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.url = None,
                    MaybeUndefined::Value(u) => next.url = Some(validate::url("url", u)?),
                }
                next.summary = merged_text("summary", next.summary, &input.summary, SUMMARY_MAX)?;
                let adopted = merged_date(
                    stored(next.adopted_on, next.adopted_on_precision),
                    &input.adopted_on,
                );
                validate::not_future("adoptedOn", adopted)?;
                (next.adopted_on, next.adopted_on_precision) = split(adopted);
                let (ids, before, after) = recite(
                    txn,
                    &actor,
                    RecordKind::Instrument,
                    iid,
                    input.sources.as_deref(),
                )
                .await?;
                if !input.adopted_on.is_undefined() || input.sources.is_some() {
                    precise_enough(txn, &ids, &[("adoptedOn", adopted)]).await?;
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    json!({ "sources": before }),
                    json!({ "sources": after }),
                )
                .await
            })
        })
        .await?;
        Ok(Instrument(saved))
    }

    /// Records a provision as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_provision(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateProvisionInput,
    ) -> async_graphql::Result<Provision> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let code = validate::key("code", &input.code)?;
                let reference = validate::text("reference", &input.reference, 1, SYMBOL_MAX)?;
                let title = validate::text("title", &input.title, 1, NAME_MAX)?;
                let summary = validate::text("summary", &input.summary, 1, SUMMARY_MAX)?;
                let instrument_id = validate::instrument(txn, &actor, "instrument", &input.instrument).await?;
                let sources = cited(txn, &actor, &input.sources).await?;
                if provision::Entity::find().filter(provision::Column::Code.eq(code.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("code", format!("a provision with code `{code}` exists already; correct that record instead")));
                }
                let now = chrono::Utc::now();
                let model = provision::Model {
                    id: 0,
                    code,
                    kind: input.kind,
                    instrument_id,
                    reference,
                    title,
                    summary,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Provision::from(saved))
    }

    /// Corrects a provision. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version. The code and instrument are fixed.
    async fn update_provision(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateProvisionInput,
    ) -> async_graphql::Result<Provision> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let pid = record_id("id", &id, RecordKind::Provision)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: provision::Model = write::for_change(txn, &actor, pid, version).await?;
                let mut next = current.clone();
                if let Some(k) = input.kind {
                    if k != current.kind {
                        // A kind change must not break the direction of rights relations.
                        let links = provision_link::Entity::find()
                            .filter(Condition::any().add(provision_link::Column::FromId.eq(pid)).add(provision_link::Column::ToId.eq(pid)))
                            .filter(provision_link::Column::Relation.is_in([LinkRelation::ProtectsRight, LinkRelation::MayRestrictRight]))
                            .all(txn)
                            .await?;
                        let hro = k == ProvisionKind::HumanRightsObligation;
                        if links.iter().any(|l| (l.from_id == pid && hro) || (l.to_id == pid && !hro)) {
                            return Err(Error::bad_input("kind", "this provision is linked as a right or to a right; correct those links first"));
                        }
                    }
                    next.kind = k;
                }
                if let Some(r) = &input.reference {
                    next.reference = validate::text("reference", r, 1, SYMBOL_MAX)?;
                }
                if let Some(t) = &input.title {
                    next.title = validate::text("title", t, 1, NAME_MAX)?;
                }
                if let Some(s) = &input.summary {
                    next.summary = validate::text("summary", s, 1, SUMMARY_MAX)?;
                }
                let (_, before, after) = recite(txn, &actor, RecordKind::Provision, pid, input.sources.as_deref()).await?;
                write::update(txn, &actor, &current, next, RevisionAction::Update, None, json!({ "sources": before }), json!({ "sources": after })).await
            })
        })
        .await?;
        Ok(Provision::from(saved))
    }

    /// Records a crosswalk link between two provisions as a DRAFT (CONTRIBUTOR or above).
    async fn create_provision_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateProvisionLinkInput,
    ) -> async_graphql::Result<ProvisionLink> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let from = validate::provision(txn, &actor, "from", &input.from).await?;
                let to = validate::provision(txn, &actor, "to", &input.to).await?;
                if from.id == to.id {
                    return Err(Error::bad_input(
                        "to",
                        "a provision cannot be linked to itself",
                    ));
                }
                link_direction(input.relation, &from, &to)?;
                let rationale = validate::text("rationale", &input.rationale, 1, SUMMARY_MAX)?;
                let sources = cited(txn, &actor, &input.sources).await?;
                link_free(txn, "to", from.id, to.id, input.relation, None).await?;
                let now = chrono::Utc::now();
                let model = provision_link::Model {
                    id: 0,
                    from_id: from.id,
                    to_id: to.id,
                    relation: input.relation,
                    rationale,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(ProvisionLink(saved))
    }

    /// Corrects a crosswalk link. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version. Its two ends are fixed.
    async fn update_provision_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateProvisionLinkInput,
    ) -> async_graphql::Result<ProvisionLink> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let lid = record_id("id", &id, RecordKind::ProvisionLink)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: provision_link::Model = write::for_change(txn, &actor, lid, version).await?;
                let mut next = current.clone();
                if let Some(r) = input.relation {
                    if r != current.relation {
                        let ends = provision::Entity::find()
                            .filter(provision::Column::Id.is_in([current.from_id, current.to_id]))
                            .all(txn)
                            .await?;
                        let from = ends.iter().find(|p| p.id == current.from_id);
                        let to = ends.iter().find(|p| p.id == current.to_id);
                        if let (Some(from), Some(to)) = (from, to) {
                            link_direction(r, from, to).map_err(|_| {
                                Error::bad_input("relation", format!("{r} runs from a norm or CBM to a human-rights obligation; these ends do not"))
                            })?;
                        }
                        link_free(txn, "relation", current.from_id, current.to_id, r, Some(lid)).await?;
                    }
                    next.relation = r;
                }
                if let Some(r) = &input.rationale {
                    next.rationale = validate::text("rationale", r, 1, SUMMARY_MAX)?;
                }
                let (_, before, after) = recite(txn, &actor, RecordKind::ProvisionLink, lid, input.sources.as_deref()).await?;
                write::update(txn, &actor, &current, next, RevisionAction::Update, None, json!({ "sources": before }), json!({ "sources": after })).await
            })
        })
        .await?;
        Ok(ProvisionLink(saved))
    }

    /// Records a source as a DRAFT (CONTRIBUTOR or above). A source cites no other sources.
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateSourceInput,
    ) -> async_graphql::Result<Source> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let key = validate::key("key", &input.key)?;
                let title = validate::text("title", &input.title, 1, NAME_MAX)?;
                let publisher = validate::text("publisher", &input.publisher, 1, NAME_MAX)?;
                let url = match input.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                    Some(u) => Some(validate::url("url", u)?),
                    None => None,
                };
                let document_symbol = validate::opt_text("documentSymbol", input.document_symbol.as_deref(), SYMBOL_MAX)?;
                let published = input.published_on.map(|d| d.0);
                let accessed = input.accessed_on.map(|d| d.0);
                source_dates_and_locator(&url, &document_symbol, published, accessed)?;
                let note = validate::opt_text("note", input.note.as_deref(), NOTE_MAX)?;
                if source::Entity::find().filter(source::Column::Key.eq(key.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("key", format!("a source with key `{key}` exists already; cite it, or correct that record")));
                }
                let (on, on_p) = split(published);
                let now = chrono::Utc::now();
                let model = source::Model {
                    id: 0,
                    key,
                    kind: input.kind,
                    tier: input.tier,
                    title,
                    publisher,
                    url,
                    document_symbol,
                    published_on: on,
                    published_on_precision: on_p,
                    accessed_on: accessed,
                    date_precision: input.date_precision.unwrap_or(DatePrecision::Day),
                    note,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &[], json!({})).await
            })
        })
        .await?;
        Ok(Source(saved))
    }

    /// Corrects a source. `version` is the one you read: if someone changed the record since,
    /// this is a CONFLICT carrying the current version. The `key` is fixed.
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateSourceInput,
    ) -> async_graphql::Result<Source> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let sid = record_id("id", &id, RecordKind::Source)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: source::Model = write::for_change(txn, &actor, sid, version).await?;
                let mut next = current.clone();
                if let Some(k) = input.kind {
                    next.kind = k;
                }
                if let Some(t) = input.tier {
                    next.tier = t;
                }
                if let Some(t) = &input.title {
                    next.title = validate::text("title", t, 1, NAME_MAX)?;
                }
                if let Some(p) = &input.publisher {
                    next.publisher = validate::text("publisher", p, 1, NAME_MAX)?;
                }
                match &input.url {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.url = None,
                    MaybeUndefined::Value(u) => next.url = Some(validate::url("url", u)?),
                }
                next.document_symbol = merged_text(
                    "documentSymbol",
                    next.document_symbol,
                    &input.document_symbol,
                    SYMBOL_MAX,
                )?;
                let published = merged_date(
                    stored(next.published_on, next.published_on_precision),
                    &input.published_on,
                );
                match &input.accessed_on {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.accessed_on = None,
                    MaybeUndefined::Value(d) => next.accessed_on = Some(d.0),
                }
                source_dates_and_locator(
                    &next.url,
                    &next.document_symbol,
                    published,
                    next.accessed_on,
                )?;
                (next.published_on, next.published_on_precision) = split(published);
                if let Some(p) = input.date_precision {
                    next.date_precision = p;
                }
                next.note = merged_text("note", next.note, &input.note, NOTE_MAX)?;
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    json!({}),
                    json!({}),
                )
                .await
            })
        })
        .await?;
        Ok(Source(saved))
    }
}
