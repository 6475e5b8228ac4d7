//! The `registry` query: the data version clients and caches key on.

use super::db;
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

/// The registry as a whole.
pub struct Registry(entity::registry::Model);

/// The registry as a whole.
#[Object]
impl Registry {
    /// A number that advances with every write that changes what the public sees (a record
    /// published, corrected while published, or retracted; a seed load that changes published
    /// data), and never on a read. Every API process on the same database answers the same
    /// number, so a client may cache any answer under it; GET responses carry it in their `ETag`.
    async fn data_version(&self) -> i32 {
        // A write per second would take 68 years to pass i32::MAX.
        i32::try_from(self.0.data_version).unwrap_or(i32::MAX)
    }
    /// When `dataVersion` last advanced.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(Default)]
pub struct RegistryQuery;

#[Object]
impl RegistryQuery {
    /// The registry's data version: compare it with the one you cached to know whether anything
    /// public changed.
    async fn registry(&self, ctx: &Context<'_>) -> async_graphql::Result<Registry> {
        Ok(Registry(crate::repo::registry::current(db(ctx)).await?))
    }
}
