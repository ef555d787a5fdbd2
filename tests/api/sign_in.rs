//! Sign-in with EDS, end to end.

use crate::helpers::*;
use serde_json::json;
use signatures::testing::{self, CmsBuilder, SignerSpec, TestPki};

/// Not in the demo data set: the person is created from the certificate.
const IIN: &str = "910520300017";

#[actix_web::test]
async fn a_citizen_signs_in_sees_themself_and_logs_out() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let payload = app.login_with(&auth_certificate(IIN)).await;
        assert_eq!(
            codes(&payload),
            Vec::<String>::new(),
            "{backend:?}: {payload}"
        );
        assert_eq!(payload["person"]["iin"], IIN);
        assert_eq!(payload["person"]["surname"], "ТЕСТОВ");
        assert_eq!(payload["person"]["givenName"], "ТЕСТ");
        assert_eq!(payload["person"]["patronymic"], "ТЕСТОВИЧ");
        let token = payload["token"].as_str().expect("a token");

        let viewer = app
            .graphql("{ viewer { id iin } }", json!({}), Some(token))
            .await;
        assert_eq!(
            viewer["data"]["viewer"]["iin"], IIN,
            "{backend:?}: {viewer}"
        );
        let id = viewer["data"]["viewer"]["id"]
            .as_str()
            .expect("an id")
            .to_owned();
        let node = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id ... on Person { iin } } }",
                json!({ "id": id }),
                Some(token),
            )
            .await;
        assert_eq!(node["data"]["node"]["iin"], IIN);

        // A person the population registry mirror knows keeps the registry's names.
        let aigerim = app.login_with(&auth_certificate("871008401427")).await;
        assert_eq!(
            aigerim["person"]["surname"], "СЕЙТОВА",
            "{backend:?}: {aigerim}"
        );

        // Signing in again reuses the person.
        let again = app.login_with(&auth_certificate(IIN)).await;
        assert_eq!(again["person"]["id"], payload["person"]["id"]);

        let logout = app
            .graphql("mutation { logout { revoked } }", json!({}), Some(token))
            .await;
        assert_eq!(logout["data"]["logout"]["revoked"], true);
        let after = app
            .graphql("{ viewer { iin } }", json!({}), Some(token))
            .await;
        assert_eq!(after["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
}

#[actix_web::test]
async fn without_a_valid_token_the_viewer_is_unauthenticated() {
    let app = spawn_app(Backend::Sqlite).await;
    for token in [None, Some("rs_not-a-token"), Some("garbage")] {
        let response = app.graphql("{ viewer { iin } }", json!({}), token).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{token:?}: {response}"
        );
        assert!(response["data"]["viewer"].is_null());
    }
}

#[actix_web::test]
async fn a_challenge_is_single_use_even_when_raced() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let certificate = auth_certificate(IIN);
        let (id, payload) = app.challenge(None).await;
        let cms = testing::cms::base64(
            &CmsBuilder::new(&payload)
                .certificate(&certificate)
                .signer(SignerSpec::new(&certificate))
                .build(),
        );
        let (first, second) =
            futures_join(app.login(&id, &cms, &[]), app.login(&id, &cms, &[])).await;
        let tokens = [&first, &second]
            .iter()
            .filter(|p| p["token"].is_string())
            .count();
        assert_eq!(tokens, 1, "{backend:?}: exactly one wins: {first} {second}");
        let loser = if first["token"].is_string() {
            &second
        } else {
            &first
        };
        assert_eq!(codes(loser), ["CHALLENGE_USED"]);
        let third = app.login(&id, &cms, &[]).await;
        assert_eq!(codes(&third), ["CHALLENGE_USED"]);
    }
}

#[actix_web::test]
async fn an_expired_challenge_is_refused() {
    // Without the maintenance task: its first run, late under load, would delete the expired
    // challenge before the login (CHALLENGE_UNKNOWN).
    let app = spawn_app_with(Backend::Postgres, &[("BACKGROUND_TASKS", "false")]).await;
    let certificate = auth_certificate(IIN);
    let (id, payload) = app.challenge(None).await;
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    sea_orm::ConnectionTrait::execute_unprepared(
        &db,
        "UPDATE auth_challenge SET expires_at = issued_at - INTERVAL '1 second'",
    )
    .await
    .expect("expired");
    let cms = testing::cms::base64(
        &CmsBuilder::new(&payload)
            .certificate(&certificate)
            .signer(SignerSpec::new(&certificate))
            .build(),
    );
    assert_eq!(
        codes(&app.login(&id, &cms, &[]).await),
        ["CHALLENGE_EXPIRED"]
    );
}

