//! The one error type of the API and its mapping to GraphQL `extensions.code`.
//!
//! Use [`Error`] everywhere below the resolvers (`repo`, `loaders`) and let `?` convert it.
//! Client errors carry a message meant for the client; database and internal errors are logged
//! in full and answered with a generic message, so no SQL or stack text ever reaches a client.

use async_graphql::ErrorExtensions;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a client is asked to wait before retrying when the database is unavailable: a
/// restart or a failover usually takes a few seconds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

///
/// It deliberately does not implement `Display`: async-graphql converts any `Display` type into
/// an error that shows its text to the client, which would bypass the mapping below (and could
/// send SQL to a client). [`Error::message`] gives the text for logs and tests.
#[derive(Debug)]
pub enum Error {
    /// The request is wrong: `field` names the argument or input field.
    BadUserInput {
        field: String,
        message: String,
    },
    NotFound(String),
    Unauthenticated(String),
    Forbidden(String),
    /// An update named a version that is no longer current.
    Conflict {
        current_version: i32,
    },
    RateLimited,
    /// The database cannot be reached (down, restarting, or every connection busy past the
    /// acquire timeout): the client may retry.
    Unavailable(sea_orm::DbErr),
    Database(sea_orm::DbErr),
    Internal(String),
}

impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        if is_unavailable(&e) {
            Error::Unavailable(e)
        } else if let Some(taken) = unique_violation(&e) {
            taken
        } else {
            Error::Database(e)
        }
    }
}

impl From<entity::write::WriteError> for Error {
    fn from(e: entity::write::WriteError) -> Self {
        match e {
            entity::write::WriteError::Conflict { current_version } => {
                Error::Conflict { current_version }
            }
            entity::write::WriteError::Db(e) => Error::from(e),
        }
    }
}

impl From<entity::domain::Invalid> for Error {
    /// The first problem of a record the domain's rules refused ([`entity::domain`]), naming the
    /// field as GraphQL does (`established_on` is `establishedOn`).
    fn from(e: entity::domain::Invalid) -> Self {
        match e.0.into_iter().next() {
            Some(f) => Error::bad_input(f.camel_field(), f.message),
            None => Error::bad_input("input", "is not valid"),
        }
    }
}

/// The unique keys of the schema (as the migrations name them, `ux_<table>_<columns>`), with
/// the input field a client sets and what the clash means to them.
const UNIQUE_KEYS: &[(&str, &[&str], &str, &str)] = &[
    ("users", &["email"], "email", "an account with this e-mail exists already"),
    ("sources", &["key"], "key", "a source with this key exists already; cite it, or correct that record"),
    ("states", &["code"], "code", "a state with this code exists already; correct that record instead"),
    ("states", &["alpha2"], "alpha2", "a state with this alpha-2 code exists already"),
    ("forums", &["slug"], "slug", "a forum with this slug exists already; correct that record instead"),
    ("instruments", &["slug"], "slug", "an instrument with this slug exists already; correct that record instead"),
    ("provisions", &["code"], "code", "a provision with this code exists already; correct that record instead"),
    ("evidence", &["slug"], "slug", "evidence with this slug exists already; correct that record instead"),
    ("provision_links", &["from_id", "to_id", "relation"], "relation", "these provisions are linked by this relation already"),
    ("commitments", &["state_id", "instrument_id", "act"], "act", "this state has this act on this instrument already; correct that record instead"),
    ("assessments", &["evidence_id", "state_id", "provision_id"], "provision", "this evidence is assessed against this provision for this state already; correct that assessment instead"),
    // Indexes on expressions (an absent instrument, provision or date compares equal to an
    // absent one), named `ux_<table>_key` by their migration.
    ("memberships", &["key"], "role", "this state already has a membership in this forum with this role from this date; correct that record instead"),
    ("positions", &["key"], "kind", "this state already has a position of this kind in this forum on this subject and date; correct that record instead"),
];

