//! The committed SDL is what the server serves, and documents everything.

use std::path::Path;

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    std::fs::read_to_string(&path).expect("schema.graphql is committed at the root")
}

#[test]
fn schema_graphql_equals_the_served_schema() {
    let served = api::graphql::sdl();
    assert!(
        committed().trim_end() == served.trim_end(),
        "schema.graphql is stale: run `cargo run -p api -- print-schema > schema.graphql`"
    );
}

#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    // In the SDL, a description is a string block right before what it describes; find
    // definitions (types, fields, arguments, enum values) not preceded by one.
    let sdl = api::graphql::sdl();
    let mut undocumented = Vec::new();
    let mut in_description = false;
    let mut documented = false;
    for line in sdl.lines().map(str::trim) {
        if line == "\"\"\"" {
            in_description = !in_description;
            documented = true;
            continue;
        }
        if in_description {
            continue;
        }
        if line.starts_with('"') {
            documented = true; // a one-line description
            continue;
        }
        let is_definition = !line.is_empty()
            && !line.starts_with('}')
            && !line.starts_with(')')
            && !line.starts_with("schema")
            && !line.starts_with("directive")
            && !line.starts_with("query:")
            && !line.starts_with("mutation:")
            && !line.starts_with("subscription:");
        if is_definition && !documented {
            undocumented.push(line.to_owned());
        }
        documented = false;
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}

#[actix_web::test]
async fn graphqls_own_errors_carry_codes_and_limits_hold() {
    use crate::helpers::{Backend, spawn_app};
    use serde_json::json;
    let app = spawn_app(Backend::Sqlite).await;
    let cases = [
        ("{ nosuchfield }", "BAD_USER_INPUT"),
        ("{ viewer { ", "BAD_USER_INPUT"),
        (
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }",
            "LIMIT_EXCEEDED",
        ),
    ];
    for (query, code) in cases {
        let response = app.graphql(query, json!({}), None).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], code,
            "{query}: {response}"
        );
    }
}

#[test]
fn the_error_catalogue_in_docs_is_complete_and_current() {
    use api::graphql::catalogue::{BEGIN, END, markdown};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/frontend.md");
    let docs = std::fs::read_to_string(&path).expect("docs/frontend.md");
    let begin = docs.find(BEGIN).expect("the begin marker") + BEGIN.len();
    let end = docs.find(END).expect("the end marker");
    assert!(
        docs[begin..end].trim() == markdown().trim(),
        "docs/frontend.md's error catalogue is stale: replace it with \
         `cargo run -p api -- print-error-codes`"
    );
}
