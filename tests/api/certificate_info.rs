//! `certificateInfo`: a certificate's holder, validity, path and revocation status now, for
//! signed-in persons and integrators, within an hourly limit per caller.

use crate::helpers::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use signatures::testing::{self, CrlBuilder, Reason};
use time::Duration;

const QUERY: &str = "query($certificate: String!) { certificateInfo(input: { certificate: $certificate }) { valid code message validationTime holder { iin bin surname givenName patronymic commonName organisation roles keyPurposes extendedKeyUsageOids } serialNumber issuer notBefore notAfter path { subject issuer serialNumber notBefore notAfter } revocation { status source subject revokedAt reason } errors { code message } warnings { code message } } }";

/// Asks `certificateInfo` about `certificate` (the text as given) with `token`.
async fn info(app: &TestApp, token: Option<&str>, certificate: &str) -> Value {
    app.graphql(QUERY, json!({ "certificate": certificate }), token)
        .await
}

/// The answer's data, or a panic with the response.
fn data(response: &Value) -> &Value {
    let data = &response["data"]["certificateInfo"];
    assert!(data.is_object(), "{response}");
    data
}

/// The top-level error's code.
fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {response}"))
}

/// A current CRL of `issuer`, revoking `revoked` when given.
fn crl(issuer: &testing::Certificate, revoked: Option<&[u8]>) -> Vec<u8> {
    let now = now();
    let mut crl = CrlBuilder::new(issuer)
        .number(1)
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
async fn a_valid_certificate_shows_its_holder_and_path_from_pem_and_base64_der() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = signed_in(&app, "871008401427").await;
    let certificate = sign_certificate("760212350620");

    let from_pem = info(&app, Some(&token), &certificate.pem()).await;
    let found = data(&from_pem);
    assert_eq!(found["valid"], true, "{from_pem}");
    assert_eq!(found["code"], "OK");
    assert_eq!(
        found["holder"],
        json!({
            "iin": "760212350620",
            "bin": null,
            "surname": "ТЕСТОВ",
            "givenName": "ТЕСТ",
            "patronymic": "ТЕСТОВИЧ",
            "commonName": "ТЕСТОВ ТЕСТ",
            "organisation": null,
            "roles": ["INDIVIDUAL"],
            "keyPurposes": ["SIGN"],
            "extendedKeyUsageOids": [testing::nca::EKU_EMAIL_PROTECTION, testing::nca::EKU_INDIVIDUAL],
        })
    );
    // The path: the certificate, the intermediate, the root.
    let path = found["path"].as_array().expect("a path");
    assert_eq!(path.len(), 3, "{found}");
    assert_eq!(path[0]["serialNumber"], found["serialNumber"]);
    assert_eq!(path[0]["issuer"], found["issuer"]);
    assert_eq!(path[0]["notBefore"], found["notBefore"]);
    assert_eq!(path[0]["notAfter"], found["notAfter"]);
    assert_eq!(path[1]["subject"], path[0]["issuer"]);
    assert_eq!(path[2]["subject"], path[1]["issuer"]);
    assert_eq!(path[2]["subject"], path[2]["issuer"], "the root, last");
    assert!(found["errors"].as_array().is_some_and(Vec::is_empty));
    // The development profile has no CRLs: nothing is known of revocation, and it says so.
    assert_eq!(
        found["revocation"],
        json!({ "status": "UNKNOWN", "source": null, "subject": null, "revokedAt": null, "reason": null })
    );
    assert!(
        found["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "REVOCATION_NOT_CHECKED"),
        "{found}"
    );
    let validation = time::OffsetDateTime::parse(
        found["validationTime"].as_str().expect("a time"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
    assert!((validation - now()).abs() < Duration::minutes(5));

    // The same certificate as base64 DER, on one line or wrapped, is the same answer.
    let der = STANDARD.encode(&certificate.der);
    let from_der = info(&app, Some(&token), &der).await;
    assert_eq!(data(&from_der)["holder"], found["holder"]);
    assert_eq!(data(&from_der)["path"], found["path"]);
    let wrapped: String = der
        .as_bytes()
        .chunks(64)
        .map(|line| format!("{}\n", String::from_utf8_lossy(line)))
        .collect();
    let from_wrapped = info(&app, Some(&token), &wrapped).await;
    assert_eq!(data(&from_wrapped)["serialNumber"], found["serialNumber"]);

    // An organisation's key: its BIN, organisation and roles; an authentication key's purpose.
    let officer = officer_sign_certificate("850315300019", "940140000385");
    let response = info(&app, Some(&token), &officer.pem()).await;
    let holder = &data(&response)["holder"];
    assert_eq!(holder["bin"], "940140000385", "{response}");
    assert_eq!(holder["organisation"], "ТОО TEST");
    assert_eq!(holder["roles"], json!(["LEGAL_ENTITY", "EMPLOYEE"]));
    let auth = info(&app, Some(&token), &auth_certificate("760212350620").pem()).await;
    assert_eq!(data(&auth)["holder"]["keyPurposes"], json!(["AUTH"]));
    assert_eq!(data(&auth)["valid"], true);
}

#[actix_web::test]
async fn a_revoked_certificate_says_when_and_why_and_a_listed_good_one_is_good() {
    let folder = RemoveFolder::new("certificate-info-crls");
    let revoked = sign_certificate("760212350620");
    let leaf_crl = folder.0.join("nca.crl");
    let root_crl = folder.0.join("root.crl");
    std::fs::write(&leaf_crl, crl(&pki().intermediate, Some(&revoked.serial))).expect("written");
    std::fs::write(&root_crl, crl(&pki().root, None)).expect("written");
    let crls = format!("{},{}", leaf_crl.display(), root_crl.display());
    let app = spawn_app_with(Backend::Sqlite, &[("EDS_CRLS", &crls)]).await;
    let token = signed_in(&app, "871008401427").await;

    let response = info(&app, Some(&token), &revoked.pem()).await;
    let found = data(&response);
    assert_eq!(found["valid"], false, "{response}");
    assert_eq!(found["code"], "REVOKED");
    let revocation = &found["revocation"];
    assert_eq!(revocation["status"], "REVOKED", "{response}");
    assert_eq!(revocation["source"], "CRL");
    assert_eq!(revocation["reason"], "keyCompromise");
    assert_eq!(revocation["subject"], found["path"][0]["subject"]);
    assert!(revocation["revokedAt"].is_string());
    assert!(
        found["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["code"] == "REVOKED")
    );
    // The holder is still told, so a frontend can say whose key it is.
    assert_eq!(found["holder"]["iin"], "760212350620");

    // Another key of the same CA is current on both CRLs: good, by CRL.
    let good = info(&app, Some(&token), &sign_certificate("910520300017").pem()).await;
    assert_eq!(data(&good)["valid"], true, "{good}");
    assert_eq!(
        data(&good)["revocation"],
        json!({ "status": "GOOD", "source": "CRL", "subject": null, "revokedAt": null, "reason": null })
    );
}

#[actix_web::test]
async fn an_expired_certificate_is_not_valid_now() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = signed_in(&app, "871008401427").await;
    let expired = pki()
        .individual_sign("760212350620")
        .validity(now() - Duration::days(400), now() - Duration::days(35))
        .issued_by(&pki().intermediate);
    let response = info(&app, Some(&token), &expired.pem()).await;
    let found = data(&response);
    assert_eq!(found["valid"], false);
    assert_eq!(found["code"], "CERT_EXPIRED", "{response}");
    assert_eq!(found["holder"]["iin"], "760212350620");
    assert_eq!(found["path"].as_array().map(Vec::len), Some(3));
    // A certificate of a CA this service does not trust (the test apps trust the EC and the
    // GOST test PKIs, not the RSA one).
    let stranger = testing::TestPki::rsa();
    let untrusted = stranger
        .individual_sign("760212350620")
        .validity(now() - Duration::days(1), now() + Duration::days(30))
        .issued_by(&stranger.intermediate);
    let response = info(&app, Some(&token), &untrusted.pem()).await;
    assert_eq!(data(&response)["code"], "UNTRUSTED_CHAIN", "{response}");
    assert_eq!(data(&response)["revocation"]["status"], "UNKNOWN");
}

#[actix_web::test]
async fn what_is_not_one_certificate_is_bad_user_input() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = signed_in(&app, "871008401427").await;
    let certificate = sign_certificate("760212350620");
    let oversized = format!("{}{}", certificate.pem(), "\n".repeat(16 * 1024));
    let bundle = format!("{}{}", certificate.pem(), pki().intermediate.pem());
    for (input, english) in [
        ("hello, world", "This is not a certificate"),
        ("", "No certificate was given"),
        (
            &STANDARD.encode(b"not DER at all") as &str,
            "This is not a certificate",
        ),
        (&certificate.pem()[..200], "This is not a certificate"),
        (&oversized, "16 KiB at most"),
        (&bundle, "Give one certificate only"),
    ] {
        let response = app
            .graphql_with(
                QUERY,
                json!({ "certificate": input }),
                Some(&token),
                &[("Accept-Language", "en")],
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
        let message = response["errors"][0]["message"].as_str().expect("message");
        assert!(message.contains(english), "{input:.40}: {message}");
        assert!(response["data"]["certificateInfo"].is_null(), "{response}");
    }
    // In Russian by default.
    let response = info(&app, Some(&token), "hello").await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Это не сертификат")),
        "{response}"
    );
}

#[actix_web::test]
async fn anonymous_callers_are_refused_and_integrators_may_ask() {
    let app = spawn_app(Backend::Sqlite).await;
    let pem = sign_certificate("760212350620").pem();
    assert_eq!(error_code(&info(&app, None, &pem).await), "UNAUTHENTICATED");
    assert_eq!(
        error_code(&info(&app, Some("rs_expired-or-made-up"), &pem).await),
        "UNAUTHENTICATED"
    );
    // Garbage from an anonymous caller: refused for who asks, not for what.
    assert_eq!(
        error_code(&info(&app, None, "garbage").await),
        "UNAUTHENTICATED"
    );

    let db = sea_orm::Database::connect(&app.database_url)
        .await
        .expect("the test database");
    let key = api::core::service::admin::add_integrator(
        &db,
        "a municipal portal",
        &api::core::auth::viewer::IntegratorScope::everything(),
        now(),
    )
    .await
    .expect("an API key");
    let response = info(&app, Some(&key), &pem).await;
    assert_eq!(data(&response)["valid"], true, "{response}");
    assert_eq!(data(&response)["holder"]["iin"], "760212350620");
    // Only this: the integrator still reads no one's records.
    let viewer = app
        .graphql("{ viewer { id } }", json!({}), Some(&key))
        .await;
    assert_eq!(error_code(&viewer), "FORBIDDEN");
}

#[actix_web::test]
async fn each_caller_has_its_hourly_limit_on_both_backends() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, &[("CERTIFICATE_INFO_PER_HOUR", "2")]).await;
        let token = signed_in(&app, "871008401427").await;
        let pem = sign_certificate("760212350620").pem();
        // Input that is not a certificate is refused before it counts.
        assert_eq!(
            error_code(&info(&app, Some(&token), "garbage").await),
            "BAD_USER_INPUT"
        );
        for _ in 0..2 {
            let response = info(&app, Some(&token), &pem).await;
            assert_eq!(data(&response)["valid"], true, "{backend:?}: {response}");
        }
        let limited = info(&app, Some(&token), &pem).await;
        assert_eq!(
            error_code(&limited),
            "RATE_LIMITED",
            "{backend:?}: {limited}"
        );
        let retry = limited["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .expect("retryAfterSeconds");
        assert!((3500..=3600).contains(&retry), "{retry}");
        assert!(limited["data"]["certificateInfo"].is_null());
        // A refused check takes no place: still limited, no sooner and no later.
        let again = info(&app, Some(&token), &pem).await;
        assert_eq!(error_code(&again), "RATE_LIMITED");

        // Another person, and an integrator, count on their own.
        let other = signed_in(&app, "910520300017").await;
        assert_eq!(data(&info(&app, Some(&other), &pem).await)["valid"], true);
        let db = sea_orm::Database::connect(&app.database_url)
            .await
            .expect("the test database");
        let key = api::core::service::admin::add_integrator(
            &db,
            "portal",
            &api::core::auth::viewer::IntegratorScope::everything(),
            now(),
        )
        .await
        .expect("an API key");
        for _ in 0..2 {
            assert_eq!(data(&info(&app, Some(&key), &pem).await)["valid"], true);
        }
        assert_eq!(
            error_code(&info(&app, Some(&key), &pem).await),
            "RATE_LIMITED"
        );
        // The count is in the database, so every instance sees it: only the window is kept,
        // one row per check let through.
        let rows = {
            use sea_orm::{EntityTrait, PaginatorTrait};
            entities::certificate_lookup::Entity::find()
                .count(&db)
                .await
                .expect("counted")
        };
        assert_eq!(rows, 5, "{backend:?}");
        let _ = db.close().await;
    }
}
