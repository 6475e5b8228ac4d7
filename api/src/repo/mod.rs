//! The read path: every database read of the API. Each domain module turns a plain filter
//! type (the GraphQL inputs convert into it) into a sea-orm `Select`, and [`paginate`] turns a
//! `Select` into one page. Resolvers call these and do nothing else. Every function takes the
//! reader's [`Visibility`] as a required argument and applies [`Readable::visible`]: there is no
//! way to list, count, look up or filter records without saying whose view it is. Nothing in
//! this module imports the GraphQL layer.
//!
//! Pagination is keyset pagination on the record id, so pages are stable while records are
//! added, and every connection has the same, documented order: the order in which records
//! entered the registry (the seed files are loaded in order).

pub mod commitments;
pub mod datasets;
pub mod evidence;
pub mod forums;
pub mod gaps;
pub mod instruments;
pub mod positions;
pub mod provisions;
pub mod records;
pub mod registry;
pub mod revisions;
pub mod shape;
pub mod states;
pub mod users;

pub use entity::visibility::{visible_ids, Readable};

use crate::auth::Visibility;
use crate::error::{Error, Result};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// `column = ANY($1)` with the ids bound as one array on PostgreSQL, `column IN (...)` on
/// SQLite. With `IN`, the statement's text changes with the number of ids, so PostgreSQL
/// parses and plans it again for every new length (a page of 17 parents, then one of 20); with
/// an array the text is fixed and each connection prepares it once.
pub fn among<C: ColumnTrait>(
    db: &impl sea_orm::ConnectionTrait,
    column: C,
    ids: &[i32],
) -> sea_orm::sea_query::SimpleExpr {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            column
                .into_expr()
                .eq(sea_orm::sea_query::extension::postgres::PgFunc::any(
                    Expr::val(ids.to_vec()),
                ))
        }
        _ => column.is_in(ids.iter().copied()),
    }
}

/// Default and maximum page sizes (the API contract: 20 and 100).
pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// Validated pagination arguments.
#[derive(Debug, Clone, Copy)]
pub struct PageArgs {
    pub after: Option<i32>,
    pub before: Option<i32>,
    /// Page size.
    pub limit: u64,
    /// Paging backwards (`last`/`before`).
    pub backwards: bool,
}

impl PageArgs {
    /// Checks the Relay arguments and names the offending one on error.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Self> {
        if first.is_some() && last.is_some() {
            return Err(Error::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        let check = |name: &str, n: i32| -> Result<u64> {
            if n < 0 {
                Err(Error::bad_input(
                    name,
                    format!("`{name}` must not be negative"),
                ))
            } else if n > MAX_PAGE_SIZE {
                Err(Error::bad_input(
                    name,
                    format!("`{name}` may not exceed {MAX_PAGE_SIZE} (asked for {n})"),
                ))
            } else {
                Ok(n as u64)
            }
        };
        let (limit, backwards) = match (first, last) {
            (_, Some(l)) => (check("last", l)?, true),
            (Some(f), None) => (check("first", f)?, false),
            (None, None) => (
                DEFAULT_PAGE_SIZE as u64,
                before.is_some() && after.is_none(),
            ),
        };
        Ok(PageArgs {
            after: after.map(|c| decode_cursor("after", &c)).transpose()?,
            before: before.map(|c| decode_cursor("before", &c)).transpose()?,
            limit,
            backwards,
        })
    }
}

/// One page of records with what `pageInfo` and `totalCount` need.
pub struct Page<M> {
    pub items: Vec<M>,
    pub has_previous: bool,
    pub has_next: bool,
    pub total: Option<u64>,
}

/// Reads one page of `select`, ordered by `id`. Counts the whole filtered set only when asked
/// (`totalCount` costs a second statement).
pub async fn paginate<E, C>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: C,
    args: PageArgs,
    want_total: bool,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    C: ColumnTrait,
    E::Model: Send + Sync,
{
    let total = if want_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    let mut q = select;
    if let Some(a) = args.after {
        q = q.filter(id.gt(a));
    }
    if let Some(b) = args.before {
        q = q.filter(id.lt(b));
    }
    let q = if args.backwards {
        q.order_by_desc(id)
    } else {
        q.order_by_asc(id)
    };
    let mut items = q.limit(args.limit + 1).all(db).await?;
    let more = items.len() as u64 > args.limit;
    items.truncate(args.limit as usize);
    if args.backwards {
        items.reverse();
    }
    let (has_previous, has_next) = if args.backwards {
        (more, args.before.is_some())
    } else {
        (args.after.is_some(), more)
    };
    Ok(Page {
        items,
        has_previous,
        has_next,
        total,
    })
}

/// A case-insensitive substring match of `search` on any of `columns`, the same on PostgreSQL
/// and SQLite (LIKE is case-sensitive on one and not the other, so both sides are lowered).
pub fn search<C: ColumnTrait>(columns: &[C], search: &str) -> Condition {
    let escaped = search
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    columns.iter().fold(Condition::any(), |cond, c| {
        cond.add(
            Expr::expr(Func::lower(Expr::col(c.as_column_ref())))
                .like(LikeExpr::new(pattern.clone()).escape('\\')),
        )
    })
}

/// `column IN (SELECT id FROM E WHERE key IN keys AND <visible>)`: filters by public keys
/// (state codes, slugs) without a join, in one statement, and only through records the reader
/// may see (a filter naming a draft matches nothing for the public).
pub fn id_in_keys<C, E>(
    column: C,
    key: E::Column,
    keys: Vec<String>,
    vis: Visibility,
) -> sea_orm::sea_query::SimpleExpr
where
    C: ColumnTrait,
    E: Readable,
{
    column.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(E::id_column())
            .from(E::default())
            .and_where(key.is_in(keys))
            .cond_where(E::visible(vis))
            .to_owned(),
    )
}

/// Upper-cased state codes (ISO alpha-3 lookups are case-insensitive).
/// Narrows `q` to records whose `updated_at` is at or after `since` (every list's
/// `updatedSince`): what a mirror re-reads after its last sync. Retractions leave the lists, so a
/// mirror learns of them from the change feed ([`revisions::changes`]).
pub fn changed_since<E: EntityTrait>(
    q: Select<E>,
    column: impl ColumnTrait,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> Select<E> {
    match since {
        Some(since) => q.filter(column.gte(since)),
        None => q,
    }
}

pub fn upper(codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| c.trim().to_uppercase()).collect()
}

/// Lower-cased slugs and provision codes.
pub fn lower(keys: &[String]) -> Vec<String> {
    keys.iter().map(|c| c.trim().to_lowercase()).collect()
}

/// Encodes a keyset cursor (the record id the page position is after).
pub fn cursor(id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("c:{id}"))
}

/// Decodes a cursor; `field` is `after` or `before`.
pub fn decode_cursor(field: &str, cursor: &str) -> Result<i32> {
    let bad = || Error::bad_input(field, format!("`{cursor}` is not a valid cursor"));
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("c:")
        .and_then(|n| n.parse().ok())
        .filter(|n: &i32| *n > 0)
        .ok_or_else(bad)
}
