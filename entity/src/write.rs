//! The one write path of the registry: every record written, by the API's mutations, by user
//! administration or by the seed loader, goes through [`Journal::save`]. It sets the author and
//! status of a new record, the version and timestamps of every record (an update only if
//! nobody else changed the record first), replaces the sources it cites, and logs the revision;
//! [`Journal::finish`] writes the queued citations and revisions and advances the data version
//! when the public could see the change.
//!
//! Anything that must follow every write (derived tables, caches, summaries) belongs in
//! [`Journal::save`] or [`Journal::finish`], and nowhere else.

use crate::record::Record;
use crate::*;
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde::Serialize;
use serde_json::Value;

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a transaction that read first and then wanted to write while another
/// connection (another process, such as `normwatch user create` beside a server) had written
/// would fail at once with "database is locked" (SQLITE_BUSY_SNAPSHOT), since waiting could not
/// help it; taking the lock first makes it wait out the busy timeout like any other write.
/// PostgreSQL ignores the mode.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Who writes.
#[derive(Debug, Clone)]
pub struct Author {
    /// The account, or `None` for the seed loader.
    pub user_id: Option<i32>,
    /// How the history names the writer (an e-mail address, or `seed`).
    pub label: String,
    pub role: Option<UserRole>,
    /// The status of the records this writer creates: a person's are DRAFTs until an editor
    /// publishes them; the bundled data is published as it is loaded.
    pub creates: PublicationStatus,
}

impl Author {
    /// A signed-in person.
    pub fn person(user_id: i32, email: &str, role: UserRole) -> Self {
        Author {
            user_id: Some(user_id),
            label: email.to_string(),
            role: Some(role),
            creates: PublicationStatus::Draft,
        }
    }

    /// The seed loader (`normwatch seed`, or the load into an empty database at start-up).
    pub fn seed() -> Self {
        Author {
            user_id: None,
            label: "seed".into(),
            role: None,
            creates: PublicationStatus::Published,
        }
    }
}

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The record changed since it was read: nothing was written.
    Conflict {
        current_version: i32,
    },
    Db(DbErr),
}

impl From<DbErr> for WriteError {
    fn from(e: DbErr) -> Self {
        WriteError::Db(e)
    }
}

/// What one write is, besides the record's new fields.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: RevisionAction,
    /// Shown with the revision (a retraction's reason, or why the seed wrote).
    pub reason: Option<String>,
    /// The sources the record cites after the write (ids, primary first), when they are set
    /// or replaced; `None` keeps the current ones.
    pub sources: Option<&'a [i32]>,
    /// What the record owns in other tables (`{"sources": [keys]}` ...), before and after,
    /// added to the revision's snapshots.
    pub owned_before: Value,
    pub owned_after: Value,
}

impl Change<'_> {
    /// A plain change of fields with nothing owned elsewhere.
    pub fn of(action: RevisionAction) -> Change<'static> {
        Change {
            action,
            reason: None,
            sources: None,
            owned_before: Value::Object(Default::default()),
            owned_after: Value::Object(Default::default()),
        }
    }
}

/// A record as the history shows it: its fields plus what it owns elsewhere.
pub fn snapshot<M: Serialize>(model: &M, owned: &Value) -> Value {
    let mut v = serde_json::to_value(model).unwrap_or(Value::Null);
    if let (Value::Object(map), Value::Object(more)) = (&mut v, owned) {
        for (k, x) in more {
            map.insert(k.clone(), x.clone());
        }
    }
    v
}

/// The writes of one transaction by one author.
pub struct Journal<'t> {
    txn: &'t DatabaseTransaction,
    author: Author,
    now: DateTimeUtc,
    citations: Vec<record_source::ActiveModel>,
    revisions: Vec<revision::ActiveModel>,
}

impl<'t> Journal<'t> {
    pub fn new(txn: &'t DatabaseTransaction, author: Author) -> Self {
        Journal {
            txn,
            author,
            now: chrono::Utc::now(),
            citations: Vec::new(),
            revisions: Vec::new(),
        }
    }

    /// The time every write of this journal carries.
    pub fn now(&self) -> DateTimeUtc {
        self.now
    }

    /// Writes one record: creates `desired` when there is no `current`, else replaces
    /// `current` with it. Every write of a record goes through here.
    ///
    /// A new record gets the author's status and the author as its creator, version 1; an
    /// update keeps the id and creation time, gets the next version, and is written only if
    /// the stored version is still `current`'s (else [`WriteError::Conflict`], nothing written).
    pub async fn save<M>(
        &mut self,
        current: Option<&M>,
        mut desired: M,
        change: Change<'_>,
    ) -> Result<M, WriteError>
    where
        M: Record + IntoActiveModel<M::Active>,
    {
        let saved = match current {
            None => {
                desired.stamp(0, self.now, self.now, 1);
                desired.review(self.author.creates, self.author.user_id);
                let saved: M = desired.to_active(true).insert(self.txn).await?;
                saved
            }
            Some(old) => {
                desired.stamp(old.id(), old.created_at(), self.now, old.version() + 1);
                let result = <M::Entity as EntityTrait>::update_many()
                    .set(desired.to_active(false))
                    .filter(M::id_column().eq(old.id()))
                    .filter(M::version_column().eq(old.version()))
                    .exec(self.txn)
                    .await?;
                if result.rows_affected == 0 {
                    // Someone else changed it between our read and our write.
                    let now = <M::Entity as EntityTrait>::find()
                        .filter(M::id_column().eq(old.id()))
                        .one(self.txn)
                        .await?
                        .map(|m| m.version())
                        .unwrap_or(old.version() + 1);
                    return Err(WriteError::Conflict {
                        current_version: now,
                    });
                }
                desired
            }
        };
        if let Some(sources) = change.sources {
            self.cite(M::KIND, saved.id(), sources, current.is_some())
                .await?;
        }
        self.log(
            M::KIND,
            saved.id(),
            change.action,
            current.map(|old| snapshot(old, &change.owned_before)),
            Some(snapshot(&saved, &change.owned_after)),
            change.reason,
        );
        Ok(saved)
    }

