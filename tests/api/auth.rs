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
