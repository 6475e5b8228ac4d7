//! What a request costs, computed from its document before anything runs.
//!
//! One point is about one value resolved. A field costs 1 plus what it selects; a field that
//! returns many values multiplies what it selects by how many it can return:
//!
//! - a connection (`states`, `history` ...) by its page size, `first` or `last` (default 20),
//!   for `nodes` and `edges`; `totalCount` and `pageInfo` are charged once;
//! - `nodes(ids:)` by the number of ids;
//! - a relation list (`Forum.memberships`, `State.evidence`, `sources` ...) by the largest
//!   number of children any parent has in the registry now ([`Shape`], measured from the data
//!   and refreshed after writes), so a list that grows with the data costs more as it grows;
//! - the gap engine (`gaps`, `gapMatrix`, `scorecard`, `State.scorecard`, `Provision.gaps`,
//!   `positionsAcrossForums`, `inconsistencies`) also by the scope it evaluates: one point per
//!   [`CELLS_PER_POINT`] state-provision cells plus [`ENGINE_RUN`] per run, whether or not the
//!   cells are selected. `State.scorecard` and `Provision.gaps` under a page that announces its
//!   records ([`ANNOUNCED`]) run once for the page ([`crate::batch`]): each record pays its
//!   cells and its share of one run.
//!
//! Fields of introspection types (`__schema`, `__type`) cost 1 each: their lists are small and
//! fixed. A gap-matrix cell costs 1 whatever it selects: its fields are computed together. Fragments are costed once per name and shape, so a document cannot make the walk
//! itself expensive; the arithmetic saturates instead of overflowing.
//!
//! The rule for each list field is [`list_bound`]; a test walks the introspected schema and
//! fails for any list field without a rule, so a field added later cannot escape the model.

use crate::repo::shape::Shape;
use crate::repo::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationType, Selection, SelectionSet, VariableDefinition,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// Gap-engine cells evaluated per point (calibrated in docs/benchmarks.md: evaluating a cell
/// costs about what resolving a few fields does).
pub const CELLS_PER_POINT: u64 = 4;
/// Points per run of the gap engine, for the statements that load its inputs and the rules:
/// a run for one state (a scorecard) takes about as long as resolving 500 values.
pub const ENGINE_RUN: u64 = 500;
/// Points for `datasets`, whose figures are counted over every record at each request.
pub const DATASETS_RUN: u64 = 100;
/// Entries of the scorecard's `mostContradicted` list.
pub const MOST_CONTRADICTED: u64 = 5;

/// The multiplier of a list field, or `None` when the model has no rule for it (a test keeps
/// that from happening; at run time such a list is charged [`MAX_PAGE_SIZE`]).
pub fn list_bound(
    parent: &str,
    field: &str,
    shape: &Shape,
    registry: &Registry,
    scope: &Scope,
) -> Option<u64> {
    let enum_len = |name: &str| match registry.types.get(name) {
        Some(MetaType::Enum { enum_values, .. }) => enum_values.len() as u64,
        _ => 0,
    };
    let provision_type = matches!(
        parent,
        "Provision" | "Norm" | "ConfidenceBuildingMeasure" | "HumanRightsObligation"
    );
    Some(match (parent, field) {
        (p, _) if p.starts_with("__") => 1,
        (_, "sources") => shape.sources_per_record,
        (_, "links") | (_, "linkedRights") => shape.links_per_provision,
        (_, "gaps") if provision_type => shape.states,
        ("State", "memberships") => shape.memberships_per_state,
        ("State", "commitments") => shape.commitments_per_state,
        ("State", "positions") => shape.positions_per_state,
        ("State", "evidence") => shape.evidence_per_state,
        ("Forum", "memberships") => shape.memberships_per_forum,
        ("Forum", "instruments") => shape.instruments_per_forum,
        ("Forum", "children") => shape.children_per_forum,
        ("Instrument", "provisions") => shape.provisions_per_instrument,
        ("Instrument", "commitments") => shape.commitments_per_instrument,
        ("Commitment", "reservations") => shape.reservations_per_commitment,
        ("Evidence", "responsibleStates") => shape.states_per_evidence,
        ("Evidence", "assessments") => shape.assessments_per_evidence,
        ("Gap", "commitments") => shape.commitments_per_state,
        ("Gap", "contradicting" | "partiallyContradicting" | "supporting" | "context") => {
            shape.assessments_per_gap
        }
        ("ForumPositions", "commitments") => shape.commitments_per_state,
        ("ForumPositions", "positions") => shape.positions_per_state,
        ("GapMatrix", "states") => scope.states,
        ("GapMatrix", "provisions") => scope.provisions,
        ("GapMatrix", "cells") => scope.states.saturating_mul(scope.provisions),
        ("Scorecard", "counts") | ("KindCounts", "counts") => enum_len("GapStatus"),
        ("Scorecard", "byKind") => enum_len("ProvisionKind"),
        ("Scorecard", "mostContradicted") => MOST_CONTRADICTED,
        // One entry per decided status (3) x confidence x attribution at most.
        ("Scorecard", "strength") => 3 * enum_len("Confidence") * enum_len("AttributionStatus"),
        ("QueryRoot", "positionsAcrossForums") => shape.forums.saturating_add(1),
        ("QueryRoot", "inconsistencies") => scope.states, // set to the bound by `engine_scope`
        ("QueryRoot", "nodes") => scope.list_arg,
        ("QueryRoot", "datasets") => shape.datasets,
        _ => return None,
    })
}

