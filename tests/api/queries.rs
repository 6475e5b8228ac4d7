//! Every query and filter of the read API, against the bundled data.

use crate::helpers::spawn_app;
use serde_json::{json, Value};

fn list<'a>(v: &'a Value, path: &str) -> &'a Vec<Value> {
    v.pointer(path)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no list at {path}: {v:#}"))
}

/// Rows of a bundled CSV whose `column` equals `value` (so expectations follow the data).
/// Rows of `file` (or of every `*.csv` in a folder, when `file` names one) whose `column` is
/// `value`; an empty `column` counts every row.
fn csv_count(file: &str, column: &str, value: &str) -> usize {
    let path = std::path::PathBuf::from(format!("{}/seed/data/{file}", env!("CARGO_MANIFEST_DIR")));
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut f: Vec<_> = std::fs::read_dir(&path)
            .expect("bundled folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        f.sort();
        f
    } else {
        vec![path]
    };
    files
        .iter()
        .map(|path| {
            let mut r = csv::Reader::from_path(path).expect("bundled csv");
            let idx = r
                .headers()
                .expect("header")
                .iter()
                .position(|h| h == column);
            r.records()
                .filter(|rec| {
                    rec.as_ref()
                        .map(|x| column.is_empty() || idx.and_then(|i| x.get(i)) == Some(value))
                        .unwrap_or(false)
                })
                .count()
        })
        .sum()
}

#[tokio::test]
async fn state_by_code_is_case_insensitive_and_has_its_relations() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ state(code: "mex") { code alpha2 name region subregion unMember unMemberSince unObserver
                 memberships { role forum { slug } }
                 commitments { act validFrom datePrecision instrument { slug } }
                 positions { stance instrument { slug } }
                 evidence { slug }
                 sources { key } version } }"#,
            json!({}),
        )
        .await;
    let s = &d["state"];
    assert_eq!(s["code"], "MEX");
    assert_eq!(s["alpha2"], "MX");
    assert_eq!(s["region"], "Americas");
    assert_eq!(s["unMember"], true);
    assert_eq!(s["unObserver"], false);
    assert!(!list(s, "/sources").is_empty());
    assert!(list(s, "/memberships")
        .iter()
        .any(|m| m["forum"]["slug"] == "unga"));
    let iccpr = list(s, "/commitments")
        .iter()
        .find(|c| c["instrument"]["slug"] == "iccpr")
        .expect("Mexico's ICCPR commitment");
    assert_eq!(iccpr["act"], "ACCEDED");
    assert_eq!(iccpr["validFrom"], "1981-03-23");
    assert_eq!(iccpr["datePrecision"], "DAY");
    assert!(list(s, "/positions")
        .iter()
        .any(|p| p["instrument"]["slug"] == "ares-73-266"));
    assert!(list(s, "/evidence")
        .iter()
        .any(|e| e["slug"] == "mex-pegasus-2017"));
}

#[tokio::test]
async fn observer_states_are_there_and_not_members() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ states(filter: { unMember: false }) { totalCount nodes { code unObserver } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["states"]["totalCount"], 2);
    let codes: Vec<_> = list(&d, "/states/nodes")
        .iter()
        .map(|n| n["code"].clone())
        .collect();
    assert!(codes.contains(&json!("VAT")) && codes.contains(&json!("PSE")));
}

#[tokio::test]
async fn states_filter_by_codes_region_forum_and_search() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              byCodes: states(filter: { codes: ["mex", "CHL", "zzz"] }) { totalCount }
              africa: states(filter: { region: "Africa" }) { totalCount }
              latam: states(filter: { subregion: "Latin America and the Caribbean" }) { totalCount }
              osce: states(filter: { forum: "osce" }) { totalCount }
              united: states(filter: { search: "UNITED" }, first: 100) { nodes { name } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["byCodes"]["totalCount"], 2);
    assert_eq!(d["africa"]["totalCount"], 54);
    assert_eq!(d["latam"]["totalCount"], 33);
    assert_eq!(d["osce"]["totalCount"], 57);
    let names = list(&d, "/united/nodes");
    assert!(names.len() >= 4);
    assert!(names.iter().all(|n| n["name"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase()
        .contains("united")));
}

