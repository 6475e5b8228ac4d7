//! A fuzzer that generates requests from the real schema and checks that none hurts the server.
//!
//! Documents are built from the introspected schema: random fields of every type, random
//! arguments (huge and negative numbers, unicode, NUL characters, SQL and LIKE wildcards,
//! malformed cursors, ids, dates and partial dates, wrong enum values), random selections and
//! inline fragments, deep nesting, many aliases; some are then cut or corrupted, and they are
//! sent over POST (JSON, batches, wrong content types, broken bodies) and GET. Every answer must
//! have a status below 500, no INTERNAL_SERVER_ERROR, no internal text (SQL, driver or panic
//! messages), and the server must still answer afterwards with the database unchanged.
//!
//! CI runs `NORMWATCH_FUZZ_CASES` cases (default 1,500) with a fixed seed on each database; the
//! long run is `NORMWATCH_FUZZ_CASES=100000 cargo test --release --test api fuzz` (set
//! `NORMWATCH_FUZZ_SEED` to replay a run). Every failure prints its seed, case and request.

use crate::helpers::{spawn_app_with, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

/// xorshift64*: small, fast and reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "20",
    "100",
    "101",
    "2147483647",
    "-2147483648",
    "2147483648",
    "99999999999999999999",
    "1e3",
    "0.5",
];
const STRINGS: &[&str] = &[
    "",
    "MEX",
    "mex",
    "USA",
    "iccpr-17",
    "gge-2015-13e",
    "unga",
    "ares-74-247",
    "ME\\u0000X",
    "\\u0000",
    "🇲🇽 Мексика 墨西哥",
    "'; DROP TABLE states; --",
    "%",
    "_",
    "\\\\",
    "\\\"",
    "a%_b",
    "\\ud800",
    "null",
    "2024-01-01",
    "2024",
    "2024-13",
    "2024-02-30",
    "0000-01-01",
    "99999-12-31",
    "-1",
    "MjA",
    "U3RhdGU6MQ",
    "Z2FyYmFnZQ==",
    "Y3Vyc29yOjE",
    "Y3Vyc29yOi0x",
    "Y3Vyc29yOjk5OTk5OTk5OTk5",
];

/// The part of the introspected schema the generator needs.
struct Schema {
    types: serde_json::Map<String, Value>,
    query: String,
    mutation: Option<String>,
    ids: Vec<String>,
}

const INTROSPECTION: &str = r#"{ __schema { queryType { name } mutationType { name }
  types { name kind enumValues { name }
    fields { name args { name type { ...T } } type { ...T } }
    inputFields { name type { ...T } } possibleTypes { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

impl Schema {
    async fn load(app: &TestApp) -> Schema {
        let data = app.data(INTROSPECTION, json!({})).await;
        let s = &data["__schema"];
        let mut types = serde_json::Map::new();
        for t in s["types"].as_array().into_iter().flatten() {
            if let Some(name) = t["name"].as_str() {
                types.insert(name.to_owned(), t.clone());
            }
        }
        let ids_data = app
            .data(
                "{ states(first: 3) { nodes { id } } provisions(first: 3) { nodes { id } }
                   evidence(first: 3) { nodes { id } } }",
                json!({}),
            )
            .await;
        let mut ids = Vec::new();
        for list in ["states", "provisions", "evidence"] {
            for n in ids_data[list]["nodes"].as_array().into_iter().flatten() {
                if let Some(id) = n["id"].as_str() {
                    ids.push(id.to_owned());
                }
            }
        }
        Schema {
            types,
            query: s["queryType"]["name"]
                .as_str()
                .unwrap_or("QueryRoot")
                .into(),
            mutation: s["mutationType"]["name"].as_str().map(str::to_owned),
            ids,
        }
    }

    fn fields(&self, ty: &str) -> Vec<Value> {
        self.types
            .get(ty)
            .and_then(|t| t["fields"].as_array())
            .cloned()
            .unwrap_or_default()
    }
}

/// The named type under NON_NULL and LIST wrappers, and whether a list is in between.
fn named(t: &Value) -> (String, String, bool) {
    let mut t = t;
    let mut list = false;
    loop {
        match t["kind"].as_str() {
            Some("NON_NULL") => t = &t["ofType"],
            Some("LIST") => {
                list = true;
                t = &t["ofType"];
            }
            Some(kind) => {
                return (
                    t["name"].as_str().unwrap_or_default().to_owned(),
                    kind.to_owned(),
                    list,
                )
            }
            None => return (String::new(), String::new(), list),
        }
    }
}

struct Gen<'a> {
    rng: Rng,
    schema: &'a Schema,
}

