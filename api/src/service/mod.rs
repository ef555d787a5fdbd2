//! The service layer: what the GraphQL resolvers call. Each operation runs its writes in one
//! database transaction and returns expected refusals as values, not errors.

pub mod admin;
pub mod applications;
pub mod import;
pub mod property;
pub mod sign_in;
pub mod submission;
