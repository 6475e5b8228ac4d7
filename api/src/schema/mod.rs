//! The GraphQL schema: one file per domain, merged into one query root.
//!
//! Names follow the public API contract (docs/ARCHITECTURE.md); the SDL is served at `/schema.graphql` and
//! snapshot-tested (`tests/snapshots/schema.graphql`), so any change to it shows in review.

pub mod cells;
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
use crate::error::Result;
use crate::loaders::Loaders;
use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;

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
    // The routes give each request loaders for its viewer; these serve a request that did not
    // come through them (tests executing the schema directly) as the public.
    let loaders = Loaders::new(db.clone(), crate::auth::Visibility::Public);
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
    .data(loaders)
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

/// The request's relation loaders (the route builds them for the viewer; a request that did not
/// come through the routes reads as the public).
fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The request's batches, if it has them (every request through the cost extension does).
fn batches<'a>(ctx: &Context<'a>) -> Option<&'a crate::batch::Batches> {
    ctx.data_opt::<crate::batch::Batches>()
}

/// The field's place in the response without list indices (`states.nodes.commitments`): where
/// the rows it returns sit, the key of their group in [`crate::batch`]. `skip` leaves out that
/// many innermost fields.
fn place_of(ctx: &Context<'_>, skip: usize) -> String {
    use async_graphql::QueryPathSegment;
    let mut names: Vec<&str> = ctx
        .path_node
        .iter()
        .flat_map(|node| std::iter::once(node).chain(node.parents()))
        .filter_map(|node| match node.segment {
            QueryPathSegment::Name(name) => Some(name),
            QueryPathSegment::Index(_) => None,
        })
        .skip(skip)
        .collect();
    names.reverse();
    names.join(".")
}

/// Where the rows a field returns sit.
pub fn place(ctx: &Context<'_>) -> String {
    place_of(ctx, 0)
}

/// Where the row a field belongs to sits.
fn parent_place(ctx: &Context<'_>) -> String {
    place_of(ctx, 1)
}

/// The place of what the rows at `place` point at through `column` (a foreign key, or a list
/// of ids such as a gap's commitments).
fn pointed_at(place: &str, column: &str) -> String {
    format!("{place}>{column}")
}

/// Announces ids returned together at `place` to the request's batches ([`crate::batch`]).
pub fn announce(ctx: &Context<'_>, place: &str, ids: impl IntoIterator<Item = i32>) {
    if let Some(batches) = batches(ctx) {
        batches.announce(place, ids);
    }
}

/// Announces rows of `E` returned together at `place`, and per foreign key the ids they point
/// at: any field that follows one of them (its relations, its parent, a scorecard) then loads
/// for all of them in one run.
pub fn announce_rows<'m, E: crate::repo::Readable>(
    ctx: &Context<'_>,
    place: &str,
    rows: impl IntoIterator<Item = &'m E::Model>,
) {
    use entity::record::Record;
    let Some(batches) = batches(ctx) else {
        return;
    };
    let mut pointed: std::collections::BTreeMap<&'static str, Vec<i32>> = Default::default();
    let ids: Vec<i32> = rows
        .into_iter()
        .map(|row| {
            for (column, id) in E::parents(row) {
                pointed.entry(column).or_default().push(id);
            }
            row.id()
        })
        .collect();
    batches.announce(place, ids);
    for (column, ids) in pointed {
        batches.announce(&pointed_at(place, column), ids);
    }
}

/// The record of `E` with this id, loaded with every id of its group at `at`, announced at the
/// field's own place. (Fields at different places run apart, even over the same group: each
/// announces what it loaded at its own place, so the statements do not depend on which ran
/// first.)
async fn lookup<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    at: &str,
    id: i32,
) -> Result<Option<E::Model>> {
    let here = place(ctx);
    let what = std::any::type_name::<E>();
    let rows = batched_at(ctx, at, what, here.clone(), id, |group| async move {
        let rows = loaders(ctx).by_ids::<E>(&group).await?;
        announce_rows::<E>(ctx, &here, rows.values());
        Ok(rows)
    })
    .await?;
    Ok(rows.get(&id).cloned())
}

/// The record of `E` a row's foreign key `column` points at, if the viewer may see it: one
/// statement for the rows at the same place.
pub async fn parent<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    column: &'static str,
    id: i32,
) -> Result<Option<E::Model>> {
    lookup::<E>(ctx, &pointed_at(&parent_place(ctx), column), id).await
}

