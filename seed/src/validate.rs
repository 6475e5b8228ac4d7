//! Cross-record checks: keys unique, references resolvable, dates ordered and no more precise
//! than the sources they rest on.

use crate::csvfile::Origin;
use crate::dataset::Dataset;
use crate::error::SeedError;
use entity::{partial_date::precision_rank, DatePrecision, PartialDate};
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
}

impl Refs<'_> {
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

/// The finest date precision any of the record's sources gives.
fn finest(sources: &[String], precision: &HashMap<&str, DatePrecision>) -> DatePrecision {
    sources
        .iter()
        .filter_map(|s| precision.get(s.as_str()).copied())
        .max_by_key(|p| precision_rank(*p))
        .unwrap_or(DatePrecision::Day)
}

fn precise_enough(
    date: Option<PartialDate>,
    allowed: DatePrecision,
    origin: &Origin,
    field: &str,
    errors: &mut Vec<SeedError>,
) {
    if let Some(d) = date {
        if precision_rank(d.precision) > precision_rank(allowed) {
            errors.push(origin.error(
                field,
                format!(
                    "`{d}` is more precise than its sources, which give dates to the {}",
                    allowed.as_str().to_lowercase()
                ),
            ));
        }
    }
}

fn ordered(
    from: Option<PartialDate>,
    to: Option<PartialDate>,
    origin: &Origin,
    field: &str,
    errors: &mut Vec<SeedError>,
) {
    if let (Some(f), Some(t)) = (from, to) {
        if t.last_day() < f.date {
            errors.push(origin.error(field, format!("`{t}` is before the start date `{f}`")));
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
        ds.states.iter().map(|s| (s.alpha2.clone(), &s.origin)),
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
                format!("{} -> {} ({})", l.from, l.to, l.relation),
                &l.origin,
            )
        }),
        "to",
        errors,
    );
    unique(
        ds.memberships.iter().map(|m| {
            let from = m.valid_from.map(|d| d.to_string()).unwrap_or_default();
            (
                format!("{} in {} as {} from {from}", m.state, m.forum, m.role),
                &m.origin,
            )
        }),
        "state",
        errors,
    );
    unique(
        ds.commitments
            .iter()
            .map(|c| (format!("{} {} {}", c.state, c.act, c.instrument), &c.origin)),
        "act",
        errors,
    );
    unique(
        ds.positions.iter().map(|p| {
            let date = p.date.map(|d| d.to_string()).unwrap_or_default();
            let key = format!(
                "{} {} {} {} {} {date}",
                p.state,
                p.forum,
                p.instrument.as_deref().unwrap_or("-"),
                p.provision.as_deref().unwrap_or("-"),
                p.kind
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
        .map(|s| (s.key.as_str(), s.date_precision))
        .collect();
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

    let mut r = Refs { errors };
    let cite = |r: &mut Refs<'_>, origin: &Origin, list: &[String]| {
        for s in list {
            r.check(&sources, "source", origin, "sources", s);
        }
    };

    for s in &ds.states {
        cite(&mut r, &s.origin, &s.sources);
        let p = finest(&s.sources, &precision);
        precise_enough(s.un_member_since, p, &s.origin, "un_member_since", r.errors);
    }
    for f in &ds.forums {
        cite(&mut r, &f.origin, &f.sources);
        if let Some(parent) = &f.parent {
            if parent == &f.slug {
                r.errors
                    .push(f.origin.error("parent", "a forum cannot be its own parent"));
            } else {
                r.check(&forums, "forum", &f.origin, "parent", parent);
            }
        }
        precise_enough(
            f.established_on,
            finest(&f.sources, &precision),
            &f.origin,
            "established_on",
            r.errors,
        );
    }
    for m in &ds.memberships {
        cite(&mut r, &m.origin, &m.sources);
        r.check(&states, "state", &m.origin, "state", &m.state);
        r.check(&forums, "forum", &m.origin, "forum", &m.forum);
        let p = finest(&m.sources, &precision);
        precise_enough(m.valid_from, p, &m.origin, "valid_from", r.errors);
        precise_enough(m.valid_to, p, &m.origin, "valid_to", r.errors);
        ordered(m.valid_from, m.valid_to, &m.origin, "valid_to", r.errors);
    }
    for i in &ds.instruments {
        cite(&mut r, &i.origin, &i.sources);
        if let Some(f) = &i.forum {
            r.check(&forums, "forum", &i.origin, "forum", f);
        }
        precise_enough(
            i.adopted_on,
            finest(&i.sources, &precision),
            &i.origin,
            "adopted_on",
            r.errors,
        );
    }
    for p in &ds.provisions {
        cite(&mut r, &p.origin, &p.sources);
        r.check(
            &instruments,
            "instrument",
            &p.origin,
            "instrument",
            &p.instrument,
        );
    }
    for l in &ds.links {
        cite(&mut r, &l.origin, &l.sources);
        r.check(&provisions, "provision", &l.origin, "from", &l.from);
        r.check(&provisions, "provision", &l.origin, "to", &l.to);
        if l.from == l.to {
            r.errors.push(
                l.origin
                    .error("to", "a provision cannot be linked to itself"),
            );
        }
    }
    for c in &ds.commitments {
        cite(&mut r, &c.origin, &c.sources);
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
        let p = finest(&c.sources, &precision);
        precise_enough(c.valid_from, p, &c.origin, "valid_from", r.errors);
        precise_enough(c.valid_to, p, &c.origin, "valid_to", r.errors);
        ordered(c.valid_from, c.valid_to, &c.origin, "valid_to", r.errors);
    }
    for p in &ds.positions {
        cite(&mut r, &p.origin, &p.sources);
        r.check(&states, "state", &p.origin, "state", &p.state);
        r.check(&forums, "forum", &p.origin, "forum", &p.forum);
        if let Some(i) = &p.instrument {
            r.check(&instruments, "instrument", &p.origin, "instrument", i);
        }
        if let Some(code) = &p.provision {
            r.check(&provisions, "provision", &p.origin, "provision", code);
        }
        precise_enough(
            p.date,
            finest(&p.sources, &precision),
            &p.origin,
            "date",
            r.errors,
        );
    }
    for e in &ds.evidence {
        cite(&mut r, &e.origin, &e.sources);
        for s in &e.responsible_states {
            r.check(&states, "state", &e.origin, "responsible_states", s);
        }
        let p = finest(&e.sources, &precision);
        precise_enough(
            Some(e.occurred_from),
            p,
            &e.origin,
            "occurred_from",
            r.errors,
        );
        precise_enough(e.occurred_to, p, &e.origin, "occurred_to", r.errors);
        ordered(
            Some(e.occurred_from),
            e.occurred_to,
            &e.origin,
            "occurred_to",
            r.errors,
        );
    }
    for a in &ds.assessments {
        cite(&mut r, &a.origin, &a.sources);
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
}
