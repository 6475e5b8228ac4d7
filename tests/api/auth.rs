//! Who may do what: every mutation against every role, and every kind of bad token.

use crate::helpers::{code, spawn_writable_app, TestApp, TEST_SECRET};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::UserRole;
use serde_json::{json, Value};

/// The outcome of a request: "OK" or the first error's code.
fn outcome(resp: &Value) -> String {
    match resp.get("errors") {
        Some(e) => code(&e[0]).to_string(),
        None => "OK".into(),
    }
}

async fn call(app: &TestApp, token: Option<&str>, query: &str, vars: Value) -> Value {
    match token {
        Some(t) => app.post_as(t, query, vars).await,
        None => app.post(query, vars).await,
    }
}

const CREATE: &str = r#"mutation { createCommitment(input: { state: "CHL", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#;

/// A fresh draft commitment by `token`'s user (a different state each time, so keys differ).
async fn draft(app: &TestApp, token: &str, n: usize) -> (String, i64) {
    let states = [
        "CHL", "ARG", "BRA", "PER", "URY", "PRY", "BOL", "ECU", "COL", "VEN", "GUY", "SUR", "MEX",
        "CAN", "USA", "CUB", "JAM", "HTI", "DOM", "PAN", "CRI", "NIC", "HND", "SLV", "GTM", "BLZ",
    ];
    let q = CREATE.replace("\"CHL\"", &format!("\"{}\"", states[n % states.len()]));
    let resp = app.post_as(token, &q, json!({})).await;
    let c = &resp["data"]["createCommitment"];
    (
        c["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_string(),
        c["version"].as_i64().unwrap_or(0),
    )
}

#[tokio::test]
async fn every_mutation_answers_each_role_exactly_as_the_rules_say() {
    let app = spawn_writable_app().await;
    let viewer = app.user_token("viewer@example.org", UserRole::Viewer).await;
    let contributor = app
        .user_token("contributor@example.org", UserRole::Contributor)
        .await;
    let other = app
        .user_token("other@example.org", UserRole::Contributor)
        .await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let admin = app.user_token("admin@example.org", UserRole::Admin).await;
    let roles: [(&str, Option<&str>); 5] = [
        ("none", None),
        ("VIEWER", Some(&viewer)),
        ("CONTRIBUTOR", Some(&contributor)),
        ("EDITOR", Some(&editor)),
        ("ADMIN", Some(&admin)),
    ];
    let mut n = 0;
    let mut fresh = || {
        n += 1;
        n
    };

    // create: CONTRIBUTOR and above.
    for (i, (role, token)) in roles.iter().enumerate() {
        let q = CREATE.replace(
            "\"CHL\"",
            &format!("\"{}\"", ["DEU", "FRA", "ITA", "ESP", "PRT"][i]),
        );
        let got = outcome(&call(&app, *token, &q, json!({})).await);
        let want = match *role {
            "none" => "UNAUTHENTICATED",
            "VIEWER" => "FORBIDDEN",
            _ => "OK",
        };
        assert_eq!(got, want, "createCommitment as {role}");
    }

    // update someone else's draft: editors and admins only.
    for (role, token) in roles {
        let (id, version) = draft(&app, &other, fresh()).await;
        let q = r#"mutation($id: ID!, $v: Int!) { updateCommitment(id: $id, version: $v, input: { note: "checked" }) { version } }"#;
        let got = outcome(&call(&app, token, q, json!({ "id": id, "v": version })).await);
        let want = match role {
            "none" => "UNAUTHENTICATED",
            "VIEWER" | "CONTRIBUTOR" => "FORBIDDEN",
            _ => "OK",
        };
        assert_eq!(got, want, "updateCommitment of another's draft as {role}");
    }

    // publish and retract: editors and admins only.
    for mutation in [
        "publish(id: $id, version: $v)",
        "retract(id: $id, version: $v, reason: \"wrong date\")",
    ] {
        for (role, token) in roles {
            let (id, version) = draft(&app, &other, fresh()).await;
            let q = format!("mutation($id: ID!, $v: Int!) {{ r: {mutation} {{ id }} }}");
            let got = outcome(&call(&app, token, &q, json!({ "id": id, "v": version })).await);
            let want = match role {
                "none" => "UNAUTHENTICATED",
                "VIEWER" | "CONTRIBUTOR" => "FORBIDDEN",
                _ => "OK",
            };
            assert_eq!(got, want, "{mutation} as {role}");
        }
    }

    // user management: admins only.
    for (i, (role, token)) in roles.iter().enumerate() {
        let q = r#"mutation($e: String!) { createUser(input: { email: $e, password: "another-password-1", role: VIEWER }) { id version } }"#;
        let resp = call(
            &app,
            *token,
            q,
            json!({ "e": format!("made{i}@example.org") }),
        )
        .await;
        let want = if *role == "ADMIN" {
            "OK"
        } else if *role == "none" {
            "UNAUTHENTICATED"
        } else {
            "FORBIDDEN"
        };
        assert_eq!(outcome(&resp), want, "createUser as {role}");
    }
    let made = app
        .post_as(&admin, r#"mutation { createUser(input: { email: "target@example.org", password: "another-password-1", role: VIEWER }) { id version } }"#, json!({}))
        .await;
    let target = made["data"]["createUser"]["id"].clone();
    // The admin comes last, so the version read (1, then 2) is still current when it acts.
    for (role, token) in roles {
        let q = r#"mutation($id: ID!, $v: Int!) { updateUserRole(id: $id, version: $v, role: CONTRIBUTOR) { version } }"#;
        let got = outcome(&call(&app, token, q, json!({ "id": target, "v": 1 })).await);
        let want = match role {
            "ADMIN" => "OK",
            "none" => "UNAUTHENTICATED",
            _ => "FORBIDDEN",
        };
        assert_eq!(got, want, "updateUserRole as {role}");
    }
    for (role, token) in roles {
        let q =
            r#"mutation($id: ID!, $v: Int!) { deactivateUser(id: $id, version: $v) { active } }"#;
        let got = outcome(&call(&app, token, q, json!({ "id": target, "v": 2 })).await);
        let want = match role {
            "ADMIN" => "OK",
            "none" => "UNAUTHENTICATED",
            _ => "FORBIDDEN",
        };
        assert_eq!(got, want, "deactivateUser as {role}");
    }
}

#[tokio::test]
async fn a_contributor_edits_its_own_draft_but_not_once_published() {
    let app = spawn_writable_app().await;
    let contributor = app.user_token("c@example.org", UserRole::Contributor).await;
    let editor = app.user_token("e@example.org", UserRole::Editor).await;
    let (id, v) = draft(&app, &contributor, 0).await;
    let q = r#"mutation($id: ID!, $v: Int!) { updateCommitment(id: $id, version: $v, input: { note: "mine" }) { version note status } }"#;
    let r = app
        .post_as(&contributor, q, json!({ "id": id, "v": v }))
        .await;
    assert_eq!(r["data"]["updateCommitment"]["note"], "mine", "{r}");
    let p = app
        .post_as(&editor, "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { ... on Commitment { status version } } }", json!({ "id": id, "v": v + 1 }))
        .await;
    assert_eq!(p["data"]["publish"]["status"], "PUBLISHED", "{p}");
    let r = app
        .post_as(&contributor, q, json!({ "id": id, "v": v + 2 }))
        .await;
    assert_eq!(outcome(&r), "FORBIDDEN");
}

fn claims(sub: &str, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub, "role": "ADMIN", "iat": now, "exp": now + exp_offset, "iss": "normwatch", "aud": "normwatch-api" })
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signed")
}

