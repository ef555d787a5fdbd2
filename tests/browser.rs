//! GraphiQL offline, in a real browser: Debian's Chromium (`/usr/bin/chromium`) driven by the
//! npm package `playwright-core` (pinned in `tools/browser/package-lock.json`; `.ci/run`
//! installs it with `npm ci`, and Chromium with apt, when missing). A binary of its own, so that
//! the browser does not compete with the parallel end-to-end tests.
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
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn html() -> Vec<(String, String)> {
    vec![(
        "Accept".to_owned(),
        "text/html,application/xhtml+xml,*/*;q=0.8".to_owned(),
    )]
}

/// The URLs the page's `src` and `href` attributes name, in order.
fn asset_urls(page: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len()..];
            urls.push(rest[..rest.find('"').unwrap()].to_owned());
        }
    }
    urls
}

#[actix_web::test]
async fn graphiql_runs_a_query_in_chromium_with_every_other_origin_blocked() {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/browser");
    let missing = if !tools.join("node_modules/playwright-core").is_dir() {
        Some(format!(
            "playwright-core is not installed: run `npm ci --prefer-offline --no-audit --no-fund` in {}",
            tools.display()
        ))
    } else if !Path::new(CHROMIUM).is_file() {
        Some(format!(
            "{CHROMIUM} is missing: `apt-get install -y --no-install-recommends chromium` (.ci/run does)"
        ))
    } else {
        None
    };
    if !peer_available("the GraphiQL browser test", missing) {
        return;
    }
    // target/graphiql.png, beside the build's other outputs.
    let screenshot: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("graphiql.png");
    let _ = std::fs::remove_file(&screenshot);

    let app = spawn_app(Backend::Sqlite).await;
    let origin = format!("http://127.0.0.1:{}", app.port);
    let script_screenshot = screenshot.clone();
    let output = actix_web::rt::task::spawn_blocking(move || {
        Command::new("node")
            .arg("graphiql.mjs")
            .arg(origin)
            .arg(script_screenshot)
            .current_dir(tools)
            .output()
    })
    .await
    .expect("the browser task")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "the script prints JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(
        output.status.success() && report["error"].is_null(),
        "the browser run failed: {report:#}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_eq!(report["status"], 200, "{report:#}");
    assert_eq!(
        report["blocked"],
        serde_json::json!([]),
        "requests to another origin were attempted: {report:#}"
    );
    assert_eq!(report["cspViolations"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["pageErrors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["query"], "{ __typename }", "{report:#}");
    let result = report["result"].as_str().expect("the result pane's text");
    let shown: serde_json::Value = serde_json::from_str(result)
        .unwrap_or_else(|e| panic!("the result is JSON ({e}): {result}"));
    assert_eq!(
        shown,
        serde_json::json!({ "data": { "__typename": "Query" } }),
        "{report:#}"
    );
    let requests: Vec<&str> = report["requests"]
        .as_array()
        .expect("the requests")
        .iter()
        .map(|r| r.as_str().expect("a request"))
        .collect();
    for script in [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "app.js",
    ] {
        assert!(
            requests
                .iter()
                .any(|r| r.starts_with("GET /graphiql/") && r.ends_with(script)),
            "{script} came from this server: {report:#}"
        );
    }
    assert!(
        requests.contains(&"POST /graphql"),
        "GraphiQL posted to /graphql: {report:#}"
    );
    let png = std::fs::read(&screenshot).expect("the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a screenshot at {}",
        screenshot.display()
    );
}

#[actix_web::test]
async fn graphiql_assets_come_with_their_types_and_a_long_cache_under_a_fingerprint() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = request(app.port, "GET", "/graphql", html(), String::new()).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    assert_eq!(page.header("vary"), Some("Accept"));
    assert!(!page.body.contains("<script>"), "no inline script");

    let urls = asset_urls(&page.body);
    assert_eq!(urls.len(), 6, "{urls:?}");
    for url in &urls {
        assert!(url.starts_with("/graphiql/"), "{url} is on this server");
        let expected = if url.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        for method in ["GET", "HEAD"] {
            let asset = request(app.port, method, url, vec![], String::new()).await;
            assert_eq!(asset.status, 200, "{method} {url}");
            assert_eq!(asset.header("content-type"), Some(expected), "{url}");
            assert_eq!(
                asset.header("cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{url}"
            );
            assert_eq!(asset.header("x-content-type-options"), Some("nosniff"));
        }
    }
    // An old fingerprint is never answered with today's content.
    let (_, name) = urls[0].rsplit_once('/').unwrap();
    let stale = format!("/graphiql/0123456789abcdef/{name}");
    let response = request(app.port, "GET", &stale, vec![], String::new()).await;
    assert_eq!(response.status, 404);
}
