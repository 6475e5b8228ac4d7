//! The write path's database functions: create, update with optimistic concurrency, publish,
//! retract. Every function runs inside the caller's transaction and leaves a revision.
//!
//! Rules that hold for every record type:
//! - a new record is a DRAFT, authored by its creator;
//! - CONTRIBUTORs may change only their own drafts; EDITORs and ADMINs may change anything;
//! - an update names the version it read: a stale one is a CONFLICT with the current version,
//!   decided by the database (`UPDATE .. WHERE id = ? AND version = ?`), so of concurrent edits
//!   exactly one wins and nothing is silently overwritten;
//! - nothing is deleted: a retraction sets RETRACTED and records the reason.

use crate::auth::{rank, Actor};
use crate::error::{Error, Result};
use entity::record::{Record, Reviewed};
use entity::write::{Author, Change, Journal};
use entity::*;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::{json, Value};

impl Actor {
    /// The actor as the write path names an author.
    pub fn author(&self) -> Author {
        Author::person(self.user_id, &self.email, self.role)
    }
}

/// Writes one record through the registry's one write path ([`entity::write::Journal::save`])
/// as `actor`, in the caller's transaction.
pub async fn save<M>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    current: Option<&M>,
    desired: M,
    change: Change<'_>,
) -> Result<M>
where
    M: Record + IntoActiveModel<M::Active>,
{
    let mut journal = Journal::new(txn, actor.author());
    let saved = journal.save(current, desired, change).await?;
    journal.finish().await?;
    Ok(saved)
}

/// Resolves source keys to ids; an unknown key is a BAD_USER_INPUT naming `field`.
/// Only sources the actor may see can be cited: a contributor cannot cite another author's draft,
/// and such a source is reported as unknown, like a missing one.
pub async fn source_ids(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    keys: &[String],
) -> Result<Vec<i32>> {
    if keys.is_empty() {
        return Err(Error::bad_input(
            field,
            "cite at least one source (a source `key`)",
        ));
    }
    let found = source::Entity::find()
        .filter(source::Column::Key.is_in(keys.to_vec()))
        .filter(<source::Entity as crate::repo::Readable>::visible(
            actor.visibility(),
        ))
        .all(txn)
        .await?;
    keys.iter()
        .map(|k| {
            found
                .iter()
                .find(|s| &s.key == k)
                .map(|s| s.id)
                .ok_or_else(|| Error::bad_input(field, format!("unknown source `{k}`")))
        })
        .collect()
}

/// The source keys a record cites, for revisions.
pub async fn cited_keys(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    id: i32,
) -> Result<Vec<String>> {
    let links = record_source::Entity::find()
        .filter(record_source::Column::RecordKind.eq(kind))
        .filter(record_source::Column::RecordId.eq(id))
        .order_by_asc(record_source::Column::Ordinal)
        .all(txn)
        .await?;
    let ids: Vec<i32> = links.iter().map(|l| l.source_id).collect();
    keys_of(txn, &ids).await
}

/// Creates a record as `actor`'s DRAFT citing `sources`; `extra` is what it owns elsewhere,
/// for the revision.
pub async fn create<M>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    model: M,
    sources: &[i32],
    extra: Value,
) -> Result<M>
where
    M: Record + IntoActiveModel<M::Active>,
{
    let mut owned = extra;
    if let Value::Object(m) = &mut owned {
        m.insert("sources".into(), json!(keys_of(txn, sources).await?));
    }
    let change = Change {
        sources: Some(sources),
        owned_after: owned,
        ..Change::of(RevisionAction::Create)
    };
    save(txn, actor, None, model, change).await
}

/// The keys of the sources `ids`, in that order.
pub async fn keys_of(txn: &DatabaseTransaction, ids: &[i32]) -> Result<Vec<String>> {
    let sources = source::Entity::find()
        .filter(source::Column::Id.is_in(ids.to_vec()))
        .all(txn)
        .await?;
    Ok(ids
        .iter()
        .filter_map(|i| sources.iter().find(|s| s.id == *i).map(|s| s.key.clone()))
        .collect())
}

/// Loads a record for a change by `actor`: it must exist (NOT_FOUND), the actor may change it
/// (FORBIDDEN), and `version` must be the current one (CONFLICT).
pub async fn for_change<M>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: i32,
    version: i32,
) -> Result<M>
where
    M: Record + Reviewed,
{
    let current = <M::Entity as EntityTrait>::find()
        .filter(M::id_column().eq(id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no {} with this id",
                M::KIND.as_str().to_lowercase()
            ))
        })?;
    if rank(actor.role) < rank(UserRole::Editor) {
        let own_draft = current.status() == PublicationStatus::Draft
            && current.created_by() == Some(actor.user_id);
        if !own_draft {
            return Err(Error::Forbidden(
                "contributors may change only their own drafts; ask an editor".into(),
            ));
        }
    }
    if current.version() != version {
        return Err(Error::Conflict {
            current_version: current.version(),
        });
    }
    Ok(current)
}

