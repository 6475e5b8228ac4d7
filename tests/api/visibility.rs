//! Nothing unpublished or personal reaches the public, on any read path.
//!
//! The paths are not listed here: they are derived from the schema by introspection. Every
//! object field that returns a record, a list of records or a connection of records is queried
//! (reached from the root or from an anchor record through `node`), and every string filter that
//! names another record is queried with the keys of hidden records. A field or filter added
//! later is covered without editing this test; one the generator cannot fill in makes it fail.
//!
//! The oracle: the anonymous answer to every query is recorded before anything is written. Then
//! a contributor creates a draft of every record type hung from the anchors, an editor creates a
//! set that it publishes and retracts, and a set that it publishes and then retracts only the
//! parents of (the children stay PUBLISHED but hang from retracted records). Afterwards every
//! answer, anonymous and as a VIEWER, must be byte for byte the recorded one, no anonymous answer
//! may contain an e-mail address, and no hidden record may be reachable through `node`, while
//! the author and editors do see the drafts.

use crate::helpers::{spawn_app_with, TestApp, TEST_SECRET};
use entity::UserRole;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

const INTROSPECTION: &str = r#"{ __schema { queryType { name } types { name kind
  interfaces { name } possibleTypes { name }
  fields { name type { ...T } args { name defaultValue type { ...T } } }
  inputFields { name type { ...T } } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }"#;

/// A type reference reduced to what the generator needs.
#[derive(Debug, Clone)]
struct TypeRef {
    name: String,
    list: bool,
    non_null: bool,
}

fn type_ref(t: &Value) -> TypeRef {
    let mut t = t;
    let non_null = t["kind"] == "NON_NULL";
    let mut list = false;
    while t["name"].is_null() {
        if t["kind"] == "LIST" {
            list = true;
        }
        t = &t["ofType"];
    }
    TypeRef {
        name: t["name"].as_str().unwrap_or_default().to_string(),
        list,
        non_null,
    }
}

struct Field {
    name: String,
    ty: TypeRef,
    args: Vec<(String, TypeRef, bool)>, // name, type, has default
}

struct Schema {
    types: HashMap<String, Value>,
    query: String,
}

