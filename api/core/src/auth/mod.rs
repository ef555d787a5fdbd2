//! Sign-in with EDS: challenges, bearer tokens and who is asking.

pub mod challenge;
pub mod tokens;
pub mod viewer;