#[actix_web::test]
async fn signatures_that_do_not_authenticate_are_refused_with_their_own_codes() {
    let app = spawn_app(Backend::Sqlite).await;
    let certificate = auth_certificate(IIN);
    let other_pki = TestPki::rsa();
    let untrusted = other_pki
        .individual_auth(IIN)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&other_pki.intermediate);
    let signing_only = sign_certificate(IIN);

    let cases: Vec<(&str, SignPayload, &str)> = vec![
        (
            "untrusted certificate",
            Box::new(move |p: &[u8]| {
                testing::cms::base64(
                    &CmsBuilder::new(p)
                        .certificate(&untrusted)
                        .signer(SignerSpec::new(&untrusted))
                        .build(),
                )
            }),
            "UNTRUSTED_CHAIN",
        ),
        (
            "signing-only key",
            Box::new(move |p: &[u8]| {
                testing::cms::base64(
                    &CmsBuilder::new(p)
                        .certificate(&signing_only)
                        .signer(SignerSpec::new(&signing_only))
                        .build(),
                )
            }),
            "KEY_PURPOSE",
        ),
        (
            "other content",
            {
                let c = certificate.clone();
                Box::new(move |_: &[u8]| {
                    testing::cms::base64(
                        &CmsBuilder::new(b"something else")
                            .certificate(&c)
                            .signer(SignerSpec::new(&c))
                            .build(),
                    )
                })
            },
            "CONTENT_MISMATCH",
        ),
        (
            "base64 text signed, attached",
            {
                let c = certificate.clone();
                Box::new(move |p: &[u8]| {
                    let text =
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, p);
                    testing::cms::base64(
                        &CmsBuilder::new(text.as_bytes())
                            .certificate(&c)
                            .signer(SignerSpec::new(&c))
                            .build(),
                    )
                })
            },
            "PAYLOAD_TEXT_SIGNED",
        ),
        (
            "base64 text signed, detached",
            {
                let c = certificate.clone();
                Box::new(move |p: &[u8]| {
                    let text =
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, p);
                    testing::cms::base64(
                        &CmsBuilder::new(text.as_bytes())
                            .detached()
                            .certificate(&c)
                            .signer(SignerSpec::new(&c))
                            .build(),
                    )
                })
            },
            "PAYLOAD_TEXT_SIGNED",
        ),
        (
            "corrupt signature",
            {
                let c = certificate.clone();
                Box::new(move |p: &[u8]| {
                    testing::cms::base64(
                        &CmsBuilder::new(p)
                            .certificate(&c)
                            .signer(SignerSpec::new(&c).corrupt_signature())
                            .build(),
                    )
                })
            },
            "SIGNATURE_INVALID",
        ),
        (
            "two signers",
            {
                let c = certificate.clone();
                let d = auth_certificate("760212350620");
                Box::new(move |p: &[u8]| {
                    testing::cms::base64(
                        &CmsBuilder::new(p)
                            .certificate(&c)
                            .certificate(&d)
                            .signer(SignerSpec::new(&c))
                            .signer(SignerSpec::new(&d))
                            .build(),
                    )
                })
            },
            "SIGNER_COUNT",
        ),
        (
            "not a CMS",
            Box::new(|_: &[u8]| "bm90IGEgQ01T".to_owned()),
            "MALFORMED",
        ),
    ];
    for (name, make, expected) in cases {
        let (id, payload) = app.challenge(None).await;
        let response = app.login(&id, &make(&payload), &[]).await;
        assert_eq!(codes(&response), [expected], "{name}: {response}");
        assert!(response["token"].is_null(), "{name}");
        assert_eq!(
            response["userErrors"][0]["field"],
            json!(["input", "cms"]),
            "{name}"
        );
    }
    // A detached signature over the payload itself is fine.
    let (id, payload) = app.challenge(None).await;
    let detached = testing::cms::base64(
        &CmsBuilder::new(&payload)
            .detached()
            .certificate(&certificate)
            .signer(SignerSpec::new(&certificate))
            .build(),
    );
    assert!(app.login(&id, &detached, &[]).await["token"].is_string());
}

