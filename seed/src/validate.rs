//! Cross-record checks: keys unique, references resolvable, dates ordered and no more precise
//! than the sources they rest on; and the integrity rules that keep the registry's claims
//! checkable: per-state votes add up to the official tally ([`tallies_match`]), each act fits
//! the kind of instrument ([`acts_fit_instruments`]), every assessment can reach a verdict or
//! is marked as context ([`assessments_can_count`]), and every list is described in
//! `DATASETS.csv` ([`lists_described`]). Source tiers are checked where they are read (a
//! missing or unknown tier is refused with its file, line and column).

use crate::csvfile::Origin;
use crate::dataset::{AssessmentRec, CommitmentRec, Dataset, InstrumentRec, LISTS_FILE};
use crate::error::SeedError;
use entity::domain::{self, standard, Dated, EvidenceFields};
use entity::{AdoptionMode, CommitmentAct, DatePrecision, PositionKind, Stance};
use std::collections::{HashMap, HashSet};

/// Records the first origin of each key and reports later duplicates.
fn unique<'a>(
    items: impl Iterator<Item = (String, &'a Origin)>,
    field: &str,
    errors: &mut Vec<SeedError>,
) -> HashSet<String> {
    let mut seen: HashMap<String, &Origin> = HashMap::new();
    for (key, origin) in items {
        if let Some(first) = seen.get(&key) {
            errors.push(origin.error(
                field,
                format!(
                    "duplicate key `{key}` (first defined in {}:{})",
                    first.file, first.line
                ),
            ));
        } else {
            seen.insert(key, origin);
        }
    }
    seen.into_keys().collect()
}

struct Refs<'e> {
    errors: &'e mut Vec<SeedError>,
    /// The keys of the sources.
    sources: HashSet<String>,
    /// The finest date precision each source gives.
    precision: HashMap<&'e str, DatePrecision>,
}

impl Refs<'_> {
    /// A record's sources are known, and its dates ([`Dated`]) are no more precise than the
    /// finest of them, by the domain's rule, which the API applies too (seed/data/FORMAT.md).
    fn cited(&mut self, origin: &Origin, cites: &[String], record: &impl Dated) {
        for s in cites {
            if !self.sources.contains(s) {
                self.errors
                    .push(origin.error("sources", format!("unknown source `{s}`")));
            }
        }
        let given = cites.iter().filter_map(|s| self.precision.get(s.as_str()));
        let finest = domain::finest(given.copied());
        for e in domain::precise_enough(&record.dates(), finest) {
            self.errors.push(origin.error(e.field, e.message));
        }
    }

    fn check(
        &mut self,
        known: &HashSet<String>,
        what: &str,
        origin: &Origin,
        field: &str,
        value: &str,
    ) {
        if !known.contains(value) {
            self.errors
                .push(origin.error(field, format!("unknown {what} `{value}`")));
        }
    }
}

