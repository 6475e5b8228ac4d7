//! Enumerations shared by the database, the seed files and the GraphQL schema.
//!
//! One definition serves all three: the database stores the upper-case name, serde reads the same
//! name from seed files, and async-graphql exposes it unchanged.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum,
            Serialize, Deserialize, async_graphql::Enum,
        )]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(StringLen::N(32))",
            rename_all = "SCREAMING_SNAKE_CASE"
        )]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        #[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order (for error messages that list the choices).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The upper-case name stored in the database and written in seed files.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => paste_upper!($variant)),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .find(|v| v.as_str() == s)
                    .copied()
                    .ok_or_else(|| {
                        let choices: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("unknown value `{s}`, expected one of {}", choices.join(", "))
                    })
            }
        }
    };
}

/// Turns a CamelCase identifier into its SCREAMING_SNAKE_CASE name at compile time.
macro_rules! paste_upper {
    ($variant:ident) => {{
        const NAME: &str = stringify!($variant);
        const LEN: usize = crate::enums::screaming_len(NAME);
        const BYTES: [u8; LEN] = crate::enums::screaming::<LEN>(NAME);
        match std::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => NAME,
        }
    }};
}

/// Length of the SCREAMING_SNAKE_CASE form of a CamelCase ASCII name.
pub(crate) const fn screaming_len(name: &str) -> usize {
    let b = name.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if i > 0 && b[i].is_ascii_uppercase() {
            n += 1;
        }
        n += 1;
        i += 1;
    }
    n
}

/// The SCREAMING_SNAKE_CASE form of a CamelCase ASCII name.
pub(crate) const fn screaming<const N: usize>(name: &str) -> [u8; N] {
    let b = name.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    let mut j = 0;
    while i < b.len() {
        if i > 0 && b[i].is_ascii_uppercase() {
            out[j] = b'_';
            j += 1;
        }
        out[j] = b[i].to_ascii_uppercase();
        j += 1;
        i += 1;
    }
    out
}