impl Gen<'_> {
    fn value(&mut self, t: &Value, depth: usize) -> String {
        let (name, kind, list) = named(t);
        if self.rng.chance(3) {
            return "null".into();
        }
        if list && depth < 4 {
            let n = self.rng.below(4);
            let items: Vec<String> = (0..n).map(|_| self.scalar(&name, &kind, depth)).collect();
            return format!("[{}]", items.join(", "));
        }
        self.scalar(&name, &kind, depth)
    }

    fn scalar(&mut self, name: &str, kind: &str, depth: usize) -> String {
        if self.rng.chance(2) {
            // the wrong kind of value
            return self
                .rng
                .pick(&["1", "\"x\"", "true", "[]", "{}", "FOO"])
                .to_string();
        }
        match (kind, name) {
            ("SCALAR", "Int") => self.rng.pick(INTS).to_string(),
            ("SCALAR", "Float") => self.rng.pick(&["0.5", "-1e308", "1e309", "3"]).to_string(),
            ("SCALAR", "Boolean") => self.rng.pick(&["true", "false"]).to_string(),
            ("SCALAR", "ID") if !self.schema.ids.is_empty() && self.rng.chance(50) => {
                format!("\"{}\"", self.rng.pick(&self.schema.ids))
            }
            ("SCALAR", _) => {
                if self.rng.chance(2) {
                    format!("\"{}\"", "x".repeat(20_000))
                } else {
                    format!("\"{}\"", self.rng.pick(STRINGS))
                }
            }
            ("ENUM", _) => {
                let values: Vec<String> = self
                    .schema
                    .types
                    .get(name)
                    .and_then(|t| t["enumValues"].as_array())
                    .map(|v| {
                        v.iter()
                            .filter_map(|e| e["name"].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if values.is_empty() || self.rng.chance(5) {
                    "NOT_A_VALUE".into()
                } else {
                    self.rng.pick(&values).clone()
                }
            }
            ("INPUT_OBJECT", _) if depth < 4 => {
                let fields = self
                    .schema
                    .types
                    .get(name)
                    .and_then(|t| t["inputFields"].as_array())
                    .cloned()
                    .unwrap_or_default();
                let mut parts = Vec::new();
                for f in &fields {
                    if self.rng.chance(50) {
                        let v = self.value(&f["type"], depth + 1);
                        parts.push(format!("{}: {v}", f["name"].as_str().unwrap_or("x")));
                    }
                }
                format!("{{{}}}", parts.join(", "))
            }
            _ => "null".into(),
        }
    }

    fn selection(&mut self, ty: &str, depth: usize) -> String {
        let t = self.schema.types.get(ty).cloned().unwrap_or(Value::Null);
        let mut parts = vec!["__typename".to_owned()];
        if t["kind"] == "INTERFACE" || t["kind"] == "UNION" {
            for p in t["possibleTypes"].as_array().into_iter().flatten() {
                if self.rng.chance(40) {
                    let name = p["name"].as_str().unwrap_or_default().to_owned();
                    let inner = self.selection(&name, depth);
                    parts.push(format!("... on {name} {inner}"));
                }
            }
        }
        let fields = self.schema.fields(ty);
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            if fields.is_empty() {
                break;
            }
            let f = self.rng.pick(&fields).clone();
            parts.push(self.field(&f, depth));
        }
        format!("{{ {} }}", parts.join(" "))
    }

    fn field(&mut self, f: &Value, depth: usize) -> String {
        let name = f["name"].as_str().unwrap_or("x");
        let mut args = Vec::new();
        for a in f["args"].as_array().into_iter().flatten() {
            let required = a["type"]["kind"] == "NON_NULL";
            if required || self.rng.chance(40) {
                let v = self.value(&a["type"], 0);
                args.push(format!("{}: {v}", a["name"].as_str().unwrap_or("x")));
            }
        }
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let (ty, kind, _) = named(&f["type"]);
        let alias = if self.rng.chance(10) {
            format!("a{}: ", self.rng.below(1000))
        } else {
            String::new()
        };
        let sub = if matches!(kind.as_str(), "OBJECT" | "INTERFACE" | "UNION") {
            if depth > 5 {
                "{ __typename }".to_owned()
            } else {
                self.selection(&ty, depth + 1)
            }
        } else {
            String::new()
        };
        format!("{alias}{name}{args} {sub}")
    }

    fn document(&mut self) -> String {
        let mutation = self.rng.chance(15);
        let root = match (&self.schema.mutation, mutation) {
            (Some(m), true) => m.clone(),
            _ => self.schema.query.clone(),
        };
        let body = self.selection(&root, 0);
        let mut doc = if mutation {
            format!("mutation {body}")
        } else {
            body
        };
        match self.rng.below(20) {
            0 => {
                // Cut anywhere, but between characters (`truncate` panics inside one).
                let mut at = self.rng.below(doc.len() + 1);
                while !doc.is_char_boundary(at) {
                    at -= 1;
                }
                doc.truncate(at);
            }
            1 => {
                let at = self.rng.below(doc.len() + 1);
                if doc.is_char_boundary(at) {
                    let junk = *self
                        .rng
                        .pick(&["{", "}", "(", "[", "\"", "#", "...", "$x", "@skip"]);
                    doc.insert_str(at, junk);
                }
            }
            2 => {
                let n = 30 + self.rng.below(3000);
                doc = format!(
                    "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
                    "[".repeat(n),
                    "]".repeat(n)
                );
            }
            3 => {
                let n = 200 + self.rng.below(1500);
                let aliases: String = (0..n)
                    .map(|i| format!("a{i}: gapMatrix {{ cells {{ state provision status }} }} "))
                    .collect();
                doc = format!("{{ {aliases} }}");
            }
            4 => {
                // fragments that double at every level
                let levels = 5 + self.rng.below(30);
                let mut d = String::from("{ ...F0 }");
                for i in 0..levels {
                    d.push_str(&format!(
                        " fragment F{i} on QueryRoot {{ a: ...F{n} b: __typename ...F{n} }}",
                        n = i + 1
                    ));
                }
                d.push_str(&format!(
                    " fragment F{levels} on QueryRoot {{ forums {{ totalCount }} }}"
                ));
                doc = d;
            }
            _ => {}
        }
        doc
    }
}

/// What a client must never see in an error message.
const INTERNAL_MARKERS: &[&str] = &[
    "sqlx",
    "sqlite",
    "postgres",
    "SQL",
    "DbErr",
    "database error",
    "panicked",
    "thread '",
    "syntax error at or near",
    "violates",
    "stack backtrace",
    "sea_orm",
    "JSON error",
    "error returned from database",
];

/// Row counts of every table: the fuzzer must not change any.
async fn snapshot(app: &TestApp) -> Vec<(String, i64)> {
    let tables = [
        "states",
        "forums",
        "memberships",
        "instruments",
        "provisions",
        "provision_links",
        "commitments",
        "commitment_reservations",
        "positions",
        "evidence",
        "evidence_states",
        "assessments",
        "sources",
        "record_sources",
        "revisions",
        "users",
    ];
    let mut out = Vec::new();
    for t in tables {
        let stmt = Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {t}"),
        );
        let n = match app.db.query_one_raw(stmt).await {
            Ok(Some(row)) => row.try_get::<i64>("", "n").unwrap_or(-1),
            _ => -2,
        };
        out.push((t.to_owned(), n));
    }
    out
}

