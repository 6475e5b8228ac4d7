//! The gaps file: the gap engine's verdict for every (state, provision) pair with a record, as
//! GraphQL's `gaps` lists them (same engine, same scope rules, same order: state code, then
//! provision), one row per pair with its status, commitment date, strength, the confidence and
//! attribution of the deciding findings, and how many assessments stand behind it.
//!
//! The engine needs all of a scope's inputs at once (`gap::load`, a fixed number of
//! statements), so the verdicts are computed before the first byte is sent; the rows are then
//! evaluated and written a state at a time.

use super::{date_cells, date_fields, send, Cell, Chunk, Field, FieldType, Format};
use crate::error::{Error, Result};
use crate::gap::{
    load::{self, Inputs},
    rules::{self, Admissible},
};
use chrono::NaiveDate;
use entity::{AttributionStatus, Confidence, ProvisionKind};
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

/// What the gaps file is computed for: the HTTP query parameters `asOf`, `states`, `kinds`, or
/// the command line's `--as-of`, `--states`, `--kinds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// The day the verdicts are for (default today).
    pub as_of: NaiveDate,
    /// ISO alpha-3 codes (default all states).
    pub states: Option<Vec<String>>,
    /// Provision kinds (default all).
    pub kinds: Option<Vec<ProvisionKind>>,
}

impl Params {
    /// All states and provisions, today.
    pub fn today() -> Params {
        Params {
            as_of: chrono::Utc::now().date_naive(),
            states: None,
            kinds: None,
        }
    }

    /// Reads URL query parameters (already percent-decoded): `asOf=YYYY-MM-DD`,
    /// `states=MEX,BRA`, `kinds=HUMAN_RIGHTS_OBLIGATION,NORM` (lists may also repeat the
    /// parameter). Anything else, or a bad value, is a BAD_USER_INPUT naming the parameter.
    pub fn from_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Params> {
        let mut params = Params::today();
        let mut seen_as_of = false;
        for (name, value) in pairs {
            match name {
                "asOf" => {
                    if seen_as_of {
                        return Err(Error::bad_input("asOf", "give `asOf` once"));
                    }
                    seen_as_of = true;
                    params.as_of = parse_as_of("asOf", value)?;
                }
                "states" => {
                    let codes = parse_states("states", value)?;
                    params.states.get_or_insert_with(Vec::new).extend(codes);
                }
                "kinds" => {
                    let kinds = parse_kinds("kinds", value)?;
                    params.kinds.get_or_insert_with(Vec::new).extend(kinds);
                }
                other => {
                    return Err(Error::bad_input(
                        other,
                        format!(
                            "`{other}` is not a parameter of the gaps export: use asOf, states \
                             or kinds"
                        ),
                    ))
                }
            }
        }
        Ok(params)
    }
}

/// A day, `YYYY-MM-DD`.
pub fn parse_as_of(field: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Error::bad_input(
            field,
            format!("`{value}` is not a day: write YYYY-MM-DD, e.g. 2024-01-01"),
        )
    })
}

/// Comma-separated ISO alpha-3 codes (upper-cased); a well-formed code of no state matches
/// nothing, as in GraphQL filters.
pub fn parse_states(field: &str, value: &str) -> Result<Vec<String>> {
    let codes: Vec<String> = value.split(',').map(|c| c.trim().to_uppercase()).collect();
    for c in &codes {
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::bad_input(
                field,
                format!(
                    "`{c}` is not an ISO 3166-1 alpha-3 code (three letters, e.g. MEX); separate \
                     codes with commas"
                ),
            ));
        }
    }
    Ok(codes)
}

/// Comma-separated provision kinds.
pub fn parse_kinds(field: &str, value: &str) -> Result<Vec<ProvisionKind>> {
    value
        .split(',')
        .map(|k| {
            k.trim()
                .to_uppercase()
                .parse::<ProvisionKind>()
                .map_err(|e| Error::bad_input(field, e))
        })
        .collect()
}