/// Writes `changed` over `current` if nobody else did first, and logs the change;
/// `sources`, when given, replace the cited ones.
#[allow(clippy::too_many_arguments)]
pub async fn update<M>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    current: &M,
    changed: M,
    action: RevisionAction,
    reason: Option<String>,
    sources: Option<&[i32]>,
    before_extra: Value,
    after_extra: Value,
) -> Result<M>
where
    M: Record + IntoActiveModel<M::Active>,
{
    let change = Change {
        action,
        reason,
        sources,
        owned_before: before_extra,
        owned_after: after_extra,
    };
    save(txn, actor, Some(current), changed, change).await
}

/// What a record depends on: the records it hangs from and the sources it cites.
async fn dependencies(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    id: i32,
) -> Result<Vec<(RecordKind, i32)>> {
    use RecordKind as K;
    let mut deps: Vec<(RecordKind, i32)> = Vec::new();
    macro_rules! model {
        ($module:ident) => {
            match $module::Entity::find_by_id(id).one(txn).await? {
                Some(m) => m,
                None => return Ok(deps),
            }
        };
    }
    match kind {
        K::State | K::Source | K::User => {}
        K::Forum => deps.extend(model!(forum).parent_id.map(|p| (K::Forum, p))),
        K::Membership => {
            let m = model!(membership);
            deps.extend([(K::State, m.state_id), (K::Forum, m.forum_id)]);
        }
        K::Instrument => deps.extend(model!(instrument).forum_id.map(|f| (K::Forum, f))),
        K::Provision => deps.push((K::Instrument, model!(provision).instrument_id)),
        K::ProvisionLink => {
            let m = model!(provision_link);
            deps.extend([(K::Provision, m.from_id), (K::Provision, m.to_id)]);
        }
        K::Commitment => {
            let m = model!(commitment);
            deps.extend([(K::State, m.state_id), (K::Instrument, m.instrument_id)]);
            deps.extend(m.forum_id.map(|f| (K::Forum, f)));
            let reserved = commitment_reservation::Entity::find()
                .filter(commitment_reservation::Column::CommitmentId.eq(id))
                .all(txn)
                .await?;
            deps.extend(reserved.into_iter().map(|r| (K::Provision, r.provision_id)));
        }
        K::Position => {
            let m = model!(position);
            deps.extend([(K::State, m.state_id), (K::Forum, m.forum_id)]);
            deps.extend(m.instrument_id.map(|i| (K::Instrument, i)));
            deps.extend(m.provision_id.map(|p| (K::Provision, p)));
        }
        K::Evidence => {
            let states = evidence_state::Entity::find()
                .filter(evidence_state::Column::EvidenceId.eq(id))
                .all(txn)
                .await?;
            deps.extend(states.into_iter().map(|s| (K::State, s.state_id)));
        }
        K::Assessment => {
            let m = model!(assessment);
            deps.extend([
                (K::Evidence, m.evidence_id),
                (K::State, m.state_id),
                (K::Provision, m.provision_id),
            ]);
        }
    }
    let cited = record_source::Entity::find()
        .filter(record_source::Column::RecordKind.eq(kind))
        .filter(record_source::Column::RecordId.eq(id))
        .all(txn)
        .await?;
    deps.extend(cited.into_iter().map(|c| (K::Source, c.source_id)));
    Ok(deps)
}

/// How an error message names a record: its kind and public key.
async fn label(txn: &DatabaseTransaction, kind: RecordKind, id: i32) -> Result<String> {
    use RecordKind as K;
    let key = match kind {
        K::State => state::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.code),
        K::Forum => forum::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.slug),
        K::Instrument => instrument::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.slug),
        K::Provision => provision::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.code),
        K::Evidence => evidence::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.slug),
        K::Source => source::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|m| m.key),
        _ => None,
    };
    let name = crate::schema::ids::type_name(kind).to_lowercase();
    Ok(match key {
        Some(k) => format!("{name} `{k}`"),
        None => format!("{name} {}", crate::schema::ids::encode(kind, id).0),
    })
}

/// Publishing keeps the graph consistent: a record may be published only when every record it
/// depends on is visible to the public (published, and its own parents too). Otherwise a
/// BAD_USER_INPUT names the first blocking record.
pub async fn check_publishable(txn: &DatabaseTransaction, kind: RecordKind, id: i32) -> Result<()> {
    for (k, dep) in dependencies(txn, kind, id).await? {
        if !crate::repo::records::is_visible(txn, crate::auth::Visibility::Public, k, dep).await? {
            return Err(Error::bad_input(
                "id",
                format!(
                    "{} is not published; publish it first",
                    label(txn, k, dep).await?
                ),
            ));
        }
    }
    Ok(())
}
