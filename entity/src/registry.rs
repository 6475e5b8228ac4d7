//! The registry's one row of metadata: its data version.
//!
//! `data_version` advances, in the same transaction, with every write that changes what the
//! public sees (see `api::repo::registry`); it never moves on a read. Because it lives in the
//! database, every API process reads the same value.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "registry")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub data_version: i64,
    /// When `data_version` last advanced.
    pub updated_at: DateTimeUtc,
    /// The layout the gap summary was last rebuilt in (`gap_summary::FORMAT`); `None` when it
    /// was never built.
    pub gap_summary_format: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The one row's key.
pub const ROW: i32 = 1;

/// Advances the data version inside the caller's transaction. Every write path calls it (the
/// API's revision log, the seed loader) when [`touches_public`] says the write changed what the
/// public sees; the row lock it takes serialises such writes until they commit, so versions
/// never go backwards and never repeat.
pub async fn advance<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(
            Column::DataVersion,
            sea_orm::sea_query::ExprTrait::add(
                sea_orm::sea_query::Expr::col(Column::DataVersion),
                1,
            ),
        )
        .col_expr(
            Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .filter(Column::Id.eq(ROW))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a revision with these record images (before and after the write) changes what the
/// public sees: the record was PUBLISHED before or after it. Drafts, and accounts (which have
/// no status), leave the data version alone.
pub fn touches_public(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> bool {
    let published = |v: Option<&serde_json::Value>| {
        v.and_then(|v| v.get("status"))
            .and_then(serde_json::Value::as_str)
            == Some(crate::PublicationStatus::Published.as_str())
    };
    published(before) || published(after)
}
