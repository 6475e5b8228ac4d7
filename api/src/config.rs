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
    /// Wraps a secret (tests and embedders; the server reads it from the environment).
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How tokens are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with `NORMWATCH_JWT_SECRET` (the default).
    Hs256,
    /// RSA with the key files `NORMWATCH_JWT_PRIVATE_KEY_FILE` / `NORMWATCH_JWT_PUBLIC_KEY_FILE`.
    Rs256,
    /// Ed25519 with the same key files.
    EdDsa,
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
    /// `NORMWATCH_JWT_ALGORITHM`: `HS256` (default), `RS256` or `EdDSA`.
    pub jwt_algorithm: JwtAlgorithm,
    /// `NORMWATCH_JWT_PRIVATE_KEY_FILE` / `NORMWATCH_JWT_PUBLIC_KEY_FILE`: PEM keys for RS256/EdDSA.
    pub jwt_private_key_file: Option<PathBuf>,
    pub jwt_public_key_file: Option<PathBuf>,
    /// `NORMWATCH_JWT_ISSUER` and `NORMWATCH_JWT_AUDIENCE`: pinned in every token.
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// `NORMWATCH_TOKEN_TTL_MINUTES`: how long a token lives.
    pub token_ttl_minutes: u64,
    /// `NORMWATCH_JWT_LEEWAY_SECS`: clock skew allowed when checking `exp` and `nbf` (default 1).
    pub jwt_leeway_secs: u64,
    /// Whether mutations are served: `NORMWATCH_WRITES` (default: when a signing key is set).
    pub writes_enabled: bool,
    /// `NORMWATCH_RATE_LIMIT_CAPACITY` / `NORMWATCH_RATE_LIMIT_PER_MINUTE`: query-cost budget per
    /// token or client address, and how fast it refills.
    pub rate_limit_capacity: u64,
    pub rate_limit_per_minute: u64,
    /// `NORMWATCH_LOGIN_ATTEMPTS`: failed logins allowed per account and per address in 15 minutes.
    pub login_attempts: u32,
    /// `NORMWATCH_REQUEST_TIMEOUT_SECS`: longest a request may run.
    pub request_timeout: std::time::Duration,
    /// `NORMWATCH_MAX_BATCH`: most operations in one batched request.
    pub max_batch: usize,
    /// `NORMWATCH_MAX_DEPTH`: deepest query accepted.
    pub max_depth: usize,
    /// `NORMWATCH_MAX_COMPLEXITY`: most complex query accepted.
    pub max_complexity: usize,
    /// `NORMWATCH_MAX_BODY_BYTES`: largest request body accepted.
    pub max_body_bytes: usize,
    /// `NORMWATCH_INTROSPECTION`: whether schema introspection is allowed.
    pub introspection: bool,
    /// `NORMWATCH_SEED_ON_START`: load the bundled data when the database is empty.
    pub seed_on_start: bool,
    /// `NORMWATCH_SEED_DIR`: a data directory to load instead of the bundled data compiled
    /// into the binary (`None`: the bundled data).
    pub seed_dir: Option<PathBuf>,
}

