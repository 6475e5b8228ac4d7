//! Screening a request before anything recursive or the database sees it.
//!
//! The GraphQL parser, the validator and the value conversions of async-graphql are recursive:
//! a 3 KB document of 1,500 nested list brackets (`nodes(ids: [[[[...]]]])`) overflows the
//! stack and aborts the whole process, whatever the depth limit says (that limit is checked on
//! selection sets after parsing). [`check_nesting`] counts brackets with a flat loop, before
//! the parser runs, and refuses deep documents with a plain message.
//!
//! PostgreSQL refuses text with a NUL character (U+0000) with an error, so a NUL in any
//! argument would surface as an internal error. [`check_values`] refuses it up front, naming
//! the argument, on both databases alike.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, Variables};
use async_graphql_value::{ConstValue, Value};

/// The deepest nesting of `{`, `[` and `(` a document may have. A selection depth of 15 (the
/// default `NORMWATCH_MAX_DEPTH`) with arguments and input objects stays far below it; the
/// parser's recursion stays far below the stack.
pub const MAX_NESTING: usize = 64;

/// Refuses a document whose brackets nest deeper than `max`, without parsing it.
///
/// Strings (`"..."`, block strings `"""..."""`) and comments (`# ...`) are skipped, so brackets
/// inside them do not count. Unbalanced brackets are left to the parser's own error.
pub fn check_nesting(query: &str, max: usize) -> Result<(), String> {
    let bytes = query.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // `\"""` is an escaped triple quote inside a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2; // the loop's `i += 1` below passes the third quote
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return Err(format!(
                        "the document nests brackets more than {max} levels deep; \
                         flatten the query or its arguments"
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Refuses NUL characters in any argument value or variable, naming where it is.
pub fn check_values(doc: &ExecutableDocument, variables: &Variables) -> Result<(), String> {
    for (name, value) in variables.iter() {
        if const_has_nul(value) {
            return Err(nul_message(&format!("variable `${name}`")));
        }
    }
    for (_, op) in doc.operations.iter() {
        check_set(&op.node.selection_set)?;
    }
    for fragment in doc.fragments.values() {
        check_set(&fragment.node.selection_set)?;
    }
    Ok(())
}

fn nul_message(what: &str) -> String {
    format!("{what} contains a NUL character (U+0000), which no text field accepts")
}

fn check_set(set: &Positioned<SelectionSet>) -> Result<(), String> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) => {
                for (name, value) in &f.node.arguments {
                    if value_has_nul(&value.node) {
                        return Err(nul_message(&format!(
                            "argument `{}` of `{}`",
                            name.node, f.node.name.node
                        )));
                    }
                }
                check_set(&f.node.selection_set)?;
            }
            Selection::InlineFragment(f) => check_set(&f.node.selection_set)?,
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

fn value_has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::List(items) => items.iter().any(value_has_nul),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.as_str().contains('\0') || value_has_nul(v)),
        _ => false,
    }
}

fn const_has_nul(v: &ConstValue) -> bool {
    use ConstValue as C;
    match v {
        C::String(s) => s.contains('\0'),
        C::List(items) => items.iter().any(const_has_nul),
        C::Object(map) => map
            .iter()
            .any(|(k, v)| k.as_str().contains('\0') || const_has_nul(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_lists_and_objects_are_refused_without_parsing() {
        let deep = format!(
            "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
            "[".repeat(1500),
            "]".repeat(1500)
        );
        let err = check_nesting(&deep, MAX_NESTING).unwrap_err();
        assert!(err.contains("more than 64 levels"), "{err}");
        let deep_obj = format!(
            "{{ __typename @skip(if: {}true{}) }}",
            "{a: ".repeat(1200),
            "}".repeat(1200)
        );
        assert!(check_nesting(&deep_obj, MAX_NESTING).is_err());
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let q = format!(
            "# {}\n{{ state(code: \"{}\") {{ name }} provisions(filter: {{search: \"\"\"{}\\\"\"\"\"\"\"}}) {{ nodes {{ code }} }} }}",
            "{".repeat(200),
            "[".repeat(200),
            "(".repeat(200)
        );
        assert_eq!(check_nesting(&q, MAX_NESTING), Ok(()));
        assert_eq!(check_nesting("{ a { b { c } } }", 3), Ok(()));
        assert!(check_nesting("{ a { b { c { d } } } }", 3).is_err());
    }

    #[test]
    fn nul_characters_are_named() {
        let doc = async_graphql::parser::parse_query(
            "query($c: String!) { state(code: \"ME\\u0000X\") { name } other: state(code: $c) { name } }",
        )
        .unwrap();
        let err = check_values(&doc, &Variables::default()).unwrap_err();
        assert_eq!(
            err,
            "argument `code` of `state` contains a NUL character (U+0000), which no text field accepts"
        );
        let doc =
            async_graphql::parser::parse_query("query($c: String!) { state(code: $c) { name } }")
                .unwrap();
        let vars = Variables::from_json(serde_json::json!({ "c": "a\u{0}b" }));
        assert!(check_values(&doc, &vars)
            .unwrap_err()
            .contains("variable `$c`"));
        let vars = Variables::from_json(serde_json::json!({ "c": "ab" }));
        assert_eq!(check_values(&doc, &vars), Ok(()));
    }
}
