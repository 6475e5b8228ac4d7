//! Start-up refuses bad configuration with one line naming the variable.

use std::process::Command;

fn run_with(var: &str, value: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .arg("serve")
        .env(var, value)
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_bad_address_stops_start_up_naming_the_variable() {
    let (code, stderr) = run_with("NORMWATCH_ADDR", "not-an-address");
    assert_eq!(code, Some(2));
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("NORMWATCH_ADDR"), "{stderr}");
}

#[test]
fn a_short_jwt_secret_stops_start_up() {
    let (code, stderr) = run_with("NORMWATCH_JWT_SECRET", "too-short");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("NORMWATCH_JWT_SECRET") && stderr.contains("at least 32"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_log_format_stops_start_up() {
    let (code, stderr) = run_with("NORMWATCH_LOG_FORMAT", "xml");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("NORMWATCH_LOG_FORMAT"), "{stderr}");
}

/// A fresh temporary directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "normwatch_config_{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("mkdir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_dot_env_file_in_the_working_directory_is_read() {
    let dir = TempDir::new();
    std::fs::write(dir.0.join(".env"), "NORMWATCH_ADDR=not-an-address\n").expect("write .env");
    let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .arg("serve")
        .current_dir(&dir.0)
        .env_remove("NORMWATCH_ADDR")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("NORMWATCH_ADDR"), "{stderr}");
}

#[test]
fn a_sqlite_url_without_mode_creates_the_database_file() {
    let dir = TempDir::new();
    let file = dir.0.join("new.db");
    let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .arg("migrate")
        .current_dir(&dir.0)
        .env("DATABASE_URL", format!("sqlite://{}", file.display()))
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(file.exists(), "no database file at {}", file.display());
}

/// A free port on the loopback interface (the listener is dropped before the server binds it).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Kills the child process on drop, so a failed assertion leaves no server behind.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_copied_binary_serves_the_bundled_data_from_an_empty_directory() {
    let dir = TempDir::new();
    let binary = dir.0.join("normwatch");
    std::fs::copy(env!("CARGO_BIN_EXE_normwatch"), &binary).expect("copy the binary");
    let work = dir.0.join("empty");
    std::fs::create_dir_all(&work).expect("mkdir");
    let port = free_port();
    let child = Command::new(&binary)
        .arg("serve")
        .current_dir(&work)
        .env_remove("NORMWATCH_SEED_DIR")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/nw.db", dir.0.display()),
        )
        .env("NORMWATCH_ADDR", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the copied binary starts");
    let _server = Running(child);
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    loop {
        let ready = client.get(format!("{url}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the copied binary never became ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let body: serde_json::Value = client
        .post(format!("{url}/graphql"))
        .json(&serde_json::json!({
            "query": "{ states(first: 1) { totalCount } state(code: \"MEX\") { name } }"
        }))
        .send()
        .await
        .expect("a response")
        .json()
        .await
        .expect("JSON");
    let bundled = seed::read_dataset(&seed::bundled_data_dir()).expect("the bundled data is valid");
    assert_eq!(
        body["data"]["states"]["totalCount"].as_u64(),
        Some(bundled.states.len() as u64),
        "{body}"
    );
    assert_eq!(body["data"]["state"]["name"], "Mexico", "{body}");
}

#[test]
fn the_port_is_bound_before_any_database_work() {
    let dir = TempDir::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let db = dir.0.join("never.db");
    let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("NORMWATCH_ADDR", addr.to_string())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("cannot listen on NORMWATCH_ADDR"),
        "{stderr}"
    );
    assert!(
        !db.exists(),
        "the database was created before the port was bound"
    );
}

#[test]
fn an_empty_seed_directory_is_refused_not_loaded_as_nothing() {
    let dir = TempDir::new();
    let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .args(["seed", "--check", "--path"])
        .arg(&dir.0)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("holds no data"), "{stderr}");
}

#[test]
fn every_subcommand_help_lists_its_environment_variables() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_normwatch"))
            .args(args)
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let serve = help(&["serve", "--help"]);
    for name in [
        "DATABASE_URL",
        "NORMWATCH_ADDR",
        "NORMWATCH_JWT_SECRET",
        "NORMWATCH_SEED_DIR",
    ] {
        assert!(serve.contains(name), "serve --help lacks {name}:\n{serve}");
    }
    assert!(serve.contains("[default: 127.0.0.1:8000]"), "{serve}");
    let seed = help(&["seed", "--help"]);
    assert!(
        seed.contains("DATABASE_URL") && seed.contains("NORMWATCH_SEED_DIR"),
        "{seed}"
    );
    let top = help(&["--help"]);
    let user_line = top
        .lines()
        .find(|l| l.trim_start().starts_with("user"))
        .expect("a user line");
    assert!(user_line.contains("Manage accounts"), "{top}");
}
