//! The production profile requires current revocation data, and CRL files are reloaded when
//! they change.

use crate::helpers::*;
use api::startup::Application;
use signatures::testing::{CrlBuilder, Reason};
use time::{Duration, OffsetDateTime};

fn current_crl(
    issuer: &signatures::testing::Certificate,
    number: u64,
    revoked: Option<&[u8]>,
) -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
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
    let dir = std::env::temp_dir().join(format!("crls-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let leaf_crl = dir.join("nca.crl");
    let root_crl = dir.join("root.crl");
    std::fs::write(&leaf_crl, current_crl(&pki().intermediate, 1, None)).expect("written");
    std::fs::write(&root_crl, current_crl(&pki().root, 1, None)).expect("written");
    let crls = format!("{},{}", leaf_crl.display(), root_crl.display());
    let certificate = auth_certificate("910520300017");

    // Without CRLs, production refuses a certificate whose revocation status is unknown.
    let (without_crls, _) = settings(Backend::Sqlite, &[("APP_ENV", "production")]).await;
    let application = Application::build(without_crls).await.expect("starts");
    let port = application.port();
    actix_web::rt::spawn(application.run_until_stopped());
    let without = TestApp {
        port,
        database_url: String::new(),
    };
    assert_eq!(
        codes(&without.login_with(&certificate).await),
        ["REVOCATION_UNKNOWN"]
    );

    // With current CRLs it signs in; once the CRL file lists the certificate, it does not.
    let (with_crls, database_url) = settings(
        Backend::Sqlite,
        &[
            ("APP_ENV", "production"),
            ("EDS_CRLS", &crls),
            ("EDS_CRL_CHECK_SECONDS", "0"),
        ],
    )
    .await;
    let application = Application::build(with_crls).await.expect("starts");
    let port = application.port();
    actix_web::rt::spawn(application.run_until_stopped());
    let app = TestApp { port, database_url };
    let good = app.login_with(&certificate).await;
    assert!(good["token"].is_string(), "{good}");

    std::fs::write(
        &leaf_crl,
        current_crl(&pki().intermediate, 2, Some(&certificate.serial)),
    )
    .expect("rewritten");
    let revoked = app.login_with(&certificate).await;
    assert_eq!(codes(&revoked), ["REVOKED"], "{revoked}");

    // A CRL file that no longer parses keeps the previous CRLs rather than dropping them.
    std::fs::write(&leaf_crl, b"not a CRL").expect("broken");
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
