//! The reference records: sources, states, forums, memberships, instruments, provisions and the
//! links between provisions.
//!
//! Each type comes in three parts:
//! - `<Type>Fields`: what the record says and a correction may change, with its one
//!   `validate()`; `of` reads it from a stored row and `set` writes it back;
//! - `New<Type>`: its fields plus what is fixed at creation (the stable key, the records it
//!   hangs from) and its sources; `validate()` checks all of it, `model()` builds the row;
//! - `<Type>Patch`: a correction (absent = keep, `Some(None)` = clear), applied to the stored
//!   row's fields and validated as a whole, so a record after an update obeys the same rules
//!   as a new one.

use super::{Check, Rules, NAME_MAX, NOTE_MAX, SUMMARY_MAX, SYMBOL_MAX};
use crate::*;
use chrono::{NaiveDate, Utc};

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

/// What a source says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFields {
    pub kind: SourceKind,
    pub tier: SourceTier,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub document_symbol: Option<String>,
    pub published_on: Option<PartialDate>,
    /// The day the stored copy was read.
    pub accessed_on: Option<NaiveDate>,
    /// The finest date precision the source gives: records citing it may not be more precise.
    pub date_precision: DatePrecision,
    pub note: Option<String>,
}

impl Rules for SourceFields {
    /// A source needs a URL or a document symbol, and cannot have been read before it was
    /// published.
    fn check(mut self, c: &mut Check) -> Self {
        self.title = c.text("title", &self.title, NAME_MAX);
        self.publisher = c.text("publisher", &self.publisher, NAME_MAX);
        self.url = c.opt_url("url", self.url);
        self.document_symbol = c.opt_text("document_symbol", self.document_symbol, SYMBOL_MAX);
        if self.url.is_none() && self.document_symbol.is_none() {
            c.fail("url", "give a url or a document symbol (or both)");
        }
        c.not_future("published_on", self.published_on);
        let accessed = self.accessed_on.map(|date| PartialDate {
            date,
            precision: DatePrecision::Day,
        });
        c.not_future("accessed_on", accessed);
        c.ordered("accessed_on", self.published_on, accessed);
        self.note = c.opt_text("note", self.note, NOTE_MAX);
        self
    }
}

impl SourceFields {
    pub fn of(m: &source::Model) -> Self {
        SourceFields {
            kind: m.kind,
            tier: m.tier,
            title: m.title.clone(),
            publisher: m.publisher.clone(),
            url: m.url.clone(),
            document_symbol: m.document_symbol.clone(),
            published_on: PartialDate::from_parts(m.published_on, m.published_on_precision),
            accessed_on: m.accessed_on,
            date_precision: m.date_precision,
            note: m.note.clone(),
        }
    }

    pub fn set(self, m: &mut source::Model) {
        m.kind = self.kind;
        m.tier = self.tier;
        m.title = self.title;
        m.publisher = self.publisher;
        m.url = self.url;
        m.document_symbol = self.document_symbol;
        (m.published_on, m.published_on_precision) = PartialDate::to_parts(self.published_on);
        m.accessed_on = self.accessed_on;
        m.date_precision = self.date_precision;
        m.note = self.note;
    }
}

/// A new source.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    /// Stable key, e.g. `citizenlab-2017-reckless-exploit`; fixed once created.
    pub key: String,
    pub fields: SourceFields,
}

impl Rules for NewSource {
    fn check(mut self, c: &mut Check) -> Self {
        self.key = c.key("key", &self.key);
        self.fields = self.fields.check(c);
        self
    }
}

