//! The gap engine through the API: the founding case on the bundled data, and one fixture per
//! rule (commitment windows, withdrawal, reservations, support-only, inconsistencies, whole-text
//! votes).

use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[tokio::test]
async fn mexico_pegasus_contradicts_iccpr_17_with_its_full_chain() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ gaps(filter: { states: ["MEX"], provisions: ["iccpr-17"] }, asOf: "2024-01-01") {
                 totalCount
                 nodes { status committedSince strength explanation methodologyVersion asOf
                   state { code } provision { code }
                   commitments { act validFrom instrument { slug } sources { title } }
                   contradicting { finding confidence rationale sources { key }
                     evidence { slug title occurredFrom attribution { attributedBy status } sources { key url } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["gaps"]["totalCount"], 1);
    let g = &d["gaps"]["nodes"][0];
    assert_eq!(g["status"], "CONTRADICTED");
    assert_eq!(g["committedSince"], "1981-03-23");
    assert_eq!(g["strength"], "FULL");
    assert_eq!(g["methodologyVersion"], "2.0");
    assert_eq!(g["commitments"][0]["act"], "ACCEDED");
    assert_eq!(g["commitments"][0]["instrument"]["slug"], "iccpr");
    assert!(!g["commitments"][0]["sources"]
        .as_array()
        .map(Vec::is_empty)
        .unwrap_or(true));
    let contradicting = g["contradicting"].as_array().expect("a list");
    let pegasus = contradicting
        .iter()
        .find(|a| a["evidence"]["slug"] == "mex-pegasus-2017")
        .expect("the Reckless Exploit case counts");
    assert_eq!(pegasus["finding"], "CONTRADICTS");
    assert!(pegasus["evidence"]["sources"].as_array().is_some_and(|s| s
        .iter()
        .any(|s| s["key"] == "citizenlab-2017-reckless-exploit")));
    let explanation = g["explanation"].as_str().expect("text");
    assert!(explanation.starts_with("Mexico acceded to the International Covenant on Civil and Political Rights on 1981-03-23"), "{explanation}");
    assert!(explanation.contains("contradicts Art. 17"), "{explanation}");
}

#[tokio::test]
async fn a_norm_gap_carries_the_rights_it_touches() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ gaps(filter: { states: ["MEX"], provisions: ["gge-2015-13e"] }, asOf: "2024-01-01") {
                 nodes { status strength linkedRights { relation to { code } } } } }"#,
            json!({}),
        )
        .await;
    let g = &d["gaps"]["nodes"][0];
    assert_eq!(g["status"], "CONTRADICTED");
    assert_eq!(
        g["strength"], "FULL",
        "consensus adoption of A/RES/70/237 is a full commitment"
    );
    let rights: Vec<_> = g["linkedRights"]
        .as_array()
        .expect("list")
        .iter()
        .map(|l| l["to"]["code"].clone())
        .collect();
    assert!(rights.contains(&json!("iccpr-17")), "{rights:?}");
}

#[tokio::test]
async fn scorecard_counts_add_up_and_state_scorecard_agrees() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ scorecard(state: "mex", asOf: "2024-01-01") { committed contradicted contradictedShare latestEvidenceDate
                   counts { status count } byKind { kind committed } mostContradicted { provision { code } contradicting } }
                 provisions(first: 1) { totalCount }
                 state(code: "MEX") { scorecard(asOf: "2024-01-01") { committed contradicted } } }"#,
            json!({}),
        )
        .await;
    let s = &d["scorecard"];
    let total: i64 = s["counts"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
        total,
        d["provisions"]["totalCount"].as_i64().unwrap_or(-1),
        "one status per provision"
    );
    let committed: i64 = s["byKind"]
        .as_array()
        .expect("list")
        .iter()
        .map(|k| k["committed"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(committed, s["committed"].as_i64().unwrap_or(-1));
    assert!(s["contradicted"].as_i64().unwrap_or(0) >= 1);
    assert_eq!(d["state"]["scorecard"]["committed"], s["committed"]);
    assert!(s["mostContradicted"]
        .as_array()
        .expect("list")
        .iter()
        .any(|m| m["provision"]["code"] == "iccpr-17"));
}

#[tokio::test]
async fn positions_across_forums_groups_by_forum() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ positionsAcrossForums(state: "USA", provision: "gge-2015-13a") {
                 forum { slug } commitments { instrument { slug } validFrom } positions { instrument { slug } stance date sources { key } } } }"#,
            json!({}),
        )
        .await;
    let groups = d["positionsAcrossForums"].as_array().expect("list");
    let unga = groups
        .iter()
        .find(|g| g["forum"]["slug"] == "unga")
        .expect("the General Assembly");
    assert!(unga["commitments"]
        .as_array()
        .expect("list")
        .iter()
        .any(|c| c["instrument"]["slug"] == "gge-2015"));
    let err = app
        .error(
            r#"{ positionsAcrossForums(state: "USA", provision: "nope") { forum { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT");
}