db_enum!(
    /// How precisely a source gives a date. A year stays a year: we never invent a day.
    DatePrecision {
        /// Only the year is known: the date is written `YYYY`.
        Year,
        /// The year and month are known: `YYYY-MM`.
        Month,
        /// The exact day is known: `YYYY-MM-DD`.
        Day,
    }
);
db_enum!(
    /// What kind of place a forum is.
    ForumKind {
        /// A body of states with a global membership, e.g. the UN General Assembly.
        Intergovernmental,
        /// An organisation of one region, e.g. the OSCE, the OAS or the ASEAN Regional Forum.
        Regional,
        /// A group of like-minded states that join by choice, e.g. the Freedom Online Coalition.
        Coalition,
        /// States together with companies and civil society, e.g. the Paris Call.
        Multistakeholder,
        /// A group of governmental or independent experts, e.g. the UN GGE or the GCSC.
        ExpertGroup,
        /// An export control arrangement, e.g. Wassenaar.
        ExportControlRegime,
    }
);
db_enum!(
    /// A state's standing in a forum.
    MembershipRole {
        /// A full member with a vote.
        Member,
        /// Attends without full membership.
        Observer,
        /// Takes part in a group that has no formal membership (an expert group, a call).
        Participant,
    }
);
db_enum!(
    /// What kind of text an instrument is.
    InstrumentKind {
        /// A report, e.g. a UN GGE consensus report that states later endorse.
        Report,
        /// A resolution of a body such as the UN General Assembly or Human Rights Council.
        Resolution,
        /// A treaty that states ratify or accede to, e.g. the ICCPR or the Budapest Convention.
        Treaty,
        /// A declaration that states endorse or sign, e.g. the Paris Call.
        Declaration,
        /// A decision of a body, e.g. an OSCE Permanent Council decision on CBMs.
        Decision,
        /// A statement issued jointly by states.
        Statement,
    }
);
db_enum!(
    /// Whether an instrument binds in law.
    Bindingness {
        /// Binding in international law on the states that are party (a treaty).
        LegallyBinding,
        /// A political commitment, not binding in law (most resolutions and reports).
        Political,
        /// Voluntary guidance that states may choose to follow.
        Voluntary,
    }
);
db_enum!(
    /// How an instrument was adopted.
    AdoptionMode {
        /// By a recorded vote (see the states' positions of kind VOTE).
        Vote,
        /// By consensus, without a vote.
        Consensus,
        /// Opened for signature: each state joins by signing.
        Signature,
    }
);
db_enum!(
    /// What a provision is.
    ProvisionKind {
        /// A norm of responsible state behaviour in cyberspace (the `Norm` type).
        Norm,
        /// A confidence-building measure (the `ConfidenceBuildingMeasure` type).
        ConfidenceBuildingMeasure,
        /// A human-rights obligation such as ICCPR Art. 17 (the `HumanRightsObligation` type).
        HumanRightsObligation,
    }
);
db_enum!(
    /// How two provisions relate in the crosswalk.
    LinkRelation {
        /// The first provision protects the human right of the second.
        ProtectsRight,
        /// Carrying out the first provision may restrict the human right of the second.
        MayRestrictRight,
        /// The two say the same thing in different instruments.
        Equivalent,
        /// The first reaffirms the second.
        Reaffirms,
        /// The first puts the second into practice.
        Implements,
    }
);
db_enum!(
    /// The act by which a state bound or aligned itself to an instrument. SUCCEEDED is a
    /// notification of succession (a new state declaring itself bound by its predecessor's
    /// treaty), as binding as a ratification or an accession.
    CommitmentAct {
        /// Ratified a treaty it had signed: bound in full.
        Ratified,
        /// Acceded to a treaty without signing it first: bound in full.
        Acceded,
        /// Declared itself bound by a treaty of the state it succeeded: bound in full.
        Succeeded,
        /// Signed a treaty without ratifying it yet (strength SIGNATURE_ONLY in the gap method),
        /// or signed a declaration.
        Signed,
        /// Endorsed a report or declaration.
        Endorsed,
        /// Joined a coalition, call or arrangement.
        Joined,
        /// Voted in favour of a resolution adopted by vote.
        VotedInFavour,
        /// Took part in adopting a resolution or decision by consensus.
        AdoptedByConsensus,
        /// Stated its support for the instrument.
        StatementOfSupport,
        /// Withdrew from or denounced the instrument: ends its earlier commitments to it.
        Withdrew,
    }
);
db_enum!(
    /// How the commitment came about: the state's own act, a consensus it joined, or membership.
    CommitmentModality {
        /// The state's own act (a ratification, a signature, a vote in favour ...).
        Explicit,
        /// The state was part of a consensus adoption.
        Consensus,
        /// Attributed through membership of the body that adopted the text (strength
        /// BY_MEMBERSHIP in the gap method).
        ByMembership,
    }
);
db_enum!(
    /// What kind of stance a position records.
    PositionKind {
        /// A recorded vote on a resolution or decision.
        Vote,
        /// A statement made in a forum, e.g. at an OEWG session.
        Statement,
        /// Sponsoring or co-sponsoring a draft.
        Sponsorship,
        /// A national position paper, e.g. on how international law applies in cyberspace.
        NationalPosition,
        /// An answer to a survey, e.g. the UN Secretary-General's consultation of states.
        SurveyResponse,
    }
);
db_enum!(
    /// Which way a position goes.
    Stance {
        /// In favour (a yes vote, a supportive statement).
        Supports,
        /// Against (a no vote, an objection).
        Opposes,
        /// An abstention.
        Abstains,
        /// Support with reservations or an interpretation of its own.
        Qualifies,
    }
);
db_enum!(
    /// What kind of practice a piece of evidence documents.
    EvidenceKind {
        /// A cyber operation attributed to a state, e.g. an intrusion or a destructive attack.
        CyberOperation,
        /// Surveillance, e.g. the use of spyware against journalists or activists.
        Surveillance,
        /// A law or bill adopted, e.g. a cybercrime or interception law: a text, not practice.
        Legislation,
        /// A shutdown or throttling of internet access or of services.
        InternetShutdown,
        /// The prosecution of people for what they said or did online.
        Prosecution,
        /// A government policy, strategy, decree, executive order or published legal position:
        /// a text, not practice.
        Policy,
        /// Something the state did to implement a norm, CBM or right: a programme stopped, a
        /// remedy applied, a CERT that acted, a point of contact that answers. Not a text.
        ImplementationMeasure,
        /// A court's decision (international, regional or national) on the state's practice.
        CourtJudgment,
        /// A UN treaty body's concluding observations or views, or a special procedure's
        /// communication, on the state's practice.
        TreatyBodyFinding,
    }
);
impl EvidenceKind {
    /// A text the state adopted (a law, a policy): what it says it will do, not what it did.
    /// Support from texts alone never makes a gap IMPLEMENTED (gap method 2.0).
    pub fn is_text(&self) -> bool {
        matches!(self, EvidenceKind::Legislation | EvidenceKind::Policy)
    }

    /// A competent body's decision on the state's practice: it names the body, its document
    /// and the date of the decision, and it settles attribution (the state took part).
    pub fn is_authority(&self) -> bool {
        matches!(
            self,
            EvidenceKind::CourtJudgment | EvidenceKind::TreatyBodyFinding
        )
    }
}