enum Transport {
    Json,
    Batch,
    Get,
    TextPlain,
    BrokenJson,
}

async fn send(app: &TestApp, how: &Transport, doc: &str) -> (u16, String) {
    let url = format!("{}/graphql", app.address);
    let req = match how {
        Transport::Json => app.client.post(&url).json(&json!({ "query": doc })),
        Transport::Batch => app
            .client
            .post(&url)
            .json(&json!([{ "query": doc }, { "query": "{ forums { totalCount } }" }])),
        Transport::Get => app.client.get(&url).query(&[("query", doc)]),
        Transport::TextPlain => app
            .client
            .post(&url)
            .header("content-type", "text/plain")
            .body(doc.to_owned()),
        Transport::BrokenJson => app
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(format!("{{\"query\": \"{}", doc.replace('"', ""))),
    };
    match req.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap_or_default())
        }
        Err(e) => (0, format!("no answer: {e}")),
    }
}

/// The problems with one answer, if any.
fn problems(status: u16, body: &str) -> Vec<String> {
    let mut found = Vec::new();
    if status == 0 || status >= 500 && status != 503 && status != 504 {
        found.push(format!("HTTP {status}"));
    }
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return found; // plain-text refusals (e.g. 400 for a body that is not JSON)
    };
    let responses: Vec<&Value> = match &v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for r in responses {
        for e in r["errors"].as_array().into_iter().flatten() {
            let code = e["extensions"]["code"].as_str().unwrap_or("");
            if code == "INTERNAL_SERVER_ERROR" || code.is_empty() {
                found.push(format!("error code {code:?}: {e}"));
            }
            if matches!(code, "SERVICE_UNAVAILABLE") {
                found.push(format!("SERVICE_UNAVAILABLE with a healthy database: {e}"));
            }
            let message = e["message"].as_str().unwrap_or("");
            for m in INTERNAL_MARKERS {
                if message.contains(m) {
                    found.push(format!("internal text {m:?} in {message:?}"));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn fuzzed_requests_never_hurt_the_server_or_the_data() {
    let cases: usize = std::env::var("NORMWATCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("NORMWATCH_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001);
    // The budget would refuse most cases as RATE_LIMITED and hide what they do.
    let app = spawn_app_with(|c| {
        c.rate_limit_capacity = u64::MAX / 4;
        c.rate_limit_per_minute = u64::MAX / 4;
        c.login_attempts = u32::MAX / 8;
    })
    .await;
    let schema = Schema::load(&app).await;
    let before = snapshot(&app).await;
    let mut gen = Gen {
        rng: Rng(seed | 1),
        schema: &schema,
    };
    let mut failures = Vec::new();
    let started = std::time::Instant::now();
    for case in 0..cases {
        let doc = gen.document();
        let how = match gen.rng.below(20) {
            // A URL has a length limit of its own (the client refuses to build longer ones).
            12..=14 if doc.len() > 8_000 => Transport::Json,
            0..=11 => Transport::Json,
            12..=14 => Transport::Get,
            15..=16 => Transport::Batch,
            17..=18 => Transport::TextPlain,
            _ => Transport::BrokenJson,
        };
        let (status, body) = send(&app, &how, &doc).await;
        for p in problems(status, &body) {
            failures.push(format!(
                "seed {seed} case {case}: {p}\n  request: {}\n  answer: {}",
                doc.chars().take(400).collect::<String>(),
                body.chars().take(400).collect::<String>()
            ));
        }
        if failures.len() >= 10 {
            break;
        }
    }
    eprintln!(
        "fuzz: {cases} cases, seed {seed}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200, "the server is still up");
    let after = snapshot(&app).await;
    assert_eq!(before, after, "the fuzzer changed the database");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