    /// Replaces the sources record `id` cites (the new ones are written by [`Self::finish`]).
    async fn cite(
        &mut self,
        kind: RecordKind,
        id: i32,
        sources: &[i32],
        existing: bool,
    ) -> Result<(), DbErr> {
        if existing {
            record_source::Entity::delete_many()
                .filter(record_source::Column::RecordKind.eq(kind))
                .filter(record_source::Column::RecordId.eq(id))
                .exec(self.txn)
                .await?;
        }
        self.citations
            .extend(
                sources
                    .iter()
                    .enumerate()
                    .map(|(i, s)| record_source::ActiveModel {
                        record_kind: sea_orm::Set(kind),
                        record_id: sea_orm::Set(id),
                        source_id: sea_orm::Set(*s),
                        ordinal: sea_orm::Set(i as i32),
                    }),
            );
        Ok(())
    }

    fn log(
        &mut self,
        kind: RecordKind,
        id: i32,
        action: RevisionAction,
        before: Option<Value>,
        after: Option<Value>,
        reason: Option<String>,
    ) {
        let public = registry::touches_public(before.as_ref(), after.as_ref());
        self.revisions.push(revision::ActiveModel {
            id: sea_orm::NotSet,
            actor_id: sea_orm::Set(self.author.user_id),
            actor_label: sea_orm::Set(self.author.label.clone()),
            actor_role: sea_orm::Set(self.author.role),
            record_kind: sea_orm::Set(kind),
            record_id: sea_orm::Set(id),
            action: sea_orm::Set(action),
            before: sea_orm::Set(before),
            after: sea_orm::Set(after),
            reason: sea_orm::Set(reason),
            created_at: sea_orm::Set(self.now),
            is_public: sea_orm::Set(public),
        });
    }

    /// Writes the queued citations and revisions (in batches: a seed load queues thousands),
    /// advances the data version once if any of them changed what the public sees, and brings
    /// the gap summary's rows of every (state, provision) the writes touched up to date
    /// ([`gap_summary`]) and the rationale keys of the assessments written ([`rationale_key`]),
    /// all in the caller's transaction.
    pub async fn finish(self) -> Result<(), DbErr> {
        for chunk in self.citations.chunks(500) {
            record_source::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(self.txn)
                .await?;
        }
        let public = self
            .revisions
            .iter()
            .any(|r| matches!(r.is_public, sea_orm::ActiveValue::Set(true)));
        if public {
            registry::advance(self.txn).await?;
        }
        // What the public may see is stored with each record (`crate::visibility`): brought in
        // line before anything below reads it (the gap summary keeps public assessments only).
        if self
            .revisions
            .iter()
            .any(|r| moves_public(image(&r.before), image(&r.after)))
        {
            crate::visibility::store_public(self.txn).await?;
        }
        let writes = self
            .revisions
            .iter()
            .filter_map(|r| match (&r.record_kind, &r.record_id) {
                (sea_orm::ActiveValue::Set(kind), sea_orm::ActiveValue::Set(id)) => {
                    Some((*kind, *id, [image(&r.before), image(&r.after)]))
                }
                _ => None,
            });
        let touched = gap_summary::touched(self.txn, writes).await?;
        gap_summary::refresh(self.txn, &touched).await?;
        let assessed: Vec<i32> = self
            .revisions
            .iter()
            .filter_map(|r| match (&r.record_kind, &r.record_id, image(&r.after)) {
                (
                    sea_orm::ActiveValue::Set(RecordKind::Assessment),
                    sea_orm::ActiveValue::Set(id),
                    Some(_),
                ) => Some(*id),
                _ => None,
            })
            .collect();
        let renamed = self.revisions.iter().any(|r| {
            matches!(r.record_kind, sea_orm::ActiveValue::Set(RecordKind::State))
                && match (image(&r.before), image(&r.after)) {
                    (Some(before), Some(after)) => before.get("name") != after.get("name"),
                    _ => false,
                }
        });
        if renamed {
            rationale_key::refresh(self.txn, rationale_key::Which::All).await?;
        } else {
            for chunk in assessed.chunks(500) {
                rationale_key::refresh(self.txn, rationale_key::Which::Ids(chunk)).await?;
            }
        }
        for chunk in self.revisions.chunks(200) {
            revision::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(self.txn)
                .await?;
        }
        Ok(())
    }
}

/// Whether a write can change what the public may see: a record created published (the seed),
/// or one whose status, cited sources or any parent (a `*_id` column) changed. A draft created
/// or a text corrected cannot.
fn moves_public(before: Option<&Value>, after: Option<&Value>) -> bool {
    match (before, after) {
        (None, Some(after)) => after.get("status").and_then(Value::as_str) == Some("PUBLISHED"),
        (Some(before), Some(after)) => {
            before.get("status") != after.get("status")
                || before.get("sources") != after.get("sources")
                || after.as_object().is_some_and(|fields| {
                    fields
                        .keys()
                        .any(|k| k.ends_with("_id") && before.get(k) != after.get(k))
                })
        }
        _ => true,
    }
}

/// A revision's before or after image, when it has one (a creation has no before).
fn image(v: &sea_orm::ActiveValue<Option<Value>>) -> Option<&Value> {
    match v {
        sea_orm::ActiveValue::Set(Some(v)) | sea_orm::ActiveValue::Unchanged(Some(v)) => Some(v),
        _ => None,
    }
}