db_enum!(
    /// How firmly the practice is attributed to the responsible states.
    AttributionStatus {
        /// The state's own published act or admission.
        Acknowledged,
        /// Attributed publicly by governments or researchers and not seriously disputed on the
        /// evidence.
        Settled,
        /// The attributed state denies it and the evidence is disputed or circumstantial. An
        /// assessment of contested practice is never of HIGH confidence.
        Contested,
    }
);
db_enum!(
    /// What an assessment finds about practice against a provision.
    Finding {
        /// The practice goes against the provision.
        Contradicts,
        /// The practice fails part of the test or part of the provision, or only part of the conduct
        /// is shown to fail (e.g. a law with a legitimate aim but vague terms).
        PartiallyContradicts,
        /// The practice is evidence that the state implements the provision.
        Supports,
    }
);
db_enum!(
    /// How confident the assessor is.
    Confidence {
        /// A single secondary account, circumstantial attribution, or a statement or policy rated
        /// SUPPORTS.
        Low,
        /// Two or more independent secondary accounts that agree, or a primary source whose link to
        /// the provision needs interpretation. Press alone is at most MEDIUM.
        Medium,
        /// At least one source read by the assessor that is the publisher's own report or an
        /// official act, attribution SETTLED or ACKNOWLEDGED, and a direct link to the provision.
        High,
    }
);
db_enum!(
    /// What kind of document a source is.
    SourceKind {
        /// A UN document with a symbol, e.g. `A/RES/73/27`.
        UnDocument,
        /// A treaty depositary's record, e.g. the UN Treaty Collection or the Council of
        /// Europe's Treaty Office chart.
        TreatyDepositary,
        /// A government's own publication: a law gazette, a ministry's statement.
        Government,
        /// A report by an NGO or research lab, e.g. Citizen Lab or Access Now.
        NgoReport,
        /// An academic publication.
        Academic,
        /// A news article.
        News,
        /// A dataset or database compiled by others.
        Dataset,
    }
);
db_enum!(
    /// How close a source is to the fact it is cited for, most authoritative first: PRIMARY is
    /// the official record or the depositary (a UN document, a treaty depositary's page, a
    /// government's own act or statement, a court's judgment); PUBLISHER the original report by
    /// its author (a lab's or NGO's own report, a news outlet's own reporting); SECONDARY a
    /// compilation of others' facts (Wikipedia, datasets, aggregators); COPY a mirror or
    /// reproduction of someone else's document on another site.
    SourceTier {
        /// The official record or the depositary itself.
        Primary,
        /// The original report, published by its author.
        Publisher,
        /// A compilation of facts others established (Wikipedia, datasets, aggregators).
        Secondary,
        /// A mirror or reproduction of someone else's document on another site.
        Copy,
    }
);
db_enum!(
    /// Where a record is in review. Only PUBLISHED records are visible to the public.
    PublicationStatus {
        /// Not reviewed yet: seen only by its author and by editors, never counted by the gap
        /// engine.
        Draft,
        /// Reviewed and public; the only status the public and the gap engine see.
        Published,
        /// Withdrawn by an editor: kept with its history for editors, gone from public view and
        /// from the gap engine.
        Retracted,
    }
);
db_enum!(
    /// What an account may do.
    UserRole {
        /// Reads, like the public.
        Viewer,
        /// Creates drafts and edits its own drafts.
        Contributor,
        /// Publishes, corrects and retracts any record; sees drafts and e-mails in histories.
        Editor,
        /// What an editor may, and manages accounts.
        Admin,
    }
);
db_enum!(
    /// What a revision did to a record.
    RevisionAction {
        /// Created the record (as a draft, or by a seed load).
        Create,
        /// Changed its fields.
        Update,
        /// Made it public.
        Publish,
        /// Took it out of public view.
        Retract,
    }
);
db_enum!(
    /// Which table a polymorphic reference (sources, revisions) points into.
    RecordKind {
        /// A state (ISO alpha-3 code).
        State,
        /// A forum where states act.
        Forum,
        /// A membership of a state in a forum.
        Membership,
        /// An instrument: a text a forum adopted.
        Instrument,
        /// A provision: norm, CBM or human-rights obligation.
        Provision,
        /// A link between two provisions in the crosswalk.
        ProvisionLink,
        /// A state's commitment to an instrument.
        Commitment,
        /// A state's position: a vote, a statement ...
        Position,
        /// A piece of evidence of state practice.
        Evidence,
        /// An assessment of evidence against a provision.
        Assessment,
        /// A cited public source.
        Source,
        /// A user account.
        User,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_screaming_snake_case() {
        assert_eq!(
            CommitmentAct::AdoptedByConsensus.as_str(),
            "ADOPTED_BY_CONSENSUS"
        );
        assert_eq!(
            ProvisionKind::HumanRightsObligation.to_string(),
            "HUMAN_RIGHTS_OBLIGATION"
        );
        assert_eq!(
            "VOTED_IN_FAVOUR".parse::<CommitmentAct>(),
            Ok(CommitmentAct::VotedInFavour)
        );
        let err = "RATIFY".parse::<CommitmentAct>().unwrap_err();
        assert!(err.contains("RATIFIED"), "{err}");
    }
}
