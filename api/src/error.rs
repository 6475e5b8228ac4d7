//! The one error type of the API and its mapping to GraphQL `extensions.code`.
//!
//! Use [`Error`] everywhere below the resolvers (`repo`, `loaders`) and let `?` convert it.
//! Client errors carry a message meant for the client; database and internal errors are logged
//! in full and answered with a generic message, so no SQL or stack text ever reaches a client.

use async_graphql::ErrorExtensions;

pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    Database(sea_orm::DbErr),
    Internal(String),
}

impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        Error::Database(e)
    }
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
            Error::Database(e) => format!("database error: {e}"),
            Error::Internal(m) => format!("internal error: {m}"),
        }
    }

    /// What a client is told: the message for client errors, a generic line otherwise.
    pub fn client_message(&self) -> String {
        match self {
            Error::Database(_) | Error::Internal(_) => "internal server error".into(),
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
            _ => base.extend_with(|_, ext| ext.set("code", code)),
        }
    }
}
