//! The record tables of the export: their columns, and their rows read page by page.
//!
//! Each table is one record type as the public sees it ([`super::PUBLIC`]), in id order (the
//! registry order of the GraphQL lists). References to other records are their public keys (a
//! state's code, a forum's or instrument's slug, a provision's code, an evidence slug), so files
//! join on the key columns of each other; lists (sources, reservations, responsible states) are
//! `;`-joined keys in their recorded order.
//!
//! A file is read in pages of [`super::PAGE_SIZE`] records (`id > last ORDER BY id LIMIT n`),
//! so its size never sits in memory; the key lookups it needs (codes and slugs by id, a few
//! hundred short strings) are read once per file. It is not a snapshot: a record published
//! while a file is written appears if its id comes after the current page.

use super::{date_cells, date_fields, send, Cell, Chunk, Field, FieldType, Format, PAGE_SIZE};
use crate::error::Result;
use crate::repo::Readable;
use crate::schema::ids;
use entity::record::Record;
use entity::*;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use tokio::sync::mpsc;

/// One exported record table. The file is `<name>.<format>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    States,
    Forums,
    Memberships,
    Instruments,
    Provisions,
    ProvisionLinks,
    Commitments,
    Positions,
    Evidence,
    Assessments,
    Sources,
}

macro_rules! values {
    ($enum:ty) => {
        <$enum>::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<&'static str>>()
    };
}

fn id_field(what: &str) -> Field {
    Field::key(
        "id",
        &format!(
            "The {what}'s global id, the `id` the GraphQL API gives it (node(id:) fetches it)"
        ),
    )
}

fn version_field() -> Field {
    Field::new(
        "version",
        FieldType::Integer,
        "How many times the record was written (1 when created); its history is in the API",
    )
    .required()
}

fn sources_field() -> Field {
    Field::text(
        "sources",
        "The keys of the sources the record cites, in order, joined by `;` (see sources.csv)",
    )
}

impl Table {
    pub const ALL: [Table; 11] = [
        Table::States,
        Table::Forums,
        Table::Memberships,
        Table::Instruments,
        Table::Provisions,
        Table::ProvisionLinks,
        Table::Commitments,
        Table::Positions,
        Table::Evidence,
        Table::Assessments,
        Table::Sources,
    ];

    /// The file name without extension, and the Frictionless resource name.
    pub fn name(self) -> &'static str {
        match self {
            Table::States => "states",
            Table::Forums => "forums",
            Table::Memberships => "memberships",
            Table::Instruments => "instruments",
            Table::Provisions => "provisions",
            Table::ProvisionLinks => "provision-links",
            Table::Commitments => "commitments",
            Table::Positions => "positions",
            Table::Evidence => "evidence",
            Table::Assessments => "assessments",
            Table::Sources => "sources",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// One line on what a row is.
    pub fn description(self) -> &'static str {
        match self {
            Table::States => "One row per state (UN members and observer states).",
            Table::Forums => "One row per forum where instruments are made or acts take place.",
            Table::Memberships => "One row per membership of a state in a forum, with its period.",
            Table::Instruments => {
                "One row per instrument (treaty, resolution, report, declaration ...)."
            }
            Table::Provisions => {
                "One row per provision of an instrument (a norm, a confidence-building measure, \
                 a human-rights obligation)."
            }
            Table::ProvisionLinks => "One row per crosswalk link between two provisions.",
            Table::Commitments => {
                "One row per act by which a state committed to (or withdrew from) an instrument."
            }
            Table::Positions => "One row per vote or statement of a state in a forum.",
            Table::Evidence => "One row per documented case of state practice.",
            Table::Assessments => {
                "One row per assessment of a case of practice against a provision, for a state."
            }
            Table::Sources => "One row per public source cited by the records.",
        }
    }

