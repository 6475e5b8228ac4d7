//! Keeps `assessments.rationale_key` equal to [`standard::rationale_key`] of each rationale, so
//! that the API finds a rationale copied from another case with one indexed look-up.
//!
//! The key is derived state: [`crate::write::Journal::finish`] recomputes it for every
//! assessment a write leaves behind, whoever wrote (API, seed), and for every assessment when a
//! state's name changes (the names are what is masked); `db::migrate` keys the rows written
//! before the column existed. `tests/api/gap_summary.rs` checks after every random write that
//! each stored key equals the key of its rationale.

use crate::domain::standard;
use crate::visibility::{Readable, Visibility};
use crate::{assessment, state};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

/// Every name a rationale may give a state of the registry ([`standard::state_names`]).
pub async fn names<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let states: Vec<(String, String)> = state::Entity::find()
        .select_only()
        .column(state::Column::Code)
        .column(state::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    Ok(states
        .iter()
        .flat_map(|(code, name)| standard::state_names(name, code))
        .collect())
}

/// Which assessments [`refresh`] rekeys.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// These (the assessments a write left behind).
    Ids(&'a [i32]),
    /// Those without a key (written before the column existed).
    Unkeyed,
    /// Every one: a state's name changed, so what is masked changed.
    All,
}

/// Recomputes the key of the assessments `which` names from their stored rationales, writing
/// only the keys that differ; returns how many it wrote.
pub async fn refresh<C: ConnectionTrait>(db: &C, which: Which<'_>) -> Result<u64, DbErr> {
    let mut q = assessment::Entity::find()
        .select_only()
        .column(assessment::Column::Id)
        .column(assessment::Column::Rationale)
        .column(assessment::Column::RationaleKey);
    q = match which {
        Which::Ids([]) => return Ok(0),
        Which::Ids(ids) => q.filter(assessment::Column::Id.is_in(ids.iter().copied())),
        Which::Unkeyed => q.filter(assessment::Column::RationaleKey.is_null()),
        Which::All => q,
    };
    let rows: Vec<(i32, String, Option<String>)> = q.into_tuple().all(db).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let names = names(db).await?;
    let mut written = 0;
    for (id, rationale, stored) in rows {
        let key = standard::rationale_key(&rationale, &names);
        if stored.as_deref() == Some(key.as_str()) {
            continue;
        }
        assessment::Entity::update_many()
            .set(assessment::ActiveModel {
                rationale_key: Set(Some(key)),
                ..Default::default()
            })
            .filter(assessment::Column::Id.eq(id))
            .exec(db)
            .await?;
        written += 1;
    }
    Ok(written)
}

/// An assessment the public can see, other than `except`, whose rationale has `key`: the one a
/// new rationale would copy. Drafts are left out, so that nobody learns of another's draft.
pub async fn published_twin<C: ConnectionTrait>(
    db: &C,
    key: &str,
    except: Option<i32>,
) -> Result<Option<assessment::Model>, DbErr> {
    let mut q = assessment::Entity::find()
        .filter(assessment::Column::RationaleKey.eq(key))
        .filter(assessment::Entity::visible(Visibility::Public));
    if let Some(id) = except {
        q = q.filter(assessment::Column::Id.ne(id));
    }
    q.one(db).await
}
