//! Logs never carry a full IIN, a token or a signature: a whole sign-in and submission (and the
//! automatic decision and registration it leads to) is run with every log line captured (as
//! JSON, at debug level) and searched.
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

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use helpers::*;
use serde_json::json;
use signatures::testing::{self, CmsBuilder, SignerSpec};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the log buffer")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn a_sign_in_and_a_submission_log_no_iin_token_or_signature() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(move || writer.clone())
        .init();

    let iin = "871008401427";
    let app = spawn_app(Backend::Sqlite).await;
    let login = app.login_with(&auth_certificate(iin)).await;
    let token = login["token"].as_str().expect("signed in").to_owned();
    let created = app
        .graphql(
            "mutation { createApplication(input: { kind: PERMANENT, address: { rka: \"0201900148270042\" }, personalDataConsent: true }) { application { id version } } }",
            json!({}),
            Some(&token),
        )
        .await;
    let application = &created["data"]["createApplication"]["application"];
    let prepared = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload } } }",
            json!({ "input": { "applicationId": application["id"], "version": application["version"] } }),
            Some(&token),
        )
        .await;
    let request = &prepared["data"]["prepareSigning"]["signingRequest"];
    let payload = STANDARD
        .decode(request["payload"].as_str().unwrap())
        .unwrap();
    let certificate = sign_certificate(iin);
    let cms = testing::cms::base64(
        &CmsBuilder::new(&payload)
            .certificate(&certificate)
            .signer(SignerSpec::new(&certificate))
            .build(),
    );
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { status registration { registryReference } } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(&token),
        )
        .await;
    // Her own flat: the checks ran against the registries, and she was registered, all within
    // the captured flow.
    let submitted = &submitted["data"]["submitApplication"]["application"];
    assert_eq!(submitted["status"], "REGISTERED", "{submitted}");
    assert!(
        submitted["registration"]["registryReference"].is_string(),
        "{submitted}"
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("signed in") && logs.contains("application submitted"),
        "the flow was logged: {logs}"
    );
    for (what, secret) in [
        ("the IIN", iin),
        ("the token", token.as_str()),
        ("the signature", &cms[..40]),
        ("the payload", &request["payload"].as_str().unwrap()[..40]),
    ] {
        assert!(!logs.contains(secret), "{what} appears in the logs");
    }
    assert!(
        logs.lines()
            .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok()),
        "one JSON object per line"
    );
    assert!(logs.contains("request_id"), "request ids are logged");
}