/// What the parent field fixed for the fields below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Page size of the connection being walked.
    pub page: u64,
    /// States and provisions of the gap matrix being walked.
    pub states: u64,
    pub provisions: u64,
    /// Length of the field's list argument (`nodes(ids:)`).
    pub list_arg: u64,
    /// How many records come with the one being walked in a page or list that announces them
    /// ([`ANNOUNCED`]): its batched engine fields run once for all of them, so each pays a share
    /// of the run.
    pub siblings: u64,
}

/// The lists under which the cost model counts `State.scorecard` and `Provision.gaps` as one
/// engine run per page ([`crate::batch`]). Every list announces its rows, so the engine runs
/// once per page under any list; counting only these keeps the estimate on the safe side.
pub const ANNOUNCED: &[(&str, &str)] = &[
    ("QueryRoot", "states"),
    ("QueryRoot", "provisions"),
    ("Instrument", "provisions"),
];

fn announced(parent: &str, field: &str) -> bool {
    ANNOUNCED.contains(&(parent, field))
}

/// The shape the cost model uses now. It is measured over what the public sees, so it changes
/// only when the registry's data version does: after a committed write of this process
/// ([`ShapeCache::refresh`]) and every [`REFRESH_EVERY`] ([`ShapeCache::refresh_forever`], for
/// writes of another process), the version is read (one primary-key read) and the shape is
/// re-measured only if the version moved.
#[derive(Debug)]
pub struct ShapeCache {
    current: RwLock<Arc<Shape>>,
    /// The data version the shape was measured at (-1: unknown).
    measured_at: std::sync::atomic::AtomicI64,
    /// Held while a measurement runs: one at a time per process (at registry scale one takes
    /// seconds of full-table counts, and a second one at the same time would measure the same).
    measuring: tokio::sync::Mutex<()>,
    /// Set when a refresh was asked for while a measurement ran: that measurement then looks
    /// at the data version once more when it ends, so a write landing during a measurement is
    /// never left unmeasured until the next periodic look.
    again: std::sync::atomic::AtomicBool,
    /// When the last measurement ended and how long it took, for [`SLOW_MEASUREMENT`].
    last: std::sync::Mutex<Option<(std::time::Instant, std::time::Duration)>>,
}

/// A measurement that took longer than this is not repeated until ten times its duration has
/// passed, so that at registry scale (seconds of full-table counts) re-measuring takes at most
/// a tenth of the database's time however often the data changes. A shape a few seconds old
/// only means a cost a little off for lists that grew meanwhile; on small registries
/// measurements take milliseconds and every write is measured at once.
pub const SLOW_MEASUREMENT: std::time::Duration = std::time::Duration::from_secs(1);

impl Default for ShapeCache {
    fn default() -> Self {
        Self::new(Shape::default())
    }
}

