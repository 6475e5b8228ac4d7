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
    DatePrecision { Year, Month, Day }
);
db_enum!(
    /// What kind of place a forum is.
    ForumKind { Intergovernmental, Regional, Coalition, Multistakeholder, ExpertGroup, ExportControlRegime }
);
db_enum!(
    /// A state's standing in a forum.
    MembershipRole { Member, Observer, Participant }
);
db_enum!(
    /// What kind of text an instrument is.
    InstrumentKind { Report, Resolution, Treaty, Declaration, Decision, Statement }
);
db_enum!(
    /// Whether an instrument binds in law.
    Bindingness { LegallyBinding, Political, Voluntary }
);
db_enum!(
    /// How an instrument was adopted.
    AdoptionMode { Vote, Consensus, Signature }
);
db_enum!(
    /// What a provision is.
    ProvisionKind { Norm, ConfidenceBuildingMeasure, HumanRightsObligation }
);
db_enum!(
    /// How two provisions relate in the crosswalk.
    LinkRelation { ProtectsRight, MayRestrictRight, Equivalent, Reaffirms, Implements }
);
db_enum!(
    /// The act by which a state bound or aligned itself to an instrument. SUCCEEDED is a
    /// notification of succession (a new state declaring itself bound by its predecessor's
    /// treaty), as binding as a ratification or an accession.
    CommitmentAct { Ratified, Acceded, Succeeded, Signed, Endorsed, Joined, VotedInFavour, AdoptedByConsensus, StatementOfSupport, Withdrew }
);
db_enum!(
    /// How the commitment came about: the state's own act, a consensus it joined, or membership.
    CommitmentModality { Explicit, Consensus, ByMembership }
);
db_enum!(
    /// What kind of stance a position records.
    PositionKind { Vote, Statement, Sponsorship, NationalPosition, SurveyResponse }
);
db_enum!(
    /// Which way a position goes.
    Stance { Supports, Opposes, Abstains, Qualifies }
);
db_enum!(
    /// What kind of practice a piece of evidence documents.
    EvidenceKind { CyberOperation, Surveillance, Legislation, InternetShutdown, Prosecution, Policy, ImplementationMeasure }
);
db_enum!(
    /// How firmly the practice is attributed to the responsible states.
    AttributionStatus { Acknowledged, Settled, Contested }
);
db_enum!(
    /// What an assessment finds about practice against a provision.
    Finding { Contradicts, PartiallyContradicts, Supports }
);
db_enum!(
    /// How confident the assessor is.
    Confidence { Low, Medium, High }
);
db_enum!(
    /// What kind of document a source is.
    SourceKind { UnDocument, TreatyDepositary, Government, NgoReport, Academic, News, Dataset }
);
db_enum!(
    /// How close a source is to the fact it is cited for, most authoritative first: PRIMARY is
    /// the official record or the depositary (a UN document, a treaty depositary's page, a
    /// government's own act or statement, a court's judgment); PUBLISHER the original report by
    /// its author (a lab's or NGO's own report, a news outlet's own reporting); SECONDARY a
    /// compilation of others' facts (Wikipedia, datasets, aggregators); COPY a mirror or
    /// reproduction of someone else's document on another site.
    SourceTier { Primary, Publisher, Secondary, Copy }
);
db_enum!(
    /// Where a record is in review. Only PUBLISHED records are visible to the public.
    PublicationStatus { Draft, Published, Retracted }
);
db_enum!(
    /// What an account may do.
    UserRole { Viewer, Contributor, Editor, Admin }
);
db_enum!(
    /// What a revision did to a record.
    RevisionAction { Create, Update, Publish, Retract }
);
db_enum!(
    /// Which table a polymorphic reference (sources, revisions) points into.
    RecordKind { State, Forum, Membership, Instrument, Provision, ProvisionLink, Commitment, Position, Evidence, Assessment, Source, User }
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
