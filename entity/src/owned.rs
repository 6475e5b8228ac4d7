//! The lists a record owns in another table: a commitment's reservations (provisions of its
//! instrument the state excluded) and evidence's responsible states. One description of each,
//! used by the seed loader and the API's mutations alike, so both read and write them the same
//! way and show them the same way in revisions (their keys, sorted, under the list's name).

use crate::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// A list a record owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// `commitment_reservations`: commitment id -> provision ids.
    Reservations,
    /// `evidence_states`: evidence id -> state ids.
    ResponsibleStates,
}

impl List {
    /// The list's name in revisions and in the seed files.
    pub fn name(self) -> &'static str {
        match self {
            List::Reservations => "reservations",
            List::ResponsibleStates => "responsible_states",
        }
    }

    /// Every owner's list, by owner id (the ids of the records listed, in insertion order).
    pub async fn all(self, db: &impl ConnectionTrait) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
        let pairs: Vec<(i32, i32)> = match self {
            List::Reservations => commitment_reservation::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.commitment_id, r.provision_id))
                .collect(),
            List::ResponsibleStates => evidence_state::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.evidence_id, r.state_id))
                .collect(),
        };
        let mut lists: HashMap<i32, Vec<i32>> = HashMap::new();
        for (owner, id) in pairs {
            lists.entry(owner).or_default().push(id);
        }
        Ok(lists)
    }

    /// The ids in `owner`'s list.
    pub async fn of(self, db: &impl ConnectionTrait, owner: i32) -> Result<Vec<i32>, DbErr> {
        Ok(match self {
            List::Reservations => commitment_reservation::Entity::find()
                .filter(commitment_reservation::Column::CommitmentId.eq(owner))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.provision_id)
                .collect(),
            List::ResponsibleStates => evidence_state::Entity::find()
                .filter(evidence_state::Column::EvidenceId.eq(owner))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.state_id)
                .collect(),
        })
    }

    /// The keys (provision codes, state codes) of `ids`, sorted, as revisions show them.
    pub async fn keys(
        self,
        db: &impl ConnectionTrait,
        ids: Vec<i32>,
    ) -> Result<Vec<String>, DbErr> {
        let mut keys: Vec<String> = match self {
            List::Reservations => provision::Entity::find()
                .filter(provision::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.code)
                .collect(),
            List::ResponsibleStates => state::Entity::find()
                .filter(state::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|s| s.code)
                .collect(),
        };
        keys.sort();
        Ok(keys)
    }

    /// Replaces `owner`'s list with `ids`.
    pub async fn set(
        self,
        db: &impl ConnectionTrait,
        owner: i32,
        ids: &[i32],
    ) -> Result<(), DbErr> {
        match self {
            List::Reservations => {
                commitment_reservation::Entity::delete_many()
                    .filter(commitment_reservation::Column::CommitmentId.eq(owner))
                    .exec(db)
                    .await?;
                if !ids.is_empty() {
                    let rows = ids.iter().map(|p| commitment_reservation::ActiveModel {
                        commitment_id: sea_orm::Set(owner),
                        provision_id: sea_orm::Set(*p),
                    });
                    commitment_reservation::Entity::insert_many(rows.collect::<Vec<_>>())
                        .exec_without_returning(db)
                        .await?;
                }
            }
            List::ResponsibleStates => {
                evidence_state::Entity::delete_many()
                    .filter(evidence_state::Column::EvidenceId.eq(owner))
                    .exec(db)
                    .await?;
                if !ids.is_empty() {
                    let rows = ids.iter().map(|s| evidence_state::ActiveModel {
                        evidence_id: sea_orm::Set(owner),
                        state_id: sea_orm::Set(*s),
                    });
                    evidence_state::Entity::insert_many(rows.collect::<Vec<_>>())
                        .exec_without_returning(db)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