pub fn check(ds: &Dataset, errors: &mut Vec<SeedError>) {
    let sources = unique(
        ds.sources.iter().map(|s| (s.key.clone(), &s.origin)),
        "key",
        errors,
    );
    let states = unique(
        ds.states.iter().map(|s| (s.code.clone(), &s.origin)),
        "code",
        errors,
    );
    unique(
        ds.states
            .iter()
            .map(|s| (s.fields.alpha2.clone(), &s.origin)),
        "alpha2",
        errors,
    );
    let forums = unique(
        ds.forums.iter().map(|f| (f.slug.clone(), &f.origin)),
        "slug",
        errors,
    );
    let instruments = unique(
        ds.instruments.iter().map(|i| (i.slug.clone(), &i.origin)),
        "slug",
        errors,
    );
    let provisions = unique(
        ds.provisions.iter().map(|p| (p.code.clone(), &p.origin)),
        "code",
        errors,
    );
    let evidence = unique(
        ds.evidence.iter().map(|e| (e.slug.clone(), &e.origin)),
        "slug",
        errors,
    );
    unique(
        ds.links.iter().map(|l| {
            (
                format!("{} -> {} ({})", l.from, l.to, l.fields.relation),
                &l.origin,
            )
        }),
        "to",
        errors,
    );
    unique(
        ds.memberships.iter().map(|m| {
            let from = m
                .fields
                .valid_from
                .map(|d| d.to_string())
                .unwrap_or_default();
            (
                format!(
                    "{} in {} as {} from {from}",
                    m.state, m.forum, m.fields.role
                ),
                &m.origin,
            )
        }),
        "state",
        errors,
    );
    unique(
        ds.commitments.iter().map(|c| {
            (
                format!("{} {} {}", c.state, c.fields.act, c.instrument),
                &c.origin,
            )
        }),
        "act",
        errors,
    );
    unique(
        ds.positions.iter().map(|p| {
            let date = p.fields.date.map(|d| d.to_string()).unwrap_or_default();
            let key = format!(
                "{} {} {} {} {} {date}",
                p.state,
                p.forum,
                p.instrument.as_deref().unwrap_or("-"),
                p.provision.as_deref().unwrap_or("-"),
                p.fields.kind
            );
            (key, &p.origin)
        }),
        "state",
        errors,
    );
    unique(
        ds.assessments.iter().map(|a| {
            (
                format!("{} {} {}", a.evidence, a.state, a.provision),
                &a.origin,
            )
        }),
        "provision",
        errors,
    );

    let precision: HashMap<&str, DatePrecision> = ds
        .sources
        .iter()
        .map(|s| (s.key.as_str(), s.fields.date_precision))
        .collect();
    let mut r = Refs {
        errors,
        sources,
        precision,
    };
    let provision_instrument: HashMap<&str, &str> = ds
        .provisions
        .iter()
        .map(|p| (p.code.as_str(), p.instrument.as_str()))
        .collect();
    let responsible: HashMap<&str, &Vec<String>> = ds
        .evidence
        .iter()
        .map(|e| (e.slug.as_str(), &e.responsible_states))
        .collect();

    for s in &ds.states {
        r.cited(&s.origin, &s.sources, &**s);
    }
    for f in &ds.forums {
        r.cited(&f.origin, &f.sources, &**f);
        if let Some(parent) = &f.parent {
            // (A forum named as its own parent is refused by the domain's rules.)
            if parent != &f.slug {
                r.check(&forums, "forum", &f.origin, "parent", parent);
            }
        }
    }
    for m in &ds.memberships {
        r.cited(&m.origin, &m.sources, &**m);
        r.check(&states, "state", &m.origin, "state", &m.state);
        r.check(&forums, "forum", &m.origin, "forum", &m.forum);
    }
    for i in &ds.instruments {
        r.cited(&i.origin, &i.sources, &**i);
        if let Some(f) = &i.forum {
            r.check(&forums, "forum", &i.origin, "forum", f);
        }
    }
    for p in &ds.provisions {
        r.cited(&p.origin, &p.sources, &**p);
        r.check(
            &instruments,
            "instrument",
            &p.origin,
            "instrument",
            &p.instrument,
        );
    }
    for l in &ds.links {
        r.cited(&l.origin, &l.sources, &**l);
        r.check(&provisions, "provision", &l.origin, "from", &l.from);
        r.check(&provisions, "provision", &l.origin, "to", &l.to);
    }
    for c in &ds.commitments {
        r.cited(&c.origin, &c.sources, &**c);
        r.check(&states, "state", &c.origin, "state", &c.state);
        r.check(
            &instruments,
            "instrument",
            &c.origin,
            "instrument",
            &c.instrument,
        );
        if let Some(f) = &c.forum {
            r.check(&forums, "forum", &c.origin, "forum", f);
        }
        for code in &c.reservations {
            match provision_instrument.get(code.as_str()) {
                None => r.errors.push(
                    c.origin
                        .error("reservations", format!("unknown provision `{code}`")),
                ),
                Some(inst) if *inst != c.instrument => r.errors.push(c.origin.error(
                    "reservations",
                    format!(
                        "provision `{code}` belongs to `{inst}`, not to `{}`",
                        c.instrument
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    for p in &ds.positions {
        r.cited(&p.origin, &p.sources, &**p);
        r.check(&states, "state", &p.origin, "state", &p.state);
        r.check(&forums, "forum", &p.origin, "forum", &p.forum);
        if let Some(i) = &p.instrument {
            r.check(&instruments, "instrument", &p.origin, "instrument", i);
        }
        if let Some(code) = &p.provision {
            r.check(&provisions, "provision", &p.origin, "provision", code);
        }
    }
    for e in &ds.evidence {
        r.cited(&e.origin, &e.sources, &**e);
        for s in &e.responsible_states {
            r.check(&states, "state", &e.origin, "responsible_states", s);
        }
    }
    for a in &ds.assessments {
        r.cited(&a.origin, &a.sources, &**a);
        r.check(&evidence, "evidence", &a.origin, "evidence", &a.evidence);
        r.check(&states, "state", &a.origin, "state", &a.state);
        r.check(
            &provisions,
            "provision",
            &a.origin,
            "provision",
            &a.provision,
        );
        if let Some(resp) = responsible.get(a.evidence.as_str()) {
            if !resp.contains(&a.state) {
                r.errors.push(a.origin.error(
                    "state",
                    format!(
                        "`{}` is not among the responsible states of evidence `{}` ({})",
                        a.state,
                        a.evidence,
                        resp.join(", ")
                    ),
                ));
            }
        }
    }
    for t in &ds.tallies {
        r.cited(&t.origin, &t.sources, t);
        r.check(
            &instruments,
            "instrument",
            &t.origin,
            "instrument",
            &t.instrument,
        );
    }
    unique(
        ds.tallies.iter().map(|t| {
            let date = t.date.map(|d| d.to_string()).unwrap_or_default();
            (format!("{} {date}", t.instrument), &t.origin)
        }),
        "instrument",
        errors,
    );

    tallies_match(ds, errors);
    acts_fit_instruments(ds, errors);
    assessments_can_count(ds, errors);
    assessments_meet_the_standard(ds, errors);
    lists_described(ds, errors);
}

/// Every assessment meets the assessment standard ([`domain::standard`]): its confidence is
/// no higher than its sources and its evidence's attribution allow, its best source comes
/// first, and its rationale is not another row's with only state names changed. The API
/// applies the same rule to `createAssessment` and `updateAssessment`.
fn assessments_meet_the_standard(ds: &Dataset, errors: &mut Vec<SeedError>) {
    let cited: HashMap<&str, standard::Cited> = ds
        .sources
        .iter()
        .map(|s| {
            let c = standard::Cited {
                key: s.key.clone(),
                tier: s.fields.tier,
                kind: s.fields.kind,
            };
            (s.key.as_str(), c)
        })
        .collect();
    let evidence: HashMap<&str, &EvidenceFields> = ds
        .evidence
        .iter()
        .map(|e| (e.slug.as_str(), &e.fields))
        .collect();
    let names = state_names(ds);
    let mut first_with_key: HashMap<String, String> = HashMap::new();
    for a in &ds.assessments {
        let Some(e) = evidence.get(a.evidence.as_str()) else {
            continue; // an unknown evidence slug is reported with the references
        };
        let sources: Vec<standard::Cited> = a
            .sources
            .iter()
            .filter_map(|k| cited.get(k.as_str()).cloned())
            .collect();
        let key = standard::rationale_key(&a.fields.rationale, &names);
        let label = format!("{}/{}/{}", a.evidence, a.state, a.provision);
        let twin = first_with_key.get(&key).cloned();
        first_with_key.entry(key).or_insert(label);
        let grounds = standard::Grounds {
            finding: a.fields.finding,
            confidence: a.fields.confidence,
            evidence_kind: e.kind,
            attribution: e.attribution_status,
            sources: &sources,
            twin: twin.as_deref(),
        };
        if let Err(invalid) = standard::check(&grounds) {
            errors.extend(
                invalid
                    .0
                    .iter()
                    .map(|f| a.origin.error(f.field, &f.message)),
            );
        }
    }
}

/// Every name a rationale may give a state of the dataset ([`standard::state_names`]).
pub fn state_names(ds: &Dataset) -> Vec<String> {
    ds.states
        .iter()
        .flat_map(|s| standard::state_names(&s.fields.name, &s.code))
        .collect()
}

/// Every official tally equals the per-state recorded votes (positions of kind VOTE on the
/// instrument, on the tally's day when it gives one): a missing, duplicated or mis-coded vote
/// shows as a difference. A tally on an instrument not adopted by vote is refused too.
fn tallies_match(ds: &Dataset, errors: &mut Vec<SeedError>) {
    let instruments: HashMap<&str, &InstrumentRec> = ds
        .instruments
        .iter()
        .map(|i| (i.slug.as_str(), i))
        .collect();
    for t in &ds.tallies {
        let Some(instrument) = instruments.get(t.instrument.as_str()) else {
            continue; // reported as an unknown instrument
        };
        if let Some(mode) = instrument
            .fields
            .adoption_mode
            .filter(|m| *m != AdoptionMode::Vote)
        {
            errors.push(t.origin.error(
                "instrument",
                format!(
                    "`{}` was adopted by {}, not by a vote: a tally does not apply",
                    t.instrument,
                    mode.as_str().to_lowercase()
                ),
            ));
            continue;
        }
        let count = |stance: Stance| {
            ds.positions
                .iter()
                .filter(|p| {
                    p.fields.kind == PositionKind::Vote
                        && p.fields.stance == stance
                        && p.instrument.as_deref() == Some(t.instrument.as_str())
                        && (t.date.is_none() || p.fields.date == t.date)
                })
                .count()
        };
        let recorded = (
            count(Stance::Supports),
            count(Stance::Opposes),
            count(Stance::Abstains),
        );
        let official = (t.yes as usize, t.no as usize, t.abstain as usize);
        if recorded != official {
            errors.push(t.origin.error(
                "yes",
                format!(
                    "the per-state votes on `{}` add up to {}-{}-{} (yes-no-abstain), \
                     the official tally is {}-{}-{}",
                    t.instrument,
                    recorded.0,
                    recorded.1,
                    recorded.2,
                    official.0,
                    official.1,
                    official.2
                ),
            ));
        }
    }
}

/// Rule: every commitment's act fits its instrument (see [`entity::rules::act_misfit`], which
/// the API's commitment mutations apply too).
fn acts_fit_instruments(ds: &Dataset, errors: &mut Vec<SeedError>) {
    let instruments: HashMap<&str, &InstrumentRec> = ds
        .instruments
        .iter()
        .map(|i| (i.slug.as_str(), i))
        .collect();
    for c in &ds.commitments {
        if let Some(why) = instruments.get(c.instrument.as_str()).and_then(|i| {
            entity::rules::act_misfit(c.fields.act, &i.slug, i.fields.kind, i.fields.adoption_mode)
        }) {
            errors.push(c.origin.error("act", why));
        }
    }
}

/// Whether commitment `c` could make the gap engine count an assessment of practice from
/// `from` to `last` (inclusive) against `provision`: it is not a withdrawal, does not reserve
/// the provision, had started by the practice's last day and had not ended by its first day
/// (the engine counts evidence overlapping the period of commitment; see `api/src/gap/rules.rs`,
/// rules b, c and f). Withdrawals are ignored, so the check never refuses an assessment the
/// engine could count.
fn could_count(
    c: &CommitmentRec,
    provision: &str,
    from: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> bool {
    c.fields.act != CommitmentAct::Withdrew
        && !c.reservations.iter().any(|r| r == provision)
        && c.fields.valid_from.is_none_or(|f| f.date <= last)
        && c.fields.valid_to.is_none_or(|t| t.date > from)
}

/// Rule: an assessment must be able to reach a verdict. The gap engine holds a state to a
/// provision only through a commitment of that state to the provision's instrument; an
/// assessment of a state with no such commitment, or of practice that ended before every such
/// commitment began, can only ever be shown as context. It is refused unless the curator marks
/// it `context` (and a `context` mark on an assessment that would count is refused too, so the
/// mark stays true).
fn assessments_can_count(ds: &Dataset, errors: &mut Vec<SeedError>) {
    let instrument_of: HashMap<&str, &str> = ds
        .provisions
        .iter()
        .map(|p| (p.code.as_str(), p.instrument.as_str()))
        .collect();
    let mut commitments: HashMap<(&str, &str), Vec<&CommitmentRec>> = HashMap::new();
    for c in &ds.commitments {
        commitments
            .entry((c.state.as_str(), c.instrument.as_str()))
            .or_default()
            .push(c);
    }
    let evidence: HashMap<&str, (chrono::NaiveDate, chrono::NaiveDate)> = ds
        .evidence
        .iter()
        .map(|e| {
            let f = &e.fields;
            let first = f.occurred_from.date;
            let last = f
                .occurred_to
                .map_or(f.occurred_from.last_day(), |t| t.last_day())
                .max(f.occurred_from.last_day());
            (e.slug.as_str(), (first, last))
        })
        .collect();
    for a in &ds.assessments {
        let (Some(instrument), Some((from, last))) = (
            instrument_of.get(a.provision.as_str()),
            evidence.get(a.evidence.as_str()),
        ) else {
            continue; // reported as unknown references
        };
        let can_count = commitments
            .get(&(a.state.as_str(), *instrument))
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| could_count(c, &a.provision, *from, *last))
            });
        if let Some(message) = context_problem(a, instrument, can_count) {
            errors.push(a.origin.error("provision", message));
        }
    }
}

/// What is wrong with an assessment's context mark, given whether it can count.
fn context_problem(a: &AssessmentRec, instrument: &str, can_count: bool) -> Option<String> {
    match (can_count, a.context) {
        (false, false) => Some(format!(
            "`{}` has no commitment to `{instrument}` (which holds `{}`) that covers the time \
             of the practice in evidence `{}`, so this assessment can never reach a verdict: \
             assess it against a provision the state is committed to, or mark it context \
             (column `context` = true)",
            a.state, a.provision, a.evidence
        )),
        (true, true) => Some(format!(
            "marked context, but `{}` is committed to `{instrument}` while the practice in \
             evidence `{}` took place, so it counts towards a verdict: remove the mark",
            a.state, a.evidence
        )),
        _ => None,
    }
}

/// Rule: `DATASETS.csv` describes every list exactly once, and only lists that exist, so the
/// as-of dates and completeness the API publishes cannot silently go missing. A data directory
/// without `DATASETS.csv` (a test fixture, a private extract) is not described at all.
fn lists_described(ds: &Dataset, errors: &mut Vec<SeedError>) {
    if ds.lists.is_empty() {
        return;
    }
    let described = unique(
        ds.lists.iter().map(|l| (l.file.clone(), &l.origin)),
        "file",
        errors,
    );
    for l in &ds.lists {
        if !ds.files.contains(&l.file) {
            errors.push(l.origin.error(
                "file",
                format!("`{}` is not a CSV file of a record folder", l.file),
            ));
        }
    }
    for f in &ds.files {
        if !described.contains(f) {
            errors.push(SeedError {
                file: LISTS_FILE.to_string(),
                line: 0,
                field: "file".into(),
                message: format!("`{f}` is not described (add a row with its as_of and complete)"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each integrity rule against a small dataset written to a temporary directory: the
    //! fixture passes, and one edit that breaks the rule is refused with a message naming the
    //! file, the line and the column.

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SOURCES: &str = "key,kind,tier,title,publisher,url\n\
        src,UN_DOCUMENT,PRIMARY,A record,United Nations,https://example.org/src\n";
    const STATES: &str = "code,alpha2,name,un_member,sources\n\
        AAA,AA,Aland,true,src\nBBB,BB,Beeland,true,src\n";
    const FORUMS: &str = "slug,name,kind,sources\nunga,General Assembly,INTERGOVERNMENTAL,src\n";
    const INSTRUMENTS: &str =
        "slug,title,kind,bindingness,forum,adopted_on,adoption_mode,sources\n\
        treaty,A treaty,TREATY,LEGALLY_BINDING,unga,1990,,src\n\
        res,A resolution,RESOLUTION,POLITICAL,unga,2018-12-05,VOTE,src\n\
        decl,A declaration,DECLARATION,POLITICAL,unga,2015,CONSENSUS,src\n";
    const PROVISIONS: &str = "code,kind,instrument,reference,title,summary,sources\n\
        treaty-1,HUMAN_RIGHTS_OBLIGATION,treaty,Art. 1,Privacy,A right.,src\n\
        decl-1,NORM,decl,para 1,A norm,A norm.,src\n";
    const COMMITMENTS: &str = "state,instrument,forum,act,modality,valid_from,sources\n\
        AAA,treaty,unga,RATIFIED,EXPLICIT,2000-01-01,src\n\
        AAA,decl,unga,ADOPTED_BY_CONSENSUS,CONSENSUS,2015,src\n";
    const POSITIONS: &str = "state,forum,instrument,kind,stance,date,summary,sources\n\
        AAA,unga,res,VOTE,SUPPORTS,2018-12-05,Voted yes.,src\n\
        BBB,unga,res,VOTE,OPPOSES,2018-12-05,Voted no.,src\n\
        AAA,unga,res,SPONSORSHIP,SUPPORTS,2018-11-01,Sponsored it.,src\n";
    const TALLIES: &str = "instrument,date,yes,no,abstain,sources\nres,2018-12-05,1,1,0,src\n";
    const EVIDENCE: &str =
        "slug,title,summary,kind,occurred_from,occurred_to,responsible_states,attribution_status,sources\n\
        aaa-spy,Spyware,AAA spies.,SURVEILLANCE,2010,,AAA,SETTLED,src\n\
        aaa-old,Old wiretaps,AAA wiretaps.,SURVEILLANCE,1995,1996,AAA,SETTLED,src\n\
        bbb-spy,Spyware,BBB spies.,SURVEILLANCE,2010,,BBB,SETTLED,src\n";
    const ASSESSMENTS: &str =
        "evidence,state,provision,finding,confidence,rationale,context,sources\n\
        aaa-spy,AAA,treaty-1,CONTRADICTS,HIGH,Spying on journalists.,,src\n\
        aaa-old,AAA,treaty-1,CONTRADICTS,LOW,Before ratification.,true,src\n\
        bbb-spy,BBB,treaty-1,CONTRADICTS,LOW,Not a party.,true,src\n";
    const LISTS: &str = "file,as_of,complete,note\n\
        sources/s.csv,2026,true,\nstates/s.csv,2026,true,\nforums/f.csv,2026,true,\n\
        instruments/i.csv,2026,true,\nprovisions/p.csv,2026,true,\n\
        commitments/c.csv,2026,false,\npositions/p.csv,2018-12-05,true,\n\
        evidence/e.csv,2026,false,\nassessments/a.csv,2026,false,\n";

    /// A fixture directory, removed on drop.
    struct Fixture(PathBuf);

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(dir: &Path, rel: &str, body: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    }

    fn fixture() -> Fixture {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "normwatch_rules_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        for (rel, body) in [
            ("sources/s.csv", SOURCES),
            ("states/s.csv", STATES),
            ("forums/f.csv", FORUMS),
            ("instruments/i.csv", INSTRUMENTS),
            ("provisions/p.csv", PROVISIONS),
            ("commitments/c.csv", COMMITMENTS),
            ("positions/p.csv", POSITIONS),
            ("vote_tallies/t.csv", TALLIES),
            ("evidence/e.csv", EVIDENCE),
            ("assessments/a.csv", ASSESSMENTS),
            ("DATASETS.csv", LISTS),
        ] {
            write(&dir, rel, body);
        }
        Fixture(dir)
    }

    /// Every error after replacing `from` by `to` in one fixture file.
    fn errors_after(rel: &str, from: &str, to: &str) -> Vec<String> {
        let f = fixture();
        let path = f.0.join(rel);
        let body = std::fs::read_to_string(&path).expect("read");
        assert!(body.contains(from), "the fixture lacks `{from}`");
        std::fs::write(&path, body.replacen(from, to, 1)).expect("write");
        match crate::read_dataset(&f.0) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn the_fixture_is_valid() {
        let f = fixture();
        if let Err(e) = crate::read_dataset(&f.0) {
            panic!("{e}");
        }
    }

    /// One integrity rule: the bad record it refuses, as an edit of a fixture file, and the
    /// error it gives (a part of it).
    struct Refusal {
        rule: &'static str,
        file: &'static str,
        from: &'static str,
        to: &'static str,
        error: &'static str,
    }

    const REFUSALS: &[Refusal] = &[
        // a. Vote tallies.
        Refusal {
            rule: "votes that do not add up to the tally",
            file: "vote_tallies/t.csv",
            from: "res,2018-12-05,1,1,0",
            to: "res,2018-12-05,2,1,0",
            error: "vote_tallies/t.csv:2: field `yes`: the per-state votes on `res` add up to \
                    1-1-0 (yes-no-abstain), the official tally is 2-1-0",
        },
        Refusal {
            rule: "a miscoded vote",
            file: "positions/p.csv",
            from: "BBB,unga,res,VOTE,OPPOSES",
            to: "BBB,unga,res,VOTE,ABSTAINS",
            error: "add up to 1-0-1 (yes-no-abstain), the official tally is 1-1-0",
        },
        Refusal {
            rule: "a tally on a text adopted by consensus",
            file: "vote_tallies/t.csv",
            from: "res,2018-12-05",
            to: "decl,2018-12-05",
            error: "`decl` was adopted by consensus, not by a vote",
        },
        // b. Assessments that can never reach a verdict.
        Refusal {
            rule: "an assessment of a state not committed, not marked context",
            file: "assessments/a.csv",
            from: "bbb-spy,BBB,treaty-1,CONTRADICTS,LOW,Not a party.,true,src",
            to: "bbb-spy,BBB,treaty-1,CONTRADICTS,LOW,Not a party.,,src",
            error: "assessments/a.csv:4: field `provision`: `BBB` has no commitment to `treaty`",
        },
        Refusal {
            rule: "an assessment of practice before the commitment, not marked context",
            file: "assessments/a.csv",
            from: "Before ratification.,true,src",
            to: "Before ratification.,false,src",
            error: "assessments/a.csv:3: field `provision`: `AAA` has no commitment",
        },
        Refusal {
            rule: "a context mark on an assessment that counts",
            file: "assessments/a.csv",
            from: "Spying on journalists.,,src",
            to: "Spying on journalists.,true,src",
            error: "assessments/a.csv:2: field `provision`: marked context, but",
        },
        // c. Acts that fit the instrument.
        Refusal {
            rule: "a treaty act on a resolution",
            file: "commitments/c.csv",
            from: "AAA,decl,unga,ADOPTED_BY_CONSENSUS",
            to: "AAA,decl,unga,RATIFIED",
            error: "commitments/c.csv:3: field `act`: RATIFIED applies to treaties only; `decl` \
                    is a declaration",
        },
        Refusal {
            rule: "a treaty joined by consensus",
            file: "commitments/c.csv",
            from: "AAA,treaty,unga,RATIFIED",
            to: "AAA,treaty,unga,ENDORSED",
            error: "`treaty` is a treaty: a state commits to it by RATIFIED, ACCEDED or SUCCEEDED",
        },
        Refusal {
            rule: "a vote in favour of a text adopted by consensus",
            file: "commitments/c.csv",
            from: "AAA,decl,unga,ADOPTED_BY_CONSENSUS",
            to: "AAA,decl,unga,VOTED_IN_FAVOUR",
            error: "VOTED_IN_FAVOUR needs an instrument adopted by vote; `decl` was adopted by \
                    consensus",
        },
        // d. Source tiers.
        Refusal {
            rule: "a source without a tier",
            file: "sources/s.csv",
            from: "UN_DOCUMENT,PRIMARY,",
            to: "UN_DOCUMENT,,",
            error: "sources/s.csv:2: field `tier`: is required",
        },
        Refusal {
            rule: "an unknown tier",
            file: "sources/s.csv",
            from: "UN_DOCUMENT,PRIMARY,",
            to: "UN_DOCUMENT,OFFICIAL,",
            error: "sources/s.csv:2: field `tier`: unknown value `OFFICIAL`, expected one of \
                    PRIMARY, PUBLISHER, SECONDARY, COPY",
        },
        Refusal {
            rule: "a sources file without the tier column",
            file: "sources/s.csv",
            from: "key,kind,tier,",
            to: "key,kind,",
            error: "sources/s.csv: missing required column `tier`",
        },
        // e. The list descriptions.
        Refusal {
            rule: "a list missing from DATASETS.csv",
            file: "DATASETS.csv",
            from: "forums/f.csv,2026,true,\n",
            to: "",
            error: "DATASETS.csv: field `file`: `forums/f.csv` is not described",
        },
        Refusal {
            rule: "a described list that does not exist",
            file: "DATASETS.csv",
            from: "forums/f.csv",
            to: "forums/g.csv",
            error: "`forums/g.csv` is not a CSV file of a record folder",
        },
    ];

    #[test]
    fn each_integrity_rule_refuses_its_bad_record_naming_file_line_and_field() {
        for r in REFUSALS {
            let errors = errors_after(r.file, r.from, r.to);
            assert!(
                errors.iter().any(|e| e.contains(r.error)),
                "{}: expected an error containing `{}`, got {errors:#?}",
                r.rule,
                r.error
            );
        }
    }

    #[test]
    fn a_reservation_takes_the_provision_out_of_reach() {
        let errors = errors_after(
            "commitments/c.csv",
            "AAA,treaty,unga,RATIFIED,EXPLICIT,2000-01-01,src",
            "AAA,treaty,unga,RATIFIED,EXPLICIT,2000-01-01,src\nAAA,treaty,unga,SIGNED,EXPLICIT,1999-01-01,src",
        );
        assert!(errors.is_empty(), "a signature also commits: {errors:#?}");
        let f = fixture();
        let path = f.0.join("commitments/c.csv");
        std::fs::write(
            &path,
            "state,instrument,forum,act,modality,valid_from,reservations,sources\n\
             AAA,treaty,unga,RATIFIED,EXPLICIT,2000-01-01,treaty-1,src\n\
             AAA,decl,unga,ADOPTED_BY_CONSENSUS,CONSENSUS,2015,,src\n",
        )
        .expect("write");
        let errors: Vec<String> = match crate::read_dataset(&f.0) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        };
        let expected = "assessments/a.csv:2: field `provision`: `AAA` has no commitment";
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "expected `{expected}`, got {errors:#?}"
        );
    }

    #[test]
    fn succession_is_a_treaty_act() {
        let errors = errors_after(
            "commitments/c.csv",
            "AAA,treaty,unga,RATIFIED",
            "AAA,treaty,unga,SUCCEEDED",
        );
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