    /// References to other files: (column, file, its key column), for the descriptor's
    /// `foreignKeys`.
    pub fn references(self) -> Vec<(&'static str, Table, &'static str)> {
        match self {
            Table::States | Table::Sources => vec![],
            Table::Forums => vec![("parent", Table::Forums, "slug")],
            Table::Memberships => vec![
                ("state", Table::States, "code"),
                ("forum", Table::Forums, "slug"),
            ],
            Table::Instruments => vec![("forum", Table::Forums, "slug")],
            Table::Provisions => vec![("instrument", Table::Instruments, "slug")],
            Table::ProvisionLinks => vec![
                ("from", Table::Provisions, "code"),
                ("to", Table::Provisions, "code"),
            ],
            Table::Commitments => vec![
                ("state", Table::States, "code"),
                ("instrument", Table::Instruments, "slug"),
                ("forum", Table::Forums, "slug"),
            ],
            Table::Positions => vec![
                ("state", Table::States, "code"),
                ("forum", Table::Forums, "slug"),
                ("instrument", Table::Instruments, "slug"),
                ("provision", Table::Provisions, "code"),
            ],
            Table::Evidence => vec![],
            Table::Assessments => vec![
                ("evidence", Table::Evidence, "slug"),
                ("state", Table::States, "code"),
                ("provision", Table::Provisions, "code"),
            ],
        }
    }