/// How often another process's writes are looked for (a read of the data version).
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl ShapeCache {
    pub fn new(shape: Shape) -> Self {
        Self {
            current: RwLock::new(Arc::new(shape)),
            measured_at: std::sync::atomic::AtomicI64::new(-1),
            measuring: tokio::sync::Mutex::new(()),
            again: std::sync::atomic::AtomicBool::new(false),
            last: std::sync::Mutex::new(None),
        }
    }

    /// The shape measured last.
    pub fn get(&self) -> Arc<Shape> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn set(&self, shape: Shape) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(shape);
    }

    /// Re-measures if the data version moved since the last measurement (after a committed
    /// write, so that the writer's next query is charged by the new shape). The version is
    /// read before measuring: a write landing during the measurement moves it again, and the
    /// next refresh measures anew. A failure keeps the last shape and is logged.
    pub async fn refresh(&self, db: &sea_orm::DatabaseConnection) {
        use std::sync::atomic::Ordering;
        // Another measurement is running: it will look at the data version again when it ends.
        let Ok(_measuring) = self.measuring.try_lock() else {
            self.again.store(true, Ordering::SeqCst);
            return;
        };
        loop {
            self.again.store(false, Ordering::SeqCst);
            self.measure_if_moved(db).await;
            if !self.again.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// One look at the data version, and a measurement if it moved (see [`Self::refresh`]).
    async fn measure_if_moved(&self, db: &sea_orm::DatabaseConnection) {
        use std::sync::atomic::Ordering;
        let last = *self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((ended, took)) = last {
            if took > SLOW_MEASUREMENT && ended.elapsed() < took * 10 {
                return;
            }
        }
        let version = match crate::repo::registry::current(db).await {
            Ok(r) => r.data_version,
            Err(e) => {
                tracing::warn!(error = %e.message(), "could not read the data version");
                return;
            }
        };
        if self.measured_at.load(Ordering::SeqCst) == version {
            return;
        }
        let started = std::time::Instant::now();
        let measured = crate::repo::shape::measure(db).await;
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), started.elapsed()));
        match measured {
            Ok(shape) => {
                self.set(shape);
                self.measured_at.store(version, Ordering::SeqCst);
            }
            Err(e) => tracing::warn!(
                error = %e.message(),
                "could not re-measure the registry for the cost model"
            ),
        }
    }

    /// After a committed write: re-measures in a task of its own and returns at once. The
    /// write's answer never waits for it (it used to wait up to a second, which held
    /// acknowledged writes behind a measurement and behind a database going away after the
    /// commit); on the bundled data the measurement ends within milliseconds, so the writer's
    /// next query is usually charged by the new shape, and at worst by one a moment old.
    pub fn refresh_after_write(self: &Arc<Self>, db: &sea_orm::DatabaseConnection) {
        let me = Arc::clone(self);
        let db = db.clone();
        tokio::spawn(async move { me.refresh(&db).await });
    }

    /// Looks for a new data version every [`REFRESH_EVERY`] until the process ends.
    pub async fn refresh_forever(self: Arc<Self>, db: sea_orm::DatabaseConnection) {
        loop {
            tokio::time::sleep(REFRESH_EVERY).await;
            self.refresh(&db).await;
        }
    }
}

/// The cost of the most expensive operation of `doc` (only one of them can run).
pub fn estimate(
    doc: &ExecutableDocument,
    variables: &Variables,
    registry: &Registry,
    shape: &Shape,
) -> u64 {
    doc.operations
        .iter()
        .map(|(_, op)| {
            let root = match op.node.ty {
                OperationType::Query => Some(registry.query_type.as_str()),
                OperationType::Mutation => registry.mutation_type.as_deref(),
                OperationType::Subscription => registry.subscription_type.as_deref(),
            };
            let mut walk = Walk {
                doc,
                variables,
                defaults: &op.node.variable_definitions,
                registry,
                shape,
                memo: HashMap::new(),
                visiting: HashSet::new(),
            };
            root.map_or(0, |root| {
                walk.set(&op.node.selection_set, root, Scope::default())
            })
        })
        .max()
        .unwrap_or(0)
}

