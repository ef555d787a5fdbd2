//! The production profile requires current revocation data, CRL files are reloaded when they
//! change, and OCSP is asked of the configured responders for each verification (issue 15).

use crate::helpers::*;
use sea_orm::ConnectionTrait;
use signatures::testing::ocsp::{OcspResponseBuilder, OcspStatus};
use signatures::testing::{CrlBuilder, Reason};
use time::Duration;

fn current_crl(
    issuer: &signatures::testing::Certificate,
    number: u64,
    revoked: Option<&[u8]>,
) -> Vec<u8> {
    let now = now();
    let mut crl = CrlBuilder::new(issuer)
        .number(number)
        .this_update(now - Duration::hours(1))
        .next_update(Some(now + Duration::days(7)));
    if let Some(serial) = revoked {
        crl = crl.revoke(
            serial,
            now - Duration::minutes(30),
            Some(Reason::KeyCompromise),
        );
    }
    crl.build()
}

#[actix_web::test]
async fn production_requires_revocation_data_and_reloads_changed_crls() {
    let folder = RemoveFolder::new("crls");
    let dir = folder.0.clone();
    let leaf_crl = dir.join("nca.crl");
    let root_crl = dir.join("root.crl");
    std::fs::write(&leaf_crl, current_crl(&pki().intermediate, 1, None)).expect("written");
    std::fs::write(&root_crl, current_crl(&pki().root, 1, None)).expect("written");
    let crls = format!("{},{}", leaf_crl.display(), root_crl.display());
    let certificate = auth_certificate("910520300017");

    // Without CRLs, production refuses a certificate whose revocation status is unknown.
    let without = spawn_app_with(Backend::Sqlite, &[("APP_ENV", "production")]).await;
    assert_eq!(
        codes(&without.login_with(&certificate).await),
        ["REVOCATION_UNKNOWN"]
    );
    // A required revocation source without current data: this instance cannot do its work.
    let ready = request(without.port, "GET", "/readyz", vec![], String::new()).await;
    assert_eq!(ready.status, 503, "{}", ready.body);

    // With current CRLs it signs in; once the CRL file lists the certificate, it does not.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("APP_ENV", "production"),
            ("EDS_CRLS", &crls),
            ("EDS_CRL_CHECK_SECONDS", "0"),
        ],
    )
    .await;
    let port = app.port;
    let good = app.login_with(&certificate).await;
    assert!(good["token"].is_string(), "{good}");
    // The signature is kept with the CRLs its verification relied on, each stored once under
    // its digest, however many signatures rely on it.
    assert!(app.login_with(&certificate).await["token"].is_string());
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("db");
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    sql,
                ))
                .await
                .expect("query")
                .expect("a row");
            row.try_get_by_index::<i64>(0).expect("a count")
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM evidence WHERE kind = 'CRL'").await,
        2
    );
    assert_eq!(count("SELECT COUNT(*) FROM signature_evidence").await, 4);
    assert_eq!(
        count("SELECT COUNT(DISTINCT signature_id) FROM signature_evidence").await,
        2
    );

    let ready = request(port, "GET", "/readyz", vec![], String::new()).await;
    assert_eq!(ready.status, 200, "{}", ready.body);

    // The background task reloads a changed file (within EDS_CRL_CHECK_SECONDS, at least 1 s):
    // wait for it with a deadline.
    std::fs::write(
        &leaf_crl,
        current_crl(&pki().intermediate, 2, Some(&certificate.serial)),
    )
    .expect("rewritten");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let revoked = app.login_with(&certificate).await;
        if codes(&revoked) == ["REVOKED"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never reloaded: {revoked}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A CRL file that no longer parses keeps the previous CRLs rather than dropping them, and
    // readiness shows the reload as degraded, still ready.
    std::fs::write(&leaf_crl, b"not a CRL").expect("broken");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let ready = request(port, "GET", "/readyz", vec![], String::new()).await;
        let body = ready.json();
        let crls = body["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == "crls").cloned())
            .unwrap_or_default();
        if crls["status"] == "degraded" {
            assert_eq!(ready.status, 200);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never degraded: {body}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(codes(&app.login_with(&certificate).await), ["REVOKED"]);
}

#[actix_web::test]
async fn graphql_over_http_media_types_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        (
            "Accept".to_owned(),
            "application/graphql-response+json".to_owned(),
        ),
    ];
    let response = request(
        app.port,
        "POST",
        "/graphql",
        headers,
        serde_json::json!({ "query": "{ __typename }" }).to_string(),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["data"]["__typename"], "Query");
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/graphql-response+json"),
        "{content_type}"
    );
}