    /// The columns, in file order.
    pub fn fields(self) -> Vec<Field> {
        let mut f = match self {
            Table::States => {
                let mut f = vec![
                    id_field("state"),
                    Field::key("code", "ISO 3166-1 alpha-3 code, e.g. MEX"),
                    Field::key("alpha2", "ISO 3166-1 alpha-2 code, e.g. MX"),
                    Field::key("name", "Short English name"),
                    Field::text("region", "UN M49 region, e.g. Americas"),
                    Field::text("subregion", "UN M49 sub-region"),
                    Field::new("un_member", FieldType::Boolean, "A UN member state").required(),
                ];
                f.extend(date_fields(
                    "un_member_since",
                    "When the state became a UN member",
                    false,
                ));
                f.push(
                    Field::new(
                        "un_observer",
                        FieldType::Boolean,
                        "A non-member observer state",
                    )
                    .required(),
                );
                f
            }
            Table::Forums => {
                let mut f = vec![
                    id_field("forum"),
                    Field::key("slug", "The forum's key, e.g. unga"),
                    Field::key("name", "The forum's name"),
                    Field::key("kind", "What kind of forum it is").one_of(values!(ForumKind)),
                    Field::text("parent", "The slug of the forum it belongs to, if any"),
                    Field::text("url", "The forum's web page"),
                ];
                f.extend(date_fields(
                    "established_on",
                    "When the forum was established",
                    false,
                ));
                f.push(Field::text("summary", "What the forum does"));
                f
            }
            Table::Memberships => {
                let mut f = vec![
                    id_field("membership"),
                    Field::key("state", "The member state's code (states.csv)"),
                    Field::key("forum", "The forum's slug (forums.csv)"),
                    Field::key("role", "The state's role in the forum")
                        .one_of(values!(MembershipRole)),
                ];
                f.extend(date_fields(
                    "valid_from",
                    "When the membership began",
                    false,
                ));
                f.extend(date_fields("valid_to", "When the membership ended", false));
                f.push(Field::text("note", "A remark on the record"));
                f
            }
            Table::Instruments => {
                let mut f = vec![
                    id_field("instrument"),
                    Field::key("slug", "The instrument's key, e.g. iccpr"),
                    Field::text(
                        "symbol",
                        "UN document symbol or treaty number, e.g. A/70/174",
                    ),
                    Field::key("title", "The instrument's title"),
                    Field::key("kind", "What kind of text it is").one_of(values!(InstrumentKind)),
                    Field::key("bindingness", "Whether it binds the states committed to it")
                        .one_of(values!(Bindingness)),
                    Field::text("forum", "The slug of the forum that adopted it, if any"),
                ];
                f.extend(date_fields("adopted_on", "When it was adopted", false));
                f.push(
                    Field::text("adoption_mode", "How it was adopted")
                        .one_of(values!(AdoptionMode)),
                );
                f.push(Field::text("url", "The text's web page"));
                f.push(Field::text("summary", "What the instrument is about"));
                f
            }
            Table::Provisions => vec![
                id_field("provision"),
                Field::key("code", "The provision's key, e.g. iccpr-17"),
                Field::key(
                    "kind",
                    "NORM, CONFIDENCE_BUILDING_MEASURE or HUMAN_RIGHTS_OBLIGATION",
                )
                .one_of(values!(ProvisionKind)),
                Field::key(
                    "instrument",
                    "The slug of the instrument it belongs to (instruments.csv)",
                ),
                Field::key("reference", "Where it is in the instrument, e.g. Art. 17"),
                Field::key("title", "A short title"),
                Field::key("summary", "What it asks of states, in our words"),
            ],
            Table::ProvisionLinks => vec![
                id_field("link"),
                Field::key("from", "The code of the provision the link starts from"),
                Field::key("to", "The code of the provision it points to"),
                Field::key("relation", "How the two relate").one_of(values!(LinkRelation)),
                Field::key("rationale", "Why they are linked"),
            ],
            Table::Commitments => {
                let mut f = vec![
                    id_field("commitment"),
                    Field::key("state", "The committed state's code (states.csv)"),
                    Field::key("instrument", "The instrument's slug (instruments.csv)"),
                    Field::text(
                        "forum",
                        "The slug of the forum where the act took place, if any",
                    ),
                    Field::key("act", "What the state did").one_of(values!(CommitmentAct)),
                    Field::key("modality", "How the act binds the state")
                        .one_of(values!(CommitmentModality)),
                ];
                f.extend(date_fields(
                    "valid_from",
                    "When the commitment began",
                    false,
                ));
                f.extend(date_fields("valid_to", "When it ended", false));
                f.push(Field::text(
                    "reservations",
                    "Codes of the provisions the state excluded by reservation, joined by `;`",
                ));
                f.push(Field::text("note", "A remark on the record"));
                f
            }
            Table::Positions => {
                let mut f = vec![
                    id_field("position"),
                    Field::key("state", "The state's code (states.csv)"),
                    Field::key("forum", "The forum's slug (forums.csv)"),
                    Field::text(
                        "instrument",
                        "The slug of the instrument it is about, if any",
                    ),
                    Field::text("provision", "The code of the provision it is about, if any"),
                    Field::key("kind", "A vote, a statement ...").one_of(values!(PositionKind)),
                    Field::key("stance", "For, against, abstaining ...").one_of(values!(Stance)),
                ];
                f.extend(date_fields("date", "When the position was taken", false));
                f.push(Field::key(
                    "summary",
                    "What the state said or did, in our words",
                ));
                f
            }
            Table::Evidence => {
                let mut f = vec![
                    id_field("case"),
                    Field::key("slug", "The case's key"),
                    Field::key("title", "The case's title"),
                    Field::key("summary", "What happened, in our words"),
                    Field::key("kind", "What kind of practice it is").one_of(values!(EvidenceKind)),
                ];
                f.extend(date_fields(
                    "occurred_from",
                    "When the practice began",
                    true,
                ));
                f.extend(date_fields(
                    "occurred_to",
                    "When it ended (empty: a single event or ongoing)",
                    false,
                ));
                f.push(Field::text(
                    "responsible_states",
                    "Codes of the states the practice is attributed to, joined by `;`",
                ));
                f.push(Field::text("attributed_by", "Who attributes it"));
                f.push(Field::text("attribution_basis", "On what basis"));
                f.push(
                    Field::key("attribution_status", "ACKNOWLEDGED, SETTLED or CONTESTED")
                        .one_of(values!(AttributionStatus)),
                );
                f.push(Field::text(
                    "authority_body",
                    "For a COURT_JUDGMENT or TREATY_BODY_FINDING: the body that decided",
                ));
                f.push(Field::text(
                    "authority_reference",
                    "Its document: UN symbol and paragraphs, application or case number, or ECLI",
                ));
                f.extend(date_fields(
                    "decided_on",
                    "When the body decided (empty for other kinds)",
                    false,
                ));
                f
            }
            Table::Assessments => vec![
                id_field("assessment"),
                Field::key("evidence", "The slug of the case assessed (evidence.csv)"),
                Field::key("state", "The code of the state whose practice is assessed"),
                Field::key(
                    "provision",
                    "The code of the provision it is assessed against",
                ),
                Field::key("finding", "CONTRADICTS, PARTIALLY_CONTRADICTS or SUPPORTS")
                    .one_of(values!(Finding)),
                Field::key("confidence", "How sure the assessment is").one_of(values!(Confidence)),
                Field::key("rationale", "Why, in our words"),
            ],
            Table::Sources => {
                let mut f = vec![
                    id_field("source"),
                    Field::key("key", "The source's key, as `sources` columns cite it"),
                    Field::key("kind", "What kind of document it is").one_of(values!(SourceKind)),
                    Field::key("tier", "PRIMARY, PUBLISHER, SECONDARY or COPY")
                        .one_of(values!(SourceTier)),
                    Field::key("title", "The document's title"),
                    Field::key("publisher", "Who published it"),
                    Field::text("url", "Where it is"),
                    Field::text("document_symbol", "UN document symbol or treaty number"),
                ];
                f.extend(date_fields("published_on", "When it was published", false));
                f.push(Field::new(
                    "accessed_on",
                    FieldType::Date,
                    "When we read it",
                ));
                f.push(
                    Field::key(
                        "date_precision",
                        "The finest date precision it gives; records citing it are no more precise",
                    )
                    .one_of(values!(DatePrecision)),
                );
                f.push(Field::text("note", "A remark on the source"));
                f
            }
        };
        f.push(version_field());
        if self != Table::Sources {
            f.push(sources_field());
        }
        f
    }

