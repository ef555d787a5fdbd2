//! One-time passwords end to end: sign in and sign an application with an SMS code read from
//! the development outbox, against the in-process store and the real Redis; limits as user
//! errors; the sealed evidence checked with the published key (and by OpenSSL); Redis down
//! and back.

use crate::helpers::*;
use api::core::ManualClock;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Aigerim: in the demo data, with the phone +7 701 723 45 18 and a flat of her own.
const AIGERIM: &str = "871008401427";
const AIGERIM_PHONE: &str = "+77017234518";
const AIGERIM_FLAT: &str = "0201900148270042";
/// Nurlan: in the demo data, without a phone.
const NURLAN: &str = "760212350620";
/// Erlan: in the demo data with a phone, and an officer of the body below in these tests.
const ERLAN: &str = "850315300019";
const BODY: &str = "940140000385";

const REQUEST_OTP: &str = "mutation($input: RequestOtpInput!) { requestOtp(input: $input) { otpChallenge { id purpose expiresAt resendAfter maskedPhone } userErrors { code field message attemptsLeft retryAfterSeconds } clientMutationId } }";
const LOGIN_WITH_OTP: &str = "mutation($input: LoginWithOtpInput!) { loginWithOtp(input: $input) { token expiresAt authMethod person { iin } userErrors { code field message attemptsLeft retryAfterSeconds } } }";
const SUBMIT: &str = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id number status decision { automatic } registration { active registryReference } signature { method signedAt maskedPhone signerIin } } userErrors { code field message attemptsLeft retryAfterSeconds } } }";

/// Where an app keeps its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    Memory,
    Redis,
}

/// The settings that put an app's codes in `store`: the real Redis under a prefix of the
/// test's own.
fn store_settings(store: Store) -> Vec<(String, String)> {
    match store {
        Store::Memory => Vec::new(),
        Store::Redis => vec![
            ("REDIS_URL".to_owned(), REDIS_URL.to_owned()),
            (
                "OTP_KEY_PREFIX".to_owned(),
                format!("test:otp-e2e:{}:", uuid::Uuid::new_v4().simple()),
            ),
        ],
    }
}

async fn otp_app(
    backend: Backend,
    store: Store,
    extra: &[(&str, &str)],
    clock: Arc<ManualClock>,
) -> TestApp {
    let mut settings = store_settings(store);
    settings.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    spawn_app_with_clock(backend, &settings, clock).await
}

/// A clock five minutes into the current hour, so that the hourly limits' window holds for the
/// few minutes a test moves it.
fn clock() -> Arc<ManualClock> {
    let now = now();
    let start = now
        .replace_minute(5)
        .and_then(|t| t.replace_second(0))
        .and_then(|t| t.replace_nanosecond(0))
        .unwrap_or(now);
    Arc::new(ManualClock::new(start))
}

async fn request_otp(app: &TestApp, input: Value, token: Option<&str>) -> Value {
    app.graphql(REQUEST_OTP, json!({ "input": input }), token)
        .await["data"]["requestOtp"]
        .clone()
}

async fn login_with_otp(app: &TestApp, challenge: &Value, code: &str) -> Value {
    app.graphql(
        LOGIN_WITH_OTP,
        json!({ "input": { "otpChallengeId": challenge, "code": code } }),
        None,
    )
    .await["data"]["loginWithOtp"]
        .clone()
}

/// The text and code of the `nth` SMS to `phone` (0: the first), waiting for it.
async fn code_of(app: &TestApp, phone: &str, nth: usize) -> (String, String) {
    let (text, code) = sms_number(app, phone, nth).await;
    (
        text,
        code.expect("a one-time password SMS carries its code"),
    )
}

/// Some other code than `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

async fn sign_in_by_otp(app: &TestApp, iin: &str, phone: &str) -> String {
    let before = outbox(app, phone).await.len();
    let requested = request_otp(app, json!({ "purpose": "LOGIN", "iin": iin }), None).await;
    let challenge = requested["otpChallenge"]["id"].clone();
    let (_, code) = code_of(app, phone, before).await;
    let login = login_with_otp(app, &challenge, &code).await;
    login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in: {login}"))
        .to_owned()
}

