//! The typed records of the seed files, one struct per folder, parsed field by field.
//!
//! The column lists below are the file format (documented in `seed/data/FORMAT.md`); a row with
//! any bad field is reported and skipped, and [`crate::read_dataset`] then refuses the dataset.

use crate::csvfile::{read_file, read_folder, Columns, Origin, Row};
use crate::error::SeedError;
use crate::files::DataFiles;
use entity::domain::*;
use entity::*;

/// Everything in a data directory, parsed.
#[derive(Debug, Default)]
pub struct Dataset {
    pub sources: Vec<SourceRec>,
    pub states: Vec<StateRec>,
    pub forums: Vec<ForumRec>,
    pub memberships: Vec<MembershipRec>,
    pub instruments: Vec<InstrumentRec>,
    pub provisions: Vec<ProvisionRec>,
    pub links: Vec<LinkRec>,
    pub commitments: Vec<CommitmentRec>,
    pub positions: Vec<PositionRec>,
    pub evidence: Vec<EvidenceRec>,
    pub assessments: Vec<AssessmentRec>,
    /// Official vote tallies (`vote_tallies/*.csv`): checked against the per-state votes, not
    /// stored as records.
    pub tallies: Vec<TallyRec>,
    /// What the curators say about each list (`DATASETS.csv`).
    pub lists: Vec<ListRec>,
    /// Every CSV file of the record folders, as `folder/file.csv` (what `DATASETS.csv` must
    /// describe).
    pub files: Vec<String>,
}

/// The folders whose files hold records (loaded into the database), in load order, with the
/// kind of record each holds.
pub const RECORD_FOLDERS: &[(&str, RecordKind)] = &[
    ("sources", RecordKind::Source),
    ("states", RecordKind::State),
    ("forums", RecordKind::Forum),
    ("memberships", RecordKind::Membership),
    ("instruments", RecordKind::Instrument),
    ("provisions", RecordKind::Provision),
    ("provision_links", RecordKind::ProvisionLink),
    ("commitments", RecordKind::Commitment),
    ("positions", RecordKind::Position),
    ("evidence", RecordKind::Evidence),
    ("assessments", RecordKind::Assessment),
];

/// The kind of record the files of `folder` hold.
pub fn folder_kind(folder: &str) -> Option<RecordKind> {
    RECORD_FOLDERS
        .iter()
        .find(|(f, _)| *f == folder)
        .map(|(_, k)| *k)
}

/// The file that describes the lists.
pub const LISTS_FILE: &str = "DATASETS.csv";

/// A record of a file, with where it came from; it reads as the record itself.
#[derive(Debug, Clone)]
pub struct At<T> {
    pub origin: Origin,
    pub rec: T,
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.rec
    }
}

// The reference records are the domain's own types ([`entity::domain`]): the API builds the
// same ones from its inputs and validates them with the same rules.
pub type SourceRec = At<NewSource>;
pub type StateRec = At<NewState>;
pub type ForumRec = At<NewForum>;
pub type MembershipRec = At<NewMembership>;
pub type InstrumentRec = At<NewInstrument>;
pub type ProvisionRec = At<NewProvision>;
pub type LinkRec = At<NewProvisionLink>;

pub type CommitmentRec = At<NewCommitment>;
pub type PositionRec = At<NewPosition>;
pub type EvidenceRec = At<NewEvidence>;
pub type AssessmentRec = At<AssessmentRow>;

/// An assessment as the files give it: the domain's record plus the curator's context mark,
/// which only the seed's integrity rules read (it is not stored).
#[derive(Debug, Clone)]
pub struct AssessmentRow {
    pub assessment: NewAssessment,
    /// Marked by the curator as context: practice the state's commitments cannot reach (the
    /// state is not bound, or the practice predates its commitment). Checked by the loader.
    pub context: bool,
}

impl std::ops::Deref for AssessmentRow {
    type Target = NewAssessment;

    fn deref(&self) -> &NewAssessment {
        &self.assessment
    }
}

impl entity::domain::Dated for AssessmentRow {
    fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)> {
        self.assessment.dates()
    }
}

impl Cites for AssessmentRow {
    fn source_keys(&self) -> Option<&[String]> {
        self.assessment.source_keys()
    }
}

impl Rules for AssessmentRow {
    fn check(mut self, c: &mut Check) -> Self {
        self.assessment = self.assessment.check(c);
        self
    }
}

