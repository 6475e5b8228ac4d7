//! The SDL served at `/schema.graphql`: async-graphql's export, completed so that a code
//! generator fed the file knows the same schema as one that introspects the server.
//!
//! Two things are added to the export:
//! - `@specifiedBy(url:)` on the scalars that have one (e.g. `DateTime`, RFC 3339), as
//!   introspection's `specifiedByURL` reports it;
//! - the definition of every directive introspection lists but the export leaves out. async-graphql
//!   omits `@deprecated` and `@oneOf` while no field or input uses them, yet introspection reports
//!   them, and a generator that later meets `@deprecated` in the schema would reject a file that
//!   never declared it. The definitions are written from introspection's own answer, so the two
//!   cannot disagree (`tests/api/schema.rs` checks that they do not).

use super::NormwatchSchema;
use async_graphql::{parser::types::TypeSystemDefinition, SDLExportOptions};
use serde_json::Value;
use std::fmt::Write;

/// What introspection says about directives: enough to write their definitions.
const DIRECTIVES: &str = r#"{ __schema { directives { name description isRepeatable locations
    args { name description defaultValue type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

/// The complete SDL of `schema`. Runs one introspection query in process (not over HTTP, and
/// whether or not `NORMWATCH_INTROSPECTION` lets clients introspect).
pub async fn complete(schema: &NormwatchSchema) -> String {
    let exported = schema.sdl_with_options(SDLExportOptions::new().include_specified_by());
    let declared = declared_directives(&exported);
    let answer = schema.execute(DIRECTIVES).await;
    let directives = match answer.data.into_json() {
        Ok(json) => json["__schema"]["directives"].clone(),
        Err(e) => {
            tracing::error!(error = %e, "introspecting the directives failed");
            return exported;
        }
    };
    let mut missing = String::new();
    for d in directives.as_array().into_iter().flatten() {
        let Some(name) = d["name"].as_str() else {
            continue;
        };
        if !declared.iter().any(|n| n == name) {
            write_directive(&mut missing, d);
        }
    }
    // The export ends with the `schema { .. }` block, after the directives it wrote.
    match exported.rfind("\nschema {") {
        Some(at) if !missing.is_empty() => {
            let mut sdl = exported;
            sdl.insert_str(at + 1, &missing);
            sdl
        }
        _ => exported + &missing,
    }
}

/// The names of the directives `sdl` defines (empty when it does not parse, so that every
/// directive is then written out).
fn declared_directives(sdl: &str) -> Vec<String> {
    match async_graphql::parser::parse_schema(sdl) {
        Ok(doc) => doc
            .definitions
            .iter()
            .filter_map(|d| match d {
                TypeSystemDefinition::Directive(d) => Some(d.node.name.node.to_string()),
                _ => None,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "the exported SDL does not parse");
            Vec::new()
        }
    }
}

/// Writes one directive definition in the export's layout: its description as a block string,
/// then `directive @name(arg: Type = default) repeatable on LOCATION | ...`.
fn write_directive(sdl: &mut String, d: &Value) {
    if let Some(text) = d["description"].as_str() {
        block_string(sdl, text, "");
    }
    let _ = write!(sdl, "directive @{}", d["name"].as_str().unwrap_or_default());
    let args: Vec<&Value> = d["args"].as_array().into_iter().flatten().collect();
    if !args.is_empty() {
        sdl.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                sdl.push_str(", ");
            }
            let _ = write!(
                sdl,
                "{}: {}",
                a["name"].as_str().unwrap_or_default(),
                type_ref(&a["type"])
            );
            if let Some(default) = a["defaultValue"].as_str() {
                let _ = write!(sdl, " = {default}");
            }
        }
        sdl.push(')');
    }
    if d["isRepeatable"].as_bool() == Some(true) {
        sdl.push_str(" repeatable");
    }
    let locations: Vec<&str> = d["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let _ = writeln!(sdl, " on {}", locations.join(" | "));
}

/// A description as an SDL block string (`"""` inside the text escaped).
fn block_string(sdl: &mut String, text: &str, indent: &str) {
    let _ = writeln!(sdl, "{indent}\"\"\"");
    for line in text.replace("\"\"\"", "\\\"\"\"").lines() {
        let _ = writeln!(sdl, "{indent}{line}");
    }
    let _ = writeln!(sdl, "{indent}\"\"\"");
}

/// An introspected type reference written as in SDL: `String!`, `[ID!]!`.
fn type_ref(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_ref(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_ref(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or_default().to_owned(),
    }
}