/// The deepest selection of `doc` (fields nested in fields, through fragments), computed
/// with one visit per fragment so that it stays cheap for any document.
pub fn depth(doc: &ExecutableDocument) -> usize {
    fn set<'a>(
        doc: &'a ExecutableDocument,
        set_: &'a Positioned<SelectionSet>,
        memo: &mut HashMap<&'a str, usize>,
        visiting: &mut HashSet<&'a str>,
    ) -> usize {
        let mut deepest = 0;
        for item in &set_.node.items {
            let d = match &item.node {
                Selection::Field(f) if f.node.selection_set.node.items.is_empty() => 1,
                Selection::Field(f) => 1 + set(doc, &f.node.selection_set, memo, visiting),
                Selection::InlineFragment(f) => set(doc, &f.node.selection_set, memo, visiting),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    match (memo.get(name), doc.fragments.get(name)) {
                        (Some(&d), _) => d,
                        (None, Some(fragment)) if visiting.insert(name) => {
                            let d = set(doc, &fragment.node.selection_set, memo, visiting);
                            visiting.remove(name);
                            memo.insert(name, d);
                            d
                        }
                        _ => 0,
                    }
                }
            };
            deepest = deepest.max(d);
        }
        deepest
    }
    let mut memo = HashMap::new();
    let mut visiting = HashSet::new();
    doc.operations
        .iter()
        .map(|(_, op)| set(doc, &op.node.selection_set, &mut memo, &mut visiting))
        .max()
        .unwrap_or(0)
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    defaults: &'a [Positioned<VariableDefinition>],
    registry: &'a Registry,
    shape: &'a Shape,
    memo: HashMap<(&'a str, &'a str, Scope), u64>,
    visiting: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a Positioned<SelectionSet>, ty: &'a str, scope: Scope) -> u64 {
        let mut total = 0u64;
        for item in &set.node.items {
            let cost = match &item.node {
                Selection::Field(f) => self.field(&f.node, ty, scope),
                Selection::InlineFragment(f) => {
                    let on = f
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(ty, |c| c.node.on.node.as_str());
                    self.set(&f.node.selection_set, on, scope)
                }
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    self.fragment(name, scope)
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }

    fn fragment(&mut self, name: &'a str, scope: Scope) -> u64 {
        let Some(fragment) = self.doc.fragments.get(name) else {
            return 0;
        };
        let on = fragment.node.type_condition.node.on.node.as_str();
        if let Some(&cost) = self.memo.get(&(name, on, scope)) {
            return cost;
        }
        if !self.visiting.insert(name) {
            return 0; // a cycle: validation refuses the document anyway
        }
        let cost = self.set(&fragment.node.selection_set, on, scope);
        self.visiting.remove(name);
        self.memo.insert((name, on, scope), cost);
        cost
    }

    fn field(&mut self, f: &'a Field, parent: &'a str, scope: Scope) -> u64 {
        let name = f.name.node.as_str();
        let meta = self
            .registry
            .types
            .get(parent)
            .and_then(|t| t.fields())
            .and_then(|fields| fields.get(name));
        let Some(meta) = meta else {
            return 1; // `__typename`, or an unknown field validation will refuse
        };
        let child = MetaTypeName::concrete_typename(&meta.ty);
        let is_list = MetaTypeName::create(&meta.ty).is_list();

        // A connection: its page size multiplies `nodes` and `edges` below it.
        if child.ends_with("Connection") && !parent.starts_with("__") {
            let (own, inner) = self.engine_scope(parent, name, f, scope);
            // A page holds at most what the scope has (`gaps` of one state and provision).
            let page = match inner.page {
                0 => self.page_size(f),
                most => self.page_size(f).min(most),
            };
            let siblings = if announced(parent, name) { page } else { 0 };
            let inner = Scope {
                page,
                siblings,
                ..inner
            };
            return 1u64.saturating_add(own).saturating_add(self.set(
                &f.selection_set,
                child,
                inner,
            ));
        }
        if parent.ends_with("Connection") && matches!(name, "nodes" | "edges") {
            let below = Scope {
                siblings: scope.siblings,
                ..Scope::default()
            };
            let each = self.set(&f.selection_set, child, below);
            return 1u64.saturating_add(scope.page.saturating_mul(each));
        }
        if parent.ends_with("Edge") && name == "node" {
            let below = Scope {
                siblings: scope.siblings,
                ..Scope::default()
            };
            return 1u64.saturating_add(self.set(&f.selection_set, child, below));
        }

        if parent == "GapCell" {
            return 0; // the cell itself is charged, see the module documentation
        }
        let (own, inner) = self.engine_scope(parent, name, f, scope);
        let inner = if parent == "GapMatrix" { scope } else { inner };
        let times = if is_list {
            let with_arg = Scope {
                list_arg: self.list_arg_len(f),
                ..inner
            };
            list_bound(parent, name, self.shape, self.registry, &with_arg)
                .unwrap_or(MAX_PAGE_SIZE as u64)
        } else {
            1
        };
        let inner = if announced(parent, name) {
            Scope {
                siblings: times,
                ..inner
            }
        } else {
            inner
        };
        let each = self.set(&f.selection_set, child, inner);
        1u64.saturating_add(own)
            .saturating_add(times.saturating_mul(each.max(u64::from(is_list))))
    }

    /// What the gap engine evaluates for this field (points), and the scope it sets below.
    /// `scope` is the parent's: a batched field (`State.scorecard`, `Provision.gaps`) pays
    /// its share of one run among `scope.siblings`.
    fn engine_scope(&self, parent: &str, name: &str, f: &Field, scope: Scope) -> (u64, Scope) {
        let shape = self.shape;
        let cells = |states: u64, provisions: u64| {
            ENGINE_RUN.saturating_add(states.saturating_mul(provisions) / CELLS_PER_POINT)
        };
        let shared_run = |states: u64, provisions: u64| {
            ENGINE_RUN
                .div_ceil(scope.siblings.max(1))
                .saturating_add(states.saturating_mul(provisions).div_ceil(CELLS_PER_POINT))
        };
        let provisions_of = |kinds: Option<u64>| kinds.unwrap_or(shape.provisions());
        match (parent, name) {
            ("QueryRoot", "gapMatrix") => {
                let states = self.list_len(f, "states").unwrap_or(shape.states);
                let provisions =
                    provisions_of(self.kinds_total(f.get_argument("kinds").map(|v| &v.node)));
                let scope = Scope {
                    states,
                    provisions,
                    ..Scope::default()
                };
                (cells(states, provisions), scope)
            }
            ("QueryRoot", "gaps") => {
                let filter = f.get_argument("filter").map(|v| &v.node);
                let field_of = |key: &str| filter.and_then(|v| self.object_field(v, key));
                let states = field_of("states")
                    .and_then(|v| self.value_len(v))
                    .unwrap_or(shape.states);
                let provisions = field_of("provisions")
                    .and_then(|v| self.value_len(v))
                    .unwrap_or_else(|| provisions_of(self.kinds_total(field_of("kinds"))));
                let scope = Scope {
                    page: states.saturating_mul(provisions),
                    ..Scope::default()
                };
                (cells(states, provisions), scope)
            }
            ("QueryRoot", "scorecard") => (cells(1, shape.provisions()), Scope::default()),
            ("State", "scorecard") => (shared_run(1, shape.provisions()), Scope::default()),
            (
                "Provision" | "Norm" | "ConfidenceBuildingMeasure" | "HumanRightsObligation",
                "gaps",
            ) => (shared_run(shape.states, 1), Scope::default()),
            ("QueryRoot", "positionsAcrossForums") => (
                shape
                    .commitments_per_state
                    .saturating_add(shape.positions_per_state),
                Scope::default(),
            ),
            ("QueryRoot", "inconsistencies") => {
                let states = if f.get_argument("state").is_some() {
                    1
                } else {
                    shape.states
                };
                let found = if states == 1 {
                    shape.inconsistencies_per_state
                } else {
                    shape.inconsistencies
                };
                let stances = shape
                    .commitments_per_state
                    .saturating_add(shape.positions_per_state);
                (
                    cells(states, stances),
                    Scope {
                        states: found,
                        ..Scope::default()
                    },
                )
            }
            // One counting statement over every record of every list.
            ("QueryRoot", "datasets") => (DATASETS_RUN, Scope::default()),
            _ => (0, Scope::default()),
        }
    }

    /// `first` or `last` of a connection field, within 0..=100 (default 20).
    fn page_size(&self, f: &Field) -> u64 {
        let arg = |n: &str| f.get_argument(n).and_then(|v| self.resolve_int(&v.node));
        let n = arg("first")
            .or_else(|| arg("last"))
            .unwrap_or(i64::from(DEFAULT_PAGE_SIZE));
        n.clamp(0, i64::from(MAX_PAGE_SIZE)) as u64
    }

    fn list_arg_len(&self, f: &Field) -> u64 {
        f.arguments
            .first()
            .and_then(|(_, v)| self.value_len(&v.node))
            .unwrap_or(0)
    }

    fn list_len(&self, f: &Field, arg: &str) -> Option<u64> {
        f.get_argument(arg).and_then(|v| self.value_len(&v.node))
    }

    /// Provisions of the kinds a `kinds` argument names (None: no argument, all kinds).
    fn kinds_total(&self, kinds: Option<&Value>) -> Option<u64> {
        let value = self.resolve(kinds?)?;
        let names: Vec<String> = match value {
            ConstValue::List(items) => items
                .into_iter()
                .filter_map(|v| match v {
                    ConstValue::Enum(n) => Some(n.to_string()),
                    ConstValue::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            ConstValue::Enum(n) => vec![n.to_string()],
            ConstValue::Null => return None,
            _ => vec![],
        };
        let index = |n: &str| match n {
            "NORM" => Some(0),
            "CONFIDENCE_BUILDING_MEASURE" => Some(1),
            "HUMAN_RIGHTS_OBLIGATION" => Some(2),
            _ => None,
        };
        let mut seen = [false; 3];
        for n in &names {
            if let Some(i) = index(n) {
                seen[i] = true;
            }
        }
        Some(
            seen.iter()
                .zip(self.shape.provisions_by_kind)
                .filter(|(s, _)| **s)
                .map(|(_, n)| n)
                .sum(),
        )
    }

    fn object_field<'v>(&self, v: &'v Value, key: &str) -> Option<&'v Value> {
        match v {
            Value::Object(map) => map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The length of a list value (a single value counts 1, null or absent None).
    fn value_len(&self, v: &Value) -> Option<u64> {
        match self.resolve(v)? {
            ConstValue::List(items) => Some(items.len() as u64),
            ConstValue::Null => None,
            _ => Some(1),
        }
    }

    fn resolve_int(&self, v: &Value) -> Option<i64> {
        match self.resolve(v)? {
            ConstValue::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A value with its variables filled in (from the request, else the declared default).
    fn resolve(&self, v: &Value) -> Option<ConstValue> {
        v.clone()
            .into_const_with(|name| {
                self.variables
                    .get(&name)
                    .cloned()
                    .or_else(|| {
                        self.defaults
                            .iter()
                            .find(|d| d.node.name.node == name)
                            .and_then(|d| d.node.default_value.as_ref())
                            .map(|d| d.node.clone())
                    })
                    .ok_or(())
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
    };
    use std::sync::Mutex;

    /// Collects, from the real schema's registry, every list field the cost model has no rule
    /// for (connections' `nodes`/`edges` are priced by their connection).
    struct Audit(Arc<Mutex<Vec<String>>>);
    struct AuditRun(Arc<Mutex<Vec<String>>>);

    impl ExtensionFactory for Audit {
        fn create(&self) -> Arc<dyn Extension> {
            Arc::new(AuditRun(Arc::clone(&self.0)))
        }
    }

    #[async_graphql::async_trait::async_trait]
    impl Extension for AuditRun {
        async fn prepare_request(
            &self,
            ctx: &ExtensionContext<'_>,
            request: async_graphql::Request,
            next: NextPrepareRequest<'_>,
        ) -> async_graphql::ServerResult<async_graphql::Request> {
            let registry = &ctx.schema_env.registry;
            let shape = Shape::default();
            let mut missing = Vec::new();
            for (type_name, ty) in &registry.types {
                let Some(fields) = ty.fields() else { continue };
                if type_name.starts_with("__") {
                    continue;
                }
                for (name, field) in fields {
                    let child = MetaTypeName::concrete_typename(&field.ty);
                    let is_list = MetaTypeName::create(&field.ty).is_list();
                    let priced_by_connection = type_name.ends_with("Connection")
                        && matches!(name.as_str(), "nodes" | "edges");
                    if !is_list || priced_by_connection || child.ends_with("Connection") {
                        continue;
                    }
                    let scope = Scope::default();
                    if list_bound(type_name, name, &shape, registry, &scope).is_none() {
                        missing.push(format!("{type_name}.{name}: {}", field.ty));
                    }
                }
            }
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(missing);
            next.run(ctx, request).await
        }
    }

    #[tokio::test]
    async fn every_list_field_of_the_schema_has_a_cost_rule() {
        let found = Arc::new(Mutex::new(Vec::new()));
        let schema = async_graphql::Schema::build(
            crate::schema::QueryRoot::default(),
            crate::schema::mutations::MutationRoot::default(),
            async_graphql::EmptySubscription,
        )
        .extension(Audit(Arc::clone(&found)))
        .finish();
        schema.execute("{ __typename }").await;
        let missing = found.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert!(
            missing.is_empty(),
            "list fields without a rule in cost::list_bound: {missing:#?}"
        );
    }

    #[test]
    fn depth_counts_through_fragments() {
        let doc =
            async_graphql::parser::parse_query("{ a { b } }").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(depth(&doc), 2);
        let doc = async_graphql::parser::parse_query(
            "{ ...F } fragment F on Q { a { ...G } } fragment G on A { b { c } }",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(depth(&doc), 3);
    }
}
