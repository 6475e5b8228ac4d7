//! The public schema as a snapshot: any change to it shows in review.
//! To accept a deliberate change: `UPDATE_SNAPSHOTS=1 cargo test schema`.

use crate::helpers::spawn_empty_app;

#[tokio::test]
async fn the_sdl_matches_the_snapshot() {
    let app = spawn_empty_app().await;
    let resp = app.get("/schema.graphql").await;
    assert_eq!(resp.status(), 200);
    let sdl = resp.text().await.expect("body");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/schema.graphql"
    );
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(path, &sdl).expect("write the snapshot");
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        sdl == expected,
        "the public schema changed; review tests/snapshots/schema.graphql after running \
         UPDATE_SNAPSHOTS=1 cargo test schema"
    );
}

#[tokio::test]
async fn the_contract_names_of_design_md_exist() {
    let app = spawn_empty_app().await;
    let sdl = app.get("/schema.graphql").await.text().await.expect("body");
    for name in [
        "interface Node",
        "node(id: ID!): Node",
        "nodes(ids: [ID!]!): [Node]!",
        "state(code: String!): State",
        "forum(slug: String!): Forum",
        "instrument(slug: String!): Instrument",
        "provision(code: String!): Provision",
        "interface Provision",
        "type Norm implements",
        "type ConfidenceBuildingMeasure implements",
        "type HumanRightsObligation implements",
        "totalCount: Int!",
        "scalar PartialDate",
    ] {
        assert!(sdl.contains(name), "the schema lacks `{name}`");
    }
}