#[actix_web::test]
async fn the_challenge_must_be_known_and_come_back_from_its_origin() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[(
            "CORS_ALLOWED_ORIGINS",
            "https://app.example,https://evil.example",
        )],
    )
    .await;
    let certificate = auth_certificate(IIN);
    let unknown = app
        .login(
            "QXV0aENoYWxsZW5nZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA",
            "x",
            &[],
        )
        .await;
    assert_eq!(codes(&unknown), ["CHALLENGE_UNKNOWN"]);
    assert_eq!(
        codes(&app.login("garbage", "x", &[]).await),
        ["CHALLENGE_UNKNOWN"]
    );

    let (id, payload) = app.challenge(Some("https://app.example")).await;
    assert!(String::from_utf8_lossy(&payload).contains("\"origin\":\"https://app.example\""));
    let cms = testing::cms::base64(
        &CmsBuilder::new(&payload)
            .certificate(&certificate)
            .signer(SignerSpec::new(&certificate))
            .build(),
    );
    let elsewhere = app
        .login(&id, &cms, &[("Origin", "https://evil.example")])
        .await;
    assert_eq!(codes(&elsewhere), ["ORIGIN_MISMATCH"]);
    assert!(
        app.login(&id, &cms, &[("Origin", "https://app.example")])
            .await["token"]
            .is_string()
    );
}

#[actix_web::test]
async fn bad_input_is_a_user_error_not_a_crash() {
    let app = spawn_app(Backend::Sqlite).await;
    let (id, _) = app.challenge(None).await;
    assert_eq!(codes(&app.login(&id, "   ", &[]).await), ["BAD_USER_INPUT"]);
    let huge = "A".repeat(300 * 1024);
    assert_eq!(codes(&app.login(&id, &huge, &[]).await), ["BAD_USER_INPUT"]);
    // A missing argument is GraphQL's own validation error.
    let response = app
        .graphql(
            "mutation { loginWithSignature(input: { challengeId: \"x\" }) { token } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{response}"
    );
}

#[actix_web::test]
async fn messages_follow_accept_language() {
    let app = spawn_app(Backend::Sqlite).await;
    for (language, expected) in [
        ("kk", "Кіру сұрауы табылмады."),
        ("en", "Unknown sign-in challenge."),
        ("ru", "Запрос на вход не найден."),
    ] {
        let response = app
            .login("garbage", "x", &[("Accept-Language", language)])
            .await;
        assert_eq!(response["userErrors"][0]["message"], expected, "{language}");
    }
}

#[actix_web::test]
async fn officers_sign_in_with_a_legal_entity_key_of_a_listed_body() {
    let app = spawn_app(Backend::Postgres).await;
    let officer_iin = "850315300019";
    let body = "940140000385";
    let certificate = officer_auth_certificate();
    assert_eq!(
        codes(&app.login_with(&certificate).await),
        ["NOT_AN_OFFICER"]
    );

    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    api::core::service::admin::add_officer(&db, officer_iin, body, now())
        .await
        .expect("listed");
    let payload = app.login_with(&certificate).await;
    assert!(payload["token"].is_string(), "{payload}");
}

/// Why the production profile refuses to start with `pem` as its only trust anchor.
async fn production_refusal_with_anchor(pem: &str) -> String {
    let folder = RemoveFolder::new("demo-anchor");
    let anchor = folder.0.join("anchor.pem");
    std::fs::write(&anchor, pem).expect("written");
    let anchor = anchor.display().to_string();
    let (settings, database_url) = settings(
        Backend::Sqlite,
        &[("APP_ENV", "production"), ("EDS_TRUST_ANCHORS", &anchor)],
    )
    .await;
    let _cleanup = RemoveDatabase(database_url);
    api::startup::Application::build(settings)
        .await
        .expect_err("refused")
        .to_string()
}

#[actix_web::test]
async fn the_production_profile_refuses_the_demo_anchor() {
    let error = production_refusal_with_anchor(api::core::trust::DEMO_ROOT_PEM).await;
    assert!(error.contains("demo"), "{error}");
}

#[actix_web::test]
async fn an_expired_session_is_unauthenticated() {
    let app = spawn_app(Backend::Postgres).await;
    let payload = app.login_with(&auth_certificate(IIN)).await;
    let token = payload["token"].as_str().expect("a token");
    assert!(payload["expiresAt"].is_string());
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    sea_orm::ConnectionTrait::execute_unprepared(
        &db,
        "UPDATE session SET expires_at = created_at - INTERVAL '1 second'",
    )
    .await
    .expect("expired");
    let response = app
        .graphql("{ viewer { iin } }", json!({}), Some(token))
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{response}"
    );
}

