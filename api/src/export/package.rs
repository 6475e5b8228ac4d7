//! The Frictionless Data Package descriptor (`datapackage.json`) of an export: what each file
//! holds (name, path, format, every column's name, type and description, the primary key and the
//! references between files), which version of the data and of the software produced it, under
//! which licence, and from which sources. Tools such as `frictionless validate` check the files
//! against it; `pandas` users can read the column types from it.
//!
//! Profile: Tabular Data Package (Frictionless specification v1), which current tools read.

use super::{gaps, tables::Table, Field, Format};
use serde_json::{json, Value};

/// The data licence (see `seed/data/LICENSE.md`).
pub const DATA_LICENSE: &str = "CC-BY-4.0";
pub const DATA_LICENSE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";
pub const DATA_LICENSE_TITLE: &str = "Creative Commons Attribution 4.0 International";

/// The file name of a record table or of the gaps file in `format`.
pub fn path(name: &str, format: Format) -> String {
    format!("{name}.{}", format.extension())
}

/// What the descriptor says about the data it describes.
pub struct Release {
    /// The registry's data version (`registry { dataVersion }`) when the export began.
    pub data_version: i64,
    /// When that version was reached.
    pub data_updated_at: chrono::DateTime<chrono::Utc>,
    /// What the gaps file was computed for.
    pub gaps: gaps::Params,
}

fn field_json(f: &Field, unique: bool) -> Value {
    let mut constraints = serde_json::Map::new();
    if f.required {
        constraints.insert("required".into(), json!(true));
    }
    if unique {
        constraints.insert("unique".into(), json!(true));
    }
    if let Some(values) = &f.values {
        constraints.insert("enum".into(), json!(values));
    }
    let mut v = json!({
        "name": f.name,
        "type": f.ty.as_str(),
        "description": f.description,
    });
    if !constraints.is_empty() {
        v["constraints"] = Value::Object(constraints);
    }
    v
}

/// The columns of `table` other files refer to: they must be unique.
fn referenced(table: Table) -> Vec<&'static str> {
    let mut cols: Vec<&'static str> = Table::ALL
        .iter()
        .flat_map(|t| t.references())
        .chain([
            ("state", Table::States, "code"),
            ("provision", Table::Provisions, "code"),
        ])
        .filter(|(_, t, _)| *t == table)
        .map(|(_, _, c)| c)
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// The schema of the resource `own`; a reference to `own` itself names the resource `""`, as
/// the specification has it (a forum's parent is a forum).
fn schema(
    own: &str,
    fields: &[Field],
    unique: &[&str],
    references: &[(&str, Table, &str)],
) -> Value {
    let foreign: Vec<Value> = references
        .iter()
        .map(|(col, t, target)| {
            let resource = if t.name() == own { "" } else { t.name() };
            json!({ "fields": col, "reference": { "resource": resource, "fields": target } })
        })
        .collect();
    json!({
        "fields": fields
            .iter()
            .map(|f| field_json(f, f.name == "id" || unique.contains(&f.name.as_str())))
            .collect::<Vec<_>>(),
        "primaryKey": "id",
        "foreignKeys": foreign,
        "missingValues": [""],
    })
}

fn resource(name: &str, format: Format, description: String, schema: Value) -> Value {
    json!({
        "name": name,
        "path": path(name, format),
        "profile": "tabular-data-resource",
        "format": format.extension(),
        "mediatype": format.media_type(),
        "encoding": "utf-8",
        "description": description,
        "schema": schema,
    })
}

/// The descriptor of the files of one export in `format`.
pub fn descriptor(format: Format, release: &Release) -> Value {
    let mut resources: Vec<Value> = Table::ALL
        .iter()
        .map(|t| {
            resource(
                t.name(),
                format,
                t.description().to_string(),
                schema(t.name(), &t.fields(), &referenced(*t), &t.references()),
            )
        })
        .collect();
    let g = &release.gaps;
    let states = g.states.as_ref().map_or("all states".to_string(), |s| {
        format!("states {}", s.join(", "))
    });
    let kinds = g.kinds.as_ref().map_or("all provisions".to_string(), |k| {
        let k: Vec<&str> = k.iter().map(|k| k.as_str()).collect();
        format!("provisions of kind {}", k.join(", "))
    });
    let scope = format!("{states}, {kinds}");
    resources.push(resource(
        "gaps",
        format,
        format!(
            "One row per (state, provision) pair with a commitment or an assessment: the gap \
             engine's verdict as of {} ({scope}; method {}, see docs/gap-method.md).",
            g.as_of,
            crate::gap::rules::METHODOLOGY_VERSION
        ),
        schema(
            "gaps",
            &gaps::fields(),
            &[],
            &[
                ("state", Table::States, "code"),
                ("provision", Table::Provisions, "code"),
            ],
        ),
    ));
    let repository = env!("CARGO_PKG_REPOSITORY");
    json!({
        "profile": "tabular-data-package",
        "name": "normwatch",
        "title": "Normwatch: cyber norms, commitments and state practice",
        "description": "The public records of the Normwatch registry: states, forums, \
            instruments and their provisions, each state's commitments and positions, documented \
            practice assessed against the provisions, the gap engine's verdicts, and the public \
            sources every record cites. Dates keep the precision of their source (column X) \
            with X_precision, and X_start / X_end give the period as full days.",
        "version": env!("CARGO_PKG_VERSION"),
        "dataVersion": release.data_version,
        "dataUpdatedAt": release.data_updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "methodologyVersion": crate::gap::rules::METHODOLOGY_VERSION,
        "homepage": repository,
        "licenses": [{
            "name": DATA_LICENSE,
            "path": DATA_LICENSE_URL,
            "title": DATA_LICENSE_TITLE,
        }],
        "sources": [
            {
                "title": "Normwatch registry",
                "path": repository,
            },
            {
                "title": "The public documents each record cites (sources file); they keep their own terms",
                "path": path(Table::Sources.name(), format),
            },
        ],
        "resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_points_at_a_unique_column_of_a_described_file() {
        let release = Release {
            data_version: 1,
            data_updated_at: chrono::Utc::now(),
            gaps: gaps::Params::today(),
        };
        let d = descriptor(Format::Csv, &release);
        let resources = d["resources"].as_array().cloned().unwrap_or_default();
        assert_eq!(resources.len(), Table::ALL.len() + 1);
        for r in &resources {
            for fk in r["schema"]["foreignKeys"].as_array().into_iter().flatten() {
                let target = match &fk["reference"]["resource"] {
                    Value::String(s) if s.is_empty() => r["name"].clone(),
                    other => other.clone(),
                };
                let column = &fk["reference"]["fields"];
                let t = resources.iter().find(|x| x["name"] == target);
                let field = t.and_then(|t| {
                    t["schema"]["fields"]
                        .as_array()
                        .and_then(|fs| fs.iter().find(|f| &f["name"] == column).cloned())
                });
                assert_eq!(
                    field.map(|f| f["constraints"]["unique"].clone()),
                    Some(json!(true)),
                    "{} -> {target}.{column}",
                    r["name"]
                );
            }
        }
    }
}