impl Config {
    /// The dataset to load into an empty database: `NORMWATCH_SEED_DIR`, else the bundled data.
    pub fn seed_files(&self) -> seed::DataFiles {
        match &self.seed_dir {
            Some(dir) => seed::DataFiles::disk(dir),
            None => seed::DataFiles::Bundled,
        }
    }
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

/// One environment variable, as `--help` lists it.
pub struct Variable {
    pub name: &'static str,
    /// The default, as text (`-` when unset means "off" or "none").
    pub default: &'static str,
    pub meaning: &'static str,
    /// Whether only `serve` reads it (the other subcommands read the database and seed ones).
    pub serve_only: bool,
}

const fn v(name: &'static str, default: &'static str, meaning: &'static str) -> Variable {
    Variable {
        name,
        default,
        meaning,
        serve_only: true,
    }
}

/// Every variable [`Config::from_lookup`] reads (a test checks the list against the code and
/// `.env.example`), for `--help`.
pub const VARIABLES: &[Variable] = &[
    Variable {
        serve_only: false,
        ..v(
            "DATABASE_URL",
            DEFAULT_DATABASE_URL,
            "sqlite://FILE or postgres://USER@HOST:PORT/DB",
        )
    },
    v(
        "NORMWATCH_ADDR",
        DEFAULT_ADDR,
        "where the server listens (host:port)",
    ),
    Variable {
        serve_only: false,
        ..v(
            "NORMWATCH_LOG_FORMAT",
            "text",
            "log lines as `text` or `json`",
        )
    },
    v(
        "NORMWATCH_CORS_ORIGINS",
        "*",
        "browser origins allowed, comma-separated",
    ),
    v(
        "NORMWATCH_JWT_SECRET",
        "-",
        "HS256 secret (32+ bytes); unset: read-only API",
    ),
    v("NORMWATCH_JWT_ALGORITHM", "HS256", "HS256, RS256 or EdDSA"),
    v(
        "NORMWATCH_JWT_PRIVATE_KEY_FILE",
        "-",
        "PEM private key for RS256/EdDSA",
    ),
    v(
        "NORMWATCH_JWT_PUBLIC_KEY_FILE",
        "-",
        "PEM public key for RS256/EdDSA",
    ),
    v(
        "NORMWATCH_JWT_ISSUER",
        "normwatch",
        "issuer pinned in tokens",
    ),
    v(
        "NORMWATCH_JWT_AUDIENCE",
        "normwatch-api",
        "audience pinned in tokens",
    ),
    v(
        "NORMWATCH_TOKEN_TTL_MINUTES",
        "60",
        "how long a token lives",
    ),
    v(
        "NORMWATCH_JWT_LEEWAY_SECS",
        "1",
        "clock skew allowed on exp/nbf",
    ),
    v(
        "NORMWATCH_WRITES",
        "on when a key is set",
        "serve mutations",
    ),
    v(
        "NORMWATCH_RATE_LIMIT_CAPACITY",
        "100000",
        "query-cost budget per client",
    ),
    v(
        "NORMWATCH_RATE_LIMIT_PER_MINUTE",
        "100000",
        "budget refill per minute",
    ),
    v(
        "NORMWATCH_LOGIN_ATTEMPTS",
        "5",
        "failed sign-ins allowed per 15 minutes",
    ),
    v(
        "NORMWATCH_REQUEST_TIMEOUT_SECS",
        "30",
        "longest a request may run",
    ),
    v(
        "NORMWATCH_MAX_BATCH",
        "10",
        "most operations in one batched request",
    ),
    v("NORMWATCH_MAX_DEPTH", "15", "deepest query accepted"),
    v(
        "NORMWATCH_MAX_COMPLEXITY",
        "50000",
        "highest query cost accepted",
    ),
    v(
        "NORMWATCH_MAX_BODY_BYTES",
        "1048576",
        "largest request body",
    ),
    v(
        "NORMWATCH_INTROSPECTION",
        "true",
        "allow schema introspection",
    ),
    v(
        "NORMWATCH_SEED_ON_START",
        "true",
        "load the seed data into an empty database",
    ),
    Variable {
        serve_only: false,
        ..v(
            "NORMWATCH_SEED_DIR",
            "the bundled data",
            "a data directory to load instead of the bundled data",
        )
    },
];

/// The environment-variable section of `--help`: all of them for `serve`, the shared ones
/// for the other subcommands.
pub fn variables_help(serve: bool) -> String {
    let shown: Vec<&Variable> = VARIABLES
        .iter()
        .filter(|v| serve || !v.serve_only)
        .collect();
    let width = shown.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let mut out =
        String::from("Environment variables (also read from a .env file; the environment wins):\n");
    for v in shown {
        out.push_str(&format!(
            "  {:width$}  {} [default: {}]\n",
            v.name, v.meaning, v.default
        ));
    }
    out.push_str("  RUST_LOG  log filter, e.g. info or api=debug [default: info]\n");
    out
}

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
        let jwt_algorithm = match var("NORMWATCH_JWT_ALGORITHM").as_deref() {
            None | Some("HS256") => JwtAlgorithm::Hs256,
            Some("RS256") => JwtAlgorithm::Rs256,
            Some("EdDSA") => JwtAlgorithm::EdDsa,
            Some(other) => {
                return Err(err(
                    "NORMWATCH_JWT_ALGORITHM",
                    format!("`{other}` is not HS256, RS256 or EdDSA"),
                ))
            }
        };
        let key_file = |name: &'static str| -> Result<Option<PathBuf>, ConfigError> {
            match var(name) {
                None => Ok(None),
                Some(p) if std::path::Path::new(&p).is_file() => Ok(Some(PathBuf::from(p))),
                Some(p) => Err(err(name, format!("`{p}` is not a readable file"))),
            }
        };
        let jwt_private_key_file = key_file("NORMWATCH_JWT_PRIVATE_KEY_FILE")?;
        let jwt_public_key_file = key_file("NORMWATCH_JWT_PUBLIC_KEY_FILE")?;
        let has_key = match jwt_algorithm {
            JwtAlgorithm::Hs256 => jwt_secret.is_some(),
            _ => {
                if jwt_private_key_file.is_none() || jwt_public_key_file.is_none() {
                    return Err(err(
                        "NORMWATCH_JWT_PRIVATE_KEY_FILE",
                        "RS256 and EdDSA need NORMWATCH_JWT_PRIVATE_KEY_FILE and NORMWATCH_JWT_PUBLIC_KEY_FILE".into(),
                    ));
                }
                true
            }
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
        let writes_enabled = flag("NORMWATCH_WRITES", has_key)?;
        if writes_enabled && !has_key {
            return Err(err(
                "NORMWATCH_JWT_SECRET",
                format!("is not set, but NORMWATCH_WRITES is on: set a secret of at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        Ok(Config {
            jwt_algorithm,
            jwt_private_key_file,
            jwt_public_key_file,
            jwt_issuer: var("NORMWATCH_JWT_ISSUER").unwrap_or_else(|| "normwatch".into()),
            jwt_audience: var("NORMWATCH_JWT_AUDIENCE").unwrap_or_else(|| "normwatch-api".into()),
            token_ttl_minutes: number("NORMWATCH_TOKEN_TTL_MINUTES", 60, 1)? as u64,
            jwt_leeway_secs: number("NORMWATCH_JWT_LEEWAY_SECS", 1, 0)? as u64,
            writes_enabled,
            rate_limit_capacity: number("NORMWATCH_RATE_LIMIT_CAPACITY", 100_000, 1)? as u64,
            rate_limit_per_minute: number("NORMWATCH_RATE_LIMIT_PER_MINUTE", 100_000, 1)? as u64,
            login_attempts: number("NORMWATCH_LOGIN_ATTEMPTS", 5, 1)? as u32,
            request_timeout: std::time::Duration::from_secs(number(
                "NORMWATCH_REQUEST_TIMEOUT_SECS",
                30,
                1,
            )? as u64),
            max_batch: number("NORMWATCH_MAX_BATCH", 10, 1)?,
            database_url,
            addr,
            log_format,
            cors_origins,
            jwt_secret,
            max_depth: number("NORMWATCH_MAX_DEPTH", 15, 2)?,
            max_complexity: number("NORMWATCH_MAX_COMPLEXITY", 50_000, 10)?,
            max_body_bytes: number("NORMWATCH_MAX_BODY_BYTES", 1024 * 1024, 1024)?,
            introspection: flag("NORMWATCH_INTROSPECTION", true)?,
            seed_on_start: flag("NORMWATCH_SEED_ON_START", true)?,
            seed_dir: var("NORMWATCH_SEED_DIR").map(PathBuf::from),
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
    fn help_and_env_example_list_exactly_the_variables_the_code_reads() {
        let read = std::cell::RefCell::new(std::collections::BTreeSet::new());
        let _ = Config::from_lookup(|k| {
            read.borrow_mut().insert(k.to_string());
            None
        });
        let listed: std::collections::BTreeSet<String> =
            VARIABLES.iter().map(|v| v.name.to_string()).collect();
        assert_eq!(read.into_inner(), listed, "VARIABLES is out of date");
        let example = include_str!("../../.env.example");
        for v in VARIABLES {
            assert!(
                example.contains(&format!("{}=", v.name)),
                ".env.example does not document {}",
                v.name
            );
            assert!(variables_help(true).contains(v.name));
        }
        assert!(!variables_help(false).contains("NORMWATCH_JWT_SECRET"));
        assert!(variables_help(false).contains("DATABASE_URL"));
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
    fn writes_without_a_key_stop_start_up() {
        let e = with(&[("NORMWATCH_WRITES", "true")]).unwrap_err();
        assert_eq!(e.var, "NORMWATCH_JWT_SECRET");
        let c =
            with(&[("NORMWATCH_JWT_SECRET", "0123456789abcdef0123456789abcdef")]).expect("valid");
        assert!(c.writes_enabled, "a key enables writes");
        let e = with(&[("NORMWATCH_JWT_ALGORITHM", "RS256")]).unwrap_err();
        assert_eq!(e.var, "NORMWATCH_JWT_PRIVATE_KEY_FILE");
    }

    #[test]
    fn the_secret_never_prints() {
        let c =
            with(&[("NORMWATCH_JWT_SECRET", "0123456789abcdef0123456789abcdef")]).expect("valid");
        assert!(!format!("{c:?}").contains("0123456789"));
    }
}
