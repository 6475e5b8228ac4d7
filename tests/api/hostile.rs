//! Requests an attacker would send, each answered with a clear refusal or a bounded answer,
//! with the server still up afterwards. They run on PostgreSQL and on SQLite.

use crate::helpers::{code, spawn_app, spawn_app_with, spawn_writable_app, TestApp, TEST_SECRET};
use entity::UserRole;
use serde_json::{json, Value};

pub(crate) async fn still_up(app: &TestApp) {
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 200, "the server is still up");
    let data = app
        .data("{ state(code: \"MEX\") { name } }", json!({}))
        .await;
    assert_eq!(data["state"]["name"], "Mexico");
}

fn message(err: &Value) -> &str {
    err["message"].as_str().unwrap_or_default()
}

async fn get_query(app: &TestApp, query: &str) -> (u16, Value) {
    let resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", query)])
        .send()
        .await
        .expect("sent");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn deeply_nested_values_are_refused_over_post_and_get() {
    let app = spawn_app().await;
    let lists = format!(
        "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
        "[".repeat(1500),
        "]".repeat(1500)
    );
    let objects = format!(
        "{{ __typename @skip(if: {}true{}) }}",
        "{a: ".repeat(1200),
        "}".repeat(1200)
    );
    for q in [&lists, &objects] {
        let err = app.error(q, json!({})).await;
        assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
        assert!(
            message(&err).contains("nests brackets more than 64 levels"),
            "{err}"
        );
        let (status, body) = get_query(&app, q).await;
        assert_eq!(status, 400);
        assert_eq!(code(&body["errors"][0]), "BAD_USER_INPUT", "{body}");
    }
    still_up(&app).await;
}

#[tokio::test]
async fn a_fan_out_of_relation_lists_is_refused_for_its_cost() {
    let app = spawn_app().await;
    // 158 bytes that took 7 GB before the cost model charged list sizes.
    let q = "{ forums(first: 100) { nodes { memberships { state { memberships { forum { memberships { state { memberships { forum { memberships { id } } } } } } } } } } } }";
    let err = app.error(q, json!({})).await;
    assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
    let cost = err["extensions"]["cost"]
        .as_u64()
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(err["extensions"]["limit"], 50_000);
    assert!(cost > 1_000_000, "{err}");
    assert!(
        message(&err).contains(&format!("costs {cost}, more than the limit of 50000")),
        "{err}"
    );
    still_up(&app).await;
}

#[tokio::test]
async fn many_aliases_of_expensive_fields_are_refused() {
    let app = spawn_app().await;
    let matrix: String = (0..999)
        .map(|i| format!("a{i}: gapMatrix {{ cells {{ state provision status }} }} "))
        .collect();
    let states: String = (0..300)
        .map(|i| format!("s{i}: states(first: 100) {{ nodes {{ code commitments {{ act }} }} }} "))
        .collect();
    for q in [matrix, states] {
        let err = app.error(&format!("{{ {q} }}"), json!({})).await;
        assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
        assert!(message(&err).contains("more than the limit"), "{err}");
    }
    // One full matrix fits in the default limit.
    let one = app
        .post(
            "{ gapMatrix { cells { state provision status } } }",
            json!({}),
        )
        .await;
    assert!(one.get("errors").is_none(), "{one}");
    still_up(&app).await;
}

#[tokio::test]
async fn a_page_costs_by_its_size() {
    let app = spawn_app().await;
    let cost = |first: u32| {
        let app = &app;
        async move {
            let resp = app
                .post(
                    &format!("{{ states(first: {first}) {{ nodes {{ code name }} }} }}"),
                    json!({}),
                )
                .await;
            resp["extensions"]["cost"]["requested"]
                .as_u64()
                .expect("a cost")
        }
    };
    let (one, hundred) = (cost(1).await, cost(100).await);
    assert_eq!(one, 1 + 1 + 2, "the connection, its nodes, two fields");
    assert_eq!(hundred, 1 + 1 + 100 * 2);
    // Defaults and variables count the same way.
    let by_default = app
        .post("{ states { nodes { code name } } }", json!({}))
        .await;
    assert_eq!(
        by_default["extensions"]["cost"]["requested"],
        1 + 1 + 20 * 2
    );
    let by_variable = app
        .post(
            "query($n: Int) { states(first: $n) { nodes { code name } } }",
            json!({ "n": 50 }),
        )
        .await;
    assert_eq!(
        by_variable["extensions"]["cost"]["requested"],
        1 + 1 + 50 * 2
    );
}

#[tokio::test]
async fn exponential_fragments_are_refused_before_validation() {
    let app = spawn_app().await;
    let mut q = String::from("{ ...F0 }");
    for i in 0..40 {
        q.push_str(&format!(
            " fragment F{i} on QueryRoot {{ a: __typename ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    q.push_str(" fragment F40 on QueryRoot { forums { totalCount } }");
    let err = app.error(&q, json!({})).await;
    assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
    still_up(&app).await;
}

#[tokio::test]
async fn a_nul_character_is_bad_user_input_before_any_query() {
    let app = spawn_app().await;
    let before = app.statements.get();
    let err = app
        .error(r#"{ state(code: "ME\u0000X") { name } }"#, json!({}))
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
    assert!(
        message(&err).contains("argument `code` of `state` contains a NUL"),
        "{err}"
    );
    let err = app
        .error(
            "query($c: String!) { state(code: $c) { name } }",
            json!({ "c": "ME\u{0}X" }),
        )
        .await;
    assert!(message(&err).contains("variable `$c`"), "{err}");
    assert_eq!(app.statements.get(), before, "no statement ran");
    still_up(&app).await;
}

#[tokio::test]
async fn a_timeout_has_its_own_code_and_status() {
    let app = spawn_app_with(|c| c.request_timeout = std::time::Duration::from_millis(1)).await;
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ gapMatrix(kinds: [HUMAN_RIGHTS_OBLIGATION]) { cells { status } } }" }))
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: Value = resp.json().await.expect("json");
    assert_eq!(status, 504, "{body}");
    assert_eq!(code(&body["errors"][0]), "TIMEOUT", "{body}");
    assert!(message(&body["errors"][0]).contains("did not finish within 1 ms"));
    let (status, body) = get_query(
        &app,
        "{ gapMatrix(kinds: [HUMAN_RIGHTS_OBLIGATION]) { cells { status } } }",
    )
    .await;
    assert_eq!(status, 504);
    assert_eq!(code(&body["errors"][0]), "TIMEOUT", "{body}");
}

#[tokio::test]
async fn rate_limited_answers_429_with_retry_after_on_get_and_post() {
    let app = spawn_app_with(|c| {
        c.rate_limit_capacity = 60;
        c.rate_limit_per_minute = 1;
        c.max_complexity = 60;
    })
    .await;
    let q = "{ states(first: 25) { nodes { code } } }"; // costs 27
    app.data(q, json!({})).await;
    app.data(q, json!({})).await;
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": q }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_some());
    let resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", q)])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry >= 1);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED");
}

/// A client whose requests come from another loopback address (127.0.0.0/8 is all local).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(address))
        .build()
        .expect("a client")
}

async fn login(app: &TestApp, client: &reqwest::Client, password: &str) -> String {
    let q = format!(
        "mutation {{ login(email: \"someone@example.org\", password: \"{password}\") {{ token }} }}"
    );
    let body: Value = client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": q }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    match body.get("errors") {
        Some(e) => code(&e[0]).to_owned(),
        None => "OK".into(),
    }
}

#[tokio::test]
async fn a_stranger_cannot_lock_an_account_out_from_elsewhere() {
    let app = spawn_writable_app().await;
    app.user_token("someone@example.org", UserRole::Viewer)
        .await;
    let stranger = client_from([127, 0, 0, 2]);
    for _ in 0..5 {
        assert_eq!(
            login(&app, &stranger, "wrong-password-000").await,
            "UNAUTHENTICATED"
        );
    }
    assert_eq!(
        login(&app, &stranger, "wrong-password-000").await,
        "RATE_LIMITED"
    );
    assert_eq!(
        login(&app, &stranger, "a-test-password-123").await,
        "RATE_LIMITED",
        "the guesser waits, even with the right password"
    );
    let owner = client_from([127, 0, 0, 3]);
    assert_eq!(login(&app, &owner, "a-test-password-123").await, "OK");
}

fn sign(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("signed")
}

#[tokio::test]
async fn token_errors_are_one_plain_sentence_and_nbf_is_checked() {
    let app = spawn_writable_app().await;
    let token = app.user_token("reader@example.org", UserRole::Viewer).await;
    let payload = token.split('.').nth(1).expect("payload");
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("b64"),
    )
    .expect("json");
    let now = chrono::Utc::now().timestamp();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut c = claims.clone();
        edit(&mut c);
        sign(&c)
    };
    let cases = [
        (
            with(&|c| c["nbf"] = json!(now + 600)),
            "the token is not valid yet (its `nbf` is in the future)",
        ),
        (
            with(&|c| {
                c.as_object_mut().map(|o| o.remove("aud"));
            }),
            "the token lacks the `aud` claim",
        ),
        (
            with(&|c| c["exp"] = json!(now - 60)),
            "the token has expired; sign in again",
        ),
        (
            with(&|c| {
                c.as_object_mut().map(|o| o.remove("role"));
            }),
            "the token's claims are incomplete or malformed",
        ),
    ];
    for (token, expected) in cases {
        let resp = app.post_as(&token, "{ me { email } }", json!({})).await;
        assert_eq!(code(&resp["errors"][0]), "UNAUTHENTICATED", "{resp}");
        assert_eq!(message(&resp["errors"][0]), expected);
    }
    // The real token carries nbf and works.
    assert!(claims["nbf"].is_i64(), "{claims}");
    let me = app.data_as(&token, "{ me { email } }").await;
    assert_eq!(me["me"]["email"], "reader@example.org");
}

#[tokio::test]
async fn sqlite_reads_do_not_block_writes() {
    let app = spawn_writable_app().await;
    if app.db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        eprintln!("sqlite_reads_do_not_block_writes: PostgreSQL has no single writer; skipped");
        return;
    }
    use sea_orm::{ConnectionTrait, TransactionTrait};
    // A reader that holds a read transaction open, as a long gapMatrix request does.
    let reader = app.test_db_connect().await;
    let txn = reader.begin().await.expect("a read transaction");
    txn.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DatabaseBackend::Sqlite,
        "SELECT COUNT(*) FROM states",
    ))
    .await
    .expect("read");
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let resp = app
        .post_as(
            &editor,
            r#"mutation { createSource(input: { key: "while-reading", kind: NEWS, tier: PUBLISHER, title: "A write while a read is open", publisher: "Test", url: "https://example.org/x" }) { id } }"#,
            json!({}),
        )
        .await;
    assert!(
        resp.get("errors").is_none(),
        "the write went through: {resp}"
    );
    txn.rollback().await.expect("end the read");
}
