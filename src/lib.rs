//! The workspace root: it exists so that the end-to-end tests in `tests/` build (Cargo builds a
//! top-level `tests/` only for a package). The tests live in `tests/api/`, one binary, with
//! their helpers in `tests/api/helpers.rs`.
