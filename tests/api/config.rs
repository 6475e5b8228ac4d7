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
