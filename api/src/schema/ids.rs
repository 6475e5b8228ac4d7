//! Opaque global ids (`node(id:)`) and pagination cursors.
//!
//! Both are base64url of a short text (`State:12`, `c:12`) so that clients treat them as opaque
//! while we can change what is inside without breaking anyone who follows the rules.

use crate::error::Error;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::RecordKind;

/// The GraphQL type name used in global ids for a record kind.
pub fn type_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::State => "State",
        RecordKind::Forum => "Forum",
        RecordKind::Membership => "Membership",
        RecordKind::Instrument => "Instrument",
        RecordKind::Provision => "Provision",
        RecordKind::ProvisionLink => "ProvisionLink",
        RecordKind::Commitment => "Commitment",
        RecordKind::Position => "Position",
        RecordKind::Evidence => "Evidence",
        RecordKind::Assessment => "Assessment",
        RecordKind::Source => "Source",
        RecordKind::User => "User",
    }
}

/// Kinds that have a global id, in the order `type_name` lists them, plus revisions.
const KINDS: &[RecordKind] = &[
    RecordKind::State,
    RecordKind::Forum,
    RecordKind::Membership,
    RecordKind::Instrument,
    RecordKind::Provision,
    RecordKind::ProvisionLink,
    RecordKind::Commitment,
    RecordKind::Position,
    RecordKind::Evidence,
    RecordKind::Assessment,
    RecordKind::Source,
    RecordKind::User,
];

/// What a global id points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeRef {
    Record(RecordKind, i32),
    Revision(i32),
}

pub fn encode(kind: RecordKind, id: i32) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", type_name(kind))))
}

/// The id of a gap: an answer, not a record, identified by what it answers (state, provision,
/// date), so the same question gets the same id in any request and any process, and a client
/// cache (Apollo, urql) can normalise it.
/// `view` names the findings admitted (`gap::rules::Admissible::key`), empty by default.
pub fn encode_gap(
    state_id: i32,
    provision_id: i32,
    as_of: chrono::NaiveDate,
    view: &str,
) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!(
        "Gap:{state_id}:{provision_id}:{as_of}{}{view}",
        if view.is_empty() { "" } else { ":" }
    )))
}

/// The id of a scorecard: its state and date (see [`encode_gap`]).
pub fn encode_scorecard(state_id: i32, as_of: chrono::NaiveDate, view: &str) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!(
        "Scorecard:{state_id}:{as_of}{}{view}",
        if view.is_empty() { "" } else { ":" }
    )))
}

pub fn encode_revision(id: i32) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("Revision:{id}")))
}

/// Decodes a global id; anything we did not issue is a BAD_USER_INPUT naming `field`.
pub fn decode(field: &str, id: &str) -> Result<NodeRef, Error> {
    let bad = || Error::bad_input(field, format!("`{id}` is not a valid Normwatch id"));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_bytes()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (ty, num) = text.split_once(':').ok_or_else(bad)?;
    if matches!(ty, "Gap" | "Scorecard") {
        return Err(Error::bad_input(
            field,
            format!(
                "`{id}` is the id of a {} (an answer, not a record): ask `{}` for it again",
                ty.to_lowercase(),
                if ty == "Gap" { "gaps" } else { "scorecard" }
            ),
        ));
    }
    let num: i32 = num.parse().map_err(|_| bad())?;
    if num <= 0 {
        return Err(bad());
    }
    if ty == "Revision" {
        return Ok(NodeRef::Revision(num));
    }
    KINDS
        .iter()
        .find(|k| type_name(**k) == ty)
        .map(|k| NodeRef::Record(*k, num))
        .ok_or_else(bad)
}

pub use crate::repo::{cursor, decode_cursor};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let id = encode(RecordKind::Commitment, 42);
        assert_eq!(
            decode("id", &id).ok(),
            Some(NodeRef::Record(RecordKind::Commitment, 42))
        );
        assert!(decode("id", "not-an-id").is_err());
        assert!(decode("id", &URL_SAFE_NO_PAD.encode("Nope:1")).is_err());
        assert_eq!(decode_cursor("after", &cursor(7)).ok(), Some(7));
        assert!(decode_cursor("after", "zzz").is_err());
    }
}
