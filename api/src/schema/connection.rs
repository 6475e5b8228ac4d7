//! Relay connections with `totalCount`.

use crate::repo::Page;
use crate::schema::ids;
use async_graphql::{
    connection::{Connection, Edge, EmptyFields},
    Context, OutputType, SchemaBuilder, SimpleObject,
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

/// Turns a page of records of `E` into a connection, announcing the page to the request's
/// batches so that the relations of its nodes load for the whole page at once
/// ([`crate::batch`]).
pub fn records_page<E: crate::repo::Readable, N: OutputType>(
    ctx: &Context<'_>,
    page: Page<E::Model>,
    wrap: impl Fn(E::Model) -> N,
) -> Conn<N> {
    let here = super::place(ctx);
    for at in [format!("{here}.nodes"), format!("{here}.edges.node")] {
        super::announce_rows::<E>(ctx, &at, page.items.iter());
    }
    from_page(page, entity::record::Record::id, wrap)
}

/// Describes the connection types, which async-graphql generates without a description (their
/// fields and edge types it describes itself). Applied to the served schema and to the SDL alike.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    use super::{
        commitment::Commitment, evidence::Evidence, forum::Forum, gap::Gap, instrument::Instrument,
        position::Position, provision::Provision, revision::Revision, state::State,
    };
    /// The description of a two-way page of `$noun`.
    macro_rules! page_of {
        ($noun:literal) => {
            concat!(
                "A page of ",
                $noun,
                " (Relay connection): `nodes`, or `edges` with a cursor each, `pageInfo` to ask \
                 for the next or previous page, `totalCount` across all pages."
            )
        };
    }
    builder
        .override_output_type_description::<Conn<State>>(page_of!("states"))
        .override_output_type_description::<Conn<Forum>>(page_of!("forums"))
        .override_output_type_description::<Conn<Instrument>>(page_of!("instruments"))
        .override_output_type_description::<Conn<Provision>>(page_of!("provisions"))
        .override_output_type_description::<Conn<Commitment>>(page_of!("commitments"))
        .override_output_type_description::<Conn<Position>>(page_of!("positions"))
        .override_output_type_description::<Conn<Evidence>>(page_of!("evidence"))
        .override_output_type_description::<Conn<Gap>>(
            "A page of gaps (Relay connection, forward only): `nodes`, or `edges` with a cursor \
             each, `pageInfo` to ask for the next page, `totalCount` across all pages.",
        )
        .override_output_type_description::<Conn<Revision>>(
            "A page of a record's revisions, oldest first (Relay connection): `nodes`, or `edges` \
             with a cursor each, `pageInfo` to page on, `totalCount` across all pages.",
        )
}
