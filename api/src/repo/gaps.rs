//! Database functions behind `positionsAcrossForums` and `inconsistencies`. Like the gap engine,
//! they read what the public sees (published records whose parents are published), whoever asks:
//! a verdict must not depend on who is signed in.

/// The gap engine's view.
const PUBLIC: Visibility = Visibility::Public;

use super::Readable;
use crate::auth::Visibility;
use crate::error::Result;
use crate::gap::rules::{self, CommitmentFact, Inconsistency, StanceFact, StanceSource};
use chrono::NaiveDate;
use entity::*;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Provision ids linked to `provision_id` as EQUIVALENT or REAFFIRMS, either way, plus itself.
async fn linked(db: &DatabaseConnection, provision_id: i32) -> Result<Vec<i32>> {
    let links = provision_link::Entity::find()
        .filter(provision_link::Entity::visible(PUBLIC))
        .filter(
            provision_link::Column::Relation
                .is_in([LinkRelation::Equivalent, LinkRelation::Reaffirms]),
        )
        .filter(
            Condition::any()
                .add(provision_link::Column::FromId.eq(provision_id))
                .add(provision_link::Column::ToId.eq(provision_id)),
        )
        .all(db)
        .await?;
    let mut ids: Vec<i32> = links.iter().flat_map(|l| [l.from_id, l.to_id]).collect();
    ids.push(provision_id);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A state's published commitments to the instruments of a provision and of the provisions
/// linked to it, and its published positions on those provisions or instruments.
pub async fn across_forums(
    db: &DatabaseConnection,
    state_id: i32,
    provision_id: i32,
) -> Result<(Vec<commitment::Model>, Vec<position::Model>)> {
    let provisions = linked(db, provision_id).await?;
    let mut instruments: Vec<i32> = provision::Entity::find()
        .filter(provision::Entity::visible(PUBLIC))
        .filter(provision::Column::Id.is_in(provisions.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.instrument_id)
        .collect();
    instruments.sort_unstable();
    instruments.dedup();
    let commitments = commitment::Entity::find()
        .filter(commitment::Column::StateId.eq(state_id))
        .filter(commitment::Entity::visible(PUBLIC))
        .filter(commitment::Column::InstrumentId.is_in(instruments.clone()))
        .order_by_asc(commitment::Column::ValidFrom)
        .all(db)
        .await?;
    let positions = position::Entity::find()
        .filter(position::Column::StateId.eq(state_id))
        .filter(position::Entity::visible(PUBLIC))
        .filter(
            Condition::any()
                .add(position::Column::ProvisionId.is_in(provisions))
                .add(position::Column::InstrumentId.is_in(instruments)),
        )
        .order_by_asc(position::Column::Date)
        .all(db)
        .await?;
    Ok((commitments, positions))
}

/// Every inconsistency of one state (or of all) at `as_of`: positions taken by then, and
/// commitments valid then (decided by the gap rules), as stances. Four statements.
pub async fn inconsistencies(
    db: &DatabaseConnection,
    state_id: Option<i32>,
    as_of: NaiveDate,
) -> Result<Vec<(i32, Inconsistency)>> {
    let mut pq = position::Entity::find()
        .filter(position::Entity::visible(PUBLIC))
        .filter(
            Condition::any()
                .add(position::Column::Date.is_null())
                .add(position::Column::Date.lte(as_of)),
        );
    let mut cq = commitment::Entity::find().filter(commitment::Entity::visible(PUBLIC));
    if let Some(id) = state_id {
        pq = pq.filter(position::Column::StateId.eq(id));
        cq = cq.filter(commitment::Column::StateId.eq(id));
    }
    let positions = pq.all(db).await?;
    let commitments = cq.all(db).await?;
    let links = provision_link::Entity::find()
        .filter(provision_link::Entity::visible(PUBLIC))
        .filter(
            provision_link::Column::Relation
                .is_in([LinkRelation::Equivalent, LinkRelation::Reaffirms]),
        )
        .all(db)
        .await?;
    let equivalent: Vec<(i32, i32)> = links.iter().map(|l| (l.from_id, l.to_id)).collect();
    let provision_instrument: HashMap<i32, i32> = provision::Entity::find()
        .filter(provision::Entity::visible(PUBLIC))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.instrument_id))
        .collect();

    let mut facts: HashMap<i32, Vec<StanceFact>> = HashMap::new();
    for p in positions {
        facts.entry(p.state_id).or_default().push(StanceFact {
            id: p.id,
            kind: StanceSource::Position,
            forum_id: Some(p.forum_id),
            instrument_id: p.instrument_id,
            provision_id: p.provision_id,
            stance: p.stance,
            date: PartialDate::from_parts(p.date, p.date_precision),
        });
    }
    // A commitment is a SUPPORTS stance while it holds; whether it holds is the rules' call.
    let mut by_pair: HashMap<(i32, i32), Vec<(commitment::Model, CommitmentFact)>> = HashMap::new();
    for c in commitments {
        let fact = CommitmentFact {
            id: c.id,
            instrument_id: c.instrument_id,
            act: c.act,
            modality: c.modality,
            valid_from: PartialDate::from_parts(c.valid_from, c.valid_from_precision),
            valid_to: PartialDate::from_parts(c.valid_to, c.valid_to_precision),
            reserved_provisions: Vec::new(),
            status: c.status,
        };
        by_pair
            .entry((c.state_id, c.instrument_id))
            .or_default()
            .push((c, fact));
    }
    for ((state, instrument), list) in by_pair {
        let all: Vec<CommitmentFact> = list.iter().map(|(_, f)| f.clone()).collect();
        // No provision has id 0, so no reservation applies: this asks which commitments to the
        // instrument as a whole hold at `as_of`.
        let holding = rules::evaluate(0, instrument, &all, &[], as_of).commitments;
        for (c, _) in list.into_iter().filter(|(c, _)| holding.contains(&c.id)) {
            facts.entry(state).or_default().push(StanceFact {
                id: c.id,
                kind: StanceSource::Commitment,
                forum_id: c.forum_id,
                instrument_id: Some(c.instrument_id),
                provision_id: None,
                stance: Stance::Supports,
                date: PartialDate::from_parts(c.valid_from, c.valid_from_precision),
            });
        }
    }
    let mut states: Vec<i32> = facts.keys().copied().collect();
    states.sort_unstable();
    let mut out = Vec::new();
    for s in states {
        for i in rules::inconsistencies(&facts[&s], &equivalent, &provision_instrument) {
            out.push((s, i));
        }
    }
    Ok(out)
}