    /// The number of rows the file will have now (one `COUNT`).
    pub async fn count(self, db: &DatabaseConnection) -> Result<u64> {
        match self {
            Table::States => count::<state::Entity>(db).await,
            Table::Forums => count::<forum::Entity>(db).await,
            Table::Memberships => count::<membership::Entity>(db).await,
            Table::Instruments => count::<instrument::Entity>(db).await,
            Table::Provisions => count::<provision::Entity>(db).await,
            Table::ProvisionLinks => count::<provision_link::Entity>(db).await,
            Table::Commitments => count::<commitment::Entity>(db).await,
            Table::Positions => count::<position::Entity>(db).await,
            Table::Evidence => count::<evidence::Entity>(db).await,
            Table::Assessments => count::<assessment::Entity>(db).await,
            Table::Sources => count::<source::Entity>(db).await,
        }
    }

    /// Writes the file to `tx`: the header, then page after page. Stops quietly when the
    /// reader is gone.
    pub async fn write(
        self,
        db: &DatabaseConnection,
        format: Format,
        tx: &mpsc::Sender<Result<Chunk>>,
    ) -> Result<()> {
        let fields = self.fields();
        if !send(tx, format.header(&fields)?, 0).await {
            return Ok(());
        }
        let keys = Keys::load(db).await?;
        let mut after = 0;
        loop {
            let (rows, last) = self.page(db, &keys, after).await?;
            let n = rows.len() as u64;
            if n > 0 && !send(tx, format.rows(&fields, &rows)?, n).await {
                return Ok(());
            }
            match last {
                Some(last) if n == PAGE_SIZE => after = last,
                _ => return Ok(()),
            }
        }
    }