/// A complete draft of Aigerim's, prepared for signing: (application, signing request).
async fn prepared(app: &TestApp, token: &str) -> (Value, Value) {
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version } userErrors { code } } }",
            json!({ "input": { "kind": "PERMANENT", "address": { "rka": AIGERIM_FLAT }, "personalDataConsent": true } }),
            Some(token),
        )
        .await;
    let application = created["data"]["createApplication"]["application"].clone();
    let prepared = app
        .graphql(
            "mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id digest allowedMethods } userErrors { code } } }",
            json!({ "input": { "applicationId": application["id"], "version": application["version"] } }),
            Some(token),
        )
        .await;
    let request = prepared["data"]["prepareSigning"]["signingRequest"].clone();
    assert!(request["id"].is_string(), "{created} {prepared}");
    (application, request)
}

async fn submit_with_otp(app: &TestApp, token: &str, request: &Value, code: &str) -> Value {
    app.graphql(
        SUBMIT,
        json!({ "input": { "signingRequestId": request["id"], "signature": { "otp": code } } }),
        Some(token),
    )
    .await["data"]["submitApplication"]
        .clone()
}

/// The stored evidence of an application's OTP signature: the sealed bytes and the seal.
async fn sealed_evidence(app: &TestApp) -> (Vec<u8>, Value, Value) {
    let db = Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let backend = db.get_database_backend();
    let signature = db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT signed_content, report, method, masked_phone FROM stored_signature \
             WHERE purpose = 'APPLICATION'",
        ))
        .await
        .expect("the stored signature")
        .expect("one");
    let evidence = db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT bytes FROM evidence WHERE kind = 'OTP_SEAL'",
        ))
        .await
        .expect("the evidence table")
        .expect("the sealed evidence is kept");
    let _ = db.close().await;
    let method: String = signature.try_get("", "method").unwrap();
    assert_eq!(method, "OTP");
    let sealed: Vec<u8> = signature.try_get("", "signed_content").unwrap();
    let report: String = signature.try_get("", "report").unwrap();
    let kept: Vec<u8> = evidence.try_get("", "bytes").unwrap();
    (
        sealed,
        serde_json::from_str(&report).unwrap(),
        serde_json::from_slice(&kept).unwrap(),
    )
}

