//! End-to-end tests: the real server on a random port, against SQLite (the embedded default)
//! and PostgreSQL (a fresh database per test).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

mod appeal_kit;
mod appeal_review;
mod appeals;
mod applications;
mod authorisation;
mod certificate_info;
mod complaints;
mod consents;
mod conventions;
mod cors;
mod decisions;
mod documents;
mod example_client;
mod feed;
mod front_office;
mod health;
mod helpers;
mod http;
mod migrations;
mod notifications;
mod otp;
mod reverify;
mod revocation;
mod schema;
mod shutdown;
mod sign_in;
mod statements;
mod subscriptions;
mod timestamping;
mod walkthrough;