#[actix_web::test]
async fn one_unusable_crl_file_never_makes_the_others_unusable() {
    let folder = RemoveFolder::new("crls");
    let dir = folder.0.clone();
    let (leaf_crl, root_crl, broken) =
        (dir.join("nca.crl"), dir.join("root.crl"), dir.join("x.crl"));
    std::fs::write(&leaf_crl, current_crl(&pki().intermediate, 1, None)).expect("written");
    std::fs::write(&root_crl, current_crl(&pki().root, 1, None)).expect("written");
    std::fs::write(&broken, b"not a CRL").expect("written");
    let crls = format!(
        "{},{},{}",
        broken.display(),
        leaf_crl.display(),
        root_crl.display()
    );
    // It starts despite the bad file.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("APP_ENV", "production"), ("EDS_CRLS", &crls)],
    )
    .await;
    let port = app.port;
    let good = app.login_with(&auth_certificate("910520300017")).await;
    assert!(good["token"].is_string(), "{good}");
    let ready = request(port, "GET", "/readyz", vec![], String::new()).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    let body = ready.json();
    let crls = body["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "crls").cloned())
        .expect("a crls check");
    assert_eq!(crls["status"], "degraded", "{body}");
    assert!(
        crls["error"].as_str().is_some_and(|e| e.contains("x.crl")),
        "{body}"
    );
}

/// The first row's first column of `sql`.
async fn scalar<T: sea_orm::TryGetable>(db: &sea_orm::DatabaseConnection, sql: &str) -> T {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<T>(0).expect("a value")
}

