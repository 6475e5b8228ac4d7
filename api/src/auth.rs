//! Accounts and tokens: argon2id password hashes, JWTs (HS256 by default, RS256 or EdDSA with
//! key files), and the [`Viewer`] each request runs as.
//!
//! Token validation pins the algorithm and requires `exp`, `iss` and `aud`. The token only says
//! who the caller is: the role and the `active` flag are read from the database on every
//! request, so a role change or a deactivation takes effect at once, for tokens already issued.

use crate::config::{Config, ConfigError, JwtAlgorithm};
use crate::error::{Error, Result};
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::{DateTime, Duration, Utc};
use entity::{user, UserRole};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password failed: {e}")))
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] on tokio's blocking pool: argon2 is meant to be slow (tens of
/// milliseconds of CPU), and on an async worker a burst of sign-ins would stall every request
/// that worker serves.
pub async fn hash_password_off_thread(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("the hashing task failed: {e}")))?
}

/// [`verify_password`] on tokio's blocking pool (see [`hash_password_off_thread`]).
pub async fn verify_password_off_thread(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A hash to compare against when the account does not exist, so that an unknown e-mail costs
/// the same time as a wrong password and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// The claims of a Normwatch token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The role when the token was issued (informative: the database decides).
    pub role: UserRole,
    pub iat: i64,
    /// Not before: the token is refused until then (absent in tokens of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    // Defaults let a token without them reach the validation, which names the missing claim
    // (every one of these is required there).
    #[serde(default)]
    pub iss: String,
    #[serde(default)]
    pub aud: String,
}

/// One plain sentence about a refused token (the library's own text names its internals).
fn token_problem(kind: &jsonwebtoken::errors::ErrorKind) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::ExpiredSignature => "the token has expired; sign in again".into(),
        K::ImmatureSignature => "the token is not valid yet (its `nbf` is in the future)".into(),
        K::InvalidSignature => "the token's signature does not verify".into(),
        K::InvalidIssuer => "the token was issued by another issuer (`iss`)".into(),
        K::InvalidAudience => "the token is meant for another audience (`aud`)".into(),
        K::InvalidAlgorithm | K::MissingAlgorithm => {
            "the token is signed with an algorithm this server does not accept".into()
        }
        K::MissingRequiredClaim(claim) => format!("the token lacks the `{claim}` claim"),
        K::Json(_) | K::InvalidClaimFormat(_) => {
            "the token's claims are incomplete or malformed".into()
        }
        _ => "the token is malformed".into(),
    }
}

/// Signing and verifying keys, with the pinned algorithm, issuer and audience.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    algorithm: Algorithm,
    issuer: String,
    audience: String,
    ttl: Duration,
    leeway: u64,
}

impl TokenKeys {
    /// Reads the keys the configuration names; `None` when the API is read-only.
    pub fn from_config(config: &Config) -> std::result::Result<Option<TokenKeys>, ConfigError> {
        if !config.writes_enabled {
            return Ok(None);
        }
        let read = |var: &'static str, path: &Option<std::path::PathBuf>| {
            path.as_ref()
                .and_then(|p| std::fs::read(p).ok())
                .ok_or_else(|| ConfigError {
                    var,
                    problem: "cannot be read".into(),
                })
        };
        let bad = |var: &'static str, e: jsonwebtoken::errors::Error| ConfigError {
            var,
            problem: format!("is not a usable PEM key: {e}"),
        };
        let (encoding, decoding, algorithm) = match config.jwt_algorithm {
            JwtAlgorithm::Hs256 => {
                let secret = config.jwt_secret.as_ref().ok_or_else(|| ConfigError {
                    var: "NORMWATCH_JWT_SECRET",
                    problem: "is required for writes".into(),
                })?;
                (
                    EncodingKey::from_secret(secret.expose().as_bytes()),
                    DecodingKey::from_secret(secret.expose().as_bytes()),
                    Algorithm::HS256,
                )
            }
            JwtAlgorithm::Rs256 => {
                let private = read(
                    "NORMWATCH_JWT_PRIVATE_KEY_FILE",
                    &config.jwt_private_key_file,
                )?;
                let public = read("NORMWATCH_JWT_PUBLIC_KEY_FILE", &config.jwt_public_key_file)?;
                (
                    EncodingKey::from_rsa_pem(&private)
                        .map_err(|e| bad("NORMWATCH_JWT_PRIVATE_KEY_FILE", e))?,
                    DecodingKey::from_rsa_pem(&public)
                        .map_err(|e| bad("NORMWATCH_JWT_PUBLIC_KEY_FILE", e))?,
                    Algorithm::RS256,
                )
            }
            JwtAlgorithm::EdDsa => {
                let private = read(
                    "NORMWATCH_JWT_PRIVATE_KEY_FILE",
                    &config.jwt_private_key_file,
                )?;
                let public = read("NORMWATCH_JWT_PUBLIC_KEY_FILE", &config.jwt_public_key_file)?;
                (
                    EncodingKey::from_ed_pem(&private)
                        .map_err(|e| bad("NORMWATCH_JWT_PRIVATE_KEY_FILE", e))?,
                    DecodingKey::from_ed_pem(&public)
                        .map_err(|e| bad("NORMWATCH_JWT_PUBLIC_KEY_FILE", e))?,
                    Algorithm::EdDSA,
                )
            }
        };
        Ok(Some(TokenKeys {
            encoding,
            decoding,
            algorithm,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            ttl: Duration::minutes(config.token_ttl_minutes as i64),
            leeway: config.jwt_leeway_secs,
        }))
    }

    /// Issues a token for a user.
    pub fn issue(&self, user: &user::Model) -> Result<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let expires = now + self.ttl;
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role,
            iat: now.timestamp(),
            nbf: Some(now.timestamp()),
            exp: expires.timestamp(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("signing a token failed: {e}")))?;
        Ok((token, expires))
    }

    /// Verifies a token: signature with the pinned algorithm, `exp`, `iss`, `aud`.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let mut v = Validation::new(self.algorithm);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = self.leeway;
        v.validate_nbf = true;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map(|d| d.claims)
            .map_err(|e| Error::Unauthenticated(token_problem(e.kind())))
    }
}

