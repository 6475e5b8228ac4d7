//! Typed configuration from environment variables (documented in `.env.example`).
//!
//! Every variable has a default that works on a fresh machine. A value that is present but wrong
//! stops start-up with one line naming the variable and the problem: a server that silently
//! ignores a typo in its configuration is worse than one that refuses to start.

use std::{fmt, net::SocketAddr, path::PathBuf};

/// The JWT signing secret. Never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// `NORMWATCH_ADDR`: where the server listens.
    pub addr: SocketAddr,
    /// `NORMWATCH_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `NORMWATCH_CORS_ORIGINS`: comma-separated origins, or `*` for any.
    pub cors_origins: Vec<String>,
    /// `NORMWATCH_JWT_SECRET`: HS256 secret, at least 32 bytes. Without it the API is read-only.
    pub jwt_secret: Option<Secret>,
    /// `NORMWATCH_MAX_DEPTH`: deepest query accepted.
    pub max_depth: usize,
    /// `NORMWATCH_MAX_COMPLEXITY`: most complex query accepted.
    pub max_complexity: usize,
    /// `NORMWATCH_MAX_BODY_BYTES`: largest request body accepted.
    pub max_body_bytes: usize,
    /// `NORMWATCH_BATCH_DELAY_MS`: how long a DataLoader collects keys before it queries.
    pub batch_delay_ms: u64,
    /// `NORMWATCH_INTROSPECTION`: whether schema introspection is allowed.
    pub introspection: bool,
    /// `NORMWATCH_SEED_ON_START`: load the bundled data when the database is empty.
    pub seed_on_start: bool,
    /// `NORMWATCH_SEED_DIR`: where the bundled data lives.
    pub seed_dir: PathBuf,
}

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}: {}", self.var, self.problem)
    }
}

impl std::error::Error for ConfigError {}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://normwatch.db?mode=rwc";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8000";
pub const MIN_SECRET_BYTES: usize = 32;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let err = |var: &'static str, problem: String| ConfigError { var, problem };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(err(
                "DATABASE_URL",
                format!("`{database_url}` is not a sqlite:// or postgres:// URL"),
            ));
        }
        let addr_text = var("NORMWATCH_ADDR").unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr = addr_text.parse().map_err(|_| {
            err(
                "NORMWATCH_ADDR",
                format!("`{addr_text}` is not a socket address (expected host:port, e.g. 127.0.0.1:8000)"),
            )
        })?;
        let log_format = match var("NORMWATCH_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "NORMWATCH_LOG_FORMAT",
                    format!("`{other}` is not `text` or `json`"),
                ))
            }
        };
        let cors_origins = var("NORMWATCH_CORS_ORIGINS")
            .unwrap_or_else(|| "*".into())
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>();
        for o in &cors_origins {
            if o != "*" && !(o.starts_with("http://") || o.starts_with("https://")) {
                return Err(err(
                    "NORMWATCH_CORS_ORIGINS",
                    format!("`{o}` is not an origin (expected `*` or e.g. https://dashboard.example.org)"),
                ));
            }
        }
        let jwt_secret = match var("NORMWATCH_JWT_SECRET") {
            None => None,
            Some(s) if s.len() < MIN_SECRET_BYTES => {
                return Err(err(
                    "NORMWATCH_JWT_SECRET",
                    format!(
                        "is {} bytes long; it must be at least {MIN_SECRET_BYTES}",
                        s.len()
                    ),
                ))
            }
            Some(s) => Some(Secret(s)),
        };
        let number =
            |name: &'static str, default: usize, min: usize| -> Result<usize, ConfigError> {
                match var(name) {
                    None => Ok(default),
                    Some(v) => match v.trim().parse::<usize>() {
                        Ok(n) if n >= min => Ok(n),
                        _ => Err(err(
                            name,
                            format!("`{v}` is not a whole number of at least {min}"),
                        )),
                    },
                }
            };
        let flag = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match var(name).as_deref() {
                None => Ok(default),
                Some("true" | "1" | "yes") => Ok(true),
                Some("false" | "0" | "no") => Ok(false),
                Some(v) => Err(err(name, format!("`{v}` is not true or false"))),
            }
        };
        Ok(Config {
            database_url,
            addr,
            log_format,
            cors_origins,
            jwt_secret,
            max_depth: number("NORMWATCH_MAX_DEPTH", 15, 2)?,
            max_complexity: number("NORMWATCH_MAX_COMPLEXITY", 5000, 10)?,
            max_body_bytes: number("NORMWATCH_MAX_BODY_BYTES", 1024 * 1024, 1024)?,
            batch_delay_ms: number("NORMWATCH_BATCH_DELAY_MS", 2, 0)? as u64,
            introspection: flag("NORMWATCH_INTROSPECTION", true)?,
            seed_on_start: flag("NORMWATCH_SEED_ON_START", true)?,
            seed_dir: var("NORMWATCH_SEED_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(seed::bundled_data_dir),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = with(&[]).expect("defaults are valid");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.addr.to_string(), DEFAULT_ADDR);
        assert!(c.jwt_secret.is_none());
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let e = with(&[("NORMWATCH_ADDR", "nowhere")]).unwrap_err();
        assert_eq!(e.var, "NORMWATCH_ADDR");
        let e = with(&[("NORMWATCH_JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(e.var, "NORMWATCH_JWT_SECRET");
        assert!(e.to_string().contains("at least 32"));
        let e = with(&[("NORMWATCH_MAX_DEPTH", "-1")]).unwrap_err();
        assert_eq!(e.var, "NORMWATCH_MAX_DEPTH");
        let e = with(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.var, "DATABASE_URL");
    }

    #[test]
    fn the_secret_never_prints() {
        let c =
            with(&[("NORMWATCH_JWT_SECRET", "0123456789abcdef0123456789abcdef")]).expect("valid");
        assert!(!format!("{c:?}").contains("0123456789"));
    }
}