/// How the verifier names a GOST 2015-512 signature (the stored report's `signatureAlgorithm`).
const GOST_2015: &str = "GOST R 34.10-2015 (512 bits) with Streebog-512";

#[actix_web::test]
async fn a_citizen_signs_in_with_a_combined_gost_2015_key() {
    for backend in BACKENDS {
        let app = spawn_app(backend).await;
        let certificate = gost_certificate(IIN);
        let payload = app.login_with(&certificate).await;
        assert_eq!(
            codes(&payload),
            Vec::<String>::new(),
            "{backend:?}: {payload}"
        );
        assert_eq!(payload["person"]["iin"], IIN);
        assert_eq!(payload["person"]["surname"], "ТЕСТОВ");
        assert_eq!(payload["person"]["givenName"], "ТЕСТ");
        assert_eq!(payload["person"]["patronymic"], "ТЕСТОВИЧ");
        let token = payload["token"].as_str().expect("a token");
        let viewer = app
            .graphql("{ viewer { iin } }", json!({}), Some(token))
            .await;
        assert_eq!(
            viewer["data"]["viewer"]["iin"], IIN,
            "{backend:?}: {viewer}"
        );

        // The same person signs in with an authentication key of the other PKI: one person.
        let other = app.login_with(&auth_certificate(IIN)).await;
        assert_eq!(other["person"]["id"], payload["person"]["id"], "{other}");

        // Each sign-in is stored with the verifier's report, naming its algorithm.
        let stored = stored_signatures(&app).await;
        assert_eq!(stored.len(), 2, "{backend:?}");
        let (purpose, iin, serial, report) = &stored[0];
        assert_eq!(purpose, "SIGN_IN");
        assert_eq!(iin.as_deref(), Some(IIN));
        let signer = &report["signers"][0];
        assert_eq!(report["valid"], true, "{report}");
        assert_eq!(signer["signatureAlgorithm"], GOST_2015, "{report}");
        assert_eq!(signer["digestAlgorithm"], "Streebog-512");
        assert_eq!(signer["serialNumber"], serial.as_str());
        assert_eq!(signer["purposes"], json!(["sign", "auth"]));
        assert_eq!(
            stored[1].3["signers"][0]["signatureAlgorithm"], "ECDSA with SHA-256",
            "{}",
            stored[1].3
        );
    }
}

#[actix_web::test]
async fn gost_signatures_that_do_not_authenticate_are_refused_with_their_own_codes() {
    use signatures::testing::{CertificateBuilder, Digest, KeyPair, KeyUsageBit};
    let app = spawn_app(Backend::Sqlite).await;
    let combined = gost_certificate(IIN);
    // A GOST key that only signs (no keyEncipherment, no clientAuth): not for signing in.
    let signing_only = gost_pki()
        .individual_sign(IIN)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&gost_pki().intermediate);
    // An impostor CA named like the trusted GOST intermediate, with another key.
    let impostor_root =
        CertificateBuilder::new(gost_pki().root.subject.clone(), &KeyPair::gost2015_512())
            .ca(None)
            .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
            .validity(
                now() - time::Duration::days(30),
                now() + time::Duration::days(365),
            )
            .self_signed();
    let impostor = CertificateBuilder::new(
        gost_pki().intermediate.subject.clone(),
        &KeyPair::gost2015_512(),
    )
    .ca(Some(0))
    .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign])
    .validity(
        now() - time::Duration::days(30),
        now() + time::Duration::days(365),
    )
    .issued_by(&impostor_root);
    let untrusted = gost_pki()
        .individual_combined(IIN)
        .validity(
            now() - time::Duration::days(1),
            now() + time::Duration::days(30),
        )
        .issued_by(&impostor);
    let signed = |certificate: &testing::Certificate, spec: SignerSpec, content: &[u8]| {
        testing::cms::base64(
            &CmsBuilder::new(content)
                .certificate(certificate)
                .signer(spec)
                .build(),
        )
    };
    let cases: Vec<(&str, SignPayload, &str)> = vec![
        (
            "a GOST signing-only key",
            Box::new(move |p: &[u8]| signed(&signing_only, SignerSpec::new(&signing_only), p)),
            "KEY_PURPOSE",
        ),
        (
            "a GOST key of an impostor CA",
            Box::new(move |p: &[u8]| signed(&untrusted, SignerSpec::new(&untrusted), p)),
            "UNTRUSTED_CHAIN",
        ),
        (
            "a corrupt GOST signature",
            {
                let c = combined.clone();
                Box::new(move |p: &[u8]| signed(&c, SignerSpec::new(&c).corrupt_signature(), p))
            },
            "SIGNATURE_INVALID",
        ),
        (
            "GOST 2015 over SHA-256",
            {
                let c = combined.clone();
                Box::new(move |p: &[u8]| signed(&c, SignerSpec::new(&c).digest(Digest::Sha256), p))
            },
            "ALGORITHM_MISMATCH",
        ),
        (
            "the base64 text signed with a GOST key",
            {
                let c = combined.clone();
                Box::new(move |p: &[u8]| {
                    let text =
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, p);
                    signed(&c, SignerSpec::new(&c), text.as_bytes())
                })
            },
            "PAYLOAD_TEXT_SIGNED",
        ),
    ];
    for (name, make, expected) in cases {
        let (id, payload) = app.challenge(None).await;
        let response = app.login(&id, &make(&payload), &[]).await;
        assert_eq!(codes(&response), [expected], "{name}: {response}");
        assert!(response["token"].is_null(), "{name}");
    }
    assert!(
        stored_signatures(&app).await.is_empty(),
        "nothing refused is stored"
    );
    // A detached GOST signature over the payload itself signs in.
    let (id, payload) = app.challenge(None).await;
    let detached = testing::cms::base64(
        &CmsBuilder::new(&payload)
            .detached()
            .certificate(&combined)
            .signer(SignerSpec::new(&combined))
            .build(),
    );
    let response = app.login(&id, &detached, &[]).await;
    assert!(response["token"].is_string(), "{response}");
}

