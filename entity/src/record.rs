//! What every domain record has in common: an id, a kind, bookkeeping columns, and a way back
//! to a fully-set active model. The seed loader and the API's write path share it, so both
//! write records, versions and revisions the same way.

use crate::*;
use sea_orm::{prelude::DateTimeUtc, ActiveModelTrait, IntoActiveModel};
use serde::Serialize;

/// The bookkeeping columns every domain model has, so one write path serves them all.
pub trait Record: Clone + Serialize + Send + Sync + 'static {
    type Active: ActiveModelTrait<Entity = Self::Entity> + sea_orm::ActiveModelBehavior + Send;
    type Entity: sea_orm::EntityTrait<Model = Self>;
    const KIND: RecordKind;
    fn id(&self) -> i32;
    fn stamp(&mut self, id: i32, created_at: DateTimeUtc, updated_at: DateTimeUtc, version: i32);
    fn created_at(&self) -> DateTimeUtc;
    fn version(&self) -> i32;
    /// An active model with every field set, the id left out when `new`.
    fn to_active(&self, new: bool) -> Self::Active;
    /// The `id` column, for conditional updates.
    fn id_column() -> <Self::Entity as sea_orm::EntityTrait>::Column;
    /// The `version` column, for optimistic concurrency.
    fn version_column() -> <Self::Entity as sea_orm::EntityTrait>::Column;
    /// Sets the review status and the creator (for records that have them; users do not).
    fn review(&mut self, status: PublicationStatus, created_by: Option<i32>);
}

macro_rules! record {
    ($module:ident, $kind:ident) => {
        record!($module, $kind, |m, status, created_by| {
            m.status = status;
            m.created_by = created_by;
        });
    };
    ($module:ident, $kind:ident, |$m:ident, $status:ident, $created_by:ident| $review:block) => {
        impl Record for $module::Model {
            type Active = $module::ActiveModel;
            type Entity = $module::Entity;
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            fn version_column() -> $module::Column {
                $module::Column::Version
            }
            const KIND: RecordKind = RecordKind::$kind;
            fn id(&self) -> i32 {
                self.id
            }
            fn stamp(
                &mut self,
                id: i32,
                created_at: DateTimeUtc,
                updated_at: DateTimeUtc,
                version: i32,
            ) {
                self.id = id;
                self.created_at = created_at;
                self.updated_at = updated_at;
                self.version = version;
            }
            fn created_at(&self) -> DateTimeUtc {
                self.created_at
            }
            fn version(&self) -> i32 {
                self.version
            }
            fn to_active(&self, new: bool) -> Self::Active {
                use sea_orm::ActiveModelTrait as _;
                let mut am = self.clone().into_active_model().reset_all();
                if new {
                    am.not_set($module::Column::Id);
                }
                am
            }
            fn review(&mut self, $status: PublicationStatus, $created_by: Option<i32>) {
                let $m = self;
                $review
            }
        }
    };
}

record!(source, Source);
record!(state, State);
record!(forum, Forum);
record!(membership, Membership);
record!(instrument, Instrument);
record!(provision, Provision);
record!(provision_link, ProvisionLink);
record!(commitment, Commitment);
record!(position, Position);
record!(evidence, Evidence);
record!(assessment, Assessment);
// Accounts have no review status and no creator.
record!(user, User, |_m, _status, _created_by| {});

/// The review status of a record.
pub trait Reviewed {
    fn status(&self) -> PublicationStatus;
    fn set_status(&mut self, status: PublicationStatus);
    fn created_by(&self) -> Option<i32>;
}

macro_rules! reviewed {
    ($($module:ident),+) => {
        $(impl Reviewed for $module::Model {
            fn status(&self) -> PublicationStatus {
                self.status
            }
            fn set_status(&mut self, status: PublicationStatus) {
                self.status = status;
            }
            fn created_by(&self) -> Option<i32> {
                self.created_by
            }
        })+
    };
}

reviewed!(
    source,
    state,
    forum,
    membership,
    instrument,
    provision,
    provision_link,
    commitment,
    position,
    evidence,
    assessment
);