/// The official result of a recorded vote on an instrument.
#[derive(Debug, Clone)]
pub struct TallyRec {
    pub origin: Origin,
    pub instrument: String,
    /// The day of the vote; the per-state VOTE positions of that day are counted.
    pub date: Option<PartialDate>,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

impl entity::domain::Dated for TallyRec {
    fn dates(&self) -> Vec<(&'static str, Option<PartialDate>)> {
        vec![("date", self.date)]
    }
}

/// What the curators say about one list (one CSV file).
#[derive(Debug, Clone)]
pub struct ListRec {
    pub origin: Origin,
    /// `folder/file.csv`.
    pub file: String,
    pub as_of: Option<PartialDate>,
    pub complete: bool,
    pub note: Option<String>,
}

const SOURCE_COLUMNS: Columns = &[
    ("key", true),
    ("kind", true),
    ("tier", true),
    ("title", true),
    ("publisher", true),
    ("url", false),
    ("document_symbol", false),
    ("published_on", false),
    ("accessed_on", false),
    ("date_precision", false),
    ("note", false),
];
const STATE_COLUMNS: Columns = &[
    ("code", true),
    ("alpha2", true),
    ("name", true),
    ("region", false),
    ("subregion", false),
    ("un_member", true),
    ("un_member_since", false),
    ("un_observer", false),
    ("sources", true),
];
const FORUM_COLUMNS: Columns = &[
    ("slug", true),
    ("name", true),
    ("kind", true),
    ("parent", false),
    ("url", false),
    ("established_on", false),
    ("summary", false),
    ("sources", true),
];
const MEMBERSHIP_COLUMNS: Columns = &[
    ("state", true),
    ("forum", true),
    ("role", true),
    ("valid_from", false),
    ("valid_to", false),
    ("note", false),
    ("sources", true),
];
const INSTRUMENT_COLUMNS: Columns = &[
    ("slug", true),
    ("symbol", false),
    ("title", true),
    ("kind", true),
    ("bindingness", true),
    ("forum", false),
    ("adopted_on", false),
    ("adoption_mode", false),
    ("url", false),
    ("summary", false),
    ("sources", true),
];
const PROVISION_COLUMNS: Columns = &[
    ("code", true),
    ("kind", true),
    ("instrument", true),
    ("reference", true),
    ("title", true),
    ("summary", true),
    ("sources", true),
];
const LINK_COLUMNS: Columns = &[
    ("from", true),
    ("to", true),
    ("relation", true),
    ("rationale", true),
    ("sources", true),
];
const COMMITMENT_COLUMNS: Columns = &[
    ("state", true),
    ("instrument", true),
    ("forum", false),
    ("act", true),
    ("modality", true),
    ("valid_from", false),
    ("valid_to", false),
    ("reservations", false),
    ("note", false),
    ("sources", true),
];
const POSITION_COLUMNS: Columns = &[
    ("state", true),
    ("forum", true),
    ("instrument", false),
    ("provision", false),
    ("kind", true),
    ("stance", true),
    ("date", false),
    ("summary", true),
    ("sources", true),
];
const EVIDENCE_COLUMNS: Columns = &[
    ("slug", true),
    ("title", true),
    ("summary", true),
    ("kind", true),
    ("occurred_from", true),
    ("occurred_to", false),
    ("responsible_states", true),
    ("attributed_by", false),
    ("attribution_basis", false),
    ("attribution_status", true),
    ("authority_body", false),
    ("authority_reference", false),
    ("decided_on", false),
    ("sources", true),
];
const ASSESSMENT_COLUMNS: Columns = &[
    ("evidence", true),
    ("state", true),
    ("provision", true),
    ("finding", true),
    ("confidence", true),
    ("rationale", true),
    ("context", false),
    ("sources", true),
];
const TALLY_COLUMNS: Columns = &[
    ("instrument", true),
    ("date", false),
    ("yes", true),
    ("no", true),
    ("abstain", true),
    ("note", false),
    ("sources", true),
];
const LIST_COLUMNS: Columns = &[
    ("file", true),
    ("as_of", true),
    ("complete", true),
    ("note", false),
];

/// Validates `rec`, read from `row`, with the domain's rules, and keeps it in `into` when
/// neither its cells (`errors` grew past `n`) nor its rules found a problem. `None` is a record
/// whose enumerations did not parse (already reported).
fn keep<T: Rules>(
    row: &Row<'_>,
    n: usize,
    rec: Option<T>,
    errors: &mut Vec<SeedError>,
    into: &mut Vec<At<T>>,
) {
    let Some(rec) = rec else { return };
    match rec.validate() {
        Ok(rec) if errors.len() == n => into.push(At {
            origin: row.origin.clone(),
            rec,
        }),
        Ok(_) => {}
        Err(Invalid(found)) => errors.extend(
            found
                .into_iter()
                .map(|e| row.origin.error(e.field, e.message)),
        ),
    }
}

/// Reads every folder of `dir`. Rows with a bad field are reported in `errors` and left out.
pub fn read(dir: &DataFiles, errors: &mut Vec<SeedError>) -> Dataset {
    let mut ds = Dataset::default();
    if let Err(message) = dir.check_root() {
        errors.push(SeedError {
            file: dir.describe(),
            line: 0,
            field: String::new(),
            message,
        });
        return ds;
    }

    read_folder(dir, "sources", SOURCE_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let kind = row.enumeration("kind", errors);
        let tier = row.enumeration("tier", errors);
        let published_on = row.opt_date("published_on", errors);
        let accessed_on = row.opt_day("accessed_on", errors).map(|d| d.date);
        let date_precision = row
            .opt_enumeration("date_precision", errors)
            .unwrap_or(DatePrecision::Day);
        let rec = kind.zip(tier).map(|(kind, tier)| NewSource {
            key: row.cell("key"),
            fields: SourceFields {
                kind,
                tier,
                title: row.cell("title"),
                publisher: row.cell("publisher"),
                url: row.opt_text("url"),
                document_symbol: row.opt_text("document_symbol"),
                published_on,
                accessed_on,
                date_precision,
                note: row.opt_text("note"),
            },
        });
        keep(row, n, rec, errors, &mut ds.sources);
    });

