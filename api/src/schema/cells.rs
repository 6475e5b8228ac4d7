//! The cells of a gap matrix, resolved in one pass.
//!
//! A matrix of every state against every provision has over a hundred thousand cells. Resolved
//! as a list of objects, each cell's each field is a future of its own that passes through every
//! schema extension: at 125,000 cells the server spent about a second per answer there, after
//! the matrix itself was computed or taken from the kept answers. A cell's fields are plain
//! values, so [`Cells`] writes them directly: it reads which fields the query selected, under
//! which names, once, and builds each cell's object from that.
//!
//! It does so only for a plain selection: fields of `GapCell` (aliased or not) and `__typename`,
//! with no directive and no fragment. Anything else (`@include`, `@skip`, a fragment spread, an
//! inline fragment) is resolved by async-graphql as any list is, so the answer never depends on
//! which path ran; `tests/api/gaps.rs` compares the two on the bundled data.

use super::gap::GapCell;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{enum_value, EnumType};
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use std::borrow::Cow;

/// The cells of a matrix, row by row; in the schema, `[GapCell!]!`.
#[derive(Clone)]
pub struct Cells(pub Vec<GapCell>);

impl OutputType for Cells {
    fn type_name() -> Cow<'static, str> {
        <Vec<GapCell> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<GapCell> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<GapCell> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match Plan::of(&field.node) {
            Some(mut plan) => Ok(Value::List(
                self.0.iter().map(|cell| plan.render(cell)).collect(),
            )),
            None => OutputType::resolve(&self.0, ctx, field).await,
        }
    }
}

/// A field of `GapCell`.
#[derive(Clone, Copy)]
enum Part {
    State,
    Provision,
    Status,
    Contradicting,
    PartiallyContradicting,
    Supporting,
    Confidence,
    Attribution,
    Typename,
}

impl Part {
    /// The part a selected field names; `None` for a name this fast path does not know (a
    /// field added to `GapCell` later takes the general path until it is added here).
    fn named(name: &str) -> Option<Part> {
        Some(match name {
            "state" => Part::State,
            "provision" => Part::Provision,
            "status" => Part::Status,
            "contradicting" => Part::Contradicting,
            "partiallyContradicting" => Part::PartiallyContradicting,
            "supporting" => Part::Supporting,
            "confidence" => Part::Confidence,
            "attribution" => Part::Attribution,
            "__typename" => Part::Typename,
            _ => return None,
        })
    }
}

/// What each cell's object holds: the response keys in query order, each with its part.
struct Plan {
    keys: Vec<(Name, Part)>,
    enums: Enums,
}

impl Plan {
    /// The plan for a plain selection, `None` for any other.
    fn of(field: &Field) -> Option<Plan> {
        let mut keys: Vec<(Name, Part)> = Vec::new();
        for selection in &field.selection_set.node.items {
            let Selection::Field(f) = &selection.node else {
                return None;
            };
            let f = &f.node;
            if !f.directives.is_empty() || !f.arguments.is_empty() {
                return None;
            }
            let part = Part::named(f.name.node.as_str())?;
            let key = f.alias.as_ref().unwrap_or(&f.name).node.clone();
            // The same response key twice is one field (the query was validated as such).
            if !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, part));
            }
        }
        Some(Plan {
            keys,
            enums: Enums::default(),
        })
    }

    fn render(&mut self, cell: &GapCell) -> Value {
        let Plan { keys, enums } = self;
        let mut object = IndexMap::with_capacity(keys.len());
        for (key, part) in keys.iter() {
            let value = match part {
                Part::State => Value::String(cell.state.clone()),
                Part::Provision => Value::String(cell.provision.clone()),
                Part::Status => enums.value(0, Some(cell.status)),
                Part::Contradicting => Value::from(cell.contradicting),
                Part::PartiallyContradicting => Value::from(cell.partially_contradicting),
                Part::Supporting => Value::from(cell.supporting),
                Part::Confidence => enums.value(1, cell.confidence),
                Part::Attribution => enums.value(2, cell.attribution),
                Part::Typename => Value::String("GapCell".into()),
            };
            object.insert(key.clone(), value);
        }
        Value::Object(object)
    }
}

/// The enum values made so far, by (which enum, which variant): each is made once per answer,
/// not once per cell.
#[derive(Default)]
struct Enums(Vec<(u8, usize, Value)>);

impl Enums {
    /// The GraphQL value of `value`, an enum of kind `kind`; null when absent.
    fn value<T: EnumType>(&mut self, kind: u8, value: Option<T>) -> Value {
        let Some(v) = value else {
            return Value::Null;
        };
        let Some(index) = T::items().iter().position(|item| item.value == v) else {
            return enum_value(v);
        };
        if let Some((_, _, made)) = self.0.iter().find(|(k, i, _)| *k == kind && *i == index) {
            return made.clone();
        }
        let made = enum_value(v);
        self.0.push((kind, index, made.clone()));
        made
    }
}
