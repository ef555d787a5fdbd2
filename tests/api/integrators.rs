//! `registration-api integrators add | list | revoke`: the operator's keys for integrators. A
//! key made on the command line reads the feed within its scope; listed, it shows no key;
//! revoked, it is refused from then on.

use crate::helpers::*;
use crate::reverify::registration_api;
use serde_json::{Value, json};
use std::process::Command;

/// Runs `registration-api ARGS…` on the app's database: exit code, stdout, stderr.
async fn cli(app: &TestApp, args: &[&str]) -> (Option<i32>, String, String) {
    let binary = registration_api().to_path_buf();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let database_url = app.database_url.clone();
    let output = actix_web::rt::task::spawn_blocking(move || {
        Command::new(binary)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("APP_ENV", "development")
            .output()
            .expect("registration-api runs")
    })
    .await
    .expect("the command's task");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const EVENTS: &str = "query { events(first: 5) { edges { node { id } } } }";

#[actix_web::test]
async fn an_integrator_key_is_made_listed_and_revoked_on_the_command_line() {
    let app = spawn_app(Backend::Sqlite).await;
    let (code, key, stderr) = cli(
        &app,
        &[
            "integrators",
            "add",
            "--name",
            "a municipal portal",
            "--bodies",
            "940140000385",
            "--types",
            "APPEAL,COMPLAINT",
        ],
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    let key = key.trim().to_owned();
    assert!(key.starts_with("ri_"), "{key}");
    let answer = app.graphql(EVENTS, json!({}), Some(&key)).await;
    assert!(
        answer["errors"].is_null(),
        "the key reads the feed: {answer}"
    );

    let (code, listed, stderr) = cli(&app, &["integrators", "list"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let rows: Vec<Value> = listed
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["name"], "a municipal portal");
    assert_eq!(rows[0]["bodies"], json!(["940140000385"]));
    assert_eq!(rows[0]["types"], json!(["APPEAL", "COMPLAINT"]));
    assert_eq!(rows[0]["revokedAt"], Value::Null);
    assert!(!listed.contains(&key), "a listing never shows the key");
    let id = rows[0]["id"].as_str().expect("an id").to_owned();

    let (code, said, stderr) = cli(&app, &["integrators", "revoke", "--id", &id]).await;
    assert_eq!((code, said.trim()), (Some(0), "revoked"), "{stderr}");
    let refused = app.graphql(EVENTS, json!({}), Some(&key)).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let (code, said, _) = cli(&app, &["integrators", "revoke", "--id", &id]).await;
    assert_eq!((code, said.trim()), (Some(0), "already revoked"));
    let (_, listed, _) = cli(&app, &["integrators", "list"]).await;
    assert!(listed.contains("\"revokedAt\":\"20"), "{listed}");

    // Not an id, or nobody's: refused, with the reason.
    let (code, _, stderr) = cli(&app, &["integrators", "revoke", "--id", "portal"]).await;
    assert_ne!(code, Some(0));
    assert!(stderr.contains("is not an integrator's id"), "{stderr}");
    let nobody = uuid::Uuid::new_v4().to_string();
    let (code, _, stderr) = cli(&app, &["integrators", "revoke", "--id", &nobody]).await;
    assert_ne!(code, Some(0));
    assert!(stderr.contains("no integrator has the id"), "{stderr}");
}