// ---- fixtures: one small registry where each rule has a case of its own ----

struct Fixture(PathBuf);

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(dir: &Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, body).expect("write");
}

/// States: AAA ratified in 2000 (no evidence), WWW ratified 2000 and withdrew 2010, RRR ratified
/// with a reservation on t-2, SSS ratified with only supporting evidence, CCC ratified 2000
/// with practice contradicting t-1 in 2005 and earlier practice from 1995, NNN never committed.
fn gap_fixture() -> Fixture {
    let dir =
        std::env::temp_dir().join(format!("normwatch_gaps_{}", uuid::Uuid::new_v4().simple()));
    write(&dir, "sources/s.csv", "key,kind,tier,title,publisher,url\nsrc,GOVERNMENT,PRIMARY,Test source,Normwatch tests,https://example.org/test\n");
    write(
        &dir,
        "states/s.csv",
        "code,alpha2,name,un_member,sources\nAAA,AA,Aland,true,src\nWWW,WW,Westland,true,src\nRRR,RR,Reserveland,true,src\nSSS,SS,Supportland,true,src\nCCC,CC,Contraland,true,src\nNNN,NN,Noland,true,src\n",
    );
    write(
        &dir,
        "forums/f.csv",
        "slug,name,kind,sources\nf-one,Forum One,INTERGOVERNMENTAL,src\nf-two,Forum Two,REGIONAL,src\n",
    );
    write(
        &dir,
        "instruments/i.csv",
        "slug,title,kind,bindingness,forum,adopted_on,sources\ntreaty,Test Treaty,TREATY,LEGALLY_BINDING,f-one,1990,src\ndecl,Test Declaration,DECLARATION,POLITICAL,f-two,1995,src\n",
    );
    write(
        &dir,
        "provisions/p.csv",
        "code,kind,instrument,reference,title,summary,sources\nt-1,HUMAN_RIGHTS_OBLIGATION,treaty,Art. 1,Privacy,A test right.,src\nt-2,HUMAN_RIGHTS_OBLIGATION,treaty,Art. 2,Expression,Another test right.,src\nd-1,NORM,decl,para 1,A norm,A test norm.,src\n",
    );
    write(
        &dir,
        "provision_links/l.csv",
        "from,to,relation,rationale,sources\nd-1,t-1,PROTECTS_RIGHT,The norm protects the right.,src\n",
    );
    write(
        &dir,
        "commitments/c.csv",
        "state,instrument,forum,act,modality,valid_from,reservations,sources\n\
AAA,treaty,f-one,RATIFIED,EXPLICIT,2000-01-01,,src\n\
WWW,treaty,f-one,RATIFIED,EXPLICIT,2000-01-01,,src\n\
WWW,treaty,f-one,WITHDREW,EXPLICIT,2010-01-01,,src\n\
RRR,treaty,f-one,RATIFIED,EXPLICIT,2000-01-01,t-2,src\n\
SSS,treaty,f-one,RATIFIED,EXPLICIT,2000-01-01,,src\n\
CCC,treaty,f-one,RATIFIED,EXPLICIT,2000-01-01,,src\n\
CCC,decl,f-two,ENDORSED,EXPLICIT,1995,,src\n",
    );
    write(
        &dir,
        "positions/p.csv",
        "state,forum,instrument,provision,kind,stance,date,summary,sources\n\
CCC,f-one,decl,,VOTE,OPPOSES,1996-05-01,Voted against the declaration in forum one,src\n",
    );
    write(
        &dir,
        "evidence/e.csv",
        "slug,title,summary,kind,occurred_from,occurred_to,responsible_states,attribution_status,sources\n\
sss-law,A privacy law,SSS adopts a data-protection law.,LEGISLATION,2005-06-01,,SSS,ACKNOWLEDGED,src\n\
ccc-spy,Spyware on journalists,CCC agencies target journalists.,SURVEILLANCE,2005-01-01,2006-01-01,CCC,SETTLED,src\n\
ccc-old,Old wiretaps,CCC wiretaps before ratifying.,SURVEILLANCE,1995,1996,CCC,SETTLED,src\n\
nnn-spy,Spyware in Noland,NNN targets activists.,SURVEILLANCE,2005,,NNN,CONTESTED,src\n",
    );
    write(
        &dir,
        "assessments/a.csv",
        "evidence,state,provision,finding,confidence,rationale,context,sources\n\
sss-law,SSS,t-1,SUPPORTS,HIGH,The law protects privacy.,,src\n\
ccc-spy,CCC,t-1,CONTRADICTS,HIGH,Targeting journalists interferes with privacy.,,src\n\
ccc-old,CCC,t-1,CONTRADICTS,MEDIUM,Wiretaps without warrant.,true,src\n\
nnn-spy,NNN,t-1,CONTRADICTS,LOW,Targeting activists.,true,src\n",
    );
    Fixture(dir)
}

