//! Relay connections with `totalCount`.

use crate::repo::Page;
use crate::schema::ids;
use async_graphql::{
    connection::{Connection, Edge, EmptyFields},
    Context, OutputType, SimpleObject,
};

/// Fields every connection has besides edges, nodes and pageInfo.
#[derive(SimpleObject)]
pub struct Totals {
    /// The number of records matching the filter, across all pages.
    pub total_count: i64,
}

/// A cursor connection of `N` nodes.
pub type Conn<N> = Connection<String, N, Totals, EmptyFields>;

/// Whether the query asks for `totalCount` (which costs a COUNT statement).
pub fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Turns a page of models into a connection of GraphQL nodes.
pub fn from_page<M, N: OutputType>(
    page: Page<M>,
    id_of: impl Fn(&M) -> i32,
    wrap: impl Fn(M) -> N,
) -> Conn<N> {
    let mut conn = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        Totals {
            total_count: page.total.unwrap_or(0) as i64,
        },
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|m| Edge::new(ids::cursor(id_of(&m)), wrap(m))),
    );
    conn
}
