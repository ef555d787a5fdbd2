//! Limits over the parsed document, before validation and execution: aliases and root fields,
//! with fragments expanded. Depth and complexity are async-graphql's own; value nesting and
//! document size are checked even earlier, by the HTTP handler (see `crate::http`).
//!
//! Every limit error carries `extensions.code: LIMIT_EXCEEDED` and `extensions.limit`, set
//! where the error arises.

use async_graphql::ValidationResult;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{ServerError, ServerResult, Variables};
use std::collections::HashSet;
use std::sync::Arc;

/// Deepest query accepted: the schema's real nesting is under 10 levels.
pub const MAX_DEPTH: usize = 12;
/// Most complex query accepted: each field costs 1 and a connection its page size times its
/// selection, so fifty applications with five history entries each (about 1,500) pass and a
/// hundred times a hundred do not.
pub const MAX_COMPLEXITY: usize = 5_000;

/// Most aliases in one operation: a form needs a handful; a million aliases of `__typename`
/// (18 MiB) once took 8 s and 785 MiB.
pub const MAX_ALIASES: usize = 30;
/// Most root fields of a query.
pub const MAX_QUERY_ROOT_FIELDS: usize = 20;
/// Most root fields of a mutation: each may insert rows or verify a signature (400
/// `loginWithSignature` aliases were 400 verifications).
pub const MAX_MUTATION_ROOT_FIELDS: usize = 3;
/// Most selections in one document, fragments expanded, `__typename` counted like any field
/// (async-graphql's complexity leaves it out): fragments that spread each other twice at every
/// level grow exponentially, and this bounds the walk itself too.
const MAX_EXPANDED_SELECTIONS: usize = 1_000;

/// A top-level `LIMIT_EXCEEDED` error naming the limit.
pub fn limit_error(limit: &'static str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "LIMIT_EXCEEDED");
    extensions.set("limit", limit);
    error.extensions = Some(extensions);
    error
}

/// The extension that applies the limits.
#[derive(Debug, Default, Clone, Copy)]
pub struct DocumentLimits;

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimits)
    }
}

#[derive(Default)]
struct Count {
    aliases: usize,
    root_fields: usize,
    visited: usize,
}

/// One walk over an operation, fragments expanded (each spread once per use), within
/// [`MAX_EXPANDED_SELECTIONS`]: counts aliases, and the fields at the root (`at_root`).
fn walk<'a>(
    set: &'a SelectionSet,
    at_root: bool,
    document: &'a ExecutableDocument,
    in_progress: &mut HashSet<&'a str>,
    count: &mut Count,
) -> Result<(), ServerError> {
    for item in &set.items {
        count.visited += 1;
        if count.visited > MAX_EXPANDED_SELECTIONS {
            return Err(limit_error(
                "COMPLEXITY",
                "the document expands to too many selections",
            ));
        }
        match &item.node {
            Selection::Field(field) => {
                if field.node.alias.is_some() {
                    count.aliases += 1;
                }
                if at_root {
                    count.root_fields += 1;
                }
                walk(
                    &field.node.selection_set.node,
                    false,
                    document,
                    in_progress,
                    count,
                )?;
            }
            Selection::InlineFragment(fragment) => {
                walk(
                    &fragment.node.selection_set.node,
                    at_root,
                    document,
                    in_progress,
                    count,
                )?;
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                // A cycle is a validation error later; here it only must not loop.
                if let Some(fragment) = document.fragments.get(name)
                    && in_progress.insert(name)
                {
                    walk(
                        &fragment.node.selection_set.node,
                        at_root,
                        document,
                        in_progress,
                        count,
                    )?;
                    in_progress.remove(name);
                }
            }
        }
    }
    Ok(())
}

/// Checks every operation of a parsed document against the limits.
pub fn check(document: &ExecutableDocument) -> Result<(), ServerError> {
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values().collect(),
    };
    for operation in operations {
        let set = &operation.node.selection_set.node;
        let mut count = Count::default();
        walk(set, true, document, &mut HashSet::new(), &mut count)?;
        if count.aliases > MAX_ALIASES {
            return Err(limit_error(
                "ALIASES",
                format!("at most {MAX_ALIASES} aliases in one operation"),
            ));
        }
        let (max, what) = match operation.node.ty {
            OperationType::Mutation => (MAX_MUTATION_ROOT_FIELDS, "mutation"),
            _ => (MAX_QUERY_ROOT_FIELDS, "query"),
        };
        if count.root_fields > max {
            return Err(limit_error(
                "ROOT_FIELDS",
                format!("at most {max} root fields in one {what}"),
            ));
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        check(&document)?;
        Ok(document)
    }

    /// Depth and complexity, from async-graphql's own calculation during validation, with the
    /// limit named here where the error arises.
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.depth > MAX_DEPTH {
            return Err(vec![limit_error(
                "DEPTH",
                format!("the query is nested deeper than {MAX_DEPTH} levels"),
            )]);
        }
        if result.complexity > MAX_COMPLEXITY {
            return Err(vec![limit_error(
                "COMPLEXITY",
                format!("the query costs more than {MAX_COMPLEXITY}"),
            )]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(query: &str) -> Result<(), Option<String>> {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        check(&document).map_err(|e| {
            e.extensions
                .and_then(|x| x.get("limit").map(|v| v.to_string()))
        })
    }

    #[test]
    fn aliases_and_root_fields_are_counted_through_fragments() {
        assert!(checked("{ a: __typename b: __typename }").is_ok());
        let many: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
        assert_eq!(
            checked(&format!("{{ {many} }}")),
            Err(Some("\"ALIASES\"".into()))
        );
        let through_fragment = format!("query {{ ...F }} fragment F on Query {{ {many} }}");
        assert_eq!(checked(&through_fragment), Err(Some("\"ALIASES\"".into())));
        let roots: String = (0..21).map(|_| "__typename ".to_owned()).collect();
        assert_eq!(
            checked(&format!("{{ {roots} }}")),
            Err(Some("\"ROOT_FIELDS\"".into()))
        );
        assert_eq!(
            checked(
                "mutation { logout { revoked } logout { revoked } ... on Mutation { logout { revoked } logout { revoked } } }"
            ),
            Err(Some("\"ROOT_FIELDS\"".into()))
        );
        // A cycle does not loop; exponential spreads are cut off.
        assert!(checked("query { ...A } fragment A on Query { ...A }").is_ok());
        let mut doubling = String::from("query { ...F0 } ");
        for i in 0..30 {
            // 2^30 selections once expanded.
            doubling.push_str(&format!(
                "fragment F{i} on Query {{ ...F{} ...F{} }} ",
                i + 1,
                i + 1
            ));
        }
        doubling.push_str("fragment F30 on Query { __typename }");
        assert_eq!(checked(&doubling), Err(Some("\"COMPLEXITY\"".into())));
    }
}
