//! The example client for frontend developers (`docs/example-client/client.mjs`, Node.js with
//! `eds-sign` in NCALayer's place), run for real: against the demo app it signs in and submits
//! an application, which is registered at once; a refused sign-in stops it with the userErrors;
//! a busy server is retried once after `Retry-After`, and a top-level error stops it with its
//! code.

use crate::helpers::{
    RemoveFolder, codes, demo_key, peer_available, spawn_demo_app, stored_signatures,
};
use crate::walkthrough::{eds_sign_binary, eds_sign_with_key};
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const AIGERIM: &str = "871008401427";

/// The repository's root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why Node.js 20 or later is not here, or `None` when it is.
fn node_missing() -> Option<String> {
    let output = match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => output,
        _ => return Some("node is not installed (the example client needs Node.js 20)".to_owned()),
    };
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major = version
        .strip_prefix('v')
        .and_then(|v| v.split('.').next())
        .and_then(|major| major.parse::<u32>().ok());
    match major {
        Some(major) if major >= 20 => None,
        _ => Some(format!(
            "node is {version}; the example client needs Node.js 20 or later"
        )),
    }
}

/// Node.js and eds-sign, or `None` (with a NOTE, or a failure under `REAL_PEERS_REQUIRED=1`).
fn prerequisites(test: &str) -> Option<PathBuf> {
    if !peer_available(test, node_missing()) {
        return None;
    }
    match eds_sign_binary() {
        Ok(binary) => Some(binary),
        Err(missing) => {
            peer_available(test, Some(missing));
            None
        }
    }
}

/// Runs `node docs/example-client/client.mjs API_URL` with `eds_sign` as `EDS_SIGN`, from a
/// folder other than the repository's (the client finds the demo keys itself), off the
/// server's thread.
async fn run_client(api_url: String, eds_sign: PathBuf) -> Output {
    actix_web::rt::task::spawn_blocking(move || {
        Command::new("node")
            .arg(root().join("docs/example-client/client.mjs"))
            .arg(api_url)
            .env("EDS_SIGN", eds_sign)
            .env_remove("API_LANGUAGE")
            .env_remove("CARGO_TARGET_DIR")
            // The server is on loopback: no proxy in between.
            .env_remove("NODE_USE_ENV_PROXY")
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .current_dir(std::env::temp_dir())
            .output()
    })
    .await
    .expect("the client's task")
    .expect("node runs")
}

#[actix_web::test]
async fn the_example_client_submits_an_application_on_a_live_server() {
    let Some(eds_sign) = prerequisites("the example client") else {
        return;
    };
    let app = spawn_demo_app().await;
    let output = run_client(format!("http://127.0.0.1:{}/graphql", app.port), eds_sign).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the client failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    // The last line is the result, as one JSON object.
    let last = stdout.lines().last().expect("some output");
    let result: Value = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("the last line is not JSON ({e}): {last}\n{stdout}"));
    // Her own flat needs no other consent: decided at once and registered.
    assert_eq!(result["status"], "REGISTERED", "{stdout}");
    let number = result["number"].as_str().expect("a number");
    assert_eq!(result, json!({ "number": number, "status": "REGISTERED" }));
    // It showed the texts NCALayer does not: the challenge's (in Russian, by default) and the
    // application's.
    assert!(stdout.contains("Вход в сервис registration.kz"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Заявление о регистрации по месту жительства № {number}"
        )),
        "{stdout}"
    );

    // The server agrees: Aigerim signed in with her authentication key and signed the
    // application with her signing key, and that application is registered, as the client
    // said.
    let stored = stored_signatures(&app).await;
    let stored: Vec<(&str, Option<&str>)> = stored
        .iter()
        .map(|(purpose, iin, _, _)| (purpose.as_str(), iin.as_deref()))
        .collect();
    assert_eq!(
        stored,
        [("SIGN_IN", Some(AIGERIM)), ("APPLICATION", Some(AIGERIM))]
    );
    let login = app.login_with(&demo_key("aigerim.auth.pem")).await;
    assert_eq!(codes(&login), Vec::<String>::new(), "{login}");
    let mine = app
        .graphql(
            "{ myApplications(first: 5) { edges { node { number status kind registration { address startsOn registryReference } } } } }",
            json!({}),
            login["token"].as_str(),
        )
        .await;
    let registration = &mine["data"]["myApplications"]["edges"][0]["node"]["registration"];
    assert_eq!(
        mine["data"]["myApplications"]["edges"],
        json!([{ "node": { "number": number, "status": "REGISTERED", "kind": "PERMANENT", "registration": registration } }]),
        "{mine}"
    );
    let said = format!(
        "registered at {} from {} (population registry reference {})",
        registration["address"].as_str().expect("an address"),
        registration["startsOn"].as_str().expect("a first day"),
        registration["registryReference"]
            .as_str()
            .expect("a reference"),
    );
    assert!(stdout.contains(&said), "{said}\n{stdout}");
}

