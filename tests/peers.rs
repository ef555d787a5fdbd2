//! Real peers against the live server, in a binary of their own so that they do not compete
//! with the parallel end-to-end tests: the npm package `graphql-http` audits GraphQL over HTTP.
//! Its version is pinned in `tools/graphql-http/package-lock.json`; `.ci/run` installs it with
//! `npm ci` when `node_modules` is missing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "api/helpers.rs"]
#[allow(dead_code, reason = "this binary uses a part of the helpers")]
mod helpers;

use helpers::*;
use std::path::Path;
use std::process::Command;

#[actix_web::test]
async fn the_graphql_over_http_audit_passes_without_errors_or_warnings() {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/graphql-http");
    let missing = (!tools.join("node_modules/graphql-http").is_dir()).then(|| {
        format!(
            "graphql-http is not installed: run `npm ci --prefer-offline --no-audit --no-fund` in {}",
            tools.display()
        )
    });
    if !peer_available("the graphql-http audit", missing) {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await;
    let url = format!("http://127.0.0.1:{}/graphql", app.port);
    let output = actix_web::rt::task::spawn_blocking(move || {
        Command::new("node")
            .arg("audit.mjs")
            .arg(url)
            .current_dir(tools)
            .output()
    })
    .await
    .expect("the audit task")
    .expect("node runs");
    assert!(
        output.status.success(),
        "the audit failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the audit prints JSON");
    assert_eq!(report["error"], 0, "{report}");
    assert_eq!(report["warn"], 0, "{report}");
    assert!(report["ok"].as_u64().is_some_and(|ok| ok >= 40), "{report}");
}
