//! The catalogue of every error code, generated from the code itself: the `UserErrorCode` enum
//! as the schema documents it, and every top-level `extensions.code`. `docs/frontend.md` holds
//! it between markers; a test fails when the two differ
//! (`registration-api print-error-codes` prints it).

use super::errors::{ApiErrorCode, UserErrorCode};
use super::locale::Locale;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use async_graphql::resolver_utils::EnumType;

/// The marker lines around the catalogue in `docs/frontend.md`.
pub const BEGIN: &str =
    "<!-- error-catalogue:begin (generated: registration-api print-error-codes) -->";
pub const END: &str = "<!-- error-catalogue:end -->";

/// The catalogue, in Markdown.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("#### Top-level errors: `errors[].extensions.code`\n\n");
    out.push_str("| code | meaning |\n| --- | --- |\n");
    for code in ApiErrorCode::ALL {
        out.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.meaning()));
    }
    out.push_str("\n#### Payload errors: `userErrors[].code`\n\n");
    out.push_str("| code | meaning | message (ru) |\n| --- | --- | --- |\n");
    let descriptions = user_error_descriptions();
    for item in UserErrorCode::items() {
        let meaning = descriptions
            .iter()
            .find(|(name, _)| name == item.name)
            .map_or("", |(_, description)| description.as_str());
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            item.name,
            meaning.replace('\n', " ").replace('|', "\\|"),
            item.value.message(Locale::Ru)
        ));
    }
    out
}

/// Each `UserErrorCode` value's description, as the served schema documents it.
fn user_error_descriptions() -> Vec<(String, String)> {
    let Ok(document) = async_graphql::parser::parse_schema(super::sdl()) else {
        return Vec::new();
    };
    document
        .definitions
        .into_iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) if ty.node.name.node == "UserErrorCode" => {
                match ty.node.kind {
                    TypeKind::Enum(values) => Some(values.values),
                    _ => None,
                }
            }
            _ => None,
        })
        .flatten()
        .map(|value| {
            (
                value.node.value.node.to_string(),
                value.node.description.map(|d| d.node).unwrap_or_default(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_meaning() {
        let catalogue = markdown();
        for item in UserErrorCode::items() {
            let row = catalogue
                .lines()
                .find(|line| line.starts_with(&format!("| `{}` |", item.name)))
                .unwrap_or_else(|| panic!("{} is missing", item.name));
            assert!(!row.contains("|  |"), "{} has no meaning: {row}", item.name);
        }
        for code in ApiErrorCode::ALL {
            assert!(catalogue.contains(&format!("| `{}` |", code.as_str())));
        }
    }
}