/// Resolves a gap filter to a scope: the ids of the (published) states and provisions named,
/// one statement each when given.
pub async fn scope(
    db: &DatabaseConnection,
    states: Option<&[String]>,
    provisions: Option<&[String]>,
    kinds: Option<&[ProvisionKind]>,
    forums: Option<&[String]>,
) -> Result<crate::gap::load::Scope> {
    let states = match states {
        None => None,
        Some(codes) => Some(
            state::Entity::find()
                .filter(state::Entity::visible(PUBLIC))
                .filter(state::Column::Code.is_in(super::upper(codes)))
                .all(db)
                .await?
                .into_iter()
                .map(|s| s.id)
                .collect(),
        ),
    };
    let provisions = if provisions.is_none() && kinds.is_none() && forums.is_none() {
        None
    } else {
        let mut q = provision::Entity::find().filter(provision::Entity::visible(PUBLIC));
        if let Some(codes) = provisions {
            q = q.filter(provision::Column::Code.is_in(super::lower(codes)));
        }
        if let Some(kinds) = kinds {
            q = q.filter(provision::Column::Kind.is_in(kinds.iter().copied()));
        }
        if let Some(slugs) = forums {
            q = q.filter(
                provision::Column::InstrumentId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(instrument::Column::Id)
                        .from(instrument::Entity)
                        .and_where(super::id_in_keys::<_, forum::Entity>(
                            instrument::Column::ForumId,
                            forum::Column::Slug,
                            super::lower(slugs),
                            PUBLIC,
                        ))
                        .to_owned(),
                ),
            );
        }
        Some(q.all(db).await?.into_iter().map(|p| p.id).collect())
    };
    Ok(crate::gap::load::Scope { states, provisions })
}
