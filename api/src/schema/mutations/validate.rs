//! Input checks that name the field and need no record type: a retraction's reason, an
//! e-mail; and the look-ups of referenced records, which need the registry. A record's own rules
//! are the domain's ([`entity::domain`]).

use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::repo::Readable;
use entity::domain::{Check, Invalid};
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

/// References resolve only to records the writer may see, and an invisible record (another
/// author's draft) is reported exactly like a missing one, so a contributor learns nothing
/// about drafts that are not theirs.
///
/// A state id from its ISO alpha-3 code.
pub async fn state(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    code: &str,
) -> Result<i32> {
    state::Entity::find()
        .filter(state::Entity::visible(actor.visibility()))
        .filter(state::Column::Code.eq(code.trim().to_uppercase()))
        .one(txn)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| Error::bad_input(field, format!("unknown state `{code}`")))
}

/// An instrument id from its slug.
pub async fn instrument(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    slug: &str,
) -> Result<i32> {
    instrument::Entity::find()
        .filter(instrument::Entity::visible(actor.visibility()))
        .filter(instrument::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(txn)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| Error::bad_input(field, format!("unknown instrument `{slug}`")))
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

/// A forum id from its slug.
pub async fn forum(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    slug: &str,
) -> Result<i32> {
    forum::Entity::find()
        .filter(forum::Entity::visible(actor.visibility()))
        .filter(forum::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(txn)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| Error::bad_input(field, format!("unknown forum `{slug}`")))
}

/// A provision from its code.
pub async fn provision(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    code: &str,
) -> Result<provision::Model> {
    provision::Entity::find()
        .filter(provision::Entity::visible(actor.visibility()))
        .filter(provision::Column::Code.eq(code.trim().to_lowercase()))
        .one(txn)
        .await?
        .ok_or_else(|| Error::bad_input(field, format!("unknown provision `{code}`")))
}

/// Evidence from its slug.
pub async fn evidence(
    txn: &DatabaseTransaction,
    actor: &Actor,
    field: &str,
    slug: &str,
) -> Result<evidence::Model> {
    evidence::Entity::find()
        .filter(evidence::Entity::visible(actor.visibility()))
        .filter(evidence::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(txn)
        .await?
        .ok_or_else(|| Error::bad_input(field, format!("unknown evidence `{slug}`")))
}