#[tokio::test]
async fn forums_have_parents_children_members_and_instruments() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ forums(first: 100) { totalCount nodes { slug } }
                 hrc: forum(slug: "HRC") { kind parent { slug } }
                 unga: forum(slug: "unga") { children { slug } instruments { slug } }
                 osce: forum(slug: "osce") { kind memberships { role state { code } } sources { url } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["forums"]["totalCount"], 15);
    assert_eq!(d["hrc"]["parent"]["slug"], "unga");
    assert!(list(&d, "/unga/children")
        .iter()
        .any(|c| c["slug"] == "un-gge"));
    assert!(list(&d, "/unga/instruments")
        .iter()
        .any(|i| i["slug"] == "ares-70-237"));
    assert_eq!(list(&d, "/osce/memberships").len(), 57);
    assert_eq!(d["osce"]["kind"], "REGIONAL");
}

#[tokio::test]
async fn instruments_filter_by_kind_forum_dates_and_search() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              all: instruments(first: 100) { totalCount }
              treaties: instruments(filter: { kinds: [TREATY] }) { nodes { slug bindingness } }
              unga: instruments(filter: { forum: "unga" }) { totalCount }
              recent: instruments(filter: { adoptedFrom: "2018-01-01", adoptedTo: "2021-12-31" }) { nodes { slug adoptedOn } }
              privacy: instruments(filter: { search: "privacy" }) { nodes { slug } }
              gge: instrument(slug: "gge-2015") { symbol title kind forum { slug } adoptedOn provisions { code } sources { key } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["all"]["totalCount"].as_u64(),
        Some(csv_count("instruments", "", "") as u64)
    );
    let treaties = list(&d, "/treaties/nodes");
    assert!(treaties
        .iter()
        .all(|t| t["bindingness"] == "LEGALLY_BINDING"));
    assert!(treaties.iter().any(|t| t["slug"] == "budapest-convention"));
    assert!(d["unga"]["totalCount"].as_i64().unwrap_or(0) >= 5);
    for i in list(&d, "/recent/nodes") {
        let y = &i["adoptedOn"].as_str().unwrap_or_default()[..4];
        assert!(("2018"..="2021").contains(&y), "{i}");
    }
    let privacy: Vec<_> = list(&d, "/privacy/nodes")
        .iter()
        .map(|n| n["slug"].clone())
        .collect();
    assert!(privacy.contains(&json!("ares-68-167")) && privacy.contains(&json!("ares-69-166")));
    assert_eq!(d["gge"]["symbol"], "A/70/174");
    assert_eq!(list(&d, "/gge/provisions").len(), 11);
}

#[tokio::test]
async fn provisions_are_typed_and_filterable() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              cbms: provisions(filter: { kinds: [CONFIDENCE_BUILDING_MEASURE] }) { totalCount nodes { __typename } }
              gge: provisions(filter: { instrument: "gge-2015" }) { totalCount }
              codes: provisions(filter: { codes: ["GCSC-1", "paris-call-2"] }) { totalCount }
              vuln: provisions(filter: { search: "vulnerab" }, first: 50) { nodes { code } }
              p: provision(code: "gge-2015-13e") { __typename code kind reference title summary
                 instrument { slug } linkedRights { relation rationale to { code kind } sources { key } }
                 links { relation from { code } to { code } } }
              right: provision(code: "iccpr-17") { __typename links { from { code } } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["cbms"]["totalCount"], 16);
    assert!(list(&d, "/cbms/nodes")
        .iter()
        .all(|n| n["__typename"] == "ConfidenceBuildingMeasure"));
    assert_eq!(d["gge"]["totalCount"], 11);
    assert_eq!(d["codes"]["totalCount"], 2);
    assert!(list(&d, "/vuln/nodes")
        .iter()
        .any(|n| n["code"] == "gge-2015-13j"));
    assert_eq!(d["p"]["__typename"], "Norm");
    assert_eq!(d["p"]["reference"], "para 13(e)");
    let rights = list(&d, "/p/linkedRights");
    assert!(rights.iter().any(|l| l["to"]["code"] == "iccpr-17"));
    assert!(rights
        .iter()
        .all(|l| l["to"]["kind"] == "HUMAN_RIGHTS_OBLIGATION"));
    assert_eq!(d["right"]["__typename"], "HumanRightsObligation");
    assert!(list(&d, "/right/links")
        .iter()
        .any(|l| l["from"]["code"] == "gge-2015-13e"));
}