#[tokio::test]
async fn bad_tokens_are_unauthenticated_and_a_good_one_works() {
    let app = spawn_writable_app().await;
    let admin = app.user_token("admin@example.org", UserRole::Admin).await;
    let me = "{ me { email role } }";
    let good = app.post_as(&admin, me, json!({})).await;
    assert_eq!(good["data"]["me"]["role"], "ADMIN");
    assert!(
        app.post(me, json!({})).await["data"]["me"].is_null(),
        "no token: anonymous"
    );

    let sub = {
        let payload = admin.split('.').nth(1).expect("payload");
        let v: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
        v["sub"].as_str().expect("sub").to_string()
    };
    let expired = sign(&claims(&sub, -3600), TEST_SECRET);
    let other_key = sign(
        &claims(&sub, 3600),
        "a-completely-different-secret-0123456789",
    );
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&sub, 3600).to_string())
    );
    let tampered = {
        let parts: Vec<&str> = admin.split('.').collect();
        let mut c = claims(&sub, 7200);
        c["sub"] = json!("999");
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(c.to_string()),
            parts[2]
        )
    };
    let wrong_audience = {
        let mut c = claims(&sub, 3600);
        c["aud"] = json!("someone-else");
        sign(&c, TEST_SECRET)
    };
    for (name, token) in [
        ("expired", expired),
        ("signed with another key", other_key),
        ("alg none", none),
        ("tampered payload", tampered),
        ("wrong audience", wrong_audience),
        ("garbage", "not.a.token".to_string()),
    ] {
        let resp = app.post_as(&token, me, json!({})).await;
        assert_eq!(outcome(&resp), "UNAUTHENTICATED", "{name}: {resp}");
        let resp = app.post_as(&token, CREATE, json!({})).await;
        assert_eq!(outcome(&resp), "UNAUTHENTICATED", "{name} on a mutation");
    }
}