/// The columns of the gaps file.
pub fn fields() -> Vec<Field> {
    let statuses = [
        rules::GapStatus::Contradicted,
        rules::GapStatus::Partial,
        rules::GapStatus::Implemented,
        rules::GapStatus::LawOrPolicyOnly,
        rules::GapStatus::Unverified,
        rules::GapStatus::NotCommitted,
    ];
    let strengths = [
        rules::Strength::Full,
        rules::Strength::SignatureOnly,
        rules::Strength::ByMembership,
    ];
    let count = |name: &str, what: &str| {
        Field::new(name, FieldType::Integer, &format!("How many {what}")).required()
    };
    let mut f =
        vec![
        Field::key(
            "id",
            "The gap's id, the `id` GraphQL's `gaps` gives it (stable for the state, provision \
             and as_of)",
        ),
        Field::key("state", "The state's code (states.csv)"),
        Field::key("provision", "The provision's code (provisions.csv)"),
        Field::key("provision_kind", "The provision's kind").one_of(
            ProvisionKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        Field::new("as_of", FieldType::Date, "The day the verdict is for").required(),
        Field::key("status", "Where the state stands on the provision (docs/gap-method.md)")
            .one_of(statuses.iter().map(|s| s.as_str()).collect()),
    ];
    f.extend(date_fields(
        "committed_since",
        "The earliest start of a commitment valid at as_of (empty when not committed or undated)",
        false,
    ));
    f.push(
        Field::text(
            "strength",
            "FULL, or weaker when the state only signed or is bound by membership",
        )
        .one_of(strengths.iter().map(|s| s.as_str()).collect()),
    );
    f.push(
        Field::new(
            "undated_commitment",
            FieldType::Boolean,
            "The only valid commitments have no date in their source (all practice counts)",
        )
        .required(),
    );
    f.push(
        Field::text(
            "confidence",
            "The highest confidence among the assessments that decide the status",
        )
        .one_of(Confidence::ALL.iter().map(|c| c.as_str()).collect()),
    );
    f.push(
        Field::text(
            "attribution",
            "The strongest attribution of the evidence of those assessments",
        )
        .one_of(AttributionStatus::ALL.iter().map(|a| a.as_str()).collect()),
    );
    f.push(count(
        "commitments",
        "commitments valid at as_of cover the provision",
    ));
    f.push(count(
        "contradicting",
        "counting assessments find the practice contradicts it",
    ));
    f.push(count(
        "partially_contradicting",
        "counting assessments find it partially contradicts it",
    ));
    f.push(count(
        "supporting",
        "counting assessments find it supports it",
    ));
    f.push(count(
        "context",
        "assessments are context only (practice before the commitment, or no commitment)",
    ));
    f.push(Field::key(
        "methodology_version",
        "The version of the gap method that produced the verdict",
    ));
    f
}

/// The verdicts of a scope at a date, computed and ready to be written.
pub struct Computed {
    inputs: Inputs,
    as_of: NaiveDate,
    /// Indexes (state, provision) of the pairs listed, in file order.
    pairs: Vec<(usize, usize)>,
}

/// Runs the gap engine for `params` (the scope's statements plus the engine's five) and picks
/// the pairs GraphQL's `gaps` lists without a provision filter: those with a commitment to the
/// provision's instrument or an assessment.
pub async fn compute(db: &DatabaseConnection, params: &Params) -> Result<Computed> {
    let scope = crate::repo::gaps::scope(
        db,
        params.states.as_deref(),
        None,
        params.kinds.as_deref(),
        None,
    )
    .await?;
    let inputs = load::load(db, &scope, params.as_of, &Admissible::default()).await?;
    let mut pairs = Vec::new();
    for (si, s) in inputs.states.iter().enumerate() {
        for (pi, p) in inputs.provisions.iter().enumerate() {
            if inputs.has_records(s, p) {
                pairs.push((si, pi));
            }
        }
    }
    Ok(Computed {
        inputs,
        as_of: params.as_of,
        pairs,
    })
}

impl Computed {
    /// Rows in the file.
    pub fn len(&self) -> u64 {
        self.pairs.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The (state, provision) cells the engine evaluated for the scope.
    pub fn cells(&self) -> u64 {
        (self.inputs.states.len() * self.inputs.provisions.len()) as u64
    }

    /// Writes the file to `tx`, a state at a time.
    pub async fn write(&self, format: Format, tx: &mpsc::Sender<Result<Chunk>>) -> Result<()> {
        let fields = fields();
        if !send(tx, format.header(&fields)?, 0).await {
            return Ok(());
        }
        for group in self.pairs.chunk_by(|a, b| a.0 == b.0) {
            let rows: Vec<Vec<Cell>> = group.iter().map(|&(s, p)| self.row(s, p)).collect();
            if !send(tx, format.rows(&fields, &rows)?, rows.len() as u64).await {
                return Ok(());
            }
        }
        Ok(())
    }

    fn row(&self, s: usize, p: usize) -> Vec<Cell> {
        let (state, provision) = (&self.inputs.states[s], &self.inputs.provisions[p]);
        let o = self.inputs.evaluate(state, provision, self.as_of).outcome;
        let n = |v: &Vec<i32>| Cell::Int(v.len() as i64);
        let mut r = vec![
            Cell::Text(crate::schema::ids::encode_gap(state.id, provision.id, self.as_of, "").0),
            Cell::text(&state.code),
            Cell::text(&provision.code),
            Cell::text(provision.kind.as_str()),
            Cell::Date(self.as_of),
            Cell::text(o.status.as_str()),
        ];
        r.extend(date_cells(o.committed_since));
        r.push(Cell::opt_text(o.strength.map(|s| s.as_str())));
        r.push(Cell::Bool(o.undated_commitment));
        r.push(Cell::opt_text(o.confidence.map(|c| c.as_str())));
        r.push(Cell::opt_text(o.attribution.map(|a| a.as_str())));
        r.push(n(&o.commitments));
        r.push(n(&o.contradicting));
        r.push(n(&o.partially_contradicting));
        r.push(n(&o.supporting));
        r.push(n(&o.context));
        r.push(Cell::text(rules::METHODOLOGY_VERSION));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<Params>) -> Option<String> {
        match r {
            Err(Error::BadUserInput { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn parameters_are_read_and_bad_ones_named() {
        let p = Params::from_query(
            [
                ("asOf", "2024-01-01"),
                ("states", "mex, bra"),
                ("kinds", "norm"),
            ]
            .into_iter(),
        )
        .ok();
        assert_eq!(
            p,
            Some(Params {
                as_of: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
                states: Some(vec!["MEX".into(), "BRA".into()]),
                kinds: Some(vec![ProvisionKind::Norm]),
            })
        );
        let bad =
            |k: &'static str, v: &'static str| field_of(Params::from_query([(k, v)].into_iter()));
        assert_eq!(bad("asOf", "2024-13-01").as_deref(), Some("asOf"));
        assert_eq!(bad("asOf", "2024").as_deref(), Some("asOf"));
        assert_eq!(bad("states", "ME").as_deref(), Some("states"));
        assert_eq!(bad("states", "").as_deref(), Some("states"));
        assert_eq!(bad("kinds", "RIGHTS").as_deref(), Some("kinds"));
        assert_eq!(bad("kind", "NORM").as_deref(), Some("kind"));
    }
}