impl Schema {
    fn fields(&self, ty: &str) -> Vec<Field> {
        self.types[ty]["fields"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| Field {
                        name: f["name"].as_str().unwrap_or_default().to_string(),
                        ty: type_ref(&f["type"]),
                        args: f["args"]
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .map(|a| {
                                        (
                                            a["name"].as_str().unwrap_or_default().to_string(),
                                            type_ref(&a["type"]),
                                            !a["defaultValue"].is_null(),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    fn kind(&self, ty: &str) -> &str {
        self.types[ty]["kind"].as_str().unwrap_or_default()
    }
    fn possible(&self, ty: &str) -> Vec<String> {
        match self.kind(ty) {
            "OBJECT" => vec![ty.to_string()],
            _ => self.types[ty]["possibleTypes"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .filter_map(|t| t["name"].as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
    fn is_node(&self, ty: &str) -> bool {
        self.types[ty]["interfaces"]
            .as_array()
            .is_some_and(|i| i.iter().any(|i| i["name"] == "Node"))
    }
    /// A record type, or an abstract type whose members are all records.
    fn is_record(&self, ty: &str) -> bool {
        if ty == "Node" {
            return true;
        }
        match self.kind(ty) {
            "OBJECT" => self.is_node(ty),
            "INTERFACE" | "UNION" => {
                let p = self.possible(ty);
                !p.is_empty() && p.iter().all(|t| self.is_node(t))
            }
            _ => false,
        }
    }
    /// The node type of a connection type, if `ty` is one.
    fn connection_of(&self, ty: &str) -> Option<String> {
        if !ty.ends_with("Connection") {
            return None;
        }
        self.fields(ty)
            .into_iter()
            .find(|f| f.name == "nodes")
            .map(|f| f.ty.name)
    }
    /// Whether a field returns a record, a list of records or a connection of records.
    fn returns_records(&self, f: &Field) -> bool {
        self.is_record(&f.ty.name)
            || self
                .connection_of(&f.ty.name)
                .is_some_and(|n| self.is_record(&n))
    }
    fn is_composite(&self, ty: &str) -> bool {
        matches!(self.kind(ty), "OBJECT" | "INTERFACE" | "UNION")
    }
    /// Every scalar and enum field without required arguments, plus `__typename`.
    fn scalars(&self, ty: &str) -> String {
        let mut out = vec!["__typename".to_string()];
        for p in self.possible(ty) {
            let fs: Vec<String> = self
                .fields(&p)
                .into_iter()
                .filter(|f| !self.is_composite(&f.ty.name))
                .filter(|f| f.args.iter().all(|(_, t, d)| !t.non_null || *d))
                .map(|f| f.name)
                .collect();
            out.push(format!("... on {p} {{ {} }}", fs.join(" ")));
        }
        out.join(" ")
    }
    /// The selection of a record-returning field: its records' scalars (through `nodes` and with
    /// `totalCount` for a connection).
    fn record_selection(&self, ty: &str) -> String {
        match self.connection_of(ty) {
            Some(n) => format!(
                "totalCount pageInfo {{ hasNextPage }} edges {{ cursor }} nodes {{ {} }}",
                self.scalars(&n)
            ),
            None => self.scalars(ty),
        }
    }
}

/// Arguments for a field: required ones from the samples (the test fails on one it does not
/// know), `first: 100` for pages.
fn arguments(owner: &str, f: &Field, samples: &Samples) -> Result<String, String> {
    let mut out = Vec::new();
    for (name, ty, has_default) in &f.args {
        if let Some(v) = samples.get(owner, &f.name, name) {
            out.push(format!("{name}: {v}"));
        } else if name == "first" {
            out.push("first: 100".into());
        } else if ty.non_null && !has_default {
            return Err(format!(
                "{owner}.{}({name}:) is required and this test has no sample for it: add one to \
                 `Samples` so the field stays covered",
                f.name
            ));
        }
    }
    Ok(if out.is_empty() {
        String::new()
    } else {
        format!("({})", out.join(", "))
    })
}

/// Sample argument values: by (type, field, argument), or by argument name.
struct Samples {
    exact: HashMap<(String, String, String), String>,
}

impl Samples {
    fn get(&self, owner: &str, field: &str, arg: &str) -> Option<String> {
        let owner = if owner == "QueryRoot" { "Query" } else { owner };
        let k = |o: &str| (o.to_string(), field.to_string(), arg.to_string());
        self.exact
            .get(&k(owner))
            .or_else(|| self.exact.get(&k("*")))
            .cloned()
    }
}

fn samples() -> Samples {
    let mut exact = HashMap::new();
    let mut add = |o: &str, f: &str, a: &str, v: &str| {
        exact.insert((o.into(), f.into(), a.into()), v.to_string());
    };
    add("Query", "state", "code", "\"MEX\"");
    add("Query", "forum", "slug", "\"osce\"");
    add("Query", "instrument", "slug", "\"iccpr\"");
    add("Query", "provision", "code", "\"gge-2015-13e\"");
    add("Query", "evidenceItem", "slug", "\"mex-pegasus-2017\"");
    add("Query", "scorecard", "state", "\"MEX\"");
    add("Query", "positionsAcrossForums", "state", "\"MEX\"");
    add(
        "Query",
        "positionsAcrossForums",
        "provision",
        "\"gge-2015-13e\"",
    );
    add("Query", "inconsistencies", "state", "\"MEX\"");
    add("Query", "changes", "since", "\"1900-01-01T00:00:00Z\"");
    add(
        "Query",
        "gapMatrix",
        "states",
        "[\"MEX\", \"XZD\", \"XZR\", \"XZO\"]",
    );
    add("Query", "gaps", "filter", "{ states: [\"MEX\"] }");
    Samples { exact }
}

/// One generated query and what it covers.
struct Probe {
    covers: String,
    query: String,
}

/// Derives the probes from the schema: every record-returning field of every object type that
/// can be reached, and every string filter naming another record.
fn probes(schema: &Schema, anchors: &BTreeMap<String, String>, hidden_keys: &Keys) -> Vec<Probe> {
    let samples = samples();
    // Paths: (type, wrap) where wrap(inner) builds the query around a selection on the type.
    let mut paths: BTreeMap<String, String> = BTreeMap::new(); // type -> "prefix{}suffix" template
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    paths.insert(schema.query.clone(), "{ @ }".into());
    queue.push_back((schema.query.clone(), "{ @ }".into()));
    for (ty, id) in anchors {
        let t = format!("{{ node(id: \"{id}\") {{ ... on {ty} {{ @ }} }} }}");
        paths.insert(ty.clone(), t.clone());
        queue.push_back((ty.clone(), t));
    }
    while let Some((ty, template)) = queue.pop_front() {
        for f in schema.fields(&ty) {
            if f.ty.name.starts_with("__") || !schema.is_composite(&f.ty.name) {
                continue;
            }
            // Object fields that need arguments we cannot fill are not used as paths.
            let Ok(args) = arguments(&ty, &f, &samples) else {
                continue;
            };
            for p in schema.possible(&f.ty.name) {
                if paths.contains_key(&p) {
                    continue;
                }
                // Record types are reached from their anchors (a published record that hidden
                // records hang from), so that what hangs from it is what is probed.
                if schema.is_node(&p) && anchors.contains_key(&p) {
                    continue;
                }
                let inner = if f.ty.name == p {
                    format!("{}{args} {{ @ }}", f.name)
                } else {
                    format!("{}{args} {{ ... on {p} {{ @ }} }}", f.name)
                };
                let t = template.replace('@', &inner);
                paths.insert(p.clone(), t.clone());
                queue.push_back((p, t));
            }
        }
    }
    let mut out = Vec::new();
    for (ty, template) in &paths {
        for f in schema.fields(ty) {
            if !schema.returns_records(&f) {
                continue;
            }
            let args = if ty == &schema.query && (f.name == "node" || f.name == "nodes") {
                // Reached with the hidden ids below.
                continue;
            } else {
                arguments(ty, &f, &samples).unwrap_or_else(|e| panic!("{e}"))
            };
            let sel = format!(
                "{}{args} {{ {} }}",
                f.name,
                schema.record_selection(&f.ty.name)
            );
            out.push(Probe {
                covers: format!("{ty}.{}", f.name),
                query: template.replace('@', &sel),
            });
        }
    }
    // Filters that name another record, with the keys of every hidden record of that kind.
    for f in schema.fields(&schema.query) {
        let Some((_, filter_ty, _)) = f.args.iter().find(|(n, _, _)| n == "filter") else {
            continue;
        };
        let Some(node) = schema.connection_of(&f.ty.name) else {
            continue;
        };
        let inputs = schema.types[&filter_ty.name]["inputFields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for input in inputs {
            let name = input["name"].as_str().unwrap_or_default().to_string();
            let t = type_ref(&input["type"]);
            if t.name != "String" || name == "search" || name == "region" || name == "subregion" {
                continue;
            }
            let kind = record_kind_of_filter(&f.name, &name).unwrap_or_else(|| {
                panic!(
                    "{}(filter: {{ {name} }}) is a string filter this test cannot classify: say \
                     which record kind it names in `record_kind_of_filter`",
                    f.name
                )
            });
            for key in hidden_keys.get(kind).into_iter().flatten() {
                let value = if t.list {
                    format!("[\"{key}\"]")
                } else {
                    format!("\"{key}\"")
                };
                out.push(Probe {
                    covers: format!("Query.{}(filter.{name})", f.name),
                    query: format!(
                        "{{ {}(first: 100, filter: {{ {name}: {value} }}) {{ totalCount nodes {{ {} }} }} }}",
                        f.name,
                        schema.scalars(&node)
                    ),
                });
            }
        }
    }
    out
}

/// Which record kind a string filter names, from its name (or, for `codes`, its list).
fn record_kind_of_filter(list: &str, field: &str) -> Option<&'static str> {
    let f = field.to_lowercase();
    if f == "codes" {
        return match list {
            "states" => Some("state"),
            "provisions" => Some("provision"),
            _ => None,
        };
    }
    [
        ("state", "state"),
        ("forum", "forum"),
        ("instrument", "instrument"),
        ("provision", "provision"),
        ("evidence", "evidence"),
        ("source", "source"),
    ]
    .into_iter()
    .find(|(prefix, _)| f.starts_with(prefix))
    .map(|(_, k)| k)
}

/// Public keys of the hidden records, by kind.
type Keys = BTreeMap<&'static str, Vec<String>>;

/// One set of records of every type, hung from published anchors; `tag` is in every key and
/// text so that a leak is easy to spot.
struct Created {
    /// (kind, global id), in creation order (parents first).
    ids: Vec<(String, String, i64)>,
}

async fn create_set(app: &TestApp, token: &str, tag: &str, state: &str, alpha2: &str) -> Created {
    let mut ids = Vec::new();
    let up = tag.to_uppercase();
    // Sets differ in their position's date (a position's key includes it).
    let month = 1 + tag.len() % 9;
    let steps: Vec<(&str, String, Value)> = vec![
        (
            "createSource",
            "CreateSourceInput".into(),
            json!({"key": format!("{tag}-src"), "kind": "NGO_REPORT", "tier": "PUBLISHER", "title": format!("{up} source"), "publisher": format!("{up} publisher"), "url": "https://example.org/report"}),
        ),
        (
            "createState",
            "CreateStateInput".into(),
            json!({"code": state, "alpha2": alpha2, "name": format!("{up} Land"), "unMember": false, "sources": [format!("{tag}-src")]}),
        ),
        (
            "createForum",
            "CreateForumInput".into(),
            json!({"slug": format!("{tag}-forum"), "name": format!("{up} forum"), "kind": "REGIONAL", "parent": "osce", "summary": format!("{up} summary"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createInstrument",
            "CreateInstrumentInput".into(),
            json!({"slug": format!("{tag}-instr"), "title": format!("{up} declaration"), "kind": "DECLARATION", "bindingness": "POLITICAL", "forum": format!("{tag}-forum"), "summary": format!("{up} summary"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createProvision",
            "CreateProvisionInput".into(),
            json!({"code": format!("{tag}-instr-1"), "kind": "NORM", "instrument": format!("{tag}-instr"), "reference": "para 1", "title": format!("{up} norm"), "summary": format!("{up} summary"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createProvision",
            "CreateProvisionInput".into(),
            json!({"code": format!("iccpr-{tag}"), "kind": "HUMAN_RIGHTS_OBLIGATION", "instrument": "iccpr", "reference": "Art. 99", "title": format!("{up} article"), "summary": format!("{up} summary"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createProvisionLink",
            "CreateProvisionLinkInput".into(),
            json!({"from": "gge-2015-13e", "to": format!("{tag}-instr-1"), "relation": "EQUIVALENT", "rationale": format!("{up} rationale"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createProvisionLink",
            "CreateProvisionLinkInput".into(),
            json!({"from": "gge-2015-13e", "to": format!("iccpr-{tag}"), "relation": "PROTECTS_RIGHT", "rationale": format!("{up} rationale"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createMembership",
            "CreateMembershipInput".into(),
            json!({"state": state, "forum": "osce", "role": "MEMBER", "validFrom": "2001", "note": format!("{up} note"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createMembership",
            "CreateMembershipInput".into(),
            json!({"state": "MEX", "forum": format!("{tag}-forum"), "role": "MEMBER", "validFrom": "2001", "note": format!("{up} note"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createCommitment",
            "CreateCommitmentInput".into(),
            json!({"state": "MEX", "instrument": format!("{tag}-instr"), "forum": format!("{tag}-forum"), "act": "ENDORSED", "modality": "EXPLICIT", "validFrom": "2001", "note": format!("{up} note"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createCommitment",
            "CreateCommitmentInput".into(),
            json!({"state": state, "instrument": "iccpr", "forum": "unga", "act": "RATIFIED", "modality": "EXPLICIT", "validFrom": "2001", "note": format!("{up} note"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createPosition",
            "CreatePositionInput".into(),
            json!({"state": "MEX", "forum": "unga", "provision": "gge-2015-13e", "kind": "STATEMENT", "stance": "OPPOSES", "date": format!("2020-{month:02}"), "summary": format!("{up} summary"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createEvidence",
            "CreateEvidenceInput".into(),
            json!({"slug": format!("{tag}-evidence"), "title": format!("{up} evidence"), "summary": format!("{up} summary"), "kind": "SURVEILLANCE", "occurredFrom": "2019", "responsibleStates": ["MEX", state], "attributionStatus": "SETTLED", "sources": [format!("{tag}-src")]}),
        ),
        (
            "createAssessment",
            "CreateAssessmentInput".into(),
            json!({"evidence": format!("{tag}-evidence"), "state": "MEX", "provision": "iccpr-17", "finding": "SUPPORTS", "confidence": "LOW", "rationale": format!("{up} rationale"), "sources": [format!("{tag}-src")]}),
        ),
        (
            "createAssessment",
            "CreateAssessmentInput".into(),
            json!({"evidence": "mex-pegasus-2017", "state": "MEX", "provision": format!("iccpr-{tag}"), "finding": "CONTRADICTS", "confidence": "LOW", "rationale": format!("{up} rationale"), "sources": [format!("{tag}-src")]}),
        ),
    ];
    for (mutation, input_ty, input) in steps {
        let q = format!(
            "mutation($i: {input_ty}!) {{ {mutation}(input: $i) {{ ... on Node {{ id }} version }} }}"
        );
        let r = app.post_as(token, &q, json!({ "i": input })).await;
        let rec = &r["data"][mutation];
        let id = rec["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{mutation} failed: {r}"))
            .to_string();
        ids.push((
            mutation.trim_start_matches("create").to_string(),
            id,
            rec["version"].as_i64().unwrap_or(1),
        ));
    }
    Created { ids }
}

async fn publish(app: &TestApp, token: &str, set: &mut Created) {
    for (kind, id, version) in set.ids.iter_mut() {
        let r = app
            .post_as(
                token,
                "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { ... on Node { id } } }",
                json!({ "id": id, "v": version }),
            )
            .await;
        assert!(r.get("errors").is_none(), "publish {kind}: {r}");
        *version += 1;
    }
}

async fn retract(app: &TestApp, token: &str, set: &mut Created, kinds: &[&str]) {
    for (kind, id, version) in set.ids.iter_mut() {
        if !kinds.is_empty() && !kinds.contains(&kind.as_str()) {
            continue;
        }
        let r = app
            .post_as(
                token,
                "mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: \"test retraction\") { ... on Node { id } } }",
                json!({ "id": id, "v": version }),
            )
            .await;
        assert!(r.get("errors").is_none(), "retract {kind}: {r}");
        *version += 1;
    }
}

/// The answer, with the budget left out of `extensions.cost`: what remains of a client's budget
/// depends on its earlier requests and the time, not on what it may see. What the query cost
/// stays in, so that a cost depending on hidden records would show.
async fn ask(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    let mut r = match token {
        Some(t) => app.post_as(t, query, json!({})).await,
        None => app.post(query, json!({})).await,
    };
    if let Some(cost) = r
        .get_mut("extensions")
        .and_then(|e| e.get_mut("cost"))
        .and_then(Value::as_object_mut)
    {
        cost.remove("remaining");
    }
    r
}

fn has_email(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || "@._-+".contains(c)))
        .any(|w| {
            w.split_once('@')
                .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
        })
}

#[tokio::test]
async fn no_read_path_shows_the_public_a_draft_a_retraction_or_a_person() {
    let app = spawn_app_with(|c| {
        c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
        c.writes_enabled = true;
        c.max_complexity = 1_000_000;
        c.max_depth = 64;
        c.rate_limit_capacity = 100_000_000;
        c.rate_limit_per_minute = 100_000_000;
        c.introspection = true;
    })
    .await;

    // The schema, and the published anchors hidden records will hang from.
    let intro = app.data(INTROSPECTION, json!({})).await;
    let types: HashMap<String, Value> = intro["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_string(),
                t.clone(),
            )
        })
        .collect();
    let schema = Schema {
        types,
        query: intro["__schema"]["queryType"]["name"]
            .as_str()
            .unwrap_or("Query")
            .to_string(),
    };
    let a = app
        .data(
            r#"{ state(code: "MEX") { id memberships { id } commitments { id } positions { id } sources { id } }
                 forum(slug: "osce") { id }
                 instrument(slug: "iccpr") { id }
                 norm: provision(code: "gge-2015-13e") { id links { id } }
                 right: provision(code: "iccpr-17") { id }
                 cbm: provision(code: "osce-cbm-3") { id }
                 evidenceItem(slug: "mex-pegasus-2017") { id assessments { id } } }"#,
            json!({}),
        )
        .await;
    let id = |v: &Value| v.as_str().expect("anchor id").to_string();
    let mut anchors: BTreeMap<String, String> = BTreeMap::new();
    anchors.insert("State".into(), id(&a["state"]["id"]));
    anchors.insert("Forum".into(), id(&a["forum"]["id"]));
    anchors.insert("Instrument".into(), id(&a["instrument"]["id"]));
    anchors.insert("Norm".into(), id(&a["norm"]["id"]));
    anchors.insert("HumanRightsObligation".into(), id(&a["right"]["id"]));
    anchors.insert("ConfidenceBuildingMeasure".into(), id(&a["cbm"]["id"]));
    anchors.insert("Evidence".into(), id(&a["evidenceItem"]["id"]));
    anchors.insert("Membership".into(), id(&a["state"]["memberships"][0]["id"]));
    anchors.insert("Commitment".into(), id(&a["state"]["commitments"][0]["id"]));
    anchors.insert("Position".into(), id(&a["state"]["positions"][0]["id"]));
    anchors.insert("Source".into(), id(&a["state"]["sources"][0]["id"]));
    anchors.insert("ProvisionLink".into(), id(&a["norm"]["links"][0]["id"]));
    anchors.insert(
        "Assessment".into(),
        id(&a["evidenceItem"]["assessments"][0]["id"]),
    );
    // A record type with record fields and no anchor would escape the walk: fail instead.
    for (name, t) in &schema.types {
        if t["kind"] == "OBJECT" && schema.is_node(name) && !anchors.contains_key(name) {
            let record_fields: Vec<String> = schema
                .fields(name)
                .into_iter()
                .filter(|f| schema.returns_records(f))
                .map(|f| f.name)
                .collect();
            assert!(
                record_fields.is_empty(),
                "{name} has record fields {record_fields:?} but no anchor in this test"
            );
        }
    }

    let mut keys: Keys = BTreeMap::new();
    for (tag, code) in [("zzdraft", "XZD"), ("zzretr", "XZR"), ("zzorphan", "XZO")] {
        keys.entry("state").or_default().push(code.into());
        keys.entry("forum")
            .or_default()
            .push(format!("{tag}-forum"));
        keys.entry("instrument")
            .or_default()
            .push(format!("{tag}-instr"));
        keys.entry("provision")
            .or_default()
            .push(format!("{tag}-instr-1"));
        keys.entry("provision")
            .or_default()
            .push(format!("iccpr-{tag}"));
        keys.entry("evidence")
            .or_default()
            .push(format!("{tag}-evidence"));
        keys.entry("source").or_default().push(format!("{tag}-src"));
    }
    let probes = probes(&schema, &anchors, &keys);
    let covered: BTreeSet<&str> = probes.iter().map(|p| p.covers.as_str()).collect();
    eprintln!(
        "visibility: {} probes over {} paths: {}",
        probes.len(),
        covered.len(),
        covered.iter().copied().collect::<Vec<_>>().join(", ")
    );

    // What the public sees before anything is written (once the cost model has measured what
    // the writes above left).
    app.settle().await;
    let mut baseline = Vec::new();
    for p in &probes {
        let r = ask(&app, None, &p.query).await;
        assert!(r.get("errors").is_none(), "{}: {}\n{r}", p.covers, p.query);
        baseline.push(r);
    }

    // Hidden records: drafts, retractions, and published children of retracted parents.
    let contributor = app
        .user_token("author@example.org", UserRole::Contributor)
        .await;
    let other = app
        .user_token("other@example.org", UserRole::Contributor)
        .await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let viewer = app.user_token("viewer@example.org", UserRole::Viewer).await;
    let drafts = create_set(&app, &contributor, "zzdraft", "XZD", "XD").await;
    let mut retracted = create_set(&app, &editor, "zzretr", "XZR", "XR").await;
    publish(&app, &editor, &mut retracted).await;
    retract(&app, &editor, &mut retracted, &[]).await;
    let mut orphans = create_set(&app, &editor, "zzorphan", "XZO", "XO").await;
    publish(&app, &editor, &mut orphans).await;
    retract(
        &app,
        &editor,
        &mut orphans,
        &["Source", "State", "Forum", "Instrument", "Evidence"],
    )
    .await;
    let hidden: Vec<&(String, String, i64)> = drafts
        .ids
        .iter()
        .chain(&retracted.ids)
        .chain(&orphans.ids)
        .collect();

    // Every path, anonymous and as a viewer: exactly what the public saw before.
    app.settle().await;
    for (who, token) in [("anonymous", None), ("viewer", Some(viewer.as_str()))] {
        for (p, before) in probes.iter().zip(&baseline) {
            let r = ask(&app, token, &p.query).await;
            let text = r.to_string();
            for marker in [
                "ZZDRAFT", "ZZRETR", "ZZORPHAN", "zzdraft", "zzretr", "zzorphan",
            ] {
                assert!(
                    !text.contains(marker),
                    "{who}: {} shows {marker}:\n{}\n{text}",
                    p.covers,
                    p.query
                );
            }
            assert!(
                !has_email(&text),
                "{who}: {} shows an e-mail address:\n{text}",
                p.covers
            );
            // The change feed is the one path that grows with public writes by design (the
            // publications and retractions above are its entries); the marker and e-mail
            // checks above hold for it like for every other path.
            if p.covers != "QueryRoot.changes" {
                assert_eq!(&r, before, "{who}: {} changed:\n{}", p.covers, p.query);
            }
        }
        for (kind, id, _) in &hidden {
            let q = format!("{{ node(id: \"{id}\") {{ id }} nodes(ids: [\"{id}\"]) {{ id }} }}");
            let r = ask(&app, token, &q).await;
            assert_eq!(
                r["data"]["node"],
                Value::Null,
                "{who}: node({kind}) answered {r}"
            );
            assert_eq!(
                r["data"]["nodes"],
                json!([null]),
                "{who}: nodes({kind}) answered {r}"
            );
        }
    }
    // Revisions are not reachable through `node` by the public (their ids are sequential).
    for n in 1..=40 {
        use base64::Engine;
        let rid = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Revision:{n}"));
        let r = ask(&app, None, &format!("{{ node(id: \"{rid}\") {{ id }} }}")).await;
        assert_eq!(r["data"]["node"], Value::Null, "revision {n}: {r}");
    }

    // The author sees its drafts, by id and on the paths they hang from; another contributor
    // does not; editors see everything.
    let mut author_text = String::new();
    let mut editor_text = String::new();
    let mut other_text = String::new();
    for p in &probes {
        author_text.push_str(&ask(&app, Some(&contributor), &p.query).await.to_string());
        editor_text.push_str(&ask(&app, Some(&editor), &p.query).await.to_string());
        other_text.push_str(&ask(&app, Some(&other), &p.query).await.to_string());
    }
    for (kind, id, _) in &drafts.ids {
        let q = format!("{{ node(id: \"{id}\") {{ id }} }}");
        assert_eq!(
            ask(&app, Some(&contributor), &q).await["data"]["node"]["id"],
            json!(id),
            "author: {kind}"
        );
        assert_eq!(
            ask(&app, Some(&editor), &q).await["data"]["node"]["id"],
            json!(id),
            "editor: {kind}"
        );
        assert_eq!(
            ask(&app, Some(&other), &q).await["data"]["node"],
            Value::Null,
            "other: {kind}"
        );
        assert!(
            !other_text.contains(id.as_str()),
            "another contributor sees the draft {kind}"
        );
    }
    // On the paths: at least one draft of every kind that hangs from an anchor (sources hang
    // from the records that cite them, and `node` shows them above).
    let kinds: BTreeSet<&str> = drafts.ids.iter().map(|(k, _, _)| k.as_str()).collect();
    for kind in kinds.into_iter().filter(|k| *k != "Source") {
        let of_kind = || drafts.ids.iter().filter(move |(k, _, _)| k == kind);
        assert!(
            of_kind().any(|(_, id, _)| author_text.contains(id.as_str())),
            "the author sees no draft {kind} on any path"
        );
        assert!(
            of_kind().any(|(_, id, _)| editor_text.contains(id.as_str())),
            "editors see no draft {kind} on any path"
        );
    }
    for (kind, id, _) in retracted.ids.iter().chain(&orphans.ids) {
        let q = format!("{{ node(id: \"{id}\") {{ id }} }}");
        assert_eq!(
            ask(&app, Some(&editor), &q).await["data"]["node"]["id"],
            json!(id),
            "editor: retracted {kind}"
        );
    }
}
