//! Answers keep the order of the selection set, as the GraphQL spec's serialized map ordering
//! asks (§7.2.1, "Serialized Map Ordering"; §6.3.2 CollectFields).
//!
//! async-graphql 7.2 resolves an object's fields concurrently and inserts each into the answer
//! when it finishes, so a slow field (one that reads the database) lands after a fast one
//! selected later. This extension puts every object's keys back into the order CollectFields
//! gives them: fields in document order, fragments expanded where they are spread, each
//! response key at its first occurrence, and a fragment counted only when its type condition
//! applies to the object's concrete type, which the `resolve` hook records per object.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Name, QueryPathSegment, Response, ServerResult, Value, Variables};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A place in the answer: field response keys and list indexes from the root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// The extension that restores the selection order.
#[derive(Debug, Default, Clone, Copy)]
pub struct SelectionOrder;

impl ExtensionFactory for SelectionOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest::default())
    }
}

/// What one request's execution learns: its document, and each object's concrete type.
#[derive(Default)]
struct PerRequest {
    document: Mutex<Option<ExecutableDocument>>,
    types: Mutex<HashMap<Vec<Step>, String>>,
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut slot) = self.document.lock() {
            *slot = Some(document.clone());
        }
        Ok(document)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // The object this field belongs to is at the parent path, and has type `parent_type`.
        let mut path = Vec::new();
        let mut node = info.path_node.parent;
        while let Some(current) = node {
            path.push(match current.segment {
                QueryPathSegment::Name(key) => Step::Key(key.to_owned()),
                QueryPathSegment::Index(index) => Step::Index(index),
            });
            node = current.parent;
        }
        path.reverse();
        if let Ok(mut types) = self.types.lock() {
            types
                .entry(path)
                .or_insert_with(|| info.parent_type.to_owned());
        }
        next.run(ctx, info).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut slot| slot.take());
        let types = self
            .types
            .lock()
            .map(|mut types| std::mem::take(&mut *types))
            .unwrap_or_default();
        if let Some(document) = document
            && let Some(operation) = operation(&document, operation_name)
        {
            let walk = Walk {
                document: &document,
                registry: &ctx.schema_env.registry,
                types: &types,
            };
            walk.reorder(
                &mut response.data,
                &[&operation.selection_set.node],
                &mut Vec::new(),
            );
        }
        response
    }
}

/// The operation that ran: the named one, or the only one.
fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        _ => None,
    }
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    registry: &'a Registry,
    types: &'a HashMap<Vec<Step>, String>,
}

impl<'a> Walk<'a> {
    /// Reorders the value at `path`, selected by `sets` (several when a response key is
    /// selected more than once: their selections merge, in order).
    fn reorder(&self, value: &mut Value, sets: &[&'a SelectionSet], path: &mut Vec<Step>) {
        match value {
            Value::List(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    path.push(Step::Index(index));
                    self.reorder(item, sets, path);
                    path.pop();
                }
            }
            Value::Object(map) => {
                let concrete = self.types.get(path.as_slice()).map(String::as_str);
                let mut fields: Vec<(&'a str, Vec<&'a SelectionSet>)> = Vec::new();
                for set in sets {
                    self.collect(set, concrete, &mut fields, &mut Vec::new());
                }
                let mut old = std::mem::take(map);
                for (key, subsets) in fields {
                    let name = Name::new(key);
                    if let Some(mut child) = old.shift_remove(&name) {
                        path.push(Step::Key(key.to_owned()));
                        self.reorder(&mut child, &subsets, path);
                        path.pop();
                        map.insert(name, child);
                    }
                }
                // Nothing should be left; if something is, it keeps its place at the end.
                map.extend(old);
            }
            _ => {}
        }
    }

    /// CollectFields: response keys in order of first occurrence, each with the selection
    /// sets below it.
    fn collect(
        &self,
        set: &'a SelectionSet,
        concrete: Option<&str>,
        fields: &mut Vec<(&'a str, Vec<&'a SelectionSet>)>,
        spreading: &mut Vec<&'a str>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = field.response_key().node.as_str();
                    let below = &field.selection_set.node;
                    match fields.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, sets)) => sets.push(below),
                        None => fields.push((key, vec![below])),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let condition = fragment
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str());
                    if self.applies(condition, concrete) {
                        self.collect(&fragment.selection_set.node, concrete, fields, spreading);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // Validation refused cycles; this only keeps the walk finite regardless.
                    if spreading.contains(&name) {
                        continue;
                    }
                    if let Some(fragment) = self.document.fragments.get(name) {
                        let condition = fragment.node.type_condition.node.on.node.as_str();
                        if self.applies(Some(condition), concrete) {
                            spreading.push(name);
                            self.collect(
                                &fragment.node.selection_set.node,
                                concrete,
                                fields,
                                spreading,
                            );
                            spreading.pop();
                        }
                    }
                }
            }
        }
    }

    /// Whether a fragment with this type condition applies to an object of this type (when
    /// the type is unknown, e.g. an object no field of which resolved, it is assumed to).
    fn applies(&self, condition: Option<&str>, concrete: Option<&str>) -> bool {
        let (Some(condition), Some(concrete)) = (condition, concrete) else {
            return true;
        };
        condition == concrete
            || match self.registry.types.get(condition) {
                Some(abstract_type @ (MetaType::Interface { .. } | MetaType::Union { .. })) => {
                    abstract_type.is_possible_type(concrete)
                }
                _ => false,
            }
    }
}