#[actix_web::test]
async fn a_citizen_signs_in_and_submits_an_application_with_sms_codes() {
    for (backend, store) in [
        (Backend::Sqlite, Store::Memory),
        (Backend::Sqlite, Store::Redis),
        (Backend::Postgres, Store::Redis),
    ] {
        let app = otp_app(backend, store, &[], clock()).await;
        let case = format!("{backend:?} {store:?}");

        // Sign in: the answer never shows the phone.
        let requested = request_otp(
            &app,
            json!({ "purpose": "LOGIN", "iin": AIGERIM, "clientMutationId": "r1" }),
            None,
        )
        .await;
        assert_eq!(requested["userErrors"], json!([]), "{case}: {requested}");
        assert_eq!(requested["clientMutationId"], "r1");
        let challenge = &requested["otpChallenge"];
        assert_eq!(challenge["purpose"], "LOGIN");
        assert_eq!(challenge["maskedPhone"], Value::Null);
        let (text, code) = code_of(&app, AIGERIM_PHONE, 0).await;
        assert!(
            text.starts_with(&code),
            "{case}: the code comes first: {text}"
        );
        assert_eq!(code.len(), 6);

        let refused = login_with_otp(&app, &challenge["id"], &wrong(&code)).await;
        assert_eq!(codes(&refused), ["OTP_INVALID"], "{case}: {refused}");
        assert_eq!(refused["userErrors"][0]["attemptsLeft"], 4);
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", "code"]));
        assert_eq!(refused["token"], Value::Null);

        let login = login_with_otp(&app, &challenge["id"], &code).await;
        assert_eq!(login["authMethod"], "OTP", "{case}: {login}");
        assert_eq!(login["person"]["iin"], AIGERIM);
        let token = login["token"].as_str().expect("a token").to_owned();
        // A code signs in once.
        let again = login_with_otp(&app, &challenge["id"], &code).await;
        assert_eq!(codes(&again), ["OTP_EXPIRED"], "{case}: {again}");

        // Sign the application: OTP is offered, and the code is for this request only.
        let (application, request) = prepared(&app, &token).await;
        assert_eq!(request["allowedMethods"], json!(["EDS", "OTP"]), "{case}");
        let early = submit_with_otp(&app, &token, &request, "123456").await;
        assert_eq!(
            codes(&early),
            ["OTP_EXPIRED"],
            "{case}: no code was asked: {early}"
        );
        let signing = request_otp(
            &app,
            json!({ "purpose": "SIGN", "signingRequestId": request["id"] }),
            Some(&token),
        )
        .await;
        assert_eq!(signing["userErrors"], json!([]), "{case}: {signing}");
        assert_eq!(signing["otpChallenge"]["purpose"], "SIGN");
        assert_eq!(signing["otpChallenge"]["maskedPhone"], "+7 7** *** 45 18");
        let (text, code) = code_of(&app, AIGERIM_PHONE, 1).await;
        let number = application["number"].as_str().unwrap();
        assert!(
            text.contains(number),
            "{case}: the SMS names the application: {text}"
        );

        let wrong_code = submit_with_otp(&app, &token, &request, &wrong(&code)).await;
        assert_eq!(codes(&wrong_code), ["OTP_INVALID"], "{case}: {wrong_code}");
        assert_eq!(
            wrong_code["userErrors"][0]["field"],
            json!(["input", "signature", "otp"])
        );
        let submitted = submit_with_otp(&app, &token, &request, &code).await;
        assert_eq!(
            codes(&submitted),
            Vec::<String>::new(),
            "{case}: {submitted}"
        );
        let submitted = &submitted["application"];
        // Her own flat: no consent needed, so decided automatically and registered at once
        // (an application signed by SMS code is decided as one signed with EDS).
        assert_eq!(submitted["status"], "REGISTERED", "{case}: {submitted}");
        assert_eq!(submitted["decision"]["automatic"], true, "{case}");
        assert_eq!(submitted["registration"]["active"], true, "{case}");
        assert!(
            submitted["registration"]["registryReference"]
                .as_str()
                .is_some_and(|r| r.starts_with("PR-")),
            "{case}: {submitted}"
        );
        let signature = &submitted["signature"];
        assert_eq!(signature["method"], "OTP");
        assert_eq!(signature["maskedPhone"], "+7 7** *** 45 18");
        assert_eq!(signature["signerIin"], AIGERIM);
        assert!(signature["signedAt"].is_string());
        let replay = submit_with_otp(&app, &token, &request, &code).await;
        assert_eq!(codes(&replay), ["SIGNING_REQUEST_USED"], "{case}: {replay}");

        // The evidence: sealed by the service, re-checkable with the published key.
        let (sealed, report, kept) = sealed_evidence(&app).await;
        let evidence: Value = serde_json::from_slice(&sealed).expect("JSON evidence");
        assert_eq!(evidence["type"], "registration-kz/otp-signature");
        assert_eq!(evidence["payloadDigest"], request["digest"], "{case}");
        assert_eq!(evidence["signerIin"], AIGERIM);
        assert_eq!(evidence["maskedPhone"], "+7 7** *** 45 18");
        assert_eq!(evidence["mobileDatabase"]["confirmed"], true);
        assert_eq!(kept["evidence"], STANDARD.encode(&sealed));
        assert_eq!(kept["seal"], report["seal"]);
        let keys = app
            .graphql(
                "{ sealKeys { id algorithm publicKey publicKeyPem retired } }",
                json!({}),
                None,
            )
            .await;
        let key = &keys["data"]["sealKeys"][0];
        assert_eq!(key["id"], report["seal"]["keyId"], "{keys}");
        assert_eq!(key["algorithm"], "Ed25519");
        let public = STANDARD.decode(key["publicKey"].as_str().unwrap()).unwrap();
        let seal = STANDARD
            .decode(report["seal"]["signature"].as_str().unwrap())
            .unwrap();
        let verifier = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public);
        assert!(verifier.verify(&sealed, &seal).is_ok(), "{case}");
        let mut forged = sealed.clone();
        forged[10] ^= 1;
        assert!(verifier.verify(&forged, &seal).is_err());
        if backend == Backend::Postgres {
            openssl_verifies(key["publicKeyPem"].as_str().unwrap(), &sealed, &seal);
        }
    }
}

