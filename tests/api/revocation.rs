//! The production profile requires current revocation data, and CRL files are reloaded when
//! they change.

use crate::helpers::*;
use sea_orm::ConnectionTrait;
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
