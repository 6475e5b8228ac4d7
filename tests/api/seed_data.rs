//! Integrity of the bundled dataset.

use crate::helpers::spawn_app;
use entity::{LinkRelation, ProvisionKind};
use std::collections::HashSet;

fn dataset() -> seed::Dataset {
    seed::read_dataset(&seed::bundled_data_dir()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_bundled_data_validates() {
    let ds = dataset();
    assert!(!ds.sources.is_empty());
}

#[test]
fn there_are_193_un_members_and_2_observer_states() {
    let ds = dataset();
    assert_eq!(ds.states.iter().filter(|s| s.fields.un_member).count(), 193);
    let observers: HashSet<_> = ds
        .states
        .iter()
        .filter(|s| s.fields.un_observer)
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(observers, HashSet::from(["VAT", "PSE"]));
}

#[test]
fn the_norm_sets_are_complete() {
    let ds = dataset();
    let count = |prefix: &str| {
        ds.provisions
            .iter()
            .filter(|p| p.code.starts_with(prefix))
            .count()
    };
    assert_eq!(count("gge-2015-13"), 11);
    assert_eq!(count("osce-cbm-"), 16);
    assert_eq!(count("gcsc-"), 8);
    assert_eq!(count("paris-call-"), 9);
    for code in [
        "iccpr-2", "iccpr-17", "iccpr-19", "iccpr-21", "iccpr-22", "iccpr-25", "udhr-12", "udhr-19",
    ] {
        assert!(
            ds.provisions.iter().any(|p| p.code == code),
            "{code} is missing"
        );
    }
}

#[test]
fn every_norm_and_cbm_is_linked_to_a_right() {
    let ds = dataset();
    let kinds: std::collections::HashMap<_, _> = ds
        .provisions
        .iter()
        .map(|p| (p.code.as_str(), p.fields.kind))
        .collect();
    for p in ds.provisions.iter().filter(|p| {
        ["gge-2015-", "osce-cbm-", "gcsc-", "paris-call-"]
            .iter()
            .any(|x| p.code.starts_with(x))
    }) {
        let linked = ds.links.iter().any(|l| {
            l.from == p.code
                && matches!(
                    l.fields.relation,
                    LinkRelation::ProtectsRight | LinkRelation::MayRestrictRight
                )
                && kinds.get(l.to.as_str()) == Some(&ProvisionKind::HumanRightsObligation)
        });
        assert!(
            linked,
            "{} has no link to a human-rights obligation",
            p.code
        );
    }
}

#[test]
fn every_record_has_a_source_and_the_founding_case_is_there() {
    let ds = dataset();
    assert!(ds.commitments.iter().all(|c| !c.sources.is_empty()));
    assert!(ds.evidence.iter().all(|e| !e.sources.is_empty()));
    assert!(ds.assessments.iter().all(|a| !a.sources.is_empty()));
    let states: HashSet<_> = ds
        .evidence
        .iter()
        .flat_map(|e| e.responsible_states.iter())
        .collect();
    assert!(ds.evidence.len() >= 21, "at least 21 cases");
    assert!(states.len() >= 10, "cases across at least 10 states");
    assert!(ds
        .assessments
        .iter()
        .any(|a| a.evidence == "mex-pegasus-2017" && a.provision == "iccpr-17"));
}

#[tokio::test]
async fn every_loaded_record_cites_a_source_reachable_from_the_api() {
    let app = spawn_app().await;
    for (table, kind) in [
        ("states", "STATE"),
        ("forums", "FORUM"),
        ("memberships", "MEMBERSHIP"),
        ("instruments", "INSTRUMENT"),
        ("provisions", "PROVISION"),
        ("provision_links", "PROVISION_LINK"),
        ("commitments", "COMMITMENT"),
        ("positions", "POSITION"),
        ("evidence", "EVIDENCE"),
        ("assessments", "ASSESSMENT"),
    ] {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {table} t WHERE NOT EXISTS \
             (SELECT 1 FROM record_sources r WHERE r.record_kind = '{kind}' AND r.record_id = t.id)"
        );
        let n = app.count(&sql).await;
        assert_eq!(n, 0, "{n} {table} without a source");
    }
}
