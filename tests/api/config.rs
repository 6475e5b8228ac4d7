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