async fn fixture_app() -> (crate::helpers::TestApp, Fixture) {
    let f = gap_fixture();
    let dir = f.0.clone();
    (spawn_app_with(move |c| c.seed_dir = Some(dir)).await, f)
}

const GAP: &str = r#"query($s: [String!], $p: [String!], $d: Date) {
  gaps(filter: { states: $s, provisions: $p }, asOf: $d, first: 100) {
    nodes { state { code } provision { code } status committedSince strength
            contradicting { evidence { slug } } supporting { evidence { slug } } context { evidence { slug } } explanation }
  }
}"#;

async fn gap(app: &crate::helpers::TestApp, state: &str, provision: &str, as_of: &str) -> Value {
    let d = app
        .data(GAP, json!({ "s": [state], "p": [provision], "d": as_of }))
        .await;
    d["gaps"]["nodes"][0].clone()
}

#[tokio::test]
async fn a_committed_state_with_no_evidence_is_unverified() {
    let (app, _f) = fixture_app().await;
    let g = gap(&app, "AAA", "t-1", "2020-01-01").await;
    assert_eq!(g["status"], "UNVERIFIED");
    assert_eq!(g["committedSince"], "2000-01-01");
    assert!(
        g["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("no published evidence"),
        "{g}"
    );
}

#[tokio::test]
async fn as_of_before_the_ratification_gives_not_committed() {
    let (app, _f) = fixture_app().await;
    let g = gap(&app, "AAA", "t-1", "1999-12-31").await;
    assert_eq!(g["status"], "NOT_COMMITTED");
    assert!(g["committedSince"].is_null() && g["strength"].is_null());
}

#[tokio::test]
async fn a_withdrawal_ends_the_commitment() {
    let (app, _f) = fixture_app().await;
    assert_eq!(
        gap(&app, "WWW", "t-1", "2005-01-01").await["status"],
        "UNVERIFIED"
    );
    assert_eq!(
        gap(&app, "WWW", "t-1", "2012-01-01").await["status"],
        "NOT_COMMITTED"
    );
}

#[tokio::test]
async fn a_reservation_excludes_its_provision_only() {
    let (app, _f) = fixture_app().await;
    assert_eq!(
        gap(&app, "RRR", "t-2", "2020-01-01").await["status"],
        "NOT_COMMITTED"
    );
    assert_eq!(
        gap(&app, "RRR", "t-1", "2020-01-01").await["status"],
        "UNVERIFIED"
    );
}

#[tokio::test]
async fn support_from_a_law_alone_is_law_or_policy_only_not_implemented() {
    let (app, _f) = fixture_app().await;
    let g = gap(&app, "SSS", "t-1", "2020-01-01").await;
    assert_eq!(g["status"], "LAW_OR_POLICY_ONLY");
    assert_eq!(g["supporting"][0]["evidence"]["slug"], "sss-law");
}

#[tokio::test]
async fn evidence_before_the_commitment_is_context_and_later_evidence_counts() {
    let (app, _f) = fixture_app().await;
    let g = gap(&app, "CCC", "t-1", "2020-01-01").await;
    assert_eq!(g["status"], "CONTRADICTED");
    assert_eq!(
        g["contradicting"],
        json!([{ "evidence": { "slug": "ccc-spy" } }])
    );
    assert_eq!(g["context"], json!([{ "evidence": { "slug": "ccc-old" } }]));
    // Before the 2005 practice, the same commitment was unverified.
    assert_eq!(
        gap(&app, "CCC", "t-1", "2004-12-31").await["status"],
        "UNVERIFIED"
    );
}

#[tokio::test]
async fn an_uncommitted_state_with_evidence_is_listed_as_not_committed() {
    let (app, _f) = fixture_app().await;
    let d = app
        .data(r#"{ gaps(asOf: "2020-01-01", filter: { states: ["NNN"] }) { totalCount nodes { status context { evidence { slug } } } } }"#, json!({}))
        .await;
    assert_eq!(d["gaps"]["totalCount"], 1);
    assert_eq!(d["gaps"]["nodes"][0]["status"], "NOT_COMMITTED");
    assert_eq!(
        d["gaps"]["nodes"][0]["context"][0]["evidence"]["slug"],
        "nnn-spy"
    );
}

#[tokio::test]
async fn an_opposing_vote_against_an_endorsed_declaration_is_an_inconsistency() {
    let (app, _f) = fixture_app().await;
    let d = app
        .data(
            r#"{ inconsistencies(state: "CCC", asOf: "2020-01-01") { reason state { code }
                 a { __typename ... on Position { stance forum { slug } } }
                 b { __typename ... on Commitment { act forum { slug } instrument { slug } } } } }"#,
            json!({}),
        )
        .await;
    let list = d["inconsistencies"].as_array().expect("list");
    assert_eq!(list.len(), 1, "{d:#}");
    assert_eq!(list[0]["reason"], "SAME_SUBJECT");
    assert_eq!(list[0]["a"]["stance"], "OPPOSES");
    assert_eq!(list[0]["b"]["instrument"]["slug"], "decl");
    let none = app
        .data(r#"{ inconsistencies(state: "AAA") { reason } }"#, json!({}))
        .await;
    assert_eq!(none["inconsistencies"], json!([]));
}

/// A norm set (`norms`, endorsed in forum two) and a later resolution (`res`, forum one) whose
/// preamble `r-1` reaffirms norm `n-1`. Three states endorsed the norm set: VVV voted against
/// the whole resolution, PPP opposed its reaffirming paragraph itself, XXX voted against the
/// norm set as a whole in forum one.
fn whole_text_fixture() -> Fixture {
    let dir = std::env::temp_dir().join(format!(
        "normwatch_whole_text_{}",
        uuid::Uuid::new_v4().simple()
    ));
    write(&dir, "sources/s.csv", "key,kind,tier,title,publisher,url\nsrc,GOVERNMENT,PRIMARY,Test source,Normwatch tests,https://example.org/test\n");
    write(
        &dir,
        "states/s.csv",
        "code,alpha2,name,un_member,sources\nVVV,VV,Voteland,true,src\nPPP,PP,Paraland,true,src\nXXX,XX,Sameland,true,src\n",
    );
    write(
        &dir,
        "forums/f.csv",
        "slug,name,kind,sources\nf-one,Forum One,INTERGOVERNMENTAL,src\nf-two,Forum Two,REGIONAL,src\n",
    );
    write(
        &dir,
        "instruments/i.csv",
        "slug,title,kind,bindingness,forum,adopted_on,sources\nnorms,Test Norms,DECLARATION,POLITICAL,f-two,2015,src\nres,Test Resolution,RESOLUTION,POLITICAL,f-one,2022,src\n",
    );
    write(
        &dir,
        "provisions/p.csv",
        "code,kind,instrument,reference,title,summary,sources\nn-1,NORM,norms,para 1,A norm,A test norm.,src\nr-1,NORM,res,preamble,Reaffirms the norms,The resolution reaffirms the norm set.,src\n",
    );
    write(
        &dir,
        "provision_links/l.csv",
        "from,to,relation,rationale,sources\nr-1,n-1,REAFFIRMS,The preamble reaffirms the norm.,src\n",
    );
    write(
        &dir,
        "commitments/c.csv",
        "state,instrument,forum,act,modality,valid_from,reservations,sources\n\
VVV,norms,f-two,ENDORSED,EXPLICIT,2015,,src\n\
PPP,norms,f-two,ENDORSED,EXPLICIT,2015,,src\n\
XXX,norms,f-two,ENDORSED,EXPLICIT,2015,,src\n",
    );
    write(
        &dir,
        "positions/p.csv",
        "state,forum,instrument,provision,kind,stance,date,summary,sources\n\
VVV,f-one,res,,VOTE,OPPOSES,2022-12-07,Voted no on the resolution,src\n\
PPP,f-one,,r-1,STATEMENT,OPPOSES,2022-12-07,Objected to the reaffirming paragraph,src\n\
XXX,f-one,norms,,VOTE,OPPOSES,2016-05-01,Voted against the norm set in forum one,src\n",
    );
    Fixture(dir)
}

const INCONSISTENCIES: &str = r#"query($s: String, $r: [InconsistencyReason!]!) {
  inconsistencies(state: $s, asOf: "2024-01-01", reasons: $r) { reason state { code }
    a { __typename ... on Position { kind stance instrument { slug } provision { code } } }
    b { __typename ... on Commitment { act instrument { slug } } } } }"#;

