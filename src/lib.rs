//! The workspace root: it exists so that the end-to-end tests in `tests/` build (Cargo builds a
//! top-level `tests/` only for a package). Their shared helpers live here.
