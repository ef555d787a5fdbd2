//! The HTTP transport: GraphQL over HTTP by the specification (our own handler around
//! `async_graphql::Schema`, since the stock actix integration answers every request with one
//! status and content type), with the body read under a size limit and a deadline.

pub mod cors;
pub mod documents;
pub mod graphiql;
pub mod graphql;
pub mod prescan;
pub mod websocket;