    /// The rows of the records after id `after` (at most [`PAGE_SIZE`]) and the last id read.
    async fn page(
        self,
        db: &DatabaseConnection,
        keys: &Keys,
        after: i32,
    ) -> Result<(Vec<Vec<Cell>>, Option<i32>)> {
        let k = keys;
        Ok(match self {
            Table::States => {
                let (page, mut cited) = fetch::<state::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::State, m.id),
                        Cell::text(&m.code),
                        Cell::text(&m.alpha2),
                        Cell::text(&m.name),
                        Cell::opt_text(m.region.as_deref()),
                        Cell::opt_text(m.subregion.as_deref()),
                        Cell::Bool(m.un_member),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.un_member_since,
                        m.un_member_since_precision,
                    )));
                    r.push(Cell::Bool(m.un_observer));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Forums => {
                let (page, mut cited) = fetch::<forum::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Forum, m.id),
                        Cell::text(&m.slug),
                        Cell::text(&m.name),
                        Cell::text(m.kind.as_str()),
                        opt_key(&k.forums, m.parent_id),
                        Cell::opt_text(m.url.as_deref()),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.established_on,
                        m.established_on_precision,
                    )));
                    r.push(Cell::opt_text(m.summary.as_deref()));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Memberships => {
                let (page, mut cited) = fetch::<membership::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Membership, m.id),
                        key(&k.states, m.state_id),
                        key(&k.forums, m.forum_id),
                        Cell::text(m.role.as_str()),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.valid_from,
                        m.valid_from_precision,
                    )));
                    r.extend(date_cells(PartialDate::from_parts(
                        m.valid_to,
                        m.valid_to_precision,
                    )));
                    r.push(Cell::opt_text(m.note.as_deref()));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Instruments => {
                let (page, mut cited) = fetch::<instrument::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Instrument, m.id),
                        Cell::text(&m.slug),
                        Cell::opt_text(m.symbol.as_deref()),
                        Cell::text(&m.title),
                        Cell::text(m.kind.as_str()),
                        Cell::text(m.bindingness.as_str()),
                        opt_key(&k.forums, m.forum_id),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.adopted_on,
                        m.adopted_on_precision,
                    )));
                    r.push(Cell::opt_text(m.adoption_mode.map(|a| a.as_str())));
                    r.push(Cell::opt_text(m.url.as_deref()));
                    r.push(Cell::opt_text(m.summary.as_deref()));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Provisions => {
                let (page, mut cited) = fetch::<provision::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let r = vec![
                        id(RecordKind::Provision, m.id),
                        Cell::text(&m.code),
                        Cell::text(m.kind.as_str()),
                        key(&k.instruments, m.instrument_id),
                        Cell::text(&m.reference),
                        Cell::text(&m.title),
                        Cell::text(&m.summary),
                    ];
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::ProvisionLinks => {
                let (page, mut cited) = fetch::<provision_link::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let r = vec![
                        id(RecordKind::ProvisionLink, m.id),
                        key(&k.provisions, m.from_id),
                        key(&k.provisions, m.to_id),
                        Cell::text(m.relation.as_str()),
                        Cell::text(&m.rationale),
                    ];
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Commitments => {
                let (page, mut cited) = fetch::<commitment::Entity>(db, k, after).await?;
                let mut reserved = reservations(db, k, &page).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Commitment, m.id),
                        key(&k.states, m.state_id),
                        key(&k.instruments, m.instrument_id),
                        opt_key(&k.forums, m.forum_id),
                        Cell::text(m.act.as_str()),
                        Cell::text(m.modality.as_str()),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.valid_from,
                        m.valid_from_precision,
                    )));
                    r.extend(date_cells(PartialDate::from_parts(
                        m.valid_to,
                        m.valid_to_precision,
                    )));
                    r.push(Cell::opt_text(reserved.remove(&m.id)));
                    r.push(Cell::opt_text(m.note.as_deref()));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Positions => {
                let (page, mut cited) = fetch::<position::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Position, m.id),
                        key(&k.states, m.state_id),
                        key(&k.forums, m.forum_id),
                        opt_key(&k.instruments, m.instrument_id),
                        opt_key(&k.provisions, m.provision_id),
                        Cell::text(m.kind.as_str()),
                        Cell::text(m.stance.as_str()),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.date,
                        m.date_precision,
                    )));
                    r.push(Cell::text(&m.summary));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Evidence => {
                let (page, mut cited) = fetch::<evidence::Entity>(db, k, after).await?;
                let mut responsible = responsible_states(db, k, &page).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Evidence, m.id),
                        Cell::text(&m.slug),
                        Cell::text(&m.title),
                        Cell::text(&m.summary),
                        Cell::text(m.kind.as_str()),
                    ];
                    r.extend(date_cells(Some(PartialDate {
                        date: m.occurred_from,
                        precision: m.occurred_from_precision,
                    })));
                    r.extend(date_cells(PartialDate::from_parts(
                        m.occurred_to,
                        m.occurred_to_precision,
                    )));
                    r.push(Cell::opt_text(responsible.remove(&m.id)));
                    r.push(Cell::opt_text(m.attributed_by.as_deref()));
                    r.push(Cell::opt_text(m.attribution_basis.as_deref()));
                    r.push(Cell::text(m.attribution_status.as_str()));
                    r.push(Cell::opt_text(m.authority_body.as_deref()));
                    r.push(Cell::opt_text(m.authority_reference.as_deref()));
                    r.extend(date_cells(PartialDate::from_parts(
                        m.decided_on,
                        m.decided_on_precision,
                    )));
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Assessments => {
                let (page, mut cited) = fetch::<assessment::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let r = vec![
                        id(RecordKind::Assessment, m.id),
                        key(&k.evidence, m.evidence_id),
                        key(&k.states, m.state_id),
                        key(&k.provisions, m.provision_id),
                        Cell::text(m.finding.as_str()),
                        Cell::text(m.confidence.as_str()),
                        Cell::text(&m.rationale),
                    ];
                    tail(r, m.version, cited.remove(&m.id))
                })
            }
            Table::Sources => {
                let (page, _) = fetch::<source::Entity>(db, k, after).await?;
                rows(&page, |m| {
                    let mut r = vec![
                        id(RecordKind::Source, m.id),
                        Cell::text(&m.key),
                        Cell::text(m.kind.as_str()),
                        Cell::text(m.tier.as_str()),
                        Cell::text(&m.title),
                        Cell::text(&m.publisher),
                        Cell::opt_text(m.url.as_deref()),
                        Cell::opt_text(m.document_symbol.as_deref()),
                    ];
                    r.extend(date_cells(PartialDate::from_parts(
                        m.published_on,
                        m.published_on_precision,
                    )));
                    r.push(m.accessed_on.map_or(Cell::Null, Cell::Date));
                    r.push(Cell::text(m.date_precision.as_str()));
                    r.push(Cell::opt_text(m.note.as_deref()));
                    r.push(Cell::Int(i64::from(m.version)));
                    r
                })
            }
        })
    }
}

