//! The bundle: the outcome of a verification under each requirement, and the status as
//! `/readyz` shows it.

use crate::helpers::{NOW, Pki, sources};
use revocation::{Outcome, Requirement};
use time::macros::datetime;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn outcomes_under_each_requirement() {
    let pki = Pki::new("outcome");
    let sources = sources(vec![
        pki.ca(vec!["http://127.0.0.1:9/ca.crl".to_owned()], None),
    ]);
    use Outcome::{Satisfied, Unknown};
    let table = [
        // requirement, OCSP answered, a CRL answered, outcome
        (Requirement::Ocsp, true, false, Satisfied),
        (Requirement::Ocsp, false, true, Unknown),
        (Requirement::Crl, false, true, Satisfied),
        (Requirement::Crl, true, false, Unknown),
        (Requirement::Either, true, false, Satisfied),
        (Requirement::Either, false, true, Satisfied),
        (Requirement::Either, false, false, Unknown),
        (Requirement::None, true, true, Satisfied),
        (Requirement::None, false, true, Satisfied),
    ];
    for (requirement, ocsp, crl, expected) in table {
        assert_eq!(
            sources.outcome(requirement, ocsp, crl),
            expected,
            "{requirement:?} {ocsp} {crl}"
        );
    }
    match sources.outcome(Requirement::None, false, false) {
        Outcome::Warning(text) => {
            assert!(text.contains("revocation was not checked"), "{text}");
            assert!(text.contains("http://127.0.0.1:9/ca.crl"), "{text}");
        }
        other => panic!("expected a warning, got {other:?}"),
    }
}

#[tokio::test]
async fn the_status_serializes_for_readyz() {
    let pki = Pki::new("status-json");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_bytes(pki.crl(datetime!(2021-06-01 0:00 UTC), 1)),
        )
        .mount(&server)
        .await;
    let crl_url = format!("{}/ca.crl", server.uri());
    let ocsp_url = format!("{}/ocsp", server.uri());
    let sources = sources(vec![pki.ca(vec![crl_url.clone()], Some(ocsp_url.clone()))]);
    sources.crl().run_once(NOW).await;
    let json = serde_json::to_value(sources.status()).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {
                "kind": "CRL",
                "ca": "NCA RSA TEST",
                "url": crl_url,
                "state": "OK",
                "last_success": "2021-06-01T01:00:00Z",
                "last_error": null,
                "next_update": "2021-06-02T00:00:00Z"
            },
            {
                "kind": "OCSP",
                "ca": "NCA RSA TEST",
                "url": ocsp_url,
                "state": "NEVER_FETCHED",
                "last_success": null,
                "last_error": null,
                "next_update": null
            }
        ])
    );
    assert_eq!(sources.requirement(), Requirement::Either);
}
