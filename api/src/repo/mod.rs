//! Database functions: each domain module turns a GraphQL filter into a sea-orm `Select`, and
//! [`paginate`] turns a `Select` into one page. Resolvers call these and do nothing else.
//!
//! Pagination is keyset pagination on the record id, so pages are stable while records are
//! added, and every connection has the same, documented order: the order in which records
//! entered the registry (the seed files are loaded in order).

pub mod commitments;
pub mod evidence;
pub mod forums;
pub mod gaps;
pub mod instruments;
pub mod positions;
pub mod provisions;
pub mod revisions;
pub mod states;

use crate::auth::Visibility;
use crate::error::{Error, Result};
use crate::schema::ids;
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// Default and maximum page sizes (DESIGN.md: 20 and 100).
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
            after: after.map(|c| ids::decode_cursor("after", &c)).transpose()?,
            before: before
                .map(|c| ids::decode_cursor("before", &c))
                .transpose()?,
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

/// `column IN (SELECT id FROM table WHERE key IN keys)`: filters by public keys (state codes,
/// slugs) without a join, in one statement.
pub fn id_in_keys<C, E, K>(
    column: C,
    entity: E,
    id: K,
    key: K,
    keys: Vec<String>,
) -> sea_orm::sea_query::SimpleExpr
where
    C: ColumnTrait,
    E: EntityTrait,
    K: ColumnTrait,
{
    column.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(id)
            .from(entity)
            .and_where(key.is_in(keys))
            .to_owned(),
    )
}

/// Upper-cased state codes (ISO alpha-3 lookups are case-insensitive).
pub fn upper(codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| c.trim().to_uppercase()).collect()
}

/// Lower-cased slugs and provision codes.
pub fn lower(keys: &[String]) -> Vec<String> {
    keys.iter().map(|c| c.trim().to_lowercase()).collect()
}

/// The records a viewer may see: published ones; for a contributor also its own drafts; for
/// editors everything (drafts and retractions included).
pub fn visible<C: ColumnTrait>(vis: Visibility, status: C, created_by: C) -> Condition {
    use entity::PublicationStatus;
    match vis {
        Visibility::All => Condition::all(),
        Visibility::Public => Condition::all().add(status.eq(PublicationStatus::Published)),
        Visibility::OwnDrafts(uid) => Condition::any()
            .add(status.eq(PublicationStatus::Published))
            .add(
                Condition::all()
                    .add(status.eq(PublicationStatus::Draft))
                    .add(created_by.eq(uid)),
            ),
    }
}