#[actix_web::test]
async fn crls_fetched_from_revocation_config_revoke_and_are_kept_as_evidence() {
    // A CRL distribution point of the test PKI's intermediate that lists one certificate.
    let revoked = auth_certificate("910520300017");
    let good = auth_certificate("871008401427");
    let crl = current_crl(&pki().intermediate, 1, Some(&revoked.serial));
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/nca.crl"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_bytes(crl.clone()))
        .mount(&server)
        .await;
    let url = format!("{}/nca.crl", server.uri());
    for backend in BACKENDS {
        let folder = RemoveFolder::new("revocation-config");
        let ca = folder.0.join("intermediate.pem");
        std::fs::write(&ca, pki().intermediate.pem()).expect("written");
        let config = folder.0.join("revocation.json");
        let json = serde_json::json!({
            "requirement": "CRL",
            "cas": [{
                "name": "test intermediate",
                "ca_certificate": ca.display().to_string(),
                "crl_urls": [url],
            }],
        });
        std::fs::write(&config, json.to_string()).expect("written");
        let config = config.display().to_string();
        let app = spawn_app_with(
            backend,
            &[
                ("REVOCATION_CONFIG", &config),
                ("EDS_CRL_CHECK_SECONDS", "0"),
            ],
        )
        .await;

        // The background task fetches the CRL at start-up: wait for it with a deadline.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let refused = app.login_with(&revoked).await;
            if codes(&refused) == ["REVOKED"] {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{backend:?}: the fetched CRL never revoked: {refused}"
            );
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let signed = app.login_with(&good).await;
        assert!(signed["token"].is_string(), "{backend:?}: {signed}");

        // The stored signature keeps the fetched CRL, byte for byte, as its evidence.
        let db = sea_orm::Database::connect(&app.database_url)
            .await
            .expect("db");
        let kept: Vec<u8> = scalar(
            &db,
            "SELECT e.bytes FROM evidence e JOIN signature_evidence s ON s.digest = e.digest \
             WHERE e.kind = 'CRL'",
        )
        .await;
        assert_eq!(kept, crl, "{backend:?}");

        // Readiness lists the source, answering.
        let ready = request(app.port, "GET", "/readyz", vec![], String::new()).await;
        assert_eq!(ready.status, 200, "{}", ready.body);
        let body = ready.json();
        let sources = body["revocationSources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(sources.len(), 1, "{body}");
        assert_eq!(sources[0]["url"], url.as_str(), "{body}");
        assert_eq!(sources[0]["state"], "OK", "{body}");
        assert_eq!(body["revocationRequirement"], "CRL", "{body}");
    }
}

#[actix_web::test]
async fn a_bad_revocation_config_is_a_start_up_error_naming_the_field() {
    let folder = RemoveFolder::new("revocation-config");
    let config = folder.0.join("revocation.json");
    std::fs::write(&config, r#"{"cas": [], "requirment": "CRL"}"#).expect("written");
    let config = config.display().to_string();
    let (settings, _) = settings(Backend::Sqlite, &[("REVOCATION_CONFIG", &config)]).await;
    let error = api::startup::Application::build(settings)
        .await
        .expect_err("a bad revocation configuration");
    let text = error.to_string();
    assert!(
        text.contains("REVOCATION_CONFIG") && text.contains("requirment"),
        "{text}"
    );
}

/// An OCSP responder for the test PKI's intermediate, as a wiremock answer: each request gets
/// a response signed by the intermediate, about the listed certificate whose serial the
/// request names, with that certificate's status and the request's nonce (RFC 8954), as a
/// responder makes it. Every response sent is kept, to compare with the stored evidence.
struct Responder {
    statuses: Vec<(signatures::testing::Certificate, OcspStatus)>,
    sent: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

/// The nonce of an OCSP request made by `signatures::ocsp_request`: its last 32 octets, since
/// the nonce extension (an OCTET STRING in an OCTET STRING) is the request's last field.
fn nonce_of(request: &[u8]) -> &[u8] {
    let at = request.len().saturating_sub(34);
    let (header, nonce) = request.split_at(at).1.split_at(2);
    assert_eq!(header, [0x04, 0x20], "a 32-octet nonce ends the request");
    nonce
}

impl wiremock::Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let (target, status) = self
            .statuses
            .iter()
            .find(|(c, _)| {
                request
                    .body
                    .windows(c.serial_der.len())
                    .any(|w| w == c.serial_der)
            })
            .expect("a request about a listed certificate");
        let now = now();
        let der = OcspResponseBuilder::new(target, &pki().intermediate, &pki().intermediate)
            .status(*status)
            .this_update(now - Duration::minutes(1))
            .next_update(Some(now + Duration::hours(1)))
            .nonce(nonce_of(&request.body))
            .build();
        self.sent.lock().expect("not poisoned").push(der.clone());
        wiremock::ResponseTemplate::new(200)
            .insert_header("content-type", "application/ocsp-response")
            .set_body_bytes(der)
    }
}

/// A `REVOCATION_CONFIG` file in `folder` naming the test PKI's intermediate with `ocsp_url`,
/// the `requirement`, and HTTP bounds of one second (so that a hung responder costs a test one
/// second, not the defaults' minutes); its path.
fn ocsp_config(folder: &RemoveFolder, ocsp_url: &str, requirement: &str) -> String {
    let ca = folder.0.join("intermediate.pem");
    std::fs::write(&ca, pki().intermediate.pem()).expect("written");
    let config = folder.0.join("revocation.json");
    let json = serde_json::json!({
        "requirement": requirement,
        "http": {
            "connect_timeout": "1s",
            "read_timeout": "1s",
            "attempt_timeout": "1s",
            "retries": 0,
        },
        "cas": [{
            "name": "test intermediate",
            "ca_certificate": ca.display().to_string(),
            "ocsp_url": ocsp_url,
        }],
    });
    std::fs::write(&config, json.to_string()).expect("written");
    config.display().to_string()
}

/// A current CRL of the root (revoking nothing) in `folder`, for the intermediate's own
/// revocation in the production profile: the leaf's then comes from OCSP alone.
fn root_crl_file(folder: &RemoveFolder) -> String {
    let path = folder.0.join("root.crl");
    std::fs::write(&path, current_crl(&pki().root, 1, None)).expect("written");
    path.display().to_string()
}

/// The OCSP responses kept as evidence of stored signatures.
async fn kept_ocsp(app: &TestApp) -> Vec<Vec<u8>> {
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("db");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT e.bytes FROM evidence e JOIN signature_evidence s ON s.digest = e.digest \
             WHERE e.kind = 'OCSP'",
        ))
        .await
        .expect("query");
    rows.iter()
        .map(|row| row.try_get_by_index::<Vec<u8>>(0).expect("bytes"))
        .collect()
}