/// The rows of a page and its last id.
fn rows<M: Record>(
    page: &[M],
    mut row: impl FnMut(&M) -> Vec<Cell>,
) -> (Vec<Vec<Cell>>, Option<i32>) {
    (
        page.iter().map(&mut row).collect(),
        page.last().map(Record::id),
    )
}

fn id(kind: RecordKind, id: i32) -> Cell {
    Cell::Text(ids::encode(kind, id).0)
}

/// Appends the `version` and `sources` cells every record table ends with.
fn tail(mut row: Vec<Cell>, version: i32, sources: Option<String>) -> Vec<Cell> {
    row.push(Cell::Int(i64::from(version)));
    row.push(Cell::opt_text(sources));
    row
}

/// The public key of a parent. A visible record's parents are visible, so the key is there;
/// an empty cell would mean the parent left public view between two statements.
fn key(map: &HashMap<i32, String>, id: i32) -> Cell {
    Cell::opt_text(map.get(&id).map(String::as_str))
}

fn opt_key(map: &HashMap<i32, String>, id: Option<i32>) -> Cell {
    id.map_or(Cell::Null, |id| key(map, id))
}

async fn count<E: Readable>(db: &DatabaseConnection) -> Result<u64> {
    Ok(E::find()
        .filter(E::visible(super::PUBLIC))
        .count(db)
        .await?)
}

/// Public keys by id of the records other files refer to, as the public sees them: a reference
/// to a record missing here (not visible) is left out of a list (reservations, responsible
/// states), exactly as the GraphQL relation fields leave it out.
struct Keys {
    states: HashMap<i32, String>,
    forums: HashMap<i32, String>,
    instruments: HashMap<i32, String>,
    provisions: HashMap<i32, String>,
    evidence: HashMap<i32, String>,
    sources: HashMap<i32, String>,
}