#[actix_web::test]
async fn officers_sign_in_with_a_combined_gost_key_of_a_listed_body() {
    let app = spawn_app(Backend::Postgres).await;
    let certificate = gost_officer_certificate();
    assert_eq!(
        codes(&app.login_with(&certificate).await),
        ["NOT_AN_OFFICER"]
    );
    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    api::core::service::admin::add_officer(&db, "850315300019", "940140000385", now())
        .await
        .expect("listed");
    let payload = app.login_with(&certificate).await;
    assert!(payload["token"].is_string(), "{payload}");
}

#[actix_web::test]
async fn production_checks_gost_keys_against_gost_signed_crls() {
    use signatures::testing::{CrlBuilder, Reason};
    let certificate = gost_certificate(IIN);
    let crl = |issuer: &testing::Certificate, revoked: Option<&[u8]>| {
        let mut crl = CrlBuilder::new(issuer)
            .number(1)
            .this_update(now() - time::Duration::hours(1))
            .next_update(Some(now() + time::Duration::days(7)));
        if let Some(serial) = revoked {
            crl = crl.revoke(
                serial,
                now() - time::Duration::minutes(30),
                Some(Reason::KeyCompromise),
            );
        }
        crl.build()
    };
    let folder = RemoveFolder::new("gost-crls");
    let dir = folder.0.clone();
    let root_crl = dir.join("gost-root.crl");
    std::fs::write(&root_crl, crl(&gost_pki().root, None)).expect("written");
    let clean = dir.join("gost-nca.crl");
    std::fs::write(&clean, crl(&gost_pki().intermediate, None)).expect("written");
    let listing = dir.join("gost-nca-revoked.crl");
    std::fs::write(
        &listing,
        crl(&gost_pki().intermediate, Some(&certificate.serial)),
    )
    .expect("written");
    for (crl_file, expected) in [(&clean, None), (&listing, Some("REVOKED"))] {
        let crls = format!("{},{}", crl_file.display(), root_crl.display());
        let app = spawn_app_with(
            Backend::Sqlite,
            &[("APP_ENV", "production"), ("EDS_CRLS", &crls)],
        )
        .await;
        let payload = app.login_with(&certificate).await;
        match expected {
            None => {
                assert!(payload["token"].is_string(), "{payload}");
                let stored = stored_signatures(&app).await;
                let signer = &stored[0].3["signers"][0];
                assert_eq!(signer["signatureAlgorithm"], GOST_2015);
                // Both GOST-signed CRLs were used: nothing unchecked, nothing revoked.
                assert_eq!(signer["warnings"], json!([]), "{signer}");
                assert!(signer["revocation"].is_null());
            }
            Some(code) => assert_eq!(codes(&payload), [code], "{payload}"),
        }
    }
}

#[actix_web::test]
async fn the_production_profile_refuses_the_gost_demo_anchor_too() {
    let error = production_refusal_with_anchor(api::core::trust::DEMO_GOST_ROOT_PEM).await;
    assert!(error.contains("demo PKI"), "{error}");
}