/// A unique-key clash as a client error naming the field: the database decides (no
/// select-then-insert race), and two writers racing for one key get BAD_USER_INPUT, not an
/// internal error. PostgreSQL names the index; SQLite names `table.column`s.
fn unique_violation(e: &sea_orm::DbErr) -> Option<Error> {
    let sea_orm::SqlErr::UniqueConstraintViolation(message) = e.sql_err()? else {
        return None;
    };
    let known = UNIQUE_KEYS.iter().find(|(table, columns, _, _)| {
        let index = format!("ux_{table}_{}", columns.join("_"));
        let sqlite = columns
            .iter()
            .map(|c| format!("{table}.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        message.contains(&index) || message.ends_with(&sqlite)
    });
    Some(match known {
        Some((_, _, field, what)) => Error::bad_input(*field, *what),
        None => Error::bad_input("input", "a record with the same key exists already"),
    })
}

/// Whether a database error means "cannot reach the database" rather than "this statement
/// failed": no connection could be had, or the connection broke under the statement, or the
/// server is shutting down or starting up (PostgreSQL's SQLSTATE class 08, connection
/// exception, and 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), or
/// SQLite stayed busy past its timeout.
pub fn is_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Tls(_) => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| unavailable_code(&c)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The database error codes that mean "unavailable, retry": PostgreSQL's connection exceptions
/// (class 08) and shutdown or start-up (57P01-57P03); SQLite's "database is locked" (5, and 517
/// for a busy snapshot) after the busy timeout: busy, not broken.
fn unavailable_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "5" | "517")
}

impl Error {
    /// A BAD_USER_INPUT error about `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The full text of the error (for logs; clients get [`Error::client_message`]).
    pub fn message(&self) -> String {
        match self {
            Error::BadUserInput { field, message } => format!("{field}: {message}"),
            Error::NotFound(m) | Error::Unauthenticated(m) | Error::Forbidden(m) => m.clone(),
            Error::Conflict { current_version } => format!(
                "the record was changed by someone else: current version is {current_version}"
            ),
            Error::RateLimited => "rate limit exceeded".into(),
            Error::Unavailable(e) => format!("database unavailable: {e}"),
            Error::Database(e) => format!("database error: {e}"),
            Error::Internal(m) => format!("internal error: {m}"),
        }
    }

    /// What a client is told: the message for client errors, a generic line otherwise.
    pub fn client_message(&self) -> String {
        match self {
            Error::Database(_) | Error::Internal(_) => "internal server error".into(),
            Error::Unavailable(_) => "the database is unavailable; retry in a few seconds".into(),
            other => other.message(),
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUserInput { .. } => "BAD_USER_INPUT",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Conflict { .. } => "CONFLICT",
            Error::RateLimited => "RATE_LIMITED",
            Error::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Error::Database(_) | Error::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<Error> for async_graphql::Error {
    fn from(e: Error) -> Self {
        let code = e.code();
        if matches!(e, Error::Database(_) | Error::Internal(_)) {
            tracing::error!(error = %e.message(), "internal error while answering a request");
        }
        if let Error::Unavailable(_) = e {
            tracing::warn!(error = %e.message(), "database unavailable");
        }
        let base = async_graphql::Error::new(e.client_message());
        match e {
            Error::BadUserInput { field, .. } => base.extend_with(move |_, ext| {
                ext.set("code", code);
                ext.set("field", field.clone());
            }),
            Error::Conflict { current_version } => base.extend_with(move |_, ext| {
                ext.set("code", code);
                ext.set("currentVersion", current_version);
            }),
            // The HTTP layer turns `retryAfter` into the `Retry-After` header of the 503.
            Error::Unavailable(_) => base.extend_with(move |_, ext| {
                ext.set("code", code);
                ext.set("retryAfter", UNAVAILABLE_RETRY_AFTER_SECS);
            }),
            _ => base.extend_with(|_, ext| ext.set("code", code)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    use std::borrow::Cow;

    /// A database error with a given code, as a driver would report it.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            "a database error"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn coded(code: &'static str) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(
            sqlx::Error::Database(Box::new(Coded(code))),
        )))
    }

    #[test]
    fn a_server_shutting_down_or_a_broken_connection_is_service_unavailable() {
        // 57P01: "terminating connection due to administrator command" (a fast shutdown).
        for code in [
            "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08P01",
        ] {
            let e = Error::from(coded(code));
            assert_eq!(e.code(), "SERVICE_UNAVAILABLE", "{code}");
        }
        for code in ["5", "517"] {
            assert_eq!(
                Error::from(coded(code)).code(),
                "SERVICE_UNAVAILABLE",
                "SQLite {code}"
            );
        }
    }

    #[test]
    fn a_failing_statement_is_not_unavailability() {
        // 42P01 undefined table, 22003 numeric out of range, 57014 query cancelled, SQLite 1
        // (a generic error): the statement failed, the database is there.
        for code in ["42P01", "22003", "57014", "1"] {
            let e = Error::from(coded(code));
            assert_eq!(e.code(), "INTERNAL_SERVER_ERROR", "{code}");
            assert_eq!(e.client_message(), "internal server error");
        }
    }
}
