//! End-to-end: the server binary's application answers on its health endpoint.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use api::configuration::Settings;
use api::startup::Application;
use registration::http_get;

/// Starts the application on a free port, in the background of the test's runtime.
fn spawn_app() -> u16 {
    let settings =
        Settings::from_sources(|name| (name == "BIND_ADDR").then(|| "127.0.0.1:0".to_owned()))
            .expect("settings");
    let application = Application::build(&settings).expect("the application binds");
    let port = application.port();
    actix_web::rt::spawn(application.run_until_stopped());
    port
}

#[actix_web::test]
async fn healthz_answers_ok() {
    let port = spawn_app();
    let (status, body) = actix_web::rt::task::spawn_blocking(move || http_get(port, "/healthz"))
        .await
        .expect("the client task")
        .expect("the server answers");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(json["status"], "ok");
}

#[actix_web::test]
async fn unknown_paths_are_not_found() {
    let port = spawn_app();
    let (status, _) = actix_web::rt::task::spawn_blocking(move || http_get(port, "/nope"))
        .await
        .expect("the client task")
        .expect("the server answers");
    assert_eq!(status, 404);
}
