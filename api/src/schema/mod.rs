//! The GraphQL schema: one file per domain, merged into one query root.
//!
//! Names follow the public API contract (docs/ARCHITECTURE.md); the SDL is served at `/schema.graphql` and
//! snapshot-tested (`tests/snapshots/schema.graphql`), so any change to it shows in review.

pub mod commitment;
pub mod connection;
pub mod dataset;
pub mod evidence;
pub mod forum;
pub mod gap;
pub mod ids;
pub mod instrument;
pub mod mutations;
pub mod node;
pub mod position;
pub mod provision;
pub mod registry;
pub mod revision;
pub mod scalars;
pub mod sdl;
pub mod source;
pub mod state;
pub mod user;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::loaders::Loaders;
use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, EmptySubscription, MergedObject, Schema,
};
use sea_orm::{DatabaseConnection, DbErr};
use std::hash::Hash;

/// Every query of the API.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    state::StateQuery,
    forum::ForumQuery,
    instrument::InstrumentQuery,
    provision::ProvisionQuery,
    commitment::CommitmentQuery,
    position::PositionQuery,
    evidence::EvidenceQuery,
    gap::GapQuery,
    user::UserQuery,
    dataset::DatasetQuery,
    registry::RegistryQuery,
    revision::ChangeQuery,
);

/// Directives one field may carry (`@skip`, `@include`): a few are useful, thousands are not.
pub const MAX_DIRECTIVES: usize = 4;

pub type NormwatchSchema = Schema<QueryRoot, mutations::MutationRoot, EmptySubscription>;

/// How long a failed sign-in counts against the account and the address.
pub const LOGIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Builds the schema with its limits from the configuration. `budgets` holds the query-cost
/// budgets; `app.rs` shares them with the `/export` routes, so files and queries spend one
/// budget (in the database on PostgreSQL, so every process spends the same one too).
pub fn build(
    pools: &crate::db::Pools,
    config: &Config,
    keys: Option<crate::auth::TokenKeys>,
    shape: std::sync::Arc<crate::cost::ShapeCache>,
    budgets: std::sync::Arc<crate::shared_limits::Budgets>,
) -> NormwatchSchema {
    let db = pools.read.clone();
    // Keys are collected for NORMWATCH_BATCH_DELAY_MS (2 ms by default) before a batch runs,
    // so that the keys of one relation path arrive in one batch (tests/api/batching.rs).
    let settings = LoaderSettings {
        delay: std::time::Duration::from_millis(config.batch_delay_ms),
    };
    let loader = settings.loader(db.clone(), crate::auth::Visibility::Public);
    // On PostgreSQL failed sign-ins are counted in the database, shared by every process;
    // SQLite serves one process and counts them in memory.
    let shared_logins =
        (pools.write.get_database_backend() == sea_orm::DbBackend::Postgres).then(|| {
            std::sync::Arc::new(crate::shared_limits::SharedLogins::new(
                pools.write.clone(),
                config.login_attempts,
                LOGIN_WINDOW,
            ))
        });
    let mut builder = describe(Schema::build(
        QueryRoot::default(),
        mutations::MutationRoot::default(),
        EmptySubscription,
    ))
    .data(db)
    .data(crate::db::Writer(pools.write.clone()))
    .data(std::sync::Arc::clone(&shape))
    .data(loader)
    .data(settings)
    .data(keys)
    .data(crate::limits::LoginThrottle::new(
        config.login_attempts,
        LOGIN_WINDOW,
    ))
    .data(shared_logins)
    .data(std::sync::Arc::new(gap::KeptAnswers::default()))
    .extension(crate::limits::CostExtension::new(
        budgets,
        shape,
        config.max_complexity as u64,
        config.max_depth,
    ))
    .limit_depth(config.max_depth)
    .limit_recursive_depth(crate::screen::MAX_NESTING)
    .limit_directives(MAX_DIRECTIVES);
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// How request loaders batch; kept in the schema so routes can make one loader per request.
#[derive(Clone, Copy)]
pub struct LoaderSettings {
    pub delay: std::time::Duration,
}

impl LoaderSettings {
    /// A loader for one request, seeing what `vis` allows.
    pub fn loader(
        &self,
        db: DatabaseConnection,
        vis: crate::auth::Visibility,
    ) -> DataLoader<Loaders> {
        DataLoader::new(Loaders::new(db, vis), tokio::spawn).delay(self.delay)
    }
}

/// Descriptions of the types async-graphql generates or brings (connections, `ID`, `DateTime`,
/// `JSON`), which no doc comment of ours can reach.
fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    scalars::describe(connection::describe(builder))
}