#[actix_web::test]
async fn an_ocsp_responder_saying_revoked_refuses_sign_in_and_signing_with_that_key() {
    let (aigerim, revoked_auth) = (
        auth_certificate("871008401427"),
        auth_certificate("910520300017"),
    );
    let revoked_sign = sign_certificate("871008401427");
    let revoked_at = now() - Duration::minutes(30);
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Responder {
            statuses: vec![
                (aigerim.clone(), OcspStatus::Good),
                (
                    revoked_auth.clone(),
                    OcspStatus::Revoked(revoked_at, Some(1)),
                ),
                (
                    revoked_sign.clone(),
                    OcspStatus::Revoked(revoked_at, Some(1)),
                ),
            ],
            sent: Default::default(),
        })
        .mount(&server)
        .await;
    let folder = RemoveFolder::new("revocation-config");
    let config = ocsp_config(&folder, &server.uri(), "EITHER");
    // The development profile: nothing is required, and a revocation still refuses.
    let app = spawn_app_with(Backend::Sqlite, &[("REVOCATION_CONFIG", &config)]).await;
    assert_eq!(codes(&app.login_with(&revoked_auth).await), ["REVOKED"]);

    let signed_in = app.login_with(&aigerim).await;
    let token = signed_in["token"].as_str().expect("signed in").to_owned();
    let created = app
        .graphql(
            "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id version } } }",
            serde_json::json!({ "input": { "kind": "PERMANENT", "address": { "rka": "0201900148270042" }, "personalDataConsent": true } }),
            Some(&token),
        )
        .await;
    let draft = created["data"]["createApplication"]["application"].clone();
    let request = prepare_signing(&app, &token, &draft).await;
    let submitted = app
        .graphql(
            "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { userErrors { code } } }",
            serde_json::json!({ "input": {
                "signingRequestId": request["id"],
                "signature": { "cms": sign(&revoked_sign, &payload_of(&request)) },
            } }),
            Some(&token),
        )
        .await;
    assert_eq!(
        codes(&submitted["data"]["submitApplication"]),
        ["REVOKED"],
        "{submitted}"
    );
}

