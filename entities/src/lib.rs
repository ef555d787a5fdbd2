//! SeaORM entities: one module per table. The tables themselves are created by the
//! `migrations` crate, which never imports these.

pub mod auth_challenge;
pub mod integrator;
pub mod officer;
pub mod person;
pub mod session;
pub mod stored_signature;