impl NewSource {
    pub fn model(self) -> source::Model {
        let mut m = row!(source {
            key: self.key,
            kind: self.fields.kind,
            tier: self.fields.tier,
            title: String::new(),
            publisher: String::new(),
            url: None,
            document_symbol: None,
            published_on: None,
            published_on_precision: None,
            accessed_on: None,
            date_precision: self.fields.date_precision,
            note: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a source.
#[derive(Debug, Clone, Default)]
pub struct SourcePatch {
    pub kind: Option<SourceKind>,
    pub tier: Option<SourceTier>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<Option<String>>,
    pub document_symbol: Option<Option<String>>,
    pub published_on: Option<Option<PartialDate>>,
    pub accessed_on: Option<Option<NaiveDate>>,
    pub date_precision: Option<DatePrecision>,
    pub note: Option<Option<String>>,
}

impl SourcePatch {
    /// The stored source's fields with this correction applied, validated.
    pub fn apply(self, current: &source::Model) -> super::Checked<SourceFields> {
        let mut f = SourceFields::of(current);
        patch!(self, f; kind, tier, title, publisher, url, document_symbol, published_on,
            accessed_on, date_precision, note);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------------------------

/// What a state record says.
#[derive(Debug, Clone, PartialEq)]
pub struct StateFields {
    pub alpha2: String,
    pub name: String,
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub un_member: bool,
    pub un_member_since: Option<PartialDate>,
    pub un_observer: bool,
}

impl Rules for StateFields {
    /// A UN member has no observer status, and only members have an admission date.
    fn check(mut self, c: &mut Check) -> Self {
        self.alpha2 = c.letters("alpha2", &self.alpha2, 2);
        self.name = c.text("name", &self.name, NAME_MAX);
        self.region = c.opt_text("region", self.region, NAME_MAX);
        self.subregion = c.opt_text("subregion", self.subregion, NAME_MAX);
        if self.un_member && self.un_observer {
            c.fail(
                "un_observer",
                "a UN member state is not a non-member observer state",
            );
        }
        if !self.un_member && self.un_member_since.is_some() {
            c.fail(
                "un_member_since",
                "only UN member states have a date of admission",
            );
        }
        c.not_future("un_member_since", self.un_member_since);
        self
    }
}

impl StateFields {
    pub fn of(m: &state::Model) -> Self {
        StateFields {
            alpha2: m.alpha2.clone(),
            name: m.name.clone(),
            region: m.region.clone(),
            subregion: m.subregion.clone(),
            un_member: m.un_member,
            un_member_since: PartialDate::from_parts(
                m.un_member_since,
                m.un_member_since_precision,
            ),
            un_observer: m.un_observer,
        }
    }

    pub fn set(self, m: &mut state::Model) {
        m.alpha2 = self.alpha2;
        m.name = self.name;
        m.region = self.region;
        m.subregion = self.subregion;
        m.un_member = self.un_member;
        (m.un_member_since, m.un_member_since_precision) =
            PartialDate::to_parts(self.un_member_since);
        m.un_observer = self.un_observer;
    }
}

/// A new state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewState {
    /// ISO 3166-1 alpha-3 code, upper-case; fixed once created.
    pub code: String,
    pub fields: StateFields,
    pub sources: Vec<String>,
}

impl Rules for NewState {
    fn check(mut self, c: &mut Check) -> Self {
        self.code = c.letters("code", &self.code, 3);
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewState {
    pub fn model(self) -> state::Model {
        let mut m = row!(state {
            code: self.code,
            alpha2: String::new(),
            name: String::new(),
            region: None,
            subregion: None,
            un_member: false,
            un_member_since: None,
            un_member_since_precision: None,
            un_observer: false,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a state (its code is fixed).
#[derive(Debug, Clone, Default)]
pub struct StatePatch {
    pub alpha2: Option<String>,
    pub name: Option<String>,
    pub region: Option<Option<String>>,
    pub subregion: Option<Option<String>>,
    pub un_member: Option<bool>,
    pub un_member_since: Option<Option<PartialDate>>,
    pub un_observer: Option<bool>,
}

impl StatePatch {
    /// The stored state's fields with this correction applied, validated.
    pub fn apply(self, current: &state::Model) -> super::Checked<StateFields> {
        let mut f = StateFields::of(current);
        patch!(self, f; alpha2, name, region, subregion, un_member, un_member_since, un_observer);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Forums
// ---------------------------------------------------------------------------------------------

/// What a forum record says.
#[derive(Debug, Clone, PartialEq)]
pub struct ForumFields {
    pub name: String,
    pub kind: ForumKind,
    pub url: Option<String>,
    pub established_on: Option<PartialDate>,
    pub summary: Option<String>,
}

impl Rules for ForumFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.name = c.text("name", &self.name, NAME_MAX);
        self.url = c.opt_url("url", self.url);
        c.not_future("established_on", self.established_on);
        self.summary = c.opt_text("summary", self.summary, SUMMARY_MAX);
        self
    }
}

impl ForumFields {
    pub fn of(m: &forum::Model) -> Self {
        ForumFields {
            name: m.name.clone(),
            kind: m.kind,
            url: m.url.clone(),
            established_on: PartialDate::from_parts(m.established_on, m.established_on_precision),
            summary: m.summary.clone(),
        }
    }

    pub fn set(self, m: &mut forum::Model) {
        m.name = self.name;
        m.kind = self.kind;
        m.url = self.url;
        (m.established_on, m.established_on_precision) = PartialDate::to_parts(self.established_on);
        m.summary = self.summary;
    }
}

/// A new forum.
#[derive(Debug, Clone, PartialEq)]
pub struct NewForum {
    /// Stable key, e.g. `un-oewg`; fixed once created.
    pub slug: String,
    /// Slug of the forum this one belongs to.
    pub parent: Option<String>,
    pub fields: ForumFields,
    pub sources: Vec<String>,
}

impl Rules for NewForum {
    fn check(mut self, c: &mut Check) -> Self {
        self.slug = c.key("slug", &self.slug);
        self.parent = c.opt_key("parent", self.parent);
        if self.parent.as_deref() == Some(self.slug.as_str()) {
            c.fail("parent", "a forum cannot be its own parent");
        }
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewForum {
    pub fn model(self, parent_id: Option<i32>) -> forum::Model {
        let mut m = row!(forum {
            slug: self.slug,
            name: String::new(),
            kind: self.fields.kind,
            parent_id: parent_id,
            url: None,
            established_on: None,
            established_on_precision: None,
            summary: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a forum's fields (its parent is resolved by the caller).
#[derive(Debug, Clone, Default)]
pub struct ForumPatch {
    pub name: Option<String>,
    pub kind: Option<ForumKind>,
    pub url: Option<Option<String>>,
    pub established_on: Option<Option<PartialDate>>,
    pub summary: Option<Option<String>>,
}

impl ForumPatch {
    /// The stored forum's fields with this correction applied, validated.
    pub fn apply(self, current: &forum::Model) -> super::Checked<ForumFields> {
        let mut f = ForumFields::of(current);
        patch!(self, f; name, kind, url, established_on, summary);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Memberships
// ---------------------------------------------------------------------------------------------

/// What a membership record says.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipFields {
    pub role: MembershipRole,
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    pub note: Option<String>,
}

impl Rules for MembershipFields {
    fn check(mut self, c: &mut Check) -> Self {
        c.not_future("valid_from", self.valid_from);
        c.ordered("valid_to", self.valid_from, self.valid_to);
        self.note = c.opt_text("note", self.note, NOTE_MAX);
        self
    }
}

impl MembershipFields {
    pub fn of(m: &membership::Model) -> Self {
        MembershipFields {
            role: m.role,
            valid_from: PartialDate::from_parts(m.valid_from, m.valid_from_precision),
            valid_to: PartialDate::from_parts(m.valid_to, m.valid_to_precision),
            note: m.note.clone(),
        }
    }

    pub fn set(self, m: &mut membership::Model) {
        m.role = self.role;
        (m.valid_from, m.valid_from_precision) = PartialDate::to_parts(self.valid_from);
        (m.valid_to, m.valid_to_precision) = PartialDate::to_parts(self.valid_to);
        m.note = self.note;
    }
}

/// A new membership of a state in a forum.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMembership {
    /// ISO alpha-3 code of the state; fixed once created.
    pub state: String,
    /// Slug of the forum; fixed once created.
    pub forum: String,
    pub fields: MembershipFields,
    pub sources: Vec<String>,
}

impl Rules for NewMembership {
    fn check(mut self, c: &mut Check) -> Self {
        self.state = c.letters("state", &self.state, 3);
        self.forum = c.key("forum", &self.forum);
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewMembership {
    pub fn model(self, state_id: i32, forum_id: i32) -> membership::Model {
        let mut m = row!(membership {
            state_id: state_id,
            forum_id: forum_id,
            role: self.fields.role,
            valid_from: None,
            valid_from_precision: None,
            valid_to: None,
            valid_to_precision: None,
            note: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a membership (its state and forum are fixed).
#[derive(Debug, Clone, Default)]
pub struct MembershipPatch {
    pub role: Option<MembershipRole>,
    pub valid_from: Option<Option<PartialDate>>,
    pub valid_to: Option<Option<PartialDate>>,
    pub note: Option<Option<String>>,
}

impl MembershipPatch {
    /// The stored membership's fields with this correction applied, validated.
    pub fn apply(self, current: &membership::Model) -> super::Checked<MembershipFields> {
        let mut f = MembershipFields::of(current);
        patch!(self, f; role, valid_from, valid_to, note);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Instruments
// ---------------------------------------------------------------------------------------------

/// What an instrument record says.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentFields {
    pub symbol: Option<String>,
    pub title: String,
    pub kind: InstrumentKind,
    pub bindingness: Bindingness,
    pub adopted_on: Option<PartialDate>,
    pub adoption_mode: Option<AdoptionMode>,
    pub url: Option<String>,
    pub summary: Option<String>,
}

impl Rules for InstrumentFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.symbol = c.opt_text("symbol", self.symbol, SYMBOL_MAX);
        self.title = c.text("title", &self.title, NAME_MAX);
        c.not_future("adopted_on", self.adopted_on);
        self.url = c.opt_url("url", self.url);
        self.summary = c.opt_text("summary", self.summary, SUMMARY_MAX);
        self
    }
}

impl InstrumentFields {
    pub fn of(m: &instrument::Model) -> Self {
        InstrumentFields {
            symbol: m.symbol.clone(),
            title: m.title.clone(),
            kind: m.kind,
            bindingness: m.bindingness,
            adopted_on: PartialDate::from_parts(m.adopted_on, m.adopted_on_precision),
            adoption_mode: m.adoption_mode,
            url: m.url.clone(),
            summary: m.summary.clone(),
        }
    }

    pub fn set(self, m: &mut instrument::Model) {
        m.symbol = self.symbol;
        m.title = self.title;
        m.kind = self.kind;
        m.bindingness = self.bindingness;
        (m.adopted_on, m.adopted_on_precision) = PartialDate::to_parts(self.adopted_on);
        m.adoption_mode = self.adoption_mode;
        m.url = self.url;
        m.summary = self.summary;
    }
}

/// A new instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInstrument {
    /// Stable key, e.g. `gge-2021`; fixed once created.
    pub slug: String,
    /// Slug of the forum that adopted it.
    pub forum: Option<String>,
    pub fields: InstrumentFields,
    pub sources: Vec<String>,
}

impl Rules for NewInstrument {
    fn check(mut self, c: &mut Check) -> Self {
        self.slug = c.key("slug", &self.slug);
        self.forum = c.opt_key("forum", self.forum);
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewInstrument {
    pub fn model(self, forum_id: Option<i32>) -> instrument::Model {
        let mut m = row!(instrument {
            slug: self.slug,
            symbol: None,
            title: String::new(),
            kind: self.fields.kind,
            bindingness: self.fields.bindingness,
            forum_id: forum_id,
            adopted_on: None,
            adopted_on_precision: None,
            adoption_mode: None,
            url: None,
            summary: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to an instrument's fields (its forum is resolved by the caller).
#[derive(Debug, Clone, Default)]
pub struct InstrumentPatch {
    pub symbol: Option<Option<String>>,
    pub title: Option<String>,
    pub kind: Option<InstrumentKind>,
    pub bindingness: Option<Bindingness>,
    pub adopted_on: Option<Option<PartialDate>>,
    pub adoption_mode: Option<Option<AdoptionMode>>,
    pub url: Option<Option<String>>,
    pub summary: Option<Option<String>>,
}

impl InstrumentPatch {
    /// The stored instrument's fields with this correction applied, validated.
    pub fn apply(self, current: &instrument::Model) -> super::Checked<InstrumentFields> {
        let mut f = InstrumentFields::of(current);
        patch!(self, f; symbol, title, kind, bindingness, adopted_on, adoption_mode, url, summary);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Provisions
// ---------------------------------------------------------------------------------------------

/// What a provision record says.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionFields {
    pub kind: ProvisionKind,
    /// Where in the instrument: `para 13(e)`, `Art. 17`.
    pub reference: String,
    pub title: String,
    pub summary: String,
}

impl Rules for ProvisionFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.reference = c.text("reference", &self.reference, SYMBOL_MAX);
        self.title = c.text("title", &self.title, NAME_MAX);
        self.summary = c.text("summary", &self.summary, SUMMARY_MAX);
        self
    }
}

impl ProvisionFields {
    pub fn of(m: &provision::Model) -> Self {
        ProvisionFields {
            kind: m.kind,
            reference: m.reference.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
        }
    }

    pub fn set(self, m: &mut provision::Model) {
        m.kind = self.kind;
        m.reference = self.reference;
        m.title = self.title;
        m.summary = self.summary;
    }
}

/// A new provision.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProvision {
    /// Stable code, e.g. `iccpr-17`; fixed once created.
    pub code: String,
    /// Slug of its instrument; fixed once created.
    pub instrument: String,
    pub fields: ProvisionFields,
    pub sources: Vec<String>,
}

impl Rules for NewProvision {
    fn check(mut self, c: &mut Check) -> Self {
        self.code = c.key("code", &self.code);
        self.instrument = c.key("instrument", &self.instrument);
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewProvision {
    pub fn model(self, instrument_id: i32) -> provision::Model {
        row!(provision {
            code: self.code,
            kind: self.fields.kind,
            instrument_id: instrument_id,
            reference: self.fields.reference,
            title: self.fields.title,
            summary: self.fields.summary,
        })
    }
}

/// A correction to a provision (its code and instrument are fixed).
#[derive(Debug, Clone, Default)]
pub struct ProvisionPatch {
    pub kind: Option<ProvisionKind>,
    pub reference: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
}

impl ProvisionPatch {
    /// The stored provision's fields with this correction applied, validated.
    pub fn apply(self, current: &provision::Model) -> super::Checked<ProvisionFields> {
        let mut f = ProvisionFields::of(current);
        patch!(self, f; kind, reference, title, summary);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Links between provisions
// ---------------------------------------------------------------------------------------------

/// What a link says.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkFields {
    pub relation: LinkRelation,
    pub rationale: String,
}

impl Rules for LinkFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.rationale = c.text("rationale", &self.rationale, SUMMARY_MAX);
        self
    }
}

impl LinkFields {
    pub fn of(m: &provision_link::Model) -> Self {
        LinkFields {
            relation: m.relation,
            rationale: m.rationale.clone(),
        }
    }

    pub fn set(self, m: &mut provision_link::Model) {
        m.relation = self.relation;
        m.rationale = self.rationale;
    }
}

/// A new link between two provisions.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProvisionLink {
    /// Code of the provision it starts from; fixed once created.
    pub from: String,
    /// Code of the provision it points to; fixed once created.
    pub to: String,
    pub fields: LinkFields,
    pub sources: Vec<String>,
}

impl Rules for NewProvisionLink {
    fn check(mut self, c: &mut Check) -> Self {
        self.from = c.key("from", &self.from);
        self.to = c.key("to", &self.to);
        if !self.from.is_empty() && self.from == self.to {
            c.fail("to", "a provision cannot be linked to itself");
        }
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewProvisionLink {
    pub fn model(self, from_id: i32, to_id: i32) -> provision_link::Model {
        row!(provision_link {
            from_id: from_id,
            to_id: to_id,
            relation: self.fields.relation,
            rationale: self.fields.rationale,
        })
    }
}

/// A correction to a link (its ends are fixed).
#[derive(Debug, Clone, Default)]
pub struct LinkPatch {
    pub relation: Option<LinkRelation>,
    pub rationale: Option<String>,
}

impl LinkPatch {
    /// The stored link's fields with this correction applied, validated.
    pub fn apply(self, current: &provision_link::Model) -> super::Checked<LinkFields> {
        let mut f = LinkFields::of(current);
        patch!(self, f; relation, rationale);
        f.validate()
    }
}