/// `(state, reason)` of each row, in answer order.
fn state_reasons(d: &Value) -> Vec<(String, String)> {
    d["inconsistencies"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| {
            (
                i["state"]["code"].as_str().unwrap_or_default().to_string(),
                i["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn inconsistencies_do_not_read_a_no_vote_on_a_whole_text_as_a_no_on_each_norm_it_reaffirms() {
    let f = whole_text_fixture();
    let dir = f.0.clone();
    let app = spawn_app_with(move |c| c.seed_dir = Some(dir)).await;
    let pair = |s: &str, r: &str| (s.to_string(), r.to_string());

    // By default: the vote against the norm set itself and the objection to the reaffirming
    // paragraph, not the vote against the resolution as a whole.
    let d = app
        .data(
            r#"{ inconsistencies(asOf: "2024-01-01") { reason state { code } } }"#,
            json!({}),
        )
        .await;
    let mut found = state_reasons(&d);
    found.sort();
    assert_eq!(
        found,
        vec![
            pair("PPP", "LINKED_PROVISIONS"),
            pair("XXX", "SAME_SUBJECT")
        ],
        "{d:#}"
    );

    // Asked for, the whole-text pair is there, labelled as such, with the vote naming no
    // paragraph.
    let d = app
        .data(
            INCONSISTENCIES,
            json!({ "s": "VVV", "r": ["WHOLE_TEXT_LINK"] }),
        )
        .await;
    let list = d["inconsistencies"].as_array().expect("list");
    assert_eq!(list.len(), 1, "{d:#}");
    assert_eq!(list[0]["reason"], "WHOLE_TEXT_LINK");
    assert_eq!(list[0]["a"]["kind"], "VOTE");
    assert_eq!(list[0]["a"]["stance"], "OPPOSES");
    assert_eq!(list[0]["a"]["instrument"]["slug"], "res");
    assert_eq!(list[0]["a"]["provision"], Value::Null);
    assert_eq!(list[0]["b"]["act"], "ENDORSED");
    assert_eq!(list[0]["b"]["instrument"]["slug"], "norms");

    // The paragraph-level objection stays a LINKED_PROVISIONS pair.
    let d = app
        .data(
            INCONSISTENCIES,
            json!({ "s": "PPP", "r": ["SAME_SUBJECT", "LINKED_PROVISIONS", "WHOLE_TEXT_LINK"] }),
        )
        .await;
    assert_eq!(state_reasons(&d), vec![pair("PPP", "LINKED_PROVISIONS")]);
    assert_eq!(d["inconsistencies"][0]["a"]["provision"]["code"], "r-1");

    // Every reason at once is the union; no reason at all is nothing.
    let d = app
        .data(
            INCONSISTENCIES,
            json!({ "s": null, "r": ["SAME_SUBJECT", "LINKED_PROVISIONS", "WHOLE_TEXT_LINK"] }),
        )
        .await;
    assert_eq!(state_reasons(&d).len(), 3, "{d:#}");
    let d = app
        .data(INCONSISTENCIES, json!({ "s": null, "r": [] }))
        .await;
    assert_eq!(d["inconsistencies"], json!([]));
    drop(f);
}

#[tokio::test]
async fn inconsistencies_on_the_bundled_data_list_a_no_vote_on_a_ga_resolution_only_when_asked() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{ inconsistencies(asOf: "2024-01-01") { reason
                 a { ... on Position { provision { code } } } b { ... on Position { provision { code } } } } }"#,
            json!({}),
        )
        .await;
    // By default no linked pair rests on a vote that names no paragraph.
    for i in d["inconsistencies"].as_array().expect("list") {
        if i["reason"] == "LINKED_PROVISIONS" {
            let whole_text = |side: &Value| {
                side.as_object()
                    .is_some_and(|o| o.contains_key("provision"))
                    && side["provision"].is_null()
            };
            assert!(!whole_text(&i["a"]) && !whole_text(&i["b"]), "{i:#}");
        }
        assert_ne!(i["reason"], "WHOLE_TEXT_LINK", "{i:#}");
    }
    // China's no vote on A/RES/77/37 (2022-12-07) against its part in the consensus on the
    // 2015 GGE report is still there when asked for, as a whole-text link.
    let d = app
        .data(
            r#"{ inconsistencies(state: "CHN", asOf: "2024-01-01", reasons: [WHOLE_TEXT_LINK]) { reason
                 a { ... on Position { stance date instrument { slug } provision { code } } }
                 b { ... on Commitment { act instrument { slug } } } } }"#,
            json!({}),
        )
        .await;
    let list = d["inconsistencies"].as_array().expect("list");
    let vote = list
        .iter()
        .find(|i| i["a"]["instrument"]["slug"] == "ares-77-37")
        .unwrap_or_else(|| panic!("the 77/37 vote is listed: {d:#}"));
    assert_eq!(vote["reason"], "WHOLE_TEXT_LINK");
    assert_eq!(vote["a"]["stance"], "OPPOSES");
    assert_eq!(vote["a"]["date"], "2022-12-07");
    assert_eq!(vote["a"]["provision"], Value::Null);
    assert_eq!(vote["b"]["act"], "ADOPTED_BY_CONSENSUS");
    assert_eq!(vote["b"]["instrument"]["slug"], "gge-2015");
}

