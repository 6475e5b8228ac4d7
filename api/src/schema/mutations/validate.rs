//! Input checks that name the field and need no record type: a retraction's reason, an
//! e-mail; and the look-ups of referenced records by their keys ([`named`]), which need the
//! registry. A record's own rules are the domain's ([`entity::domain`]).

use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::repo::Readable;
use async_graphql::MaybeUndefined;
use entity::domain::{Check, Invalid};
use entity::record::Record;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

/// One rule of the domain ([`entity::domain::Check`]) applied to a value of the GraphQL input
/// `field`: the same rule, with the same words, as the seed loader applies to the same column.
fn rule<T>(field: &str, apply: impl FnOnce(&mut Check) -> T) -> Result<T> {
    let mut c = Check::default();
    let value = apply(&mut c);
    c.finish(value).map_err(|Invalid(errors)| {
        let message = errors
            .into_iter()
            .next()
            .map(|e| e.message)
            .unwrap_or_default();
        Error::bad_input(field, message)
    })
}

/// Trimmed text of `min..=max` characters.
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String> {
    let v = rule(field, |c| c.text("", value, max))?;
    if v.chars().count() < min {
        return Err(Error::bad_input(
            field,
            format!("must be at least {min} characters long"),
        ));
    }
    Ok(v)
}

/// A plausible e-mail address, lower-cased.
pub fn email(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !v.contains(char::is_whitespace);
    if ok {
        Ok(v)
    } else {
        Err(Error::bad_input(
            field,
            format!("`{value}` is not an e-mail address"),
        ))
    }
}

/// A record type that inputs name by its stable public key (`code`, `slug`).
pub trait Named: Readable {
    /// What the kind is called in an error: "unknown `state` ...".
    const WHAT: &'static str;
    /// The key column.
    fn key_column() -> Self::Column;
    /// The key as stored: codes of states are upper-case, the others lower-case.
    fn stored_key(given: &str) -> String {
        given.trim().to_lowercase()
    }
}

macro_rules! named {
    ($($module:ident: $what:literal by $column:ident $(, $upper:ident)?;)*) => {
        $(impl Named for $module::Entity {
            const WHAT: &'static str = $what;
            fn key_column() -> Self::Column {
                $module::Column::$column
            }
            $(fn stored_key(given: &str) -> String {
                given.trim().$upper()
            })?
        })*
    };
}

named! {
    state: "state" by Code, to_uppercase;
    forum: "forum" by Slug;
    instrument: "instrument" by Slug;
    provision: "provision" by Code;
    evidence: "evidence" by Slug;
}

/// The record of kind `E` that the input `field` names by its key, among those the writer may
/// see. An invisible record (another author's draft) is reported exactly like a missing one, so
/// a contributor learns nothing about drafts that are not theirs. The message quotes the key
/// as given: "unknown state `xyz`".
pub async fn named<E: Named>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    given: &str,
) -> Result<E::Model> {
    E::find()
        .filter(E::visible(actor.visibility()))
        .filter(E::key_column().eq(E::stored_key(given)))
        .one(txn)
        .await?
        .ok_or_else(|| Error::bad_input(field, format!("unknown {} `{given}`", E::WHAT)))
}

/// The id of the record of kind `E` that the input `field` names ([`named`]).
pub async fn id_of<E: Named>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    given: &str,
) -> Result<i32> {
    Ok(named::<E>(txn, actor, field, given).await?.id())
}

/// [`id_of`] for a reference a new record may leave out.
pub async fn opt_id<E: Named>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    given: Option<&str>,
) -> Result<Option<i32>> {
    match given {
        Some(g) => Ok(Some(id_of::<E>(txn, actor, field, g).await?)),
        None => Ok(None),
    }
}

/// A clearable reference after a correction: `current` when the input left it out, none for
/// `null`, else the id of the record it now names ([`id_of`]).
pub async fn relinked<E: Named>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    given: MaybeUndefined<String>,
    current: Option<i32>,
) -> Result<Option<i32>> {
    match given {
        MaybeUndefined::Undefined => Ok(current),
        MaybeUndefined::Null => Ok(None),
        MaybeUndefined::Value(g) => Ok(Some(id_of::<E>(txn, actor, field, &g).await?)),
    }
}

/// Refuses an act that cannot apply to the instrument, with the words the seed loader uses for
/// the same record ([`entity::rules::act_misfit`]).
pub async fn act_fits(
    txn: &DatabaseTransaction,
    field: &str,
    act: entity::CommitmentAct,
    instrument_id: i32,
) -> Result<()> {
    let Some(i) = instrument::Entity::find_by_id(instrument_id)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    match entity::rules::act_misfit(act, &i.slug, i.kind, i.adoption_mode) {
        Some(why) => Err(Error::bad_input(field, why)),
        None => Ok(()),
    }
}