    read_folder(dir, "states", STATE_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let rec = NewState {
            code: row.cell("code"),
            fields: StateFields {
                alpha2: row.cell("alpha2"),
                name: row.cell("name"),
                region: row.opt_text("region"),
                subregion: row.opt_text("subregion"),
                un_member: row.boolean("un_member", errors),
                un_member_since: row.opt_date("un_member_since", errors),
                un_observer: row.boolean("un_observer", errors),
            },
            sources: row.list("sources"),
        };
        keep(row, n, Some(rec), errors, &mut ds.states);
    });

    read_folder(dir, "forums", FORUM_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let kind = row.enumeration("kind", errors);
        let established_on = row.opt_date("established_on", errors);
        let rec = kind.map(|kind| NewForum {
            slug: row.cell("slug"),
            parent: row.opt_text("parent"),
            fields: ForumFields {
                name: row.cell("name"),
                kind,
                url: row.opt_text("url"),
                established_on,
                summary: row.opt_text("summary"),
            },
            sources: row.list("sources"),
        });
        keep(row, n, rec, errors, &mut ds.forums);
    });

    read_folder(
        dir,
        "memberships",
        MEMBERSHIP_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let role = row.enumeration("role", errors);
            let valid_from = row.opt_date("valid_from", errors);
            let valid_to = row.opt_date("valid_to", errors);
            let rec = role.map(|role| NewMembership {
                state: row.cell("state"),
                forum: row.cell("forum"),
                fields: MembershipFields {
                    role,
                    valid_from,
                    valid_to,
                    note: row.opt_text("note"),
                },
                sources: row.list("sources"),
            });
            keep(row, n, rec, errors, &mut ds.memberships);
        },
    );

    read_folder(
        dir,
        "instruments",
        INSTRUMENT_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let kind = row.enumeration("kind", errors);
            let bindingness = row.enumeration("bindingness", errors);
            let adopted_on = row.opt_date("adopted_on", errors);
            let adoption_mode = row.opt_enumeration("adoption_mode", errors);
            let rec = kind
                .zip(bindingness)
                .map(|(kind, bindingness)| NewInstrument {
                    slug: row.cell("slug"),
                    forum: row.opt_text("forum"),
                    fields: InstrumentFields {
                        symbol: row.opt_text("symbol"),
                        title: row.cell("title"),
                        kind,
                        bindingness,
                        adopted_on,
                        adoption_mode,
                        url: row.opt_text("url"),
                        summary: row.opt_text("summary"),
                    },
                    sources: row.list("sources"),
                });
            keep(row, n, rec, errors, &mut ds.instruments);
        },
    );

    read_folder(
        dir,
        "provisions",
        PROVISION_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let rec = row.enumeration("kind", errors).map(|kind| NewProvision {
                code: row.cell("code"),
                instrument: row.cell("instrument"),
                fields: ProvisionFields {
                    kind,
                    reference: row.cell("reference"),
                    title: row.cell("title"),
                    summary: row.cell("summary"),
                },
                sources: row.list("sources"),
            });
            keep(row, n, rec, errors, &mut ds.provisions);
        },
    );

    read_folder(
        dir,
        "provision_links",
        LINK_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let rec = row
                .enumeration("relation", errors)
                .map(|relation| NewProvisionLink {
                    from: row.cell("from"),
                    to: row.cell("to"),
                    fields: LinkFields {
                        relation,
                        rationale: row.cell("rationale"),
                    },
                    sources: row.list("sources"),
                });
            keep(row, n, rec, errors, &mut ds.links);
        },
    );

    read_folder(
        dir,
        "commitments",
        COMMITMENT_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let act = row.enumeration("act", errors);
            let modality = row.enumeration("modality", errors);
            let valid_from = row.opt_date("valid_from", errors);
            let valid_to = row.opt_date("valid_to", errors);
            let rec = act.zip(modality).map(|(act, modality)| NewCommitment {
                state: row.cell("state"),
                instrument: row.cell("instrument"),
                forum: row.opt_text("forum"),
                fields: CommitmentFields {
                    act,
                    modality,
                    valid_from,
                    valid_to,
                    note: row.opt_text("note"),
                },
                reservations: row.list("reservations"),
                sources: row.list("sources"),
            });
            keep(row, n, rec, errors, &mut ds.commitments);
        },
    );

    read_folder(dir, "positions", POSITION_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let kind = row.enumeration("kind", errors);
        let stance = row.enumeration("stance", errors);
        let date = row.opt_date("date", errors);
        let rec = kind.zip(stance).map(|(kind, stance)| NewPosition {
            state: row.cell("state"),
            forum: row.cell("forum"),
            instrument: row.opt_text("instrument"),
            provision: row.opt_text("provision"),
            fields: PositionFields {
                kind,
                stance,
                date,
                summary: row.cell("summary"),
            },
            sources: row.list("sources"),
        });
        keep(row, n, rec, errors, &mut ds.positions);
    });

    read_folder(dir, "evidence", EVIDENCE_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let kind = row.enumeration("kind", errors);
        let occurred_from = row.date("occurred_from", errors);
        let occurred_to = row.opt_date("occurred_to", errors);
        let attribution_status = row.enumeration("attribution_status", errors);
        let decided_on = row.opt_date("decided_on", errors);
        let rec = (kind.zip(occurred_from).zip(attribution_status)).map(
            |((kind, occurred_from), attribution_status)| NewEvidence {
                slug: row.cell("slug"),
                fields: EvidenceFields {
                    title: row.cell("title"),
                    summary: row.cell("summary"),
                    kind,
                    occurred_from,
                    occurred_to,
                    attributed_by: row.opt_text("attributed_by"),
                    attribution_basis: row.opt_text("attribution_basis"),
                    attribution_status,
                    authority_body: row.opt_text("authority_body"),
                    authority_reference: row.opt_text("authority_reference"),
                    decided_on,
                },
                responsible_states: row.list("responsible_states"),
                sources: row.list("sources"),
            },
        );
        keep(row, n, rec, errors, &mut ds.evidence);
    });

    read_folder(
        dir,
        "assessments",
        ASSESSMENT_COLUMNS,
        errors,
        |row, errors| {
            let n = errors.len();
            let finding = row.enumeration("finding", errors);
            let confidence = row.enumeration("confidence", errors);
            let context = row.boolean("context", errors);
            let rec = finding
                .zip(confidence)
                .map(|(finding, confidence)| AssessmentRow {
                    assessment: NewAssessment {
                        evidence: row.cell("evidence"),
                        state: row.cell("state"),
                        provision: row.cell("provision"),
                        fields: AssessmentFields {
                            finding,
                            confidence,
                            rationale: row.cell("rationale"),
                        },
                        sources: row.list("sources"),
                    },
                    context,
                });
            keep(row, n, rec, errors, &mut ds.assessments);
        },
    );

    read_folder(dir, "vote_tallies", TALLY_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let rec = TallyRec {
            origin: row.origin.clone(),
            instrument: row.text("instrument", errors),
            date: row.opt_date("date", errors),
            yes: row.count("yes", errors).unwrap_or(0),
            no: row.count("no", errors).unwrap_or(0),
            abstain: row.count("abstain", errors).unwrap_or(0),
            note: row.opt_text("note"),
            sources: row.sources(errors),
        };
        if errors.len() == n {
            ds.tallies.push(rec);
        }
    });

    read_file(dir, LISTS_FILE, LIST_COLUMNS, errors, |row, errors| {
        let n = errors.len();
        let rec = ListRec {
            origin: row.origin.clone(),
            file: row.text("file", errors),
            as_of: row.date("as_of", errors),
            complete: row.boolean("complete", errors),
            note: row.opt_text("note"),
        };
        if errors.len() == n {
            ds.lists.push(rec);
        }
    });
    ds.files = RECORD_FOLDERS
        .iter()
        .filter_map(|(folder, _)| dir.csv_names(folder).ok())
        .flatten()
        .collect();
    if errors.is_empty() && ds.files.is_empty() {
        errors.push(SeedError {
            file: dir.describe(),
            line: 0,
            field: String::new(),
            message: format!(
                "holds no data: expected CSV files in the folders {}",
                RECORD_FOLDERS
                    .iter()
                    .map(|(f, _)| format!("{f}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }

    ds
}
