//! The revocation sources against a local HTTP server (wiremock) that serves good answers,
//! fails, hangs and serves garbage, with keys, CRLs and OCSP responses from `signatures`'s test
//! PKI. Time is moved by passing another `now`; no test measures the wall clock.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

mod config;
mod crl;
mod fetch;
mod helpers;
mod ocsp;
mod sources;
mod tsa;
mod verifier;