#[tokio::test]
async fn commitments_filter_by_state_instrument_forum_act_modality_provision_and_date() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              mex: commitments(filter: { states: ["mex"], instruments: ["iccpr"] }) { totalCount nodes { act validFrom state { code } forum { slug } reservations { code } note status } }
              withdrew: commitments(filter: { acts: [WITHDREW] }) { totalCount nodes { state { code } } }
              osce: commitments(filter: { forums: ["osce"] }) { totalCount }
              membership: commitments(filter: { modalities: [BY_MEMBERSHIP] }) { totalCount }
              art17: commitments(filter: { provision: "iccpr-17" }) { totalCount }
              since2015: commitments(filter: { instruments: ["iccpr"], validFromAfter: "2015-01-01" }) { nodes { validFrom } }
              upTo1970: commitments(filter: { instruments: ["iccpr"], validFromBefore: "1970-12-31" }) { nodes { validFrom } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["mex"]["totalCount"], 1);
    let m = &d["mex"]["nodes"][0];
    assert_eq!(m["validFrom"], "1981-03-23");
    assert_eq!(m["state"]["code"], "MEX");
    assert_eq!(m["status"], "PUBLISHED");
    assert_eq!(
        d["withdrew"]["totalCount"],
        csv_count("commitments/iccpr-op1.csv", "act", "WITHDREW")
    );
    assert_eq!(d["osce"]["totalCount"], 114);
    assert_eq!(d["membership"]["totalCount"], 114);
    let iccpr_rows = csv_count("commitments/iccpr.csv", "instrument", "iccpr");
    assert_eq!(d["art17"]["totalCount"], iccpr_rows);
    for c in list(&d, "/since2015/nodes") {
        assert!(c["validFrom"].as_str().unwrap_or_default() >= "2015", "{c}");
    }
    for c in list(&d, "/upTo1970/nodes") {
        assert!(
            c["validFrom"].as_str().unwrap_or_default() <= "1970-12-31",
            "{c}"
        );
    }
}

#[tokio::test]
async fn positions_record_the_2018_votes() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              no27: positions(filter: { instruments: ["ares-73-27"], stances: [OPPOSES] }) { totalCount }
              yes266: positions(filter: { instruments: ["ares-73-266"], stances: [SUPPORTS], kinds: [VOTE] }) { totalCount }
              sponsors: positions(filter: { kinds: [SPONSORSHIP] }) { nodes { state { code } instrument { slug } } }
              usa: positions(filter: { states: ["usa"], forums: ["unga"], dateFrom: "2018-12-01", dateTo: "2018-12-31" }) { nodes { stance date kind summary sources { key } } }
              text: positions(filter: { search: "a/res/73/27" }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["no27"]["totalCount"], 46);
    assert_eq!(d["yes266"]["totalCount"], 138);
    assert!(list(&d, "/sponsors/nodes")
        .iter()
        .any(|s| s["state"]["code"] == "RUS"));
    let usa = list(&d, "/usa/nodes");
    assert!(usa
        .iter()
        .any(|p| p["date"] == "2018-12-05" && p["stance"] == "OPPOSES"));
    assert!(usa
        .iter()
        .all(|p| !p["sources"].as_array().map(Vec::is_empty).unwrap_or(true)));
    assert!(d["text"]["totalCount"].as_i64().unwrap_or(0) >= 119);
}

