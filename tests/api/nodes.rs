use crate::helpers::{code, spawn_app};
use serde_json::json;

#[tokio::test]
async fn global_ids_round_trip_through_node_for_every_kind() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              state(code: "MEX") { id code
                commitments { id act sources { id key } }
                memberships { id }
                evidence { id slug assessments { id } } }
              forum(slug: "osce") { id slug }
              instrument(slug: "iccpr") { id slug }
              provision(code: "iccpr-17") { id code links { id } }
            }"#,
            json!({}),
        )
        .await;
    let s = &data["state"];
    let ids = [
        (s["id"].clone(), "State"),
        (data["forum"]["id"].clone(), "Forum"),
        (data["instrument"]["id"].clone(), "Instrument"),
        (data["provision"]["id"].clone(), "HumanRightsObligation"),
        (data["provision"]["links"][0]["id"].clone(), "ProvisionLink"),
        (s["commitments"][0]["id"].clone(), "Commitment"),
        (s["commitments"][0]["sources"][0]["id"].clone(), "Source"),
        (s["memberships"][0]["id"].clone(), "Membership"),
        (s["evidence"][0]["id"].clone(), "Evidence"),
        (
            s["evidence"][0]["assessments"][0]["id"].clone(),
            "Assessment",
        ),
    ];
    for (id, typename) in &ids {
        assert!(id.is_string(), "missing id for {typename}: {data:#}");
        let node = app
            .data(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(node["node"]["__typename"], *typename);
        assert_eq!(node["node"]["id"], *id);
    }
    let all: Vec<_> = ids.iter().map(|(id, _)| id.clone()).collect();
    let nodes = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }",
            json!({ "ids": all }),
        )
        .await;
    let names: Vec<_> = nodes["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n["__typename"].as_str().unwrap_or_default().to_string())
        .collect();
    let expected: Vec<_> = ids.iter().map(|(_, t)| t.to_string()).collect();
    assert_eq!(names, expected, "nodes keeps the order asked for");
}

#[tokio::test]
async fn a_state_node_resolves_its_fields() {
    let app = spawn_app().await;
    let id = app
        .data(r#"{ state(code: "chl") { id } }"#, json!({}))
        .await["state"]["id"]
        .clone();
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on State { code name } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["node"]["code"], "CHL");
}

#[tokio::test]
async fn unknown_codes_and_ids_give_null_not_an_error() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{ state(code: "XXX") { id } forum(slug: "nope") { id }
                 instrument(slug: "nope") { id } provision(code: "nope-1") { code } }"#,
            json!({}),
        )
        .await;
    assert!(data["state"].is_null() && data["forum"].is_null());
    assert!(data["instrument"].is_null() && data["provision"].is_null());
    // A well-formed id of a record that does not exist.
    let id = app
        .data(r#"{ state(code: "MEX") { id } }"#, json!({}))
        .await["state"]["id"]
        .clone();
    let text = id.as_str().expect("a string");
    use base64::Engine;
    let decoded = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .expect("base64"),
    )
    .expect("utf8");
    assert!(decoded.starts_with("State:"), "{decoded}");
    let missing = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("State:999999");
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert!(data["node"].is_null());
}

#[tokio::test]
async fn malformed_ids_are_bad_user_input() {
    let app = spawn_app().await;
    for bad in ["garbage!", "", "U3RhdGU6YWJj" /* State:abc */] {
        let err = app
            .error(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": bad }),
            )
            .await;
        assert_eq!(code(&err), "BAD_USER_INPUT", "{bad}: {err}");
        assert_eq!(err["extensions"]["field"], "id");
    }
    let err = app
        .error(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ["x", "y"] }),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "ids[0]");
}