#[tokio::test]
async fn a_deactivated_users_tokens_stop_working() {
    let app = spawn_writable_app().await;
    let admin = app.user_token("admin@example.org", UserRole::Admin).await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    assert_eq!(
        outcome(&app.post_as(&editor, CREATE, json!({})).await),
        "OK"
    );
    let users = app
        .post_as(&editor, "{ me { id version } }", json!({}))
        .await;
    let id = users["data"]["me"]["id"].clone();
    let v = users["data"]["me"]["version"].clone();
    let d = app
        .post_as(
            &admin,
            "mutation($id: ID!, $v: Int!) { deactivateUser(id: $id, version: $v) { active } }",
            json!({ "id": id, "v": v }),
        )
        .await;
    assert_eq!(d["data"]["deactivateUser"]["active"], false, "{d}");
    assert_eq!(
        outcome(&app.post_as(&editor, "{ me { email } }", json!({})).await),
        "UNAUTHENTICATED"
    );
    let login = app
        .post("mutation { login(email: \"editor@example.org\", password: \"a-test-password-123\") { token } }", json!({}))
        .await;
    assert_eq!(outcome(&login), "UNAUTHENTICATED");
}

#[tokio::test]
async fn login_attempts_are_limited_per_account() {
    let app = spawn_writable_app().await;
    app.user_token("someone@example.org", UserRole::Viewer)
        .await;
    let wrong = "mutation { login(email: \"someone@example.org\", password: \"wrong-password-000\") { token } }";
    for _ in 0..5 {
        assert_eq!(
            outcome(&app.post(wrong, json!({})).await),
            "UNAUTHENTICATED"
        );
    }
    let resp = app.post(wrong, json!({})).await;
    assert_eq!(outcome(&resp), "RATE_LIMITED", "{resp}");
    let right = "mutation { login(email: \"someone@example.org\", password: \"a-test-password-123\") { token } }";
    assert_eq!(
        outcome(&app.post(right, json!({})).await),
        "RATE_LIMITED",
        "even the right password waits"
    );
}

#[tokio::test]
async fn a_read_only_server_refuses_sign_in() {
    let app = crate::helpers::spawn_app().await;
    let resp = app.post("mutation { login(email: \"a@example.org\", password: \"whatever-password\") { token } }", json!({})).await;
    assert_eq!(outcome(&resp), "FORBIDDEN");
    let resp = app.post(CREATE, json!({})).await;
    assert_eq!(outcome(&resp), "UNAUTHENTICATED");
}