#[actix_web::test]
async fn a_good_ocsp_response_satisfies_the_ocsp_requirement_and_is_kept_as_evidence() {
    let certificate = auth_certificate("871008401427");
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::header(
            "content-type",
            "application/ocsp-request",
        ))
        .respond_with(Responder {
            statuses: vec![(certificate.clone(), OcspStatus::Good)],
            sent: std::sync::Arc::clone(&sent),
        })
        .mount(&server)
        .await;
    for backend in BACKENDS {
        let folder = RemoveFolder::new("revocation-config");
        let config = ocsp_config(&folder, &server.uri(), "OCSP");
        let crls = root_crl_file(&folder);
        let app = spawn_app_with(
            backend,
            &[
                ("APP_ENV", "production"),
                ("REVOCATION_CONFIG", &config),
                ("EDS_CRLS", &crls),
            ],
        )
        .await;
        let signed = app.login_with(&certificate).await;
        assert!(signed["token"].is_string(), "{backend:?}: {signed}");
        // The response relied on is kept byte for byte: the one the responder sent last.
        let last = sent.lock().expect("not poisoned").last().cloned();
        let last = last.expect("the responder was asked");
        assert_eq!(kept_ocsp(&app).await, [last], "{backend:?}");
    }
}

#[actix_web::test]
async fn a_responder_that_hangs_or_answers_garbage_is_no_ocsp_data() {
    let certificate = auth_certificate("871008401427");
    let hanging = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&hanging)
        .await;
    let garbage = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_bytes(b"not OCSP".to_vec()))
        .mount(&garbage)
        .await;
    for server in [&hanging, &garbage] {
        // Required: refused as the verifier refuses unknown revocation, although the CRLs
        // (the intermediate's, listing nothing, and the root's) would do for `EITHER`.
        let folder = RemoveFolder::new("revocation-config");
        let config = ocsp_config(&folder, &server.uri(), "OCSP");
        let leaf_crl = folder.0.join("nca.crl");
        std::fs::write(&leaf_crl, current_crl(&pki().intermediate, 1, None)).expect("written");
        let crls = format!("{},{}", leaf_crl.display(), root_crl_file(&folder));
        let app = spawn_app_with(
            Backend::Sqlite,
            &[
                ("APP_ENV", "production"),
                ("REVOCATION_CONFIG", &config),
                ("EDS_CRLS", &crls),
            ],
        )
        .await;
        let refused = app.login_with(&certificate).await;
        assert_eq!(codes(&refused), ["REVOCATION_UNKNOWN"], "{refused}");

        // Not required: it signs in, with a warning in the stored report, and no CRL at all.
        let folder = RemoveFolder::new("revocation-config");
        let config = ocsp_config(&folder, &server.uri(), "NONE");
        let app = spawn_app_with(
            Backend::Sqlite,
            &[("APP_ENV", "production"), ("REVOCATION_CONFIG", &config)],
        )
        .await;
        let signed = app.login_with(&certificate).await;
        assert!(signed["token"].is_string(), "{signed}");
        let stored = stored_signatures(&app).await;
        let warnings = stored[0].3["signers"][0]["warnings"].to_string();
        assert!(
            warnings.contains("REVOCATION_SOURCES_UNANSWERED"),
            "{warnings}"
        );
        assert!(kept_ocsp(&app).await.is_empty());
    }
}

#[actix_web::test]
async fn concurrent_sign_ins_with_one_key_make_one_ocsp_request() {
    let certificate = auth_certificate("871008401427");
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Responder {
            statuses: vec![(certificate.clone(), OcspStatus::Good)],
            sent: Default::default(),
        })
        .expect(1)
        .mount(&server)
        .await;
    let folder = RemoveFolder::new("revocation-config");
    let config = ocsp_config(&folder, &server.uri(), "OCSP");
    let crls = root_crl_file(&folder);
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("APP_ENV", "production"),
            ("REVOCATION_CONFIG", &config),
            ("EDS_CRLS", &crls),
        ],
    )
    .await;
    let (first, second) =
        futures_join(app.login_with(&certificate), app.login_with(&certificate)).await;
    assert!(first["token"].is_string(), "{first}");
    assert!(second["token"].is_string(), "{second}");
    // And a later one is answered from the cache too.
    assert!(app.login_with(&certificate).await["token"].is_string());
    server.verify().await;
}