/// The record of `E` that a row this same field loaded points at through `column` (a chain
/// followed inside one resolver, such as a gap's explanation).
pub async fn follow<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    column: &'static str,
    id: i32,
) -> Result<Option<E::Model>> {
    lookup::<E>(ctx, &pointed_at(&place(ctx), column), id).await
}

/// A record by id, if the viewer may see it, when nothing announced it (one statement per
/// distinct id; use [`parent`] or [`by_ids`] where rows come in lists).
pub async fn by_id<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    id: i32,
) -> Result<Option<E::Model>> {
    lookup::<E>(ctx, "", id).await
}

/// The records of `E` a row lists under `key` (a gap's commitments), in the order given,
/// leaving out those the viewer may not see: one statement for the rows at the same place
/// (their lists are announced together by whoever returned the rows, or here).
pub async fn by_ids<E: crate::repo::Readable>(
    ctx: &Context<'_>,
    key: &'static str,
    ids: &[i32],
) -> Result<Vec<E::Model>> {
    let at = pointed_at(&parent_place(ctx), key);
    announce(ctx, &at, ids.iter().copied());
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        found.extend(lookup::<E>(ctx, &at, *id).await?);
    }
    Ok(found)
}

/// Runs `load` for the group of the field's row (`parent`) and announces what it returned at
/// the field's place; the result is the field's own list.
async fn related<C, F, Fut>(
    ctx: &Context<'_>,
    what: &'static str,
    parent: i32,
    load: F,
) -> Result<Vec<C::Model>>
where
    C: crate::repo::Readable,
    F: FnOnce(Arc<[i32]>) -> Fut,
    Fut: std::future::Future<
        Output = std::result::Result<crate::loaders::ByParent<C::Model>, DbErr>,
    >,
{
    let here = place(ctx);
    let all = batched(ctx, what, here.clone(), parent, |group| async move {
        let all = load(group).await?;
        announce_rows::<C>(ctx, &here, all.values().flatten());
        Ok(all)
    })
    .await?;
    Ok(all.get(&parent).cloned().unwrap_or_default())
}

/// The records of a one-to-many relation that the viewer may see: one statement for the rows
/// at the parent's place.
pub async fn children<R: crate::loaders::HasMany>(
    ctx: &Context<'_>,
    parent: i32,
) -> Result<Vec<<R::Child as sea_orm::EntityTrait>::Model>> {
    let what = std::any::type_name::<R>();
    related::<R::Child, _, _>(ctx, what, parent, |group| async move {
        loaders(ctx).children::<R>(&group).await
    })
    .await
}

/// The records of a many-to-many relation that the viewer may see: two statements for the
/// rows at the parent's place.
pub async fn linked<R: crate::loaders::Via>(
    ctx: &Context<'_>,
    parent: i32,
) -> Result<Vec<<R::Child as sea_orm::EntityTrait>::Model>> {
    let what = std::any::type_name::<R>();
    related::<R::Child, _, _>(ctx, what, parent, |group| async move {
        loaders(ctx).linked::<R>(&group).await
    })
    .await
}

/// The sources a record of `kind` cites, primary first, that the viewer may see: two
/// statements for the rows at the record's place.
pub async fn sources_of(
    ctx: &Context<'_>,
    kind: entity::RecordKind,
    id: i32,
) -> Result<Vec<entity::source::Model>> {
    related::<entity::source::Entity, _, _>(ctx, kind.as_str(), id, |group| async move {
        loaders(ctx).sources(kind, &group).await
    })
    .await
}

/// Runs `compute` once for the group of the field's row (see [`crate::batch::Batches::run`]):
/// a page's scorecards or gaps in one engine run. `what` names the computation and `args` every
/// argument that changes its result.
pub async fn batched<T, F, Fut>(
    ctx: &Context<'_>,
    what: &'static str,
    args: String,
    id: i32,
    compute: F,
) -> Result<Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce(Arc<[i32]>) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    batched_at(ctx, &parent_place(ctx), what, args, id, compute).await
}

/// [`batched`] for the group of `id` at `at`; without batches in the request (a schema built
/// without the cost extension), for `id` alone.
async fn batched_at<T, F, Fut>(
    ctx: &Context<'_>,
    at: &str,
    what: &'static str,
    args: String,
    id: i32,
    compute: F,
) -> Result<Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce(Arc<[i32]>) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match batches(ctx) {
        Some(batches) => batches.run(at, what, args, id, compute).await,
        None => Ok(Arc::new(compute(Arc::from([id])).await?)),
    }
}
