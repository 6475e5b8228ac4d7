//! Rules about records that every entry point applies: the seed loader and the GraphQL
//! mutations call the same function, so a record refused by one is refused by the other with
//! the same words.

use crate::{AdoptionMode, CommitmentAct, InstrumentKind};

/// The acts a treaty takes: consenting to be bound, signing, and leaving.
pub const TREATY_ACTS: &[CommitmentAct] = &[
    CommitmentAct::Ratified,
    CommitmentAct::Acceded,
    CommitmentAct::Succeeded,
    CommitmentAct::Signed,
    CommitmentAct::Withdrew,
];

/// Why `act` cannot apply to the instrument `slug` of `kind`, adopted by `adoption_mode`, if it
/// cannot: treaty acts (ratify, accede, succeed, sign, withdraw) only on a TREATY, and a treaty
/// only through them; a vote in favour only on a text adopted by vote, and joining a consensus
/// only on one adopted by consensus (when the record says how it was adopted).
pub fn act_misfit(
    act: CommitmentAct,
    slug: &str,
    kind: InstrumentKind,
    adoption_mode: Option<AdoptionMode>,
) -> Option<String> {
    let treaty = kind == InstrumentKind::Treaty;
    let treaty_act = TREATY_ACTS.contains(&act);
    if treaty_act && !treaty {
        return Some(format!(
            "{act} applies to treaties only; `{slug}` is a {}",
            kind.as_str().to_lowercase()
        ));
    }
    if treaty && !treaty_act {
        return Some(format!(
            "`{slug}` is a treaty: a state commits to it by RATIFIED, ACCEDED or SUCCEEDED (or \
             SIGNED), not {act}"
        ));
    }
    let needs = match act {
        CommitmentAct::VotedInFavour => Some(AdoptionMode::Vote),
        CommitmentAct::AdoptedByConsensus => Some(AdoptionMode::Consensus),
        _ => None,
    };
    match (needs, adoption_mode) {
        (Some(needed), Some(mode)) if needed != mode => Some(format!(
            "{act} needs an instrument adopted by {}; `{slug}` was adopted by {}",
            needed.as_str().to_lowercase(),
            mode.as_str().to_lowercase()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_treaty_is_ratified_not_voted_for() {
        let misfit = act_misfit(
            CommitmentAct::VotedInFavour,
            "iccpr",
            InstrumentKind::Treaty,
            None,
        );
        assert!(misfit.is_some_and(|m| m.contains("`iccpr` is a treaty")));
        assert!(act_misfit(
            CommitmentAct::Acceded,
            "iccpr",
            InstrumentKind::Treaty,
            None
        )
        .is_none());
    }

    #[test]
    fn a_resolution_adopted_by_consensus_takes_no_vote_in_favour() {
        let mode = Some(AdoptionMode::Consensus);
        let kind = InstrumentKind::Resolution;
        assert!(act_misfit(CommitmentAct::VotedInFavour, "ares-76-19", kind, mode).is_some());
        assert!(act_misfit(CommitmentAct::AdoptedByConsensus, "ares-76-19", kind, mode).is_none());
        assert!(act_misfit(CommitmentAct::Ratified, "ares-76-19", kind, mode).is_some());
    }
}