/// The SDL of the schema (limits do not change it), completed by [`sdl::complete`] so that it
/// declares every directive introspection reports.
pub async fn sdl() -> String {
    let schema = describe(Schema::build(
        QueryRoot::default(),
        mutations::MutationRoot::default(),
        EmptySubscription,
    ))
    .finish();
    sdl::complete(&schema).await
}

/// Who the request runs as (anonymous when the route put nothing in).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a crate::auth::Viewer {
    static ANONYMOUS: crate::auth::Viewer = crate::auth::Viewer::Anonymous;
    ctx.data_opt::<crate::auth::Viewer>().unwrap_or(&ANONYMOUS)
}

/// What the request may see of records under review.
pub fn vis(ctx: &Context<'_>) -> crate::auth::Visibility {
    viewer(ctx).visibility()
}

/// The connection that writes (SQLite's single writer; the same pool on PostgreSQL).
pub fn write_db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &ctx.data_unchecked::<crate::db::Writer>().0
}

/// The database connection of a request (reads).
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Loads one value through the request's DataLoader.
pub async fn load_one<K>(ctx: &Context<'_>, key: K) -> Result<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = DbErr>,
{
    ctx.data_unchecked::<DataLoader<Loaders>>()
        .load_one(key)
        .await
        .map_err(Error::from)
}

/// Loads several keys in one batch, keeping their order and leaving out keys with no value
/// (one await per key would wait for one batching window each).
pub async fn load_many<K>(
    ctx: &Context<'_>,
    keys: impl Iterator<Item = K>,
) -> Result<Vec<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = DbErr>,
{
    let keys: Vec<K> = keys.collect();
    let mut found = ctx
        .data_unchecked::<DataLoader<Loaders>>()
        .load_many(keys.clone())
        .await
        .map_err(Error::from)?;
    Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
}

/// Loads a list through the request's DataLoader (empty when nothing is there).
pub async fn load_list<K, V>(ctx: &Context<'_>, key: K) -> Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Value = Vec<V>, Error = DbErr>,
    V: Send + Sync + Clone + 'static,
{
    Ok(load_one(ctx, key).await?.unwrap_or_default())
}

/// A record by id, if the viewer may see it (batched with the request's other lookups).
pub async fn by_id<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    id: i32,
) -> Result<Option<E::Model>> {
    load_one(ctx, crate::loaders::ById::<E>::new(id)).await
}

/// The records of a one-to-many relation that the viewer may see.
pub async fn children<R: crate::loaders::HasMany>(
    ctx: &Context<'_>,
    parent: i32,
) -> Result<Vec<<R::Child as sea_orm::EntityTrait>::Model>> {
    load_list(ctx, crate::loaders::Children::<R>::new(parent)).await
}

/// The records of a many-to-many relation that the viewer may see.
pub async fn linked<R: crate::loaders::Via>(
    ctx: &Context<'_>,
    parent: i32,
) -> Result<Vec<<R::Child as sea_orm::EntityTrait>::Model>> {
    load_list(ctx, crate::loaders::Linked::<R>::new(parent)).await
}

/// Announces a page of records to the request's [`crate::batch::Batches`], so that a
/// per-record computation (a scorecard, a provision's gaps) runs once for the page.
pub fn announce(ctx: &Context<'_>, kind: crate::batch::Kind, ids: impl IntoIterator<Item = i32>) {
    if let Some(batches) = ctx.data_opt::<crate::batch::Batches>() {
        batches.announce(kind, ids);
    }
}

/// Runs `compute` once for the announced group of `id` (see [`crate::batch::Batches::run`]);
/// without batches in the request (a schema built without the cost extension), for `id` alone.
pub async fn batched<T, F, Fut>(
    ctx: &Context<'_>,
    kind: crate::batch::Kind,
    args: String,
    id: i32,
    compute: F,
) -> Result<std::sync::Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce(std::sync::Arc<[i32]>) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match ctx.data_opt::<crate::batch::Batches>() {
        Some(batches) => batches.run(kind, args, id, compute).await,
        None => Ok(std::sync::Arc::new(
            compute(std::sync::Arc::from([id])).await?,
        )),
    }
}
