//! The assessment standard as rules: the highest confidence an assessment may claim, which
//! source it lists first, and no rationale copied from another case with only the state
//! changed. `docs/assessment-standard.md` is the same table in prose; change both together.
//!
//! Why here: an assessment is what a verdict rests on, and it reaches the registry by two
//! doors, the seed files and the API's mutations. Each door gathers the facts these rules need
//! (the evidence's kind and attribution, the tier and kind of each cited source, whether
//! another assessment has the same rationale key) from where it keeps them and calls
//! [`check`], so both refuse the same assessment naming the same field with the same words.

use super::{Check, Checked};
use crate::{AttributionStatus, Confidence, EvidenceKind, Finding, SourceKind, SourceTier};

/// A cited source as the standard weighs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    pub key: String,
    pub tier: SourceTier,
    pub kind: SourceKind,
}

/// What an assessment claims and what it rests on.
#[derive(Debug, Clone)]
pub struct Grounds<'a> {
    pub finding: Finding,
    pub confidence: Confidence,
    /// The kind and attribution of the assessed evidence.
    pub evidence_kind: EvidenceKind,
    pub attribution: AttributionStatus,
    /// The assessment's sources, in the order it lists them.
    pub sources: &'a [Cited],
    /// Another assessment (its `evidence/state/provision`) whose rationale has the same
    /// [`rationale_key`], if any.
    pub twin: Option<&'a str>,
}

/// How close a tier is to the fact: higher is closer. A copy of the original (a judgment read
/// on a mirror) and a compilation rank alike: neither was read where its author published it,
/// and which of the two an assessment rests on is the assessor's to say.
fn rank(tier: SourceTier) -> u8 {
    match tier {
        SourceTier::Primary => 3,
        SourceTier::Publisher => 2,
        SourceTier::Secondary | SourceTier::Copy => 1,
    }
}

/// A source that can carry HIGH confidence: the official record or the author's own report,
/// and not a news story (press alone is at most MEDIUM, however many articles).
fn carries_high(s: &Cited) -> bool {
    rank(s.tier) >= rank(SourceTier::Publisher) && s.kind != SourceKind::News
}

