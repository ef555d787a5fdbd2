//! The verifier against PKIs generated at test time: every code, positive and negative.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "../support/mod.rs"]
mod support;

mod algorithms;
mod ber;
mod chain;
mod distribution_points;
mod envelope;
mod evidence;
mod gost;
mod hostile;
mod name_constraints;
mod profile;
mod revocation;
mod serials;
mod timestamps;
