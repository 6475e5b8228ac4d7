//! The README's walk-through, run as written: create the first admin with the command line,
//! sign in, find a record, correct it.

use crate::helpers::{config, TestDb, TEST_SECRET};
use serde_json::{json, Value};
use std::io::Write;

fn section(readme: &str) -> &str {
    let start = readme
        .find("## Correcting a record")
        .expect("the walk-through section");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map(|i| i + 3).unwrap_or(rest.len());
    &rest[..end]
}

fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    text.split(&format!("```{lang}\n"))
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect()
}

#[tokio::test]
async fn the_readme_walk_through_runs_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let text = section(&readme);
    let shell = blocks(text, "sh");
    let create = shell[0]
        .lines()
        .find(|l| l.contains("user create"))
        .expect("the user create line");
    let password = create.split('\'').nth(1).expect("the echoed password");
    let args: Vec<&str> = create
        .split("-- ")
        .nth(1)
        .expect("arguments")
        .split_whitespace()
        .collect();
    assert_eq!(&args[..2], ["user", "create"]);

    let test_db = TestDb::new().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .args(&args)
        .env("DATABASE_URL", &test_db.url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    let out = child.wait_with_output().expect("finished");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut c = config(&test_db.url, true);
    c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
    c.writes_enabled = true;
    let app = api::App::build(c).await.expect("builds");
    let address = format!("http://127.0.0.1:{}/graphql", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let post = |query: &str, vars: Value, token: Option<String>| {
        let mut r = client
            .post(&address)
            .json(&json!({ "query": query, "variables": vars }));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            r.send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };

    let gql = blocks(text, "graphql");
    assert_eq!(gql.len(), 3, "sign in, find, correct");
    let login = post(gql[0], json!({}), None).await;
    let token = login["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string();
    assert_eq!(login["data"]["login"]["user"]["role"], "ADMIN");
    let found = post(gql[1], json!({}), Some(token.clone())).await;
    let record = &found["data"]["commitments"]["nodes"][0];
    let corrected = post(
        gql[2],
        json!({ "id": record["id"], "version": record["version"] }),
        Some(token.clone()),
    )
    .await;
    let c = &corrected["data"]["updateCommitment"];
    assert_eq!(
        c["version"],
        record["version"].as_i64().map(|v| v + 1).unwrap_or(-1),
        "{corrected}"
    );
    let history = c["history"]["nodes"].as_array().expect("history");
    let last = history.last().expect("a revision");
    assert_eq!(last["action"], "UPDATE");
    assert_eq!(last["actor"], "admin@example.org");
    assert_ne!(last["before"]["note"], last["after"]["note"]);
    // Sending the same version again is a conflict, as step 4 says.
    let again = post(
        gql[2],
        json!({ "id": record["id"], "version": record["version"] }),
        Some(token),
    )
    .await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "CONFLICT");
}
