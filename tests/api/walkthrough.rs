//! The README's walk-through, step by step, on the embedded default: a demo citizen signs in
//! with her demo key, files a draft, signs it and submits it. `demo/walkthrough.sh` makes the
//! same calls with curl and `eds-sign`.

use crate::helpers::spawn_demo_app;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkey::PKey;
use openssl::x509::X509;
use serde_json::json;
use std::path::Path;

/// Signs like `eds-sign --key demo/pki/NAME.pem --base64 PAYLOAD` (NCALayer with `decode: true`).
fn eds_sign(key_file: &str, payload_base64: &str) -> String {
    let pem = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("demo/pki")
            .join(key_file),
    )
    .expect("a demo key");
    let certificate = X509::from_pem(&pem).expect("a certificate");
    let key = PKey::private_key_from_pem(&pem).expect("a key");
    let data = STANDARD.decode(payload_base64).expect("base64");
    let cms = CmsContentInfo::sign(
        Some(&certificate),
        Some(&key),
        None,
        Some(&data),
        CMSOptions::BINARY,
    )
    .expect("signed");
    STANDARD.encode(cms.to_der().expect("DER"))
}

#[actix_web::test]
async fn a_demo_citizen_goes_from_sign_in_to_a_submitted_application() {
    let app = spawn_demo_app().await;

    // 1. A challenge, signed with Aigerim's authentication key.
    let challenge = app
        .graphql(
            "mutation { createAuthChallenge { challenge { id payload text } } }",
            json!({}),
            None,
        )
        .await;
    let challenge = &challenge["data"]["createAuthChallenge"]["challenge"];
    let cms = eds_sign(
        "aigerim.auth.pem",
        challenge["payload"].as_str().expect("a payload"),
    );
    let login = app
        .graphql(
            "mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token person { iin surname } userErrors { code message } } }",
            json!({ "input": { "challengeId": challenge["id"], "cms": cms } }),
            None,
        )
        .await;
    let login = &login["data"]["loginWithSignature"];
    assert_eq!(login["person"]["surname"], "СЕЙТОВА", "{login}");
    let token = login["token"].as_str().expect("a token");

    // 2. Is the flat in the registry? Then a complete draft.
    let lookup = app
        .graphql(
            "{ propertyLookup(input: { rka: \"0201900148270042\" }) { found ownerCount } }",
            json!({}),
            Some(token),
        )
        .await;
    assert_eq!(
        lookup["data"]["propertyLookup"],
        json!({ "found": true, "ownerCount": 1 })
    );
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version number missingRequirements { code } } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": "0201900148270042" }, "personalDataConsent": true } }),
            Some(token),
        )
        .await;
    let application = &created["data"]["createApplication"]["application"];
    assert_eq!(application["missingRequirements"], json!([]), "{created}");

    // 3. What to sign, signed with her signing key; submitted.
    let prepared = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text } userErrors { code } } }",
            json!({ "input": { "applicationId": application["id"], "version": application["version"] } }),
            Some(token),
        )
        .await;
    let request = &prepared["data"]["prepareSigning"]["signingRequest"];
    let cms = eds_sign(
        "aigerim.sign.pem",
        request["payload"].as_str().expect("a payload"),
    );
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { number status statusLabel } userErrors { code message } } }",
            json!({ "input": { "signingRequestId": request["id"], "signature": { "cms": cms } } }),
            Some(token),
        )
        .await;
    let submitted = &submitted["data"]["submitApplication"];
    assert_eq!(
        submitted["application"]["status"], "SUBMITTED",
        "{submitted}"
    );
    assert_eq!(submitted["application"]["number"], application["number"]);
}