/// The highest confidence the grounds allow, and why: the lowest of the caps below.
///
/// | what limits it | highest allowed |
/// |---|---|
/// | attribution CONTESTED | MEDIUM |
/// | no PRIMARY or PUBLISHER source other than the press | MEDIUM |
/// | no PRIMARY or PUBLISHER source at all, two or more sources | MEDIUM |
/// | no PRIMARY or PUBLISHER source at all, one source | LOW |
/// | a POLICY (a statement, strategy or legal position) rated SUPPORTS | LOW |
/// | otherwise | HIGH |
pub fn highest_confidence(g: &Grounds<'_>) -> (Confidence, &'static str) {
    let mut caps: Vec<(Confidence, &'static str)> = Vec::new();
    if g.attribution == AttributionStatus::Contested {
        caps.push((
            Confidence::Medium,
            "the evidence's attribution is CONTESTED",
        ));
    }
    let first_hand = g
        .sources
        .iter()
        .any(|s| rank(s.tier) >= rank(SourceTier::Publisher));
    if !first_hand {
        if g.sources.len() >= 2 {
            caps.push((
                Confidence::Medium,
                "no source is PRIMARY or PUBLISHER (two or more secondary accounts)",
            ));
        } else {
            caps.push((
                Confidence::Low,
                "its only source is SECONDARY or COPY (a single secondary account)",
            ));
        }
    } else if !g.sources.iter().any(carries_high) {
        caps.push((
            Confidence::Medium,
            "its first-hand sources are press reports only",
        ));
    }
    if g.evidence_kind == EvidenceKind::Policy && g.finding == Finding::Supports {
        caps.push((
            Confidence::Low,
            "a policy or statement rated SUPPORTS is what a state says, not what it did",
        ));
    }
    caps.into_iter()
        .min_by_key(|(c, _)| *c)
        .unwrap_or((Confidence::High, "nothing limits it"))
}

/// The standard's rules for one assessment, each failure naming its field.
pub fn check(g: &Grounds<'_>) -> Checked<()> {
    let mut c = Check::default();
    let (highest, why) = highest_confidence(g);
    if g.confidence > highest {
        c.fail(
            "confidence",
            format!(
                "{} is above what the assessment standard allows here ({highest}): {why}",
                g.confidence
            ),
        );
    }
    if let (Some(first), Some(best)) = (
        g.sources.first(),
        g.sources.iter().max_by_key(|s| rank(s.tier)),
    ) {
        if rank(first.tier) < rank(best.tier) {
            c.fail(
                "sources",
                format!(
                    "list the source the assessment rests on first: `{}` is {} but `{}` is {}",
                    first.key, first.tier, best.key, best.tier
                ),
            );
        }
    }
    if let Some(twin) = g.twin {
        c.fail(
            "rationale",
            format!(
                "repeats the rationale of {twin} with only state names changed: say what this \
                 state did, to whom and when, and which step of the test it fails"
            ),
        );
    }
    c.finish(())
}

/// The rationale with every state name in `names` masked, case, punctuation and spacing
/// ignored, hashed (FNV-1a, 64 bits, as 16 hex digits): equal keys mean two rationales that
/// differ only in the states they name. Longer names are masked first, so "Niger" does not
/// eat into "Nigeria".
pub fn rationale_key<S: AsRef<str>>(rationale: &str, names: &[S]) -> String {
    let mut text = format!(" {} ", words(rationale));
    let mut masks: Vec<String> = names
        .iter()
        .map(|n| words(n.as_ref()))
        .filter(|n| !n.is_empty())
        .collect();
    masks.sort_by_key(|n| std::cmp::Reverse(n.len()));
    masks.dedup();
    for name in &masks {
        text = text.replace(&format!(" {name} "), " \u{1} ");
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.trim().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Lower-case words of `s`, separated by one space, punctuation dropped.
fn words(s: &str) -> String {
    s.split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names a rationale may use for a state: its name as recorded and the part before a
/// parenthesis or comma ("Iran" of "Iran (Islamic Republic of)"), and its alpha-3 code.
pub fn state_names(name: &str, code: &str) -> Vec<String> {
    let short = name.split(['(', ',']).next().unwrap_or(name).trim();
    let mut out = vec![name.to_string(), short.to_string(), code.to_string()];
    if let Some(rest) = short.strip_prefix("the ") {
        out.push(rest.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(key: &str, tier: SourceTier, kind: SourceKind) -> Cited {
        Cited {
            key: key.into(),
            tier,
            kind,
        }
    }

    fn grounds<'a>(sources: &'a [Cited], confidence: Confidence) -> Grounds<'a> {
        Grounds {
            finding: Finding::Contradicts,
            confidence,
            evidence_kind: EvidenceKind::Surveillance,
            attribution: AttributionStatus::Settled,
            sources,
            twin: None,
        }
    }

    fn fields(r: Checked<()>) -> Vec<&'static str> {
        r.err()
            .map(|e| e.0.iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn high_needs_a_first_hand_source_that_is_not_the_press() {
        let lab = [src("lab", SourceTier::Publisher, SourceKind::NgoReport)];
        assert!(check(&grounds(&lab, Confidence::High)).is_ok());
        let press = [
            src("a", SourceTier::Publisher, SourceKind::News),
            src("b", SourceTier::Publisher, SourceKind::News),
        ];
        assert_eq!(
            fields(check(&grounds(&press, Confidence::High))),
            ["confidence"]
        );
        assert!(check(&grounds(&press, Confidence::Medium)).is_ok());
    }

    #[test]
    fn secondary_sources_alone_cap_at_medium_or_low() {
        let one = [src("wiki", SourceTier::Secondary, SourceKind::Dataset)];
        assert_eq!(
            highest_confidence(&grounds(&one, Confidence::Low)).0,
            Confidence::Low
        );
        let two = [
            src("a", SourceTier::Secondary, SourceKind::News),
            src("b", SourceTier::Copy, SourceKind::NgoReport),
        ];
        assert_eq!(
            highest_confidence(&grounds(&two, Confidence::Low)).0,
            Confidence::Medium
        );
        assert_eq!(
            fields(check(&grounds(&two, Confidence::High))),
            ["confidence"]
        );
    }

    #[test]
    fn contested_attribution_is_never_high() {
        let lab = [src("lab", SourceTier::Publisher, SourceKind::NgoReport)];
        let mut g = grounds(&lab, Confidence::High);
        g.attribution = AttributionStatus::Contested;
        let err = check(&g).expect_err("refused");
        assert_eq!(err.0[0].field, "confidence");
        assert!(
            err.0[0].message.contains("CONTESTED"),
            "{}",
            err.0[0].message
        );
        g.confidence = Confidence::Medium;
        assert!(check(&g).is_ok());
    }

    #[test]
    fn a_policy_rated_supports_is_low_at_most() {
        let gov = [src("law", SourceTier::Primary, SourceKind::Government)];
        let mut g = grounds(&gov, Confidence::Medium);
        g.evidence_kind = EvidenceKind::Policy;
        g.finding = Finding::Supports;
        assert_eq!(fields(check(&g)), ["confidence"]);
        g.finding = Finding::Contradicts;
        assert!(
            check(&g).is_ok(),
            "a policy that contradicts is judged on its sources"
        );
    }

    #[test]
    fn the_best_source_comes_first() {
        let sources = [
            src("press", SourceTier::Secondary, SourceKind::News),
            src("judgment", SourceTier::Primary, SourceKind::Government),
        ];
        let err = check(&grounds(&sources, Confidence::Low)).expect_err("refused");
        assert_eq!(err.0[0].field, "sources");
        assert!(err.0[0].message.contains("`judgment` is PRIMARY"));
        let reordered = [sources[1].clone(), sources[0].clone()];
        assert!(check(&grounds(&reordered, Confidence::High)).is_ok());
    }

    #[test]
    fn rationales_that_differ_only_in_state_names_share_a_key() {
        let names: Vec<String> = [
            ("Morocco", "MAR"),
            ("Egypt", "EGY"),
            ("Niger", "NER"),
            ("Nigeria", "NGA"),
        ]
        .iter()
        .flat_map(|(n, c)| state_names(n, c))
        .collect();
        let a = rationale_key(
            "Morocco disregards the norm to respect human rights.",
            &names,
        );
        let b = rationale_key(
            "egypt  disregards the norm, to respect human rights",
            &names,
        );
        assert_eq!(a, b);
        let c = rationale_key("Morocco used Pegasus against a journalist in 2019.", &names);
        assert_ne!(a, c);
        // The longer name is masked whole, not as "Niger" + "ia".
        assert_eq!(
            rationale_key("Nigeria blocked Twitter.", &names),
            rationale_key("Niger blocked Twitter.", &names)
        );
        let mut g = grounds(&[], Confidence::Low);
        g.twin = Some("mar-x/MAR/iccpr-17");
        assert_eq!(fields(check(&g)), ["rationale"]);
    }

    #[test]
    fn short_names_drop_what_follows_a_parenthesis() {
        assert!(state_names("Iran (Islamic Republic of)", "IRN").contains(&"Iran".to_string()));
    }
}
