//! The public schema as a snapshot: any change to it shows in review.
//! To accept a deliberate change: `UPDATE_SNAPSHOTS=1 cargo test schema`.

use crate::helpers::{spawn_app, spawn_empty_app};
use serde_json::json;
use std::collections::BTreeSet;

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
    let sdl = compact(&app.get("/schema.graphql").await.text().await.expect("body"));
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

/// The SDL without its descriptions, each field's arguments on one line (`node(id: ID!): Node`),
/// as the contract names are written.
fn compact(sdl: &str) -> String {
    let mut bare = String::new();
    let mut rest = sdl;
    while let Some(start) = rest.find("\"\"\"") {
        bare.push_str(&rest[..start]);
        rest = match rest[start + 3..].find("\"\"\"") {
            Some(end) => &rest[start + 3 + end + 3..],
            None => "",
        };
    }
    bare.push_str(rest);
    let mut out = String::new();
    for line in bare.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if out.ends_with('(') || line.starts_with(')') {
        } else if out.ends_with(',') {
            out.push(' ');
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Everything a client can read about the schema's own documentation: every type with its
/// fields and their arguments, input fields and enum values, deprecated ones included.
const DESCRIPTIONS: &str = r#"{ __schema { types { name kind description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description } } } }"#;

/// Whether `description` says something beyond `name`: not missing, not blank, and not the name
/// again (`totalCount` described as "Total count." or "The total count" says nothing).
fn describes(name: &str, description: &serde_json::Value) -> bool {
    fn letters(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }
    let Some(text) = description.as_str() else {
        return false;
    };
    let mut said = letters(text);
    for article in ["the", "an", "a"] {
        if let Some(rest) = said.strip_prefix(article) {
            if rest == letters(name) {
                said = rest.to_owned();
            }
        }
    }
    !said.is_empty() && said != letters(name)
}

/// Every type (but the introspection types `__*`), field, argument, input field and enum value
/// of the served schema has a description, so GraphiQL's docs and generated client code say what
/// each one means. The built-in scalars count too: async-graphql describes String, Int, Float and
/// Boolean itself, and the schema builder describes ID (`scalars::describe`).
#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let app = spawn_app().await;
    let data = app.data(DESCRIPTIONS, json!({})).await;
    let types = data["__schema"]["types"].as_array().expect("types");
    assert!(types.len() > 50, "introspection answered too few types");
    let mut undescribed = Vec::new();
    let mut checked = 0;
    for t in types {
        let ty = t["name"].as_str().expect("a type name");
        if ty.starts_with("__") {
            continue;
        }
        checked += 1;
        if !describes(ty, &t["description"]) {
            undescribed.push(ty.to_owned());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().expect("a field name");
            checked += 1;
            if !describes(field, &f["description"]) {
                undescribed.push(format!("{ty}.{field}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                let arg = a["name"].as_str().expect("an argument name");
                checked += 1;
                if !describes(arg, &a["description"]) {
                    undescribed.push(format!("{ty}.{field}({arg})"));
                }
            }
        }
        for group in ["inputFields", "enumValues"] {
            for v in t[group].as_array().into_iter().flatten() {
                let name = v["name"].as_str().expect("a name");
                checked += 1;
                if !describes(name, &v["description"]) {
                    undescribed.push(format!("{ty}.{name}"));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} schema elements were checked");
    assert!(
        undescribed.is_empty(),
        "{} of {checked} schema elements have no description:\n{}",
        undescribed.len(),
        undescribed.join("\n")
    );
}

#[test]
fn a_description_that_repeats_the_name_does_not_count() {
    assert!(!describes("totalCount", &json!(null)));
    assert!(!describes("totalCount", &json!("  ")));
    assert!(!describes("totalCount", &json!("Total count.")));
    assert!(!describes("totalCount", &json!("The total count")));
    assert!(!describes("ID", &json!("id")));
    assert!(describes(
        "totalCount",
        &json!("Records matching the filter.")
    ));
    assert!(describes(
        "asOf",
        &json!("The day of the verdict, YYYY-MM-DD.")
    ));
}

/// The directive definitions of an SDL document, each as `name(args) on LOCATIONS`.
fn sdl_directives(sdl: &str) -> BTreeSet<String> {
    use async_graphql::parser::types::TypeSystemDefinition;
    let doc = async_graphql::parser::parse_schema(sdl)
        .unwrap_or_else(|e| panic!("the served SDL does not parse: {e}"));
    doc.definitions
        .iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Directive(d) => {
                let d = &d.node;
                let args: Vec<String> = d
                    .arguments
                    .iter()
                    .map(|a| format!("{}: {}", a.node.name.node, a.node.ty.node))
                    .collect();
                let mut locations: Vec<String> = d
                    .locations
                    .iter()
                    .map(|l| screaming(&format!("{:?}", l.node)))
                    .collect();
                locations.sort();
                Some(format!(
                    "{}({}) on {}",
                    d.name.node,
                    args.join(", "),
                    locations.join(" | ")
                ))
            }
            _ => None,
        })
        .collect()
}

/// `FieldDefinition` -> `FIELD_DEFINITION`, the spelling introspection uses for locations.
fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

/// A type reference of introspection written as in SDL (`String!`, `[ID!]!`).
fn type_ref(t: &serde_json::Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_ref(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_ref(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or("?").to_owned(),
    }
}

/// A code generator fed `/schema.graphql` must know every directive that introspection
/// reports (async-graphql's export leaves out `@deprecated` and `@oneOf` while nothing uses
/// them; a generator that meets one in a later schema then rejects it): the served SDL parses,
/// and its directive definitions are exactly those of `__schema { directives }`, with the same
/// arguments and locations.
#[tokio::test]
async fn the_served_sdl_parses_and_declares_the_directives_of_introspection() {
    let app = spawn_app().await;
    let resp = app.get("/schema.graphql").await;
    assert_eq!(resp.status(), 200);
    let sdl = resp.text().await.expect("body");
    let declared = sdl_directives(&sdl);

    let data = app
        .data(
            "{ __schema { directives { name locations
                args { name type { kind name ofType { kind name ofType { kind name } } } } } } }",
            json!({}),
        )
        .await;
    let introspected: BTreeSet<String> = data["__schema"]["directives"]
        .as_array()
        .expect("directives")
        .iter()
        .map(|d| {
            let args: Vec<String> = d["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    format!(
                        "{}: {}",
                        a["name"].as_str().unwrap_or("?"),
                        type_ref(&a["type"])
                    )
                })
                .collect();
            let mut locations: Vec<&str> = d["locations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l.as_str())
                .collect();
            locations.sort();
            format!(
                "{}({}) on {}",
                d["name"].as_str().unwrap_or("?"),
                args.join(", "),
                locations.join(" | ")
            )
        })
        .collect();
    for name in ["deprecated", "include", "skip", "specifiedBy"] {
        assert!(
            introspected
                .iter()
                .any(|d| d.starts_with(&format!("{name}("))),
            "introspection lacks @{name}: {introspected:#?}"
        );
    }
    assert_eq!(
        declared, introspected,
        "the served SDL's directive definitions differ from introspection's"
    );
}