#[actix_web::test]
async fn the_example_client_prints_the_user_errors_and_stops() {
    let Some(eds_sign) = prerequisites("the example client's userErrors") else {
        return;
    };
    // An eds-sign that always signs with Aigerim's SIGNATURE key: the sign-in must be refused
    // with KEY_PURPOSE, and the client must stop there.
    let dir = RemoveFolder::new("registration-e2e-example-client");
    let wrong_key = eds_sign_with_key(&dir.0, &eds_sign, "aigerim.sign.pem");
    let app = spawn_demo_app().await;
    let output = run_client(format!("http://127.0.0.1:{}/graphql", app.port), wrong_key).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("loginWithSignature refused:\n  KEY_PURPOSE at input.cms: "),
        "{stderr}"
    );
    assert!(
        !stdout.contains("createApplication"),
        "it stopped: {stdout}"
    );
    assert!(!stdout.contains("SUBMITTED"), "{stdout}");
}

#[actix_web::test]
async fn the_example_client_says_how_to_build_a_missing_eds_sign() {
    if !peer_available("the example client's eds-sign check", node_missing()) {
        return;
    }
    let missing = std::env::temp_dir().join("no-such-folder-for-eds-sign/eds-sign");
    let output = run_client("http://127.0.0.1:9/graphql".to_owned(), missing.clone()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("eds-sign not found at {}", missing.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("cargo build --release -p signatures"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing ran before the check");
}

/// A stand-in for the API: the first request is a saturated 503 (`SERVICE_UNAVAILABLE`,
/// `Retry-After: 1`), every later one a top-level `RATE_LIMITED`. Its port, and how many requests
/// it has had, with what `Accept` and `Accept-Language`.
async fn busy_then_rate_limited() -> (u16, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (server_count, server_seen) = (count.clone(), seen.clone());
    let server = HttpServer::new(move || {
        let (count, seen) = (server_count.clone(), server_seen.clone());
        App::new().default_service(web::to(move |request: actix_web::HttpRequest| {
            let (count, seen) = (count.clone(), seen.clone());
            async move {
                let header = |name: &str| {
                    request
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_owned()
                };
                seen.lock()
                    .expect("the log")
                    .push(format!("{} | {}", header("accept"), header("accept-language")));
                let json = "application/graphql-response+json";
                if count.fetch_add(1, Ordering::SeqCst) == 0 {
                    HttpResponse::ServiceUnavailable()
                        .insert_header(("Retry-After", "1"))
                        .content_type(json)
                        .body(
                            json!({ "errors": [{ "message": "busy", "extensions": { "code": "SERVICE_UNAVAILABLE" } }] })
                                .to_string(),
                        )
                } else {
                    HttpResponse::Ok().content_type(json).body(
                        json!({ "data": null, "errors": [{ "message": "Слишком много запросов.", "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": 1234 } }] })
                            .to_string(),
                    )
                }
            }
        }))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("a port");
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    (port, count, seen)
}

#[actix_web::test]
async fn the_example_client_retries_a_busy_server_once_then_reports_the_error_code() {
    if !peer_available("the example client's retry", node_missing()) {
        return;
    }
    let (port, count, seen) = busy_then_rate_limited().await;
    // `false` (on PATH, and it fails) in eds-sign's place: the walk must stop before signing.
    let output = run_client(
        format!("http://127.0.0.1:{port}/graphql"),
        PathBuf::from("false"),
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("the server is busy: retrying once in 1 s"),
        "{stdout}"
    );
    assert!(
        stderr.contains("RATE_LIMITED: Слишком много запросов. (try again in 1234 s)"),
        "{stderr}"
    );
    // One request, one retry, and no more: RATE_LIMITED is not retried.
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(
        *seen.lock().expect("the log"),
        ["application/graphql-response+json, application/json;q=0.9 | ru"; 2]
    );
}
