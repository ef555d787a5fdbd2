//! The API server of the residence-registration back end. This first version serves only its
//! health endpoint; GraphQL, persistence and sign-in arrive with the API server issue.

pub mod configuration;
pub mod database;
pub mod domain;
pub mod startup;
pub mod telemetry;