/// A signed-in, active user.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i32,
    pub email: String,
    pub role: UserRole,
}

impl Actor {
    /// What this user may see of records under review.
    pub fn visibility(&self) -> Visibility {
        if rank(self.role) >= rank(UserRole::Editor) {
            Visibility::All
        } else if self.role == UserRole::Contributor {
            Visibility::OwnDrafts(self.user_id)
        } else {
            Visibility::Public
        }
    }
}

/// Who a request runs as. Put into every request's data by the route handler.
#[derive(Debug, Clone)]
pub enum Viewer {
    Anonymous,
    User(Actor),
}

impl Viewer {
    /// The signed-in user, or UNAUTHENTICATED.
    pub fn actor(&self) -> Result<&Actor> {
        match self {
            Viewer::User(a) => Ok(a),
            Viewer::Anonymous => Err(Error::Unauthenticated(
                "sign in first: send `Authorization: Bearer <token>` (see the `login` mutation)"
                    .into(),
            )),
        }
    }

    /// The signed-in user with at least `role`, or UNAUTHENTICATED / FORBIDDEN.
    pub fn require(&self, role: UserRole) -> Result<&Actor> {
        let actor = self.actor()?;
        if rank(actor.role) >= rank(role) {
            Ok(actor)
        } else {
            Err(Error::Forbidden(format!(
                "this needs the {} role; you are {}",
                role.as_str(),
                actor.role.as_str()
            )))
        }
    }

    /// What this viewer may see of records under review.
    pub fn visibility(&self) -> Visibility {
        match self {
            Viewer::User(a) => a.visibility(),
            Viewer::Anonymous => Visibility::Public,
        }
    }
}

/// Orders roles by what they may do.
pub fn rank(role: UserRole) -> u8 {
    match role {
        UserRole::Viewer => 0,
        UserRole::Contributor => 1,
        UserRole::Editor => 2,
        UserRole::Admin => 3,
    }
}

pub use entity::visibility::Visibility;

/// Resolves an `Authorization` header value to a viewer: no header is anonymous; a header with a
/// bad, expired or foreign token, or the token of a deactivated user, is UNAUTHENTICATED.
pub async fn viewer_from_header(
    db: &DatabaseConnection,
    keys: Option<&TokenKeys>,
    header: Option<&str>,
) -> Result<Viewer> {
    let Some(header) = header else {
        return Ok(Viewer::Anonymous);
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(|| {
            Error::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
    let keys = keys.ok_or_else(|| {
        Error::Unauthenticated("this server is read-only and accepts no tokens".into())
    })?;
    let claims = keys.verify(token.trim())?;
    let id: i32 = claims
        .sub
        .parse()
        .map_err(|_| Error::Unauthenticated("invalid token subject".into()))?;
    let user = user::Entity::find_by_id(id).one(db).await?;
    match user {
        Some(u) if u.active => Ok(Viewer::User(Actor {
            user_id: u.id,
            email: u.email,
            role: u.role,
        })),
        Some(_) => Err(Error::Unauthenticated("this account is deactivated".into())),
        None => Err(Error::Unauthenticated("unknown account".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::PublicationStatus;

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("correct horse battery staple").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn visibility_by_role() {
        let v = Visibility::OwnDrafts(7);
        assert!(v.allows(PublicationStatus::Draft, Some(7)));
        assert!(!v.allows(PublicationStatus::Draft, Some(8)));
        assert!(!v.allows(PublicationStatus::Retracted, Some(7)));
        assert!(!Visibility::Public.allows(PublicationStatus::Draft, None));
        assert!(Visibility::All.allows(PublicationStatus::Retracted, None));
    }
}