/// `openssl pkeyutl -verify -rawin` checks a seal with the published PEM: anyone can re-check
/// the evidence without our code.
fn openssl_verifies(pem: &str, sealed: &[u8], seal: &[u8]) {
    let dir = RemoveFolder::new("otp-seal");
    let (key, data, signature) = (
        dir.0.join("key.pem"),
        dir.0.join("evidence.json"),
        dir.0.join("seal.bin"),
    );
    std::fs::write(&key, pem).unwrap();
    std::fs::write(&data, sealed).unwrap();
    std::fs::write(&signature, seal).unwrap();
    let verify = |data: &std::path::Path| {
        std::process::Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
            .arg(&key)
            .arg("-in")
            .arg(data)
            .arg("-sigfile")
            .arg(&signature)
            .output()
            .expect("openssl runs")
    };
    let output = verify(&data);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut changed = sealed.to_vec();
    changed.push(b' ');
    std::fs::write(&data, changed).unwrap();
    assert!(
        !verify(&data).status.success(),
        "OpenSSL refuses changed evidence"
    );
}

#[actix_web::test]
async fn a_sign_in_code_does_not_tell_who_has_a_phone() {
    for store in [Store::Memory, Store::Redis] {
        let app = otp_app(Backend::Sqlite, store, &[], clock()).await;
        let with = request_otp(&app, json!({ "purpose": "LOGIN", "iin": AIGERIM }), None).await;
        let without = request_otp(&app, json!({ "purpose": "LOGIN", "iin": NURLAN }), None).await;
        let shape = |payload: &Value| {
            let challenge = &payload["otpChallenge"];
            (
                challenge["purpose"].clone(),
                challenge["maskedPhone"].clone(),
                challenge["expiresAt"].clone(),
                challenge["resendAfter"].clone(),
                payload["userErrors"].clone(),
            )
        };
        assert_eq!(shape(&with), shape(&without), "{store:?}: {with} {without}");
        // Nurlan's challenge can never be satisfied: no code went anywhere.
        let id = without["otpChallenge"]["id"].clone();
        for code in ["000000", "123456"] {
            let refused = login_with_otp(&app, &id, code).await;
            assert_eq!(codes(&refused), ["OTP_INVALID"], "{store:?}: {refused}");
        }
        // The same refusal when asked again too soon, for both.
        let again_with =
            request_otp(&app, json!({ "purpose": "LOGIN", "iin": AIGERIM }), None).await;
        let again_without =
            request_otp(&app, json!({ "purpose": "LOGIN", "iin": NURLAN }), None).await;
        assert_eq!(codes(&again_with), ["OTP_RESEND_TOO_SOON"]);
        assert_eq!(again_with["userErrors"], again_without["userErrors"]);
        // A malformed IIN is bad input, not a lookup.
        let bad = request_otp(&app, json!({ "purpose": "LOGIN", "iin": "12345" }), None).await;
        assert_eq!(codes(&bad), ["BAD_USER_INPUT"]);
        assert_eq!(bad["userErrors"][0]["field"], json!(["input", "iin"]));
    }
}

