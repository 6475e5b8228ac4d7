//! Accounts: `login`, `me`, and the admin mutations that manage users.

use super::{db, viewer};
use crate::auth::{self, TokenKeys};
use crate::error::Error;
use crate::limits::{ClientKey, LoginThrottle};
use crate::schema::mutations::{transaction, validate};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::write::{Author, Change, Journal};
use entity::{user, PublicationStatus, RecordKind, RevisionAction, UserRole};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// An account. E-mails are shown to the account itself and to admins only.
#[derive(Clone)]
pub struct User(pub user::Model);

/// An account. E-mails are shown to the account itself and to admins only.
#[Object]
impl User {
    /// Global id of the account, for `updateUserRole` and `deactivateUser`. `node(id:)` returns
    /// accounts to admins only.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(super::ids::encode(RecordKind::User, self.0.id))
    }
    /// The account's e-mail address, its sign-in name. Only the account itself and admins can read
    /// an account; the public never sees one.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// What the account may do: VIEWER, CONTRIBUTOR, EDITOR or ADMIN.
    async fn role(&self) -> UserRole {
        self.0.role
    }
    /// Deactivated accounts cannot sign in, and their tokens stop working.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the account was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A signed token and who it is for.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops working (UTC); sign in again after it (`NORMWATCH_TOKEN_TTL_MINUTES`,
    /// 60 by default).
    pub expires_at: DateTime<Utc>,
    /// The account signed in.
    pub user: User,
}

/// A new account.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// The sign-in e-mail address; must be unique (a taken one is a CONFLICT).
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    /// What the account may do.
    pub role: UserRole,
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user; null without a token.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Ok(actor) = viewer(ctx).actor() else {
            return Ok(None);
        };
        Ok(crate::repo::users::by_id(db(ctx), actor.user_id)
            .await?
            .map(User))
    }
}

#[derive(Default)]
pub struct UserMutation;

/// Creates an account (for the `user create` command and the `createUser` mutation).
pub async fn create_user(
    db: &sea_orm::DatabaseConnection,
    actor_label: &str,
    actor_id: Option<i32>,
    email: &str,
    password: &str,
    role: UserRole,
) -> crate::Result<user::Model> {
    let email = validate::email("email", email)?;
    if password.chars().count() < 12 {
        return Err(Error::bad_input(
            "password",
            "must be at least 12 characters long",
        ));
    }
    // No select-then-insert: the unique index decides, and a clash (even between two admins
    // racing) is a BAD_USER_INPUT on `email` (see `error::unique_violation`).
    let hash = auth::hash_password_off_thread(password.to_string()).await?;
    let now = Utc::now();
    let txn = entity::write::begin(db).await?;
    let account = user::Model {
        id: 0,
        email,
        password_hash: hash,
        role,
        active: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    // Only admins create accounts through the API; the command line has no account.
    let author = Author {
        user_id: actor_id,
        label: actor_label.to_string(),
        role: actor_id.map(|_| UserRole::Admin),
        creates: PublicationStatus::Published,
    };
    let mut journal = Journal::new(&txn, author);
    let saved = journal
        .save(None, account, Change::of(RevisionAction::Create))
        .await?;
    journal.finish().await?;
    txn.commit().await?;
    Ok(saved)
}

#[Object]
impl UserMutation {
    /// Signs in. Failed attempts are limited per account and per client address.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail address.")] email: String,
        #[graphql(
            desc = "The account's password. A wrong e-mail or password gives the same UNAUTHENTICATED error; too many failures give RATE_LIMITED."
        )]
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let keys = ctx
            .data_unchecked::<Option<TokenKeys>>()
            .as_ref()
            .ok_or_else(|| {
                Error::Forbidden(
                    "this server is read-only: set NORMWATCH_JWT_SECRET to enable sign-in".into(),
                )
            })?;
        let shared = ctx
            .data_opt::<Option<std::sync::Arc<crate::shared_limits::SharedLogins>>>()
            .and_then(Option::as_ref);
        let throttle = match shared {
            Some(s) => crate::shared_limits::Logins::Shared(s),
            None => crate::shared_limits::Logins::Local(ctx.data_unchecked::<LoginThrottle>()),
        };
        let address = ctx
            .data_opt::<ClientKey>()
            .map(|k| k.0.clone())
            .unwrap_or_default();
        throttle.check(&email, &address).await??;
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(db(ctx))
            .await
            .map_err(Error::from)?;
        let hash = found
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| auth::dummy_hash().to_string());
        let ok = auth::verify_password_off_thread(password, hash).await;
        match found {
            Some(u) if ok && u.active => {
                throttle.record_success(&email, &address).await?;
                let (token, expires_at) = keys.issue(&u)?;
                Ok(AuthPayload {
                    token,
                    expires_at,
                    user: User(u),
                })
            }
            _ => {
                throttle.record_failure(&email, &address).await?;
                Err(Error::Unauthenticated(
                    "wrong e-mail or password, or the account is deactivated".into(),
                )
                .into())
            }
        }
    }

    /// Creates an account (ADMIN).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new account: e-mail, password and role. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: CreateUserInput,
    ) -> async_graphql::Result<User> {
        let actor = super::mutations::writer(ctx, UserRole::Admin)?;
        Ok(User(
            create_user(
                super::write_db(ctx),
                &actor.email,
                Some(actor.user_id),
                &input.email,
                &input.password,
                input.role,
            )
            .await?,
        ))
    }

    /// Changes an account's role (ADMIN).
    async fn update_user_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the account (`User.id`). Another type of id is a BAD_USER_INPUT naming `id`."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(desc = "The account's new role.")] role: UserRole,
    ) -> async_graphql::Result<User> {
        let actor = super::mutations::writer(ctx, UserRole::Admin)?;
        let uid = super::mutations::user_id(&id)?;
        Ok(User(
            set_user(ctx, &actor, uid, version, move |u| u.role = role).await?,
        ))
    }

    /// Deactivates an account (ADMIN): it can no longer sign in and its tokens stop working.
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the account (`User.id`). Another type of id is a BAD_USER_INPUT naming `id`."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
    ) -> async_graphql::Result<User> {
        let actor = super::mutations::writer(ctx, UserRole::Admin)?;
        let uid = super::mutations::user_id(&id)?;
        Ok(User(
            set_user(ctx, &actor, uid, version, |u| u.active = false).await?,
        ))
    }
}

async fn set_user(
    ctx: &Context<'_>,
    actor: &auth::Actor,
    id: i32,
    version: i32,
    change: impl FnOnce(&mut user::Model) + Send + 'static,
) -> crate::Result<user::Model> {
    transaction(ctx, |txn| {
        let actor = actor.clone();
        Box::pin(async move {
            let current = user::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| Error::NotFound("no user with this id".into()))?;
            if current.version != version {
                return Err(Error::Conflict {
                    current_version: current.version,
                });
            }
            let mut next = current.clone();
            change(&mut next);
            crate::write::save(
                txn,
                &actor,
                Some(&current),
                next,
                entity::write::Change::of(RevisionAction::Update),
            )
            .await
        })
    })
    .await
}