/// One valid create per entity (a new record each).
const CREATES: &[(&str, &str)] = &[
    (
        "createState",
        r#"createState(input: { code: "XKX", alpha2: "XK", name: "Test state", unMember: false, unObserver: false, sources: ["SRC"] }) { id }"#,
    ),
    (
        "createForum",
        r#"createForum(input: { slug: "test-forum", name: "Test forum", kind: COALITION, sources: ["SRC"] }) { id }"#,
    ),
    (
        "createMembership",
        r#"createMembership(input: { state: "MEX", forum: "gccs", role: PARTICIPANT, validFrom: "2017", sources: ["SRC"] }) { id }"#,
    ),
    (
        "createInstrument",
        r#"createInstrument(input: { slug: "test-2026", title: "Test instrument", kind: DECLARATION, bindingness: POLITICAL, sources: ["SRC"] }) { id }"#,
    ),
    (
        "createProvision",
        r#"createProvision(input: { code: "gge-2015-13z", kind: NORM, instrument: "gge-2015", reference: "para 13(z)", title: "A test norm", summary: "Only for tests.", sources: ["SRC"] }) { id }"#,
    ),
    (
        "createProvisionLink",
        r#"createProvisionLink(input: { from: "gcsc-8", to: "iccpr-25", relation: PROTECTS_RIGHT, rationale: "A test link.", sources: ["SRC"] }) { id }"#,
    ),
    (
        "createSource",
        r#"createSource(input: { key: "test-source", kind: NEWS, tier: PUBLISHER, title: "A test source", publisher: "Tests", url: "https://example.org/a" }) { id }"#,
    ),
    (
        "createCommitment",
        r#"createCommitment(input: { state: "NZL", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, sources: ["SRC"] }) { id }"#,
    ),
    (
        "createPosition",
        r#"createPosition(input: { state: "MEX", forum: "unga", provision: "gge-2015-13e", kind: STATEMENT, stance: SUPPORTS, date: "2019-10-01", summary: "A test statement.", sources: ["SRC"] }) { id }"#,
    ),
    (
        "createEvidence",
        r#"createEvidence(input: { slug: "test-case", title: "A test case", summary: "Only for tests.", kind: POLICY, occurredFrom: "2017-06-19", responsibleStates: ["MEX"], attributionStatus: ACKNOWLEDGED, sources: ["SRC"] }) { id }"#,
    ),
    (
        "createAssessment",
        r#"createAssessment(input: { evidence: "mex-pegasus-2017", state: "MEX", provision: "udhr-12", finding: CONTRADICTS, confidence: MEDIUM, rationale: "A test assessment.", sources: ["SRC"] }) { id }"#,
    ),
];

#[tokio::test]
async fn every_create_mutation_needs_a_contributor_and_makes_a_draft() {
    let app = spawn_writable_app().await;
    let viewer = app.user_token("v@example.org", UserRole::Viewer).await;
    let contributor = app.user_token("c@example.org", UserRole::Contributor).await;
    for (name, body) in CREATES {
        let q = format!(
            "mutation {{ r: {} }}",
            body.replace("SRC", "citizenlab-2017-reckless-exploit")
        );
        assert_eq!(
            outcome(&app.post(&q, json!({})).await),
            "UNAUTHENTICATED",
            "{name} without a token"
        );
        assert_eq!(
            outcome(&app.post_as(&viewer, &q, json!({})).await),
            "FORBIDDEN",
            "{name} as VIEWER"
        );
        let made = app.post_as(&contributor, &q, json!({})).await;
        assert_eq!(outcome(&made), "OK", "{name} as CONTRIBUTOR: {made}");
        let id = made["data"]["r"]["id"].clone();
        // A draft: its author sees it, the public does not.
        let node = "query($id: ID!) { node(id: $id) { id } }";
        assert_eq!(
            app.post_as(&contributor, node, json!({ "id": id })).await["data"]["node"]["id"],
            id,
            "{name}"
        );
        assert!(
            app.post(node, json!({ "id": id })).await["data"]["node"].is_null(),
            "{name} is a draft"
        );
    }
}

