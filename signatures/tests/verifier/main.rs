//! The verifier against PKIs generated at test time: every code, positive and negative.

#[path = "../support/mod.rs"]
mod support;

mod algorithms;
mod chain;
mod envelope;
mod profile;
mod revocation;
