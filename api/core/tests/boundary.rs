//! The core knows no transport: neither async-graphql nor actix-web (nor anything of theirs) is
//! in its dependency tree. Cargo enforces what the core's manifest says; this test makes sure
//! the manifest never grows such a dependency, directly or through another crate.

use std::collections::{BTreeSet, HashMap};

#[test]
fn no_transport_crate_is_reachable_from_the_core() {
    let lock_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let lock: toml::Table = std::fs::read_to_string(lock_path)
        .expect("Cargo.lock")
        .parse()
        .expect("Cargo.lock is TOML");
    let packages = lock["package"].as_array().expect("packages");
    let mut dependencies: HashMap<&str, Vec<&str>> = HashMap::new();
    for package in packages {
        let name = package["name"].as_str().expect("a name");
        let deps: Vec<&str> = package
            .get("dependencies")
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    .filter_map(|d| d.as_str())
                    // "name version" when several versions are locked.
                    .map(|d| d.split(' ').next().unwrap_or(d))
                    .collect()
            })
            .unwrap_or_default();
        dependencies.entry(name).or_default().extend(deps);
    }
    let mut reachable = BTreeSet::new();
    let mut todo = vec!["registration-core"];
    while let Some(name) = todo.pop() {
        if reachable.insert(name) {
            todo.extend(dependencies.get(name).into_iter().flatten());
        }
    }
    assert!(
        reachable.contains("sea-orm"),
        "the walk found the core's dependencies"
    );
    let transports: Vec<_> = reachable
        .iter()
        .filter(|name| name.starts_with("async-graphql") || name.starts_with("actix"))
        .collect();
    assert!(transports.is_empty(), "the core reaches {transports:?}");
}
