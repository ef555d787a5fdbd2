//! The API server of the residence-registration back end: the transports (GraphQL over
//! actix-web) and the binary around the service core, [`registration_core`], which knows no
//! transport.

pub mod configuration;
pub mod graphql;
pub mod http;
pub mod live;
pub mod relay;
pub mod session_watch;
pub mod signal;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use registration_core as core;