impl Keys {
    async fn load(db: &DatabaseConnection) -> Result<Keys> {
        Ok(Keys {
            states: keys_of::<state::Entity>(db, state::Column::Code).await?,
            forums: keys_of::<forum::Entity>(db, forum::Column::Slug).await?,
            instruments: keys_of::<instrument::Entity>(db, instrument::Column::Slug).await?,
            provisions: keys_of::<provision::Entity>(db, provision::Column::Code).await?,
            evidence: keys_of::<evidence::Entity>(db, evidence::Column::Slug).await?,
            sources: keys_of::<source::Entity>(db, source::Column::Key).await?,
        })
    }
}

async fn keys_of<E: Readable>(
    db: &DatabaseConnection,
    key: E::Column,
) -> Result<HashMap<i32, String>> {
    Ok(E::find()
        .select_only()
        .column(E::id_column())
        .column(key)
        .filter(E::visible(super::PUBLIC))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// One page of visible records after `after`, in id order, and the `;`-joined keys of the
/// sources each cites (two statements).
async fn fetch<E: Readable>(
    db: &DatabaseConnection,
    keys: &Keys,
    after: i32,
) -> Result<(Vec<E::Model>, HashMap<i32, String>)> {
    let page = E::find()
        .filter(E::visible(super::PUBLIC))
        .filter(E::id_column().gt(after))
        .order_by_asc(E::id_column())
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    if E::KIND == RecordKind::Source || page.is_empty() {
        return Ok((page, HashMap::new()));
    }
    let ids: Vec<i32> = page.iter().map(Record::id).collect();
    let cites = record_source::Entity::find()
        .filter(record_source::Column::RecordKind.eq(E::KIND))
        .filter(record_source::Column::RecordId.is_in(ids))
        .order_by_asc(record_source::Column::RecordId)
        .order_by_asc(record_source::Column::Ordinal)
        .all(db)
        .await?;
    let pairs = cites.into_iter().map(|c| (c.record_id, c.source_id));
    Ok((page, joined(pairs, &keys.sources)))
}

/// Groups (record, referenced id) pairs into `;`-joined keys per record, in the pairs' order,
/// leaving out references the public cannot see.
fn joined(
    pairs: impl Iterator<Item = (i32, i32)>,
    keys: &HashMap<i32, String>,
) -> HashMap<i32, String> {
    let mut out: HashMap<i32, String> = HashMap::new();
    for (record, target) in pairs {
        if let Some(k) = keys.get(&target) {
            let s = out.entry(record).or_default();
            if !s.is_empty() {
                s.push(';');
            }
            s.push_str(k);
        }
    }
    out
}

/// The codes of the provisions each commitment of the page reserves.
async fn reservations(
    db: &DatabaseConnection,
    keys: &Keys,
    page: &[commitment::Model],
) -> Result<HashMap<i32, String>> {
    let ids: Vec<i32> = page.iter().map(|c| c.id).collect();
    let rows = commitment_reservation::Entity::find()
        .filter(commitment_reservation::Column::CommitmentId.is_in(ids))
        .order_by_asc(commitment_reservation::Column::CommitmentId)
        .order_by_asc(commitment_reservation::Column::ProvisionId)
        .all(db)
        .await?;
    let pairs = rows.into_iter().map(|r| (r.commitment_id, r.provision_id));
    Ok(joined(pairs, &keys.provisions))
}

/// The codes of the states each case of the page is attributed to.
async fn responsible_states(
    db: &DatabaseConnection,
    keys: &Keys,
    page: &[evidence::Model],
) -> Result<HashMap<i32, String>> {
    let ids: Vec<i32> = page.iter().map(|e| e.id).collect();
    let rows = evidence_state::Entity::find()
        .filter(evidence_state::Column::EvidenceId.is_in(ids))
        .order_by_asc(evidence_state::Column::EvidenceId)
        .order_by_asc(evidence_state::Column::StateId)
        .all(db)
        .await?;
    let pairs = rows.into_iter().map(|r| (r.evidence_id, r.state_id));
    Ok(joined(pairs, &keys.states))
}
