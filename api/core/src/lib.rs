//! The service core of the residence-registration back end: domain types, the clock, the ports
//! to the outside world, the policy that says who may do what, and one module per workflow.
//!
//! It knows no transport: neither async-graphql nor actix-web is in its dependency tree, so a
//! worker, a webhook relay or a REST endpoint calls the same operations as the GraphQL schema.
//! Operations take a [`context::ServiceContext`] and return their own error enum in domain
//! terms; turning those into `userErrors` or HTTP statuses is the transport's job.

pub mod auth;
pub mod calendar;
pub mod clock;
pub mod context;
pub mod database;
pub mod domain;
pub mod otp;
pub mod policy;
pub mod registries;
pub mod seal;
pub mod service;
pub mod sms;
pub mod trust;

pub use clock::{Clock, ManualClock, SystemClock};
pub use context::ServiceContext;