#[tokio::test]
async fn every_update_mutation_of_a_published_record_needs_an_editor() {
    let app = spawn_writable_app().await;
    let contributor = app.user_token("c@example.org", UserRole::Contributor).await;
    let editor = app.user_token("e@example.org", UserRole::Editor).await;
    let d = app
        .data(
            r#"{ state(code: "MEX") { id version memberships { id version } positions { id version } commitments { id version }
                   evidence { id version assessments { id version } } }
                 forum(slug: "gccs") { id version } instrument(slug: "gge-2015") { id version }
                 provision(code: "gge-2015-13e") { id version linkedRights { id version sources { id version } } } }"#,
            json!({}),
        )
        .await;
    let s = &d["state"];
    let p = &d["provision"];
    let targets = [
        (
            "updateState",
            s["id"].clone(),
            s["version"].clone(),
            r#"{ name: "Mexico" }"#,
        ),
        (
            "updateForum",
            d["forum"]["id"].clone(),
            d["forum"]["version"].clone(),
            r#"{ summary: "Corrected." }"#,
        ),
        (
            "updateMembership",
            s["memberships"][0]["id"].clone(),
            s["memberships"][0]["version"].clone(),
            r#"{ note: "Corrected." }"#,
        ),
        (
            "updateInstrument",
            d["instrument"]["id"].clone(),
            d["instrument"]["version"].clone(),
            r#"{ summary: "Corrected." }"#,
        ),
        (
            "updateProvision",
            p["id"].clone(),
            p["version"].clone(),
            r#"{ title: "Corrected title" }"#,
        ),
        (
            "updateProvisionLink",
            p["linkedRights"][0]["id"].clone(),
            p["linkedRights"][0]["version"].clone(),
            r#"{ rationale: "Corrected." }"#,
        ),
        (
            "updateSource",
            p["linkedRights"][0]["sources"][0]["id"].clone(),
            p["linkedRights"][0]["sources"][0]["version"].clone(),
            r#"{ note: "Corrected." }"#,
        ),
        (
            "updateCommitment",
            s["commitments"][0]["id"].clone(),
            s["commitments"][0]["version"].clone(),
            r#"{ note: "Corrected." }"#,
        ),
        (
            "updatePosition",
            s["positions"][0]["id"].clone(),
            s["positions"][0]["version"].clone(),
            r#"{ summary: "Corrected." }"#,
        ),
        (
            "updateEvidence",
            s["evidence"][0]["id"].clone(),
            s["evidence"][0]["version"].clone(),
            r#"{ title: "Corrected title" }"#,
        ),
        (
            "updateAssessment",
            s["evidence"][0]["assessments"][0]["id"].clone(),
            s["evidence"][0]["assessments"][0]["version"].clone(),
            r#"{ rationale: "Corrected." }"#,
        ),
    ];
    for (name, id, version, input) in targets {
        assert!(id.is_string(), "{name}: no record to update in {d:#}");
        let q = format!("mutation($id: ID!, $v: Int!) {{ r: {name}(id: $id, version: $v, input: {input}) {{ id version }} }}");
        let vars = json!({ "id": id, "v": version });
        assert_eq!(
            outcome(&app.post(&q, vars.clone()).await),
            "UNAUTHENTICATED",
            "{name} without a token"
        );
        assert_eq!(
            outcome(&app.post_as(&contributor, &q, vars.clone()).await),
            "FORBIDDEN",
            "{name} as CONTRIBUTOR"
        );
        let done = app.post_as(&editor, &q, vars.clone()).await;
        assert_eq!(outcome(&done), "OK", "{name} as EDITOR: {done}");
        assert_eq!(
            done["data"]["r"]["version"],
            version.as_i64().map(|v| v + 1).unwrap_or(-1),
            "{name}"
        );
        assert_eq!(
            outcome(&app.post_as(&editor, &q, vars).await),
            "CONFLICT",
            "{name} with a stale version"
        );
    }
}

#[tokio::test]
async fn eddsa_tokens_from_key_files_work_and_the_algorithm_is_pinned() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let app = crate::helpers::spawn_app_with(|c| {
        c.jwt_algorithm = api::config::JwtAlgorithm::EdDsa;
        c.jwt_private_key_file = Some(format!("{dir}/jwt-ed25519-private.pem").into());
        c.jwt_public_key_file = Some(format!("{dir}/jwt-ed25519-public.pem").into());
        c.writes_enabled = true;
    })
    .await;
    let token = app.user_token("ed@example.org", UserRole::Editor).await;
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().expect("header"))
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(header["alg"], "EdDSA");
    let me = app.post_as(&token, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "EDITOR");
    // An HS256 token, even with valid claims, is refused: the algorithm is pinned.
    let sub = {
        let v: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').nth(1).expect("payload"))
                .expect("b64"),
        )
        .expect("json");
        v["sub"].as_str().expect("sub").to_string()
    };
    let hs = sign(&claims(&sub, 3600), TEST_SECRET);
    assert_eq!(
        outcome(&app.post_as(&hs, "{ me { role } }", json!({})).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn two_admins_racing_for_one_e_mail_get_one_account_and_a_field_error() {
    let app = spawn_writable_app().await;
    let admin = app.user_token("admin@example.org", UserRole::Admin).await;
    let q = r#"mutation { createUser(input: { email: "race@example.org", password: "another-password-1", role: VIEWER }) { id } }"#;
    // The database's unique index decides (no select-then-insert), so the duplicate is caught
    // however the requests interleave, and reported like any bad input.
    let attempts = (0..6).map(|_| app.post_as(&admin, q, json!({})));
    let answers = futures_util::future::join_all(attempts).await;
    let created = answers
        .iter()
        .filter(|a| a["data"]["createUser"]["id"].is_string())
        .count();
    assert_eq!(created, 1, "{answers:?}");
    for a in answers.iter().filter(|a| a["errors"].is_array()) {
        let err = &a["errors"][0];
        assert_eq!(code(err), "BAD_USER_INPUT", "{a}");
        assert_eq!(err["extensions"]["field"], "email", "{a}");
    }
}
