//! The bulk export (issue 12): every file the descriptor lists is checked against the
//! descriptor (header, types, enumerations, keys, references) and against the GraphQL API (the
//! same records, with the same ids, as many as `totalCount`); drafts stay out; bad parameters
//! are 400s naming the parameter; the files spend the GraphQL budget; the command line writes
//! the same bytes as the endpoints; CITATION.cff names the crate's version.

use crate::helpers::{self, code, spawn_app_with, spawn_writable_app, TestApp};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// A day in the past, so that the API's and the files' gaps agree whatever today is.
const AS_OF: &str = "2024-01-01";

/// An app whose budget does not run out during a full export.
async fn roomy_app() -> TestApp {
    spawn_app_with(|c| c.rate_limit_capacity = 100_000_000).await
}

async fn text(app: &TestApp, path: &str) -> String {
    let resp = app.get(path).await;
    assert_eq!(resp.status(), 200, "{path}");
    resp.text().await.expect("a text body")
}

/// One file, read with its descriptor: a map per row, column name to cell text.
struct Table {
    name: String,
    header: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

impl Table {
    fn column(&self, name: &str) -> Vec<&str> {
        self.rows.iter().map(|r| r[name].as_str()).collect()
    }
}

fn read_csv(name: &str, body: &str) -> Table {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table {
        name: name.into(),
        header,
        rows,
    }
}

/// Checks every value of `table` against its schema, and its primary and unique keys.
fn check_against_schema(table: &Table, schema: &Value) {
    let fields = schema["fields"].as_array().expect("fields");
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(
        table.header, names,
        "{}: header = schema fields, in order",
        table.name
    );
    assert_eq!(schema["primaryKey"], "id", "{}", table.name);
    for f in fields {
        let name = f["name"].as_str().expect("a name");
        let required = f["constraints"]["required"] == json!(true);
        let allowed: Option<Vec<&str>> = f["constraints"]["enum"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect());
        for (line, row) in table.rows.iter().enumerate() {
            let v = row[name].as_str();
            let at = format!("{} row {} column {name}: `{v}`", table.name, line + 1);
            if v.is_empty() {
                assert!(!required, "{at} is required");
                continue;
            }
            match f["type"].as_str() {
                Some("string") => {}
                Some("integer") => assert!(v.parse::<i64>().is_ok(), "{at} is not an integer"),
                Some("boolean") => assert!(v == "true" || v == "false", "{at} is not a boolean"),
                Some("date") => assert!(
                    NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
                    "{at} is not a date"
                ),
                other => panic!("{at}: unexpected type {other:?}"),
            }
            if let Some(allowed) = &allowed {
                assert!(allowed.contains(&v), "{at} is not one of {allowed:?}");
            }
        }
        if name == "id" || f["constraints"]["unique"] == json!(true) {
            let values: Vec<&str> = table
                .column(name)
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect();
            let distinct: HashSet<&str> = values.iter().copied().collect();
            assert_eq!(
                distinct.len(),
                values.len(),
                "{}.{name} is unique",
                table.name
            );
        }
    }
}

/// Partial dates: the text, its precision and the first and last day agree.
fn check_dates(table: &Table) {
    for col in table
        .header
        .iter()
        .filter(|c| table.header.contains(&format!("{c}_precision")))
    {
        for row in &table.rows {
            let (text, precision) = (&row[col], &row[&format!("{col}_precision")]);
            let (start, end) = (&row[&format!("{col}_start")], &row[&format!("{col}_end")]);
            if text.is_empty() {
                assert!(precision.is_empty() && start.is_empty() && end.is_empty());
                continue;
            }
            let d: entity::PartialDate = text.parse().expect("a partial date");
            assert_eq!(precision, d.precision.as_str(), "{}.{col}", table.name);
            assert_eq!(start, &d.date.to_string(), "{}.{col}_start", table.name);
            assert_eq!(end, &d.last_day().to_string(), "{}.{col}_end", table.name);
        }
    }
}

/// Every id of a root connection, paged 100 at a time.
async fn ids_of(app: &TestApp, list: &str, args: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = Value::Null;
    loop {
        let q = format!(
            "query($after: String) {{ {list}(first: 100, after: $after{args}) {{ nodes {{ id }} \
             pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let data = app.data(&q, json!({ "after": after })).await;
        let page = &data[list];
        ids.extend(
            page["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["id"].as_str().expect("an id").to_string()),
        );
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return ids;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The ids of a relation list reached from every record of a root connection.
async fn child_ids(app: &TestApp, list: &str, field: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut after = Value::Null;
    loop {
        let q = format!(
            "query($after: String) {{ {list}(first: 100, after: $after) {{ nodes {{ {field} {{ id }} }} \
             pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let data = app.data(&q, json!({ "after": after })).await;
        let page = &data[list];
        for n in page["nodes"].as_array().expect("nodes") {
            for c in n[field].as_array().expect("a list") {
                ids.insert(c["id"].as_str().expect("an id").to_string());
            }
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return ids;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn set(v: Vec<&str>) -> HashSet<String> {
    v.into_iter().map(String::from).collect()
}

#[tokio::test]
async fn every_file_matches_its_descriptor_and_the_api() {
    let app = roomy_app().await;
    let descriptor: Value = serde_json::from_str(&text(&app, "/export/datapackage.json").await)
        .expect("a JSON descriptor");
    let version = app.data("{ registry { dataVersion } }", json!({})).await;
    assert_eq!(
        descriptor["dataVersion"],
        version["registry"]["dataVersion"]
    );
    assert_eq!(descriptor["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(descriptor["licenses"][0]["name"], "CC-BY-4.0");

    let mut tables: HashMap<String, Table> = HashMap::new();
    for r in descriptor["resources"].as_array().expect("resources") {
        let name = r["name"].as_str().expect("a name");
        let mut path = format!("/export/{}", r["path"].as_str().expect("a path"));
        assert_eq!(r["format"], "csv");
        if name == "gaps" {
            path.push_str(&format!("?asOf={AS_OF}"));
        }
        let table = read_csv(name, &text(&app, &path).await);
        check_against_schema(&table, &r["schema"]);
        check_dates(&table);
        tables.insert(name.to_string(), table);
    }
    // References between files resolve (what `frictionless validate` checks as foreign keys).
    for r in descriptor["resources"].as_array().expect("resources") {
        let table = &tables[r["name"].as_str().expect("a name")];
        for fk in r["schema"]["foreignKeys"].as_array().expect("foreignKeys") {
            let col = fk["fields"].as_str().expect("a column");
            let target = match fk["reference"]["resource"].as_str().expect("a resource") {
                "" => table, // the resource itself
                other => &tables[other],
            };
            let keys: HashSet<&str> = target
                .column(fk["reference"]["fields"].as_str().expect("a column"))
                .into_iter()
                .collect();
            for v in table.column(col).into_iter().filter(|v| !v.is_empty()) {
                assert!(
                    keys.contains(v),
                    "{}.{col} = {v} is not in {}",
                    table.name,
                    target.name
                );
            }
        }
        if table.header.iter().any(|h| h == "sources") {
            let keys: HashSet<&str> = tables["sources"].column("key").into_iter().collect();
            for v in table.column("sources") {
                for k in v.split(';').filter(|k| !k.is_empty()) {
                    assert!(keys.contains(k), "{} cites unknown source {k}", table.name);
                }
            }
        }
    }

    // Root lists: the same ids as GraphQL gives, as many as totalCount.
    let totals = app
        .data(
            &format!(
                "{{ states {{ totalCount }} forums {{ totalCount }} instruments {{ totalCount }} \
                 provisions {{ totalCount }} commitments {{ totalCount }} positions {{ totalCount }} \
                 evidence {{ totalCount }} gaps(asOf: \"{AS_OF}\") {{ totalCount }} }}"
            ),
            json!({}),
        )
        .await;
    for (file, list) in [
        ("states", "states"),
        ("forums", "forums"),
        ("instruments", "instruments"),
        ("provisions", "provisions"),
        ("commitments", "commitments"),
        ("positions", "positions"),
        ("evidence", "evidence"),
    ] {
        let table = &tables[file];
        assert_eq!(
            json!(table.rows.len()),
            totals[list]["totalCount"],
            "{file}: rows = totalCount"
        );
        let api = ids_of(&app, list, "").await;
        assert_eq!(
            table.column("id"),
            api,
            "{file}: the API's ids, in the API's order"
        );
    }
    assert_eq!(
        json!(tables["gaps"].rows.len()),
        totals["gaps"]["totalCount"]
    );
    assert!(
        tables["gaps"].rows.len() > 100,
        "the bundled data has many gaps"
    );
    // Lists reached through relations.
    for (file, list, field) in [
        ("memberships", "forums", "memberships"),
        ("assessments", "evidence", "assessments"),
        ("provision-links", "provisions", "links"),
    ] {
        let api = child_ids(&app, list, field).await;
        assert_eq!(set(tables[file].column("id")), api, "{file}");
        assert!(!api.is_empty(), "{file} has rows");
    }
    // Sources: one per published source the bundled lists hold.
    let datasets = app.data("{ datasets { folder records } }", json!({})).await;
    let sources: i64 = datasets["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .filter(|d| d["folder"] == "sources")
        .filter_map(|d| d["records"].as_i64())
        .sum();
    assert_eq!(tables["sources"].rows.len() as i64, sources);
    // Nothing personal or internal leaves (a record's review status neither: all are
    // PUBLISHED; the gaps file's `status` is the verdict).
    for t in tables.values() {
        for h in &t.header {
            let internal = ["email", "created_by", "user", "password_hash"].contains(&h.as_str())
                || (h == "status" && t.name != "gaps");
            assert!(!internal, "{}: {h}", t.name);
        }
    }
}

#[tokio::test]
async fn gaps_agree_with_the_api_and_ndjson_with_csv() {
    let app = roomy_app().await;
    let kinds = "HUMAN_RIGHTS_OBLIGATION";
    let csv = read_csv(
        "gaps",
        &text(
            &app,
            &format!("/export/gaps.csv?asOf={AS_OF}&kinds={kinds}&states=MEX,hun,BRA,RUS"),
        )
        .await,
    );
    let mut api = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                &format!(
                    "query($after: String) {{ gaps(first: 100, after: $after, asOf: \"{AS_OF}\", \
                     filter: {{ kinds: [{kinds}], states: [\"MEX\", \"HUN\", \"BRA\", \"RUS\"] }}) {{ \
                     nodes {{ id state {{ code }} provision {{ code }} status committedSince strength \
                     confidence attribution contradicting {{ id }} supporting {{ id }} }} \
                     pageInfo {{ hasNextPage endCursor }} }} }}"
                ),
                json!({ "after": after }),
            )
            .await;
        api.extend(data["gaps"]["nodes"].as_array().expect("nodes").clone());
        if data["gaps"]["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = data["gaps"]["pageInfo"]["endCursor"].clone();
    }
    assert!(!api.is_empty());
    assert_eq!(csv.rows.len(), api.len());
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    for (row, gap) in csv.rows.iter().zip(&api) {
        assert_eq!(row["id"], s(&gap["id"]));
        assert_eq!(row["state"], s(&gap["state"]["code"]));
        assert_eq!(row["provision"], s(&gap["provision"]["code"]));
        assert_eq!(row["status"], s(&gap["status"]));
        assert_eq!(row["committed_since"], s(&gap["committedSince"]));
        assert_eq!(row["strength"], s(&gap["strength"]));
        assert_eq!(row["confidence"], s(&gap["confidence"]));
        assert_eq!(row["attribution"], s(&gap["attribution"]));
        let n = |k: &str| gap[k].as_array().map_or(0, Vec::len).to_string();
        assert_eq!(row["contradicting"], n("contradicting"));
        assert_eq!(row["supporting"], n("supporting"));
        assert_eq!(row["as_of"], AS_OF);
    }

    // NDJSON: the same rows, keys in column order, typed values.
    for file in ["gaps", "commitments"] {
        let q = if file == "gaps" {
            format!("?asOf={AS_OF}")
        } else {
            String::new()
        };
        let csv = read_csv(file, &text(&app, &format!("/export/{file}.csv{q}")).await);
        let nd = text(&app, &format!("/export/{file}.ndjson{q}")).await;
        let lines: Vec<&str> = nd.lines().collect();
        assert_eq!(lines.len(), csv.rows.len(), "{file}");
        for (line, row) in lines.iter().zip(&csv.rows) {
            let obj: serde_json::Map<String, Value> =
                serde_json::from_str(line).expect("a JSON object");
            let keys: Vec<&String> = obj.keys().collect();
            let mut keys_in_order: Vec<(usize, &String)> = keys
                .iter()
                .map(|k| (line.find(&format!("\"{k}\":")).unwrap_or(usize::MAX), *k))
                .collect();
            keys_in_order.sort();
            let order: Vec<&String> = keys_in_order.into_iter().map(|(_, k)| k).collect();
            assert_eq!(
                order,
                csv.header.iter().collect::<Vec<_>>(),
                "{file}: key order"
            );
            for (k, v) in &obj {
                let as_text = match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(as_text, row[k], "{file}.{k}");
            }
        }
    }
}

#[tokio::test]
async fn bad_parameters_are_400s_naming_them_and_unknown_files_404s() {
    let app = roomy_app().await;
    for (query, field) in [
        ("asOf=2024-13-01", "asOf"),
        ("asOf=2024", "asOf"),
        ("states=MX", "states"),
        ("kinds=RIGHTS", "kinds"),
        ("kind=NORM", "kind"),
    ] {
        let resp = app.get(&format!("/export/gaps.csv?{query}")).await;
        assert_eq!(resp.status(), 400, "{query}");
        let body: Value = resp.json().await.expect("a JSON error");
        let err = &body["errors"][0];
        assert_eq!(code(err), "BAD_USER_INPUT", "{query}");
        assert_eq!(err["extensions"]["field"], field, "{query}");
        assert!(
            err["message"].as_str().unwrap_or("").contains(field),
            "{err}"
        );
    }
    let resp = app.get("/export/states.csv?asOf=2024-01-01").await;
    assert_eq!(resp.status(), 400);
    let resp = app.get("/export/datapackage.json?format=xlsx").await;
    assert_eq!(resp.status(), 400);
    for path in ["/export/users.csv", "/export/states.xlsx", "/export/states"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 404, "{path}");
        let body: Value = resp.json().await.expect("a JSON error");
        assert_eq!(code(&body["errors"][0]), "NOT_FOUND");
    }
    let resp = app
        .client
        .get(format!("{}/export/states.csv", app.address))
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn drafts_stay_out_of_the_files() {
    let app = spawn_writable_app().await;
    let token = app
        .user_token("editor@example.org", entity::UserRole::Editor)
        .await;
    let source = app
        .data(
            "{ states(first: 1) { nodes { sources { key } } } }",
            json!({}),
        )
        .await;
    let key = source["states"]["nodes"][0]["sources"][0]["key"]
        .as_str()
        .expect("a cited source")
        .to_string();
    let made = app
        .post_as(
            &token,
            &format!(
                r#"mutation {{ a: createSource(input: {{ key: "draft-source", kind: NEWS, tier: PUBLISHER, title: "A draft source", publisher: "Tests", url: "https://example.org/a" }}) {{ id }}
                   b: createState(input: {{ code: "XKX", alpha2: "XK", name: "A draft state", unMember: false, unObserver: false, sources: ["{key}"] }}) {{ id }} }}"#
            ),
            json!({}),
        )
        .await;
    assert!(made.get("errors").is_none(), "{made}");
    let states = read_csv("states", &text(&app, "/export/states.csv").await);
    assert!(!states.column("code").contains(&"XKX"));
    let sources = read_csv("sources", &text(&app, "/export/sources.csv").await);
    assert!(!sources.column("key").contains(&"draft-source"));
    assert!(sources.column("key").contains(&key.as_str()));
    // The editor sees the drafts in GraphQL, yet the files are the public view whoever asks.
    let resp = app
        .client
        .get(format!("{}/export/states.csv", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent");
    let body = resp.text().await.expect("text");
    assert!(!body.contains("XKX"));
}

#[tokio::test]
async fn the_files_spend_the_graphql_budget() {
    let app = spawn_app_with(|c| {
        c.max_complexity = 10;
        c.rate_limit_capacity = 100;
        c.rate_limit_per_minute = 1;
    })
    .await;
    // forums: some fifteen rows of a dozen columns fit; the file reports what it spent, a point
    // per column and per row.
    let resp = app.get("/export/forums.csv").await;
    assert_eq!(resp.status(), 200);
    let header = |r: &reqwest::Response, h: &str| -> u64 {
        r.headers()[h]
            .to_str()
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("a numeric {h} header"))
    };
    let spent = header(&resp, "x-cost-requested");
    let forums = read_csv("forums", &resp.text().await.expect("text"));
    assert_eq!(spent, (forums.header.len() + forums.rows.len()) as u64);
    assert_eq!(
        header_remaining(&app).await,
        100 - spent,
        "GraphQL sees what the file spent"
    );
    // positions (thousands of rows) cost more than what is left: refused before anything is
    // streamed.
    let resp = app.get("/export/positions.csv").await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_some());
    let body: Value = resp.json().await.expect("a JSON error");
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED");
    // The gap engine's run is charged before it runs: with less than a run left, the file is
    // refused without the engine's statements.
    app.settle().await;
    let before = app.statements.get();
    let resp = app.get("/export/gaps.csv").await;
    assert_eq!(resp.status(), 429);
    assert!(
        app.statements.get() - before < 3,
        "refused before the engine ran"
    );
}

/// What is left of the anonymous budget, from a GraphQL answer (plus what that answer cost).
async fn header_remaining(app: &TestApp) -> u64 {
    let resp = app.post("{ registry { dataVersion } }", json!({})).await;
    let cost = &resp["extensions"]["cost"];
    cost["remaining"].as_u64().expect("remaining") + cost["requested"].as_u64().expect("requested")
}

#[tokio::test]
async fn the_command_line_writes_what_the_endpoints_serve() {
    let test_db = helpers::TestDb::new().await;
    let out = std::env::temp_dir().join(format!("normwatch-export-{}", uuid::Uuid::new_v4()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .args(["export", "--format", "csv", "--as-of", AS_OF, "--out"])
        .arg(&out)
        .env("DATABASE_URL", &test_db.url)
        .output()
        .expect("the binary runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.stderr.is_empty(),
        "no progress bar without a terminal: {}",
        String::from_utf8_lossy(&run.stderr)
    );

    // A server on the same database (the command loaded the bundled data into it).
    let mut config = helpers::config(&test_db.url, true);
    config.rate_limit_capacity = 100_000_000;
    let server = api::App::build(config).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", server.port());
    tokio::spawn(server.run_until_stopped());
    let client = reqwest::Client::new();
    let descriptor: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("datapackage.json")).expect("a descriptor"),
    )
    .expect("JSON");
    assert!(descriptor["resources"][11]["description"]
        .as_str()
        .unwrap_or("")
        .contains(AS_OF));
    for r in descriptor["resources"].as_array().expect("resources") {
        let path = r["path"].as_str().expect("a path");
        let written = std::fs::read_to_string(out.join(path)).expect("the file is there");
        let query = if r["name"] == "gaps" {
            format!("?asOf={AS_OF}")
        } else {
            String::new()
        };
        let served = client
            .get(format!("{address}/export/{path}{query}"))
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("text");
        assert_eq!(written, served, "{path}");
        assert!(!out.join(format!("{path}.part")).exists());
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn citation_cff_names_the_crate_version() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("CITATION.cff");
    let cff = std::fs::read_to_string(&path).expect("CITATION.cff at the root");
    let version = cff
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches('"').to_string());
    assert_eq!(version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert!(cff.contains("cff-version: 1.2.0"));
    assert!(cff.contains("license: Apache-2.0"));
}

#[tokio::test]
async fn a_dashboard_in_another_origin_can_read_its_budget_and_the_etag() {
    let app = roomy_app().await;
    let resp = app
        .client
        .get(format!("{}/export/states.csv", app.address))
        .header("Origin", "https://dashboard.example.org")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let exposed = resp
        .headers()
        .get("access-control-expose-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_lowercase();
    for header in [
        "x-cost-remaining",
        "x-cost-limit",
        "retry-after",
        "etag",
        "x-request-id",
    ] {
        assert!(
            exposed.contains(header),
            "{header} is not exposed: {exposed}"
        );
    }
    assert!(resp.headers().get("x-cost-remaining").is_some());
}