#[tokio::test]
async fn evidence_filters_and_carries_its_chain() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              mex: evidence(filter: { states: ["MEX"] }) { totalCount }
              art17: evidence(filter: { provisions: ["iccpr-17"] }, first: 100) { nodes { slug } }
              shutdowns: evidence(filter: { kinds: [INTERNET_SHUTDOWN] }) { totalCount }
              contested: evidence(filter: { attribution: [CONTESTED] }, first: 100) { nodes { attribution { status } } }
              in2017: evidence(filter: { occurredFrom: "2017-01-01", occurredTo: "2017-12-31" }, first: 100) { nodes { occurredFrom occurredTo } }
              pegasus: evidence(filter: { search: "PEGASUS" }, first: 100) { nodes { slug } }
              one: evidenceItem(slug: "mex-pegasus-2017") { title summary kind occurredFrom
                   responsibleStates { code } attribution { attributedBy basis status }
                   assessments { finding confidence rationale state { code } provision { code } evidence { slug } sources { key } }
                   sources { key url } }
            }"#,
            json!({}),
        )
        .await;
    assert!(d["mex"]["totalCount"].as_i64().unwrap_or(0) >= 2);
    assert!(list(&d, "/art17/nodes")
        .iter()
        .any(|e| e["slug"] == "mex-pegasus-2017"));
    assert_eq!(
        d["shutdowns"]["totalCount"],
        csv_count("evidence", "kind", "INTERNET_SHUTDOWN")
    );
    assert!(list(&d, "/contested/nodes")
        .iter()
        .all(|e| e["attribution"]["status"] == "CONTESTED"));
    for e in list(&d, "/in2017/nodes") {
        let from = e["occurredFrom"].as_str().unwrap_or_default();
        let to = e["occurredTo"].as_str().unwrap_or(from);
        assert!(from <= "2017-12-31" && to >= "2017", "{e}");
    }
    assert!(list(&d, "/pegasus/nodes").len() >= 3);
    let one = &d["one"];
    assert_eq!(one["kind"], "SURVEILLANCE");
    assert_eq!(one["responsibleStates"][0]["code"], "MEX");
    let a17 = list(one, "/assessments")
        .iter()
        .find(|a| a["provision"]["code"] == "iccpr-17")
        .expect("assessed against Art. 17");
    assert_eq!(a17["finding"], "CONTRADICTS");
    assert_eq!(a17["evidence"]["slug"], "mex-pegasus-2017");
    assert!(!list(a17, "/sources").is_empty());
    assert!(list(one, "/sources")
        .iter()
        .any(|s| s["key"] == "citizenlab-2017-reckless-exploit"));
}

#[tokio::test]
async fn history_shows_the_seed_revision_of_a_record() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ state(code: "MEX") { history { totalCount nodes { action actor reason after recordKind } } } }"#,
            json!({}),
        )
        .await;
    let h = &d["state"]["history"];
    assert_eq!(h["totalCount"], 1);
    assert_eq!(h["nodes"][0]["action"], "CREATE");
    assert_eq!(h["nodes"][0]["actor"], "seed");
    assert_eq!(h["nodes"][0]["after"]["code"], "MEX");
}

#[tokio::test]
async fn deep_and_complex_queries_are_refused_before_they_run() {
    let app = spawn_app().await;
    let mut q = String::from("{ state(code: \"MEX\") { ");
    for _ in 0..10 {
        q.push_str("commitments { state { ");
    }
    q.push_str("code");
    for _ in 0..10 {
        q.push_str(" } }");
    }
    q.push_str(" } }");
    let err = app.error(&q, json!({})).await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .contains("deep"),
        "{err}"
    );
}