#[actix_web::test]
async fn limits_are_configurable_user_errors_that_say_when_to_retry() {
    for store in [Store::Memory, Store::Redis] {
        let clock = clock();
        let app = otp_app(
            Backend::Sqlite,
            store,
            &[
                ("OTP_MAX_ATTEMPTS", "2"),
                ("OTP_RESEND_COOLDOWN_SECONDS", "30"),
                ("OTP_CODE_TTL_SECONDS", "120"),
                ("OTP_SENDS_PER_PHONE_PER_HOUR", "3"),
            ],
            clock.clone(),
        )
        .await;
        let login = json!({ "purpose": "LOGIN", "iin": AIGERIM });
        let first = request_otp(&app, login.clone(), None).await;
        let expires = time::OffsetDateTime::parse(
            first["otpChallenge"]["expiresAt"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(
            expires - api::core::Clock::now(&*clock),
            time::Duration::seconds(120),
            "{store:?}"
        );
        let soon = request_otp(&app, login.clone(), None).await;
        assert_eq!(codes(&soon), ["OTP_RESEND_TOO_SOON"], "{store:?}: {soon}");
        assert_eq!(soon["userErrors"][0]["retryAfterSeconds"], 30);

        // Two wrong attempts void the code.
        let (_, code) = code_of(&app, AIGERIM_PHONE, 0).await;
        let id = first["otpChallenge"]["id"].clone();
        let one = login_with_otp(&app, &id, &wrong(&code)).await;
        assert_eq!(one["userErrors"][0]["attemptsLeft"], 1, "{store:?}: {one}");
        let two = login_with_otp(&app, &id, &wrong(&code)).await;
        assert_eq!(codes(&two), ["OTP_INVALID"]);
        assert_eq!(two["userErrors"][0]["attemptsLeft"], 0);
        let void = login_with_otp(&app, &id, &code).await;
        assert_eq!(codes(&void), ["OTP_ATTEMPTS_EXCEEDED"], "{store:?}: {void}");
        assert_eq!(void["userErrors"][0]["attemptsLeft"], 0);

        // After the cooldown a new code; after its lifetime it has expired.
        clock.advance(time::Duration::seconds(31));
        let second = request_otp(&app, login.clone(), None).await;
        assert_eq!(second["userErrors"], json!([]), "{store:?}: {second}");
        let (_, code) = code_of(&app, AIGERIM_PHONE, 1).await;
        clock.advance(time::Duration::seconds(121));
        let late = login_with_otp(&app, &second["otpChallenge"]["id"], &code).await;
        assert_eq!(codes(&late), ["OTP_EXPIRED"], "{store:?}: {late}");

        // The third send this hour is the last the phone gets.
        let third = request_otp(&app, login.clone(), None).await;
        assert_eq!(third["userErrors"], json!([]), "{store:?}: {third}");
        clock.advance(time::Duration::seconds(31));
        let fourth = request_otp(&app, login.clone(), None).await;
        assert_eq!(codes(&fourth), ["OTP_RATE_LIMITED"], "{store:?}: {fourth}");
        assert!(
            fourth["userErrors"][0]["retryAfterSeconds"]
                .as_i64()
                .is_some_and(|s| (1..=3600).contains(&s)),
            "{fourth}"
        );
        // A code typed wrong in shape is bad input and costs no attempt.
        let malformed = login_with_otp(&app, &third["otpChallenge"]["id"], "12a456").await;
        assert_eq!(codes(&malformed), ["BAD_USER_INPUT"]);
    }
}

#[actix_web::test]
async fn a_signing_code_is_for_its_signer_and_dies_with_a_changed_draft() {
    let app = otp_app(Backend::Sqlite, Store::Redis, &[], clock()).await;
    let token = sign_in_by_otp(&app, AIGERIM, AIGERIM_PHONE).await;
    let (application, request) = prepared(&app, &token).await;
    let signing = json!({ "purpose": "SIGN", "signingRequestId": request["id"] });

    // Anonymous callers cannot ask for a signing code; another citizen is not the signer.
    let anonymous = app
        .graphql(REQUEST_OTP, json!({ "input": signing }), None)
        .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{anonymous}"
    );
    let erlan = sign_in_by_otp(&app, ERLAN, "+77051187340").await;
    let theirs = request_otp(&app, signing.clone(), Some(&erlan)).await;
    assert_eq!(codes(&theirs), ["SIGNER_MISMATCH"], "{theirs}");

    request_otp(&app, signing.clone(), Some(&token)).await;
    let (_, code) = code_of(&app, AIGERIM_PHONE, 1).await;
    // A changed draft voids the request, and with it the code.
    let changed = app
        .graphql(
            "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { userErrors { code } } }",
            json!({ "input": { "id": application["id"], "version": application["version"], "kind": "TEMPORARY", "periodMonths": 6 } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        codes(&changed["data"]["updateApplication"]),
        Vec::<String>::new()
    );
    let void = submit_with_otp(&app, &token, &request, &code).await;
    assert_eq!(codes(&void), ["SIGNING_REQUEST_VOID"], "{void}");
    let again = request_otp(&app, signing, Some(&token)).await;
    assert_eq!(codes(&again), ["SIGNING_REQUEST_VOID"], "{again}");
}

#[actix_web::test]
async fn an_officer_signed_in_by_otp_is_only_a_citizen() {
    let app = otp_app(Backend::Sqlite, Store::Memory, &[], clock()).await;
    let db = Database::connect(&app.database_url).await.unwrap();
    api::core::service::admin::add_officer(&db, ERLAN, BODY, now())
        .await
        .expect("listed");
    let _ = db.close().await;
    let citizen = sign_in_by_otp(&app, AIGERIM, AIGERIM_PHONE).await;
    let (application, request) = prepared(&app, &citizen).await;
    let read = "query($id: ID!) { application(id: $id) { id } }";
    // Filed (by SMS code), it is the body's to read: a draft is no body's.
    let before = outbox(&app, AIGERIM_PHONE).await.len();
    let asked = request_otp(
        &app,
        json!({ "purpose": "SIGN", "signingRequestId": request["id"] }),
        Some(&citizen),
    )
    .await;
    assert_eq!(asked["userErrors"], json!([]), "{asked}");
    let (_, code) = code_of(&app, AIGERIM_PHONE, before).await;
    let submitted = submit_with_otp(&app, &citizen, &request, &code).await;
    assert_eq!(codes(&submitted), Vec::<String>::new(), "{submitted}");

    let by_otp = sign_in_by_otp(&app, ERLAN, "+77051187340").await;
    let seen = app
        .graphql(read, json!({ "id": application["id"] }), Some(&by_otp))
        .await;
    assert_eq!(seen["data"]["application"], Value::Null, "{seen}");
    // The same officer with his EDS key sees it.
    let by_eds = app.login_with(&officer_auth_certificate()).await;
    let token = by_eds["token"].as_str().expect("signed in with EDS");
    let seen = app
        .graphql(read, json!({ "id": application["id"] }), Some(token))
        .await;
    assert_eq!(
        seen["data"]["application"]["id"], application["id"],
        "{seen}"
    );
}

#[actix_web::test]
async fn a_sign_in_code_works_only_from_the_origin_it_was_asked_from() {
    let app = otp_app(
        Backend::Sqlite,
        Store::Memory,
        &[(
            "CORS_ALLOWED_ORIGINS",
            "https://portal.example.kz,https://other.example.kz",
        )],
        clock(),
    )
    .await;
    let asked = app
        .graphql_with(
            REQUEST_OTP,
            json!({ "input": { "purpose": "LOGIN", "iin": AIGERIM } }),
            None,
            &[("Origin", "https://portal.example.kz")],
        )
        .await;
    let id = asked["data"]["requestOtp"]["otpChallenge"]["id"].clone();
    let (_, code) = code_of(&app, AIGERIM_PHONE, 0).await;
    let elsewhere = app
        .graphql_with(
            LOGIN_WITH_OTP,
            json!({ "input": { "otpChallengeId": id, "code": code } }),
            None,
            &[("Origin", "https://other.example.kz")],
        )
        .await;
    assert_eq!(
        codes(&elsewhere["data"]["loginWithOtp"]),
        ["ORIGIN_MISMATCH"],
        "{elsewhere}"
    );
    let unknown = app
        .graphql_with(
            REQUEST_OTP,
            json!({ "input": { "purpose": "LOGIN", "iin": AIGERIM } }),
            None,
            &[("Origin", "https://evil.example.com")],
        )
        .await;
    assert_eq!(
        codes(&unknown["data"]["requestOtp"]),
        ["ORIGIN_NOT_ALLOWED"]
    );
}

async fn readiness(app: &TestApp) -> (u16, Value) {
    let response = request(app.port, "GET", "/readyz", Vec::new(), String::new()).await;
    (response.status, response.json())
}

fn redis_check(body: &Value) -> Value {
    body["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == "redis"))
        .map_or(Value::Null, |c| c["status"].clone())
}

/// A Redis of the test's own, on its own port, that it starts and stops (and that stops when
/// the test ends).
struct OwnRedis {
    port: u16,
}

impl OwnRedis {
    fn start(port: u16, dir: &RemoveFolder) -> Self {
        let status = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "yes"])
            .arg("--dir")
            .arg(&dir.0)
            .arg("--pidfile")
            .arg(dir.0.join("redis.pid"))
            .status()
            .expect("redis-server runs");
        assert!(status.success());
        let redis = OwnRedis { port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return redis;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not start on {port}");
    }

    fn stop(self) {
        let port = self.port;
        drop(self);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on {port} did not stop");
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = std::process::Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "shutdown", "nosave"])
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[actix_web::test]
async fn redis_down_makes_codes_unavailable_and_nothing_else_and_it_recovers() {
    // A closed port: an answer within the timeouts, the rest of the API works.
    let closed = format!("redis://127.0.0.1:{}", free_port());
    let app = spawn_app_with_clock(
        Backend::Sqlite,
        &[
            ("REDIS_URL", &closed),
            ("REDIS_CONNECT_TIMEOUT_MILLISECONDS", "300"),
        ],
        clock(),
    )
    .await;
    let started = std::time::Instant::now();
    let down = request_otp(&app, json!({ "purpose": "LOGIN", "iin": AIGERIM }), None).await;
    assert_eq!(codes(&down), ["OTP_UNAVAILABLE"], "{down}");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded");
    let (status, body) = readiness(&app).await;
    assert_eq!((status, redis_check(&body)), (200, json!("down")), "{body}");
    let (challenge, _) = app.challenge(None).await;
    assert!(!challenge.is_empty(), "EDS sign-in still works");

    // A Redis that goes down and comes back.
    let port = free_port();
    let dir = RemoveFolder::new("otp-redis");
    let redis = OwnRedis::start(port, &dir);
    let url = format!("redis://127.0.0.1:{port}");
    let app = spawn_app_with_clock(Backend::Sqlite, &[("REDIS_URL", &url)], clock()).await;
    let up = request_otp(&app, json!({ "purpose": "LOGIN", "iin": AIGERIM }), None).await;
    assert_eq!(up["userErrors"], json!([]), "{up}");
    assert_eq!(redis_check(&readiness(&app).await.1), json!("up"));
    redis.stop();
    let down = request_otp(&app, json!({ "purpose": "LOGIN", "iin": NURLAN }), None).await;
    assert_eq!(codes(&down), ["OTP_UNAVAILABLE"], "{down}");
    let (status, body) = readiness(&app).await;
    assert_eq!((status, redis_check(&body)), (200, json!("down")), "{body}");
    let _redis = OwnRedis::start(port, &dir);
    let back = request_otp(&app, json!({ "purpose": "LOGIN", "iin": NURLAN }), None).await;
    assert_eq!(back["userErrors"], json!([]), "recovers by itself: {back}");
    assert_eq!(redis_check(&readiness(&app).await.1), json!("up"));
}