#[tokio::test]
async fn gap_matrix_cells_agree_with_gaps() {
    let (app, _f) = fixture_app().await;
    let m = app
        .data(r#"{ gapMatrix(asOf: "2020-01-01") { states provisions methodologyVersion cells { state provision status contradicting supporting } } }"#, json!({}))
        .await;
    let m = &m["gapMatrix"];
    let states = m["states"].as_array().expect("states").len();
    let provisions = m["provisions"].as_array().expect("provisions").len();
    let cells = m["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), states * provisions);
    let codes: Vec<String> = m["provisions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_string())
        .collect();
    let all = app
        .data(
            GAP,
            json!({ "s": m["states"], "p": codes, "d": "2020-01-01" }),
        )
        .await;
    let gaps = all["gaps"]["nodes"].as_array().expect("gaps");
    assert_eq!(gaps.len(), cells.len());
    for c in cells {
        let g = gaps
            .iter()
            .find(|g| g["state"]["code"] == c["state"] && g["provision"]["code"] == c["provision"])
            .expect("every cell has its gap");
        assert_eq!(g["status"], c["status"], "{c}");
        assert_eq!(
            g["contradicting"].as_array().map(Vec::len),
            c["contradicting"].as_u64().map(|n| n as usize)
        );
        assert_eq!(
            g["supporting"].as_array().map(Vec::len),
            c["supporting"].as_u64().map(|n| n as usize)
        );
    }
}

#[tokio::test]
async fn gaps_filter_by_status_and_paginate() {
    let (app, _f) = fixture_app().await;
    let d = app
        .data(r#"{ gaps(asOf: "2020-01-01", filter: { statuses: [CONTRADICTED, LAW_OR_POLICY_ONLY] }) { totalCount nodes { status } } }"#, json!({}))
        .await;
    assert_eq!(d["gaps"]["totalCount"], 2);
    let page = app.data(r#"{ gaps(asOf: "2020-01-01", first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { state { code } } } }"#, json!({})).await;
    let next = app
        .data(
            r#"query($a: String) { gaps(asOf: "2020-01-01", first: 2, after: $a) { nodes { state { code } } } }"#,
            json!({ "a": page["gaps"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(page["gaps"]["pageInfo"]["hasNextPage"], true);
    assert_ne!(page["gaps"]["nodes"][0], next["gaps"]["nodes"][0]);
    let err = app
        .error(r#"{ gaps(first: 101) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT");
}

/// Gaps and scorecards are answers, not records, but a client cache needs ids for them: the
/// same question (state, provision, date) gets the same id, another date another id, and
/// `node` explains instead of failing obscurely.
#[tokio::test]
async fn gaps_and_scorecards_have_ids_stable_for_the_same_question() {
    let app = spawn_app().await;
    let q = r#"query($d: Date) {
      gaps(filter: { states: ["MEX"], provisions: ["iccpr-17"] }, asOf: $d) { nodes { id status } }
      scorecard(state: "MEX", asOf: $d) { id committed }
      states(first: 1, filter: { search: "Mexico" }) { nodes { scorecard(asOf: $d) { id } } }
    }"#;
    let a = app.data(q, json!({ "d": "2024-01-01" })).await;
    let b = app.data(q, json!({ "d": "2024-01-01" })).await;
    let c = app.data(q, json!({ "d": "2023-01-01" })).await;
    let gap = |d: &Value| d["gaps"]["nodes"][0]["id"].as_str().map(str::to_string);
    let card = |d: &Value| d["scorecard"]["id"].as_str().map(str::to_string);
    assert!(gap(&a).is_some() && card(&a).is_some(), "{a}");
    assert_eq!(gap(&a), gap(&b));
    assert_eq!(card(&a), card(&b));
    assert_ne!(gap(&a), gap(&c));
    assert_ne!(card(&a), card(&c));
    // The same scorecard reached through the state has the same id.
    assert_eq!(
        a["states"]["nodes"][0]["scorecard"]["id"].as_str(),
        card(&a).as_deref()
    );
    let err = app
        .error(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gap(&a) }),
        )
        .await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT", "{err}");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("ask `gaps`")),
        "{err}"
    );
}

/// Morocco's and Hungary's ICCPR Art. 17 gaps both rest on MEDIUM-confidence spyware findings;
/// Morocco's evidence is CONTESTED, Hungary's SETTLED. The default answer says so, and a reader
/// who asks for settled findings only no longer sees Morocco's as CONTRADICTED.
#[tokio::test]
async fn a_contradiction_on_contested_evidence_shows_its_strength_and_yields_to_a_stricter_reader()
{
    let app = spawn_app().await;
    let q = r#"query($a: [AttributionStatus!], $c: Confidence) {
      gaps(filter: { states: ["MAR", "HUN"], provisions: ["iccpr-17"], minConfidence: $c, attribution: $a }, asOf: "2024-01-01") {
        nodes { id state { code } status confidence attribution }
      }
      gapMatrix(states: ["MAR", "HUN"], kinds: [HUMAN_RIGHTS_OBLIGATION], asOf: "2024-01-01", minConfidence: $c, attribution: $a) {
        cells { state provision status confidence attribution } methodologyVersion
      }
      scorecard(state: "MAR", asOf: "2024-01-01", minConfidence: $c, attribution: $a) {
        contradicted strength { status confidence attribution count }
      }
    }"#;
    let by_state = |d: &Value| -> std::collections::HashMap<String, Value> {
        d["gaps"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| {
                (
                    n["state"]["code"].as_str().unwrap_or("").to_string(),
                    n.clone(),
                )
            })
            .collect()
    };
    let cell = |d: &Value, state: &str| -> Value {
        d["gapMatrix"]["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .find(|c| c["state"] == state && c["provision"] == "iccpr-17")
            .cloned()
            .expect("a cell")
    };

    let all = app.data(q, json!({})).await;
    assert_eq!(all["gapMatrix"]["methodologyVersion"], "2.0");
    let gaps = by_state(&all);
    assert_eq!(gaps["MAR"]["status"], "CONTRADICTED", "{all}");
    assert_eq!(gaps["MAR"]["confidence"], "MEDIUM");
    assert_eq!(gaps["MAR"]["attribution"], "CONTESTED");
    assert_eq!(gaps["HUN"]["status"], "CONTRADICTED");
    assert_eq!(gaps["HUN"]["attribution"], "SETTLED");
    assert_eq!(cell(&all, "MAR")["attribution"], "CONTESTED");
    let contested = all["scorecard"]["strength"]
        .as_array()
        .expect("strength")
        .iter()
        .any(|s| s["status"] == "CONTRADICTED" && s["attribution"] == "CONTESTED");
    assert!(contested, "{}", all["scorecard"]);

    let strict = app
        .data(
            q,
            json!({ "c": "MEDIUM", "a": ["ACKNOWLEDGED", "SETTLED"] }),
        )
        .await;
    let gaps_strict = by_state(&strict);
    assert_eq!(gaps_strict["MAR"]["status"], "UNVERIFIED", "{strict}");
    assert_eq!(gaps_strict["MAR"]["confidence"], Value::Null);
    assert_eq!(gaps_strict["HUN"]["status"], "CONTRADICTED");
    assert_eq!(cell(&strict, "MAR")["status"], "UNVERIFIED");
    assert!(
        strict["scorecard"]["contradicted"].as_i64() < all["scorecard"]["contradicted"].as_i64(),
        "{} vs {}",
        strict["scorecard"],
        all["scorecard"]
    );
    // The same gap under another filter is another answer, with another id.
    assert_ne!(gaps_strict["HUN"]["id"], gaps["HUN"]["id"]);

    let err = app
        .error(
            r#"{ scorecard(state: "MAR", attribution: []) { committed } }"#,
            json!({}),
        )
        .await;
    assert_eq!(crate::helpers::code(&err), "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "attribution", "{err}");
}

/// `Provision.gaps` takes the same filters as `gaps`, and agrees with it.
#[tokio::test]
async fn provision_gaps_take_the_confidence_and_attribution_filters() {
    let app = spawn_app().await;
    let d = app
        .data(
            r#"{
              all: provision(code: "iccpr-17") { gaps(asOf: "2024-01-01") { state { code } status } }
              strict: provision(code: "iccpr-17") { gaps(asOf: "2024-01-01", minConfidence: MEDIUM, attribution: [ACKNOWLEDGED, SETTLED]) { state { code } status attribution } }
            }"#,
            json!({}),
        )
        .await;
    let status = |key: &str, state: &str| {
        d[key]["gaps"]
            .as_array()
            .expect("gaps")
            .iter()
            .find(|g| g["state"]["code"] == state)
            .map(|g| g["status"].clone())
    };
    assert_eq!(status("all", "MAR"), Some(json!("CONTRADICTED")), "{d}");
    assert_eq!(status("strict", "MAR"), Some(json!("UNVERIFIED")), "{d}");
    assert_eq!(status("strict", "HUN"), Some(json!("CONTRADICTED")), "{d}");
}

/// The matrix's cells are written in one pass when the selection is plain fields
/// (`api/src/schema/cells.rs`) and resolved field by field by async-graphql otherwise (a
/// fragment, a directive). A client must not be able to tell which ran: on the bundled data,
/// every selection below gives exactly the answer of the general path.
#[tokio::test]
async fn matrix_cells_are_the_same_whichever_way_they_are_resolved() {
    let app = spawn_app().await;
    let all = "state provision status contradicting partiallyContradicting supporting confidence attribution";
    let matrix = |cells: &str| {
        format!(
            r#"{{ gapMatrix(kinds: [HUMAN_RIGHTS_OBLIGATION], asOf: "2024-01-01") {{ cells {{ {cells} }} }} }}"#
        )
    };
    // The general path: the same fields through a fragment spread.
    let spread = format!("{} fragment Cell on GapCell {{ {all} }}", matrix("...Cell"));
    let general = app.data(&spread, json!({})).await;
    let cells = general["gapMatrix"]["cells"].as_array().expect("cells");
    assert!(
        cells.len() > 1_000,
        "every state x human-rights obligation: {}",
        cells.len()
    );
    assert!(
        cells
            .iter()
            .any(|c| c["status"] == "CONTRADICTED" && c["confidence"] == "MEDIUM"),
        "the bundled data has contradicted cells with a confidence"
    );
    assert!(cells.iter().any(|c| c["confidence"].is_null()));
    let plain = app.data(&matrix(all), json!({})).await;
    assert_eq!(plain, general, "plain fields");

    // Aliases, a repeated field and __typename, in an order of the client's choosing.
    let fast = app
        .data(
            &matrix("__typename who: state status n: contradicting state provision"),
            json!({}),
        )
        .await;
    let slow = app
        .data(
            &matrix(
                "... on GapCell { __typename who: state status n: contradicting state provision }",
            ),
            json!({}),
        )
        .await;
    assert_eq!(fast, slow, "aliases and __typename");
    let first = &fast["gapMatrix"]["cells"][0];
    let mut keys: Vec<&String> = first.as_object().expect("a cell").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["__typename", "n", "provision", "state", "status", "who"]
    );
    assert_eq!(first["__typename"], "GapCell");

    // A directive takes the general path and is obeyed.
    let skipped = app
        .data(&matrix("state status @skip(if: true) provision"), json!({}))
        .await;
    let first = &skipped["gapMatrix"]["cells"][0];
    assert!(first.get("status").is_none(), "{first}");
    assert_eq!(
        first["provision"],
        general["gapMatrix"]["cells"][0]["provision"]
    );
}
