//! The API server of the residence-registration back end: GraphQL over actix-web, persistence
//! with SeaORM (SQLite embedded, PostgreSQL in production), sign-in with EDS.

pub mod auth;
pub mod configuration;
pub mod database;
pub mod domain;
pub mod eds;
pub mod graphql;
pub mod registries;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
