//! The OCSP responders: a nonce per request checked in the answer, the cache's lifetime,
//! one fetch in flight per certificate, and only configured URLs asked.

use crate::helpers::{EchoNonce, NOW, Pki, parsed, request_nonce, sources};
use revocation::{FAILURE_HOLD, FetchError, RevocationError, SourceKind, SourceState};
use signatures::testing::der;
use std::sync::{Arc, Mutex};
use time::macros::datetime;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn ocsp_url(server: &MockServer) -> String {
    format!("{}/ocsp", server.uri())
}

#[tokio::test]
async fn a_good_response_is_fetched_with_a_nonce_and_then_served_from_the_cache() {
    let pki = Pki::new("ocsp-good");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ocsp"))
        .and(header("content-type", "application/ocsp-request"))
        .respond_with(EchoNonce(pki.response(&leaf)))
        .expect(1)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());

    let response = sources
        .ocsp()
        .response_for(&certificate, &issuer, NOW)
        .await
        .unwrap();
    assert_eq!(response.produced_at(), datetime!(2021-06-01 0:00 UTC));
    let again = sources
        .ocsp()
        .response_for(&certificate, &issuer, datetime!(2021-06-01 01:59 UTC))
        .await
        .unwrap();
    assert_eq!(again.der(), response.der());

    let status = sources.ocsp().status();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].kind, SourceKind::Ocsp);
    assert_eq!(status[0].url, ocsp_url(&server));
    assert_eq!(status[0].state, SourceState::Ok);
    assert_eq!(status[0].last_success, Some(NOW));
    server.verify().await;
}

#[tokio::test]
async fn each_request_carries_a_fresh_nonce() {
    let pki = Pki::new("ocsp-fresh-nonce");
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (leaf_a, leaf_b) = (pki.leaf(), pki.leaf());
    for leaf in [&leaf_a, &leaf_b] {
        let builder = pki.response(leaf);
        let seen = seen.clone();
        let serial = leaf.serial_der.clone();
        Mock::given(method("POST"))
            .and(move |request: &Request| {
                request
                    .body
                    .windows(serial.len())
                    .any(|w| w == serial.as_slice())
            })
            .respond_with(move |request: &Request| {
                let nonce = request_nonce(&request.body).unwrap();
                seen.lock().unwrap().push(nonce.clone());
                ResponseTemplate::new(200).set_body_bytes(builder.clone().nonce(&nonce).build())
            })
            .expect(1)
            .mount(&server)
            .await;
    }
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let issuer = pki.issuer();
    for leaf in [&leaf_a, &leaf_b] {
        sources
            .ocsp()
            .response_for(&parsed(leaf), &issuer, NOW)
            .await
            .unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0], seen[1]);
    assert!(seen.iter().all(|nonce| nonce.len() == 32));
    server.verify().await;
}

#[tokio::test]
async fn two_concurrent_verifications_cause_one_fetch() {
    let pki = Pki::new("ocsp-single-flight");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        // The delay keeps the first fetch in flight while the second call arrives.
        .respond_with(DelayedEcho(EchoNonce(pki.response(&leaf))))
        .expect(1)
        .mount(&server)
        .await;
    let sources = Arc::new(sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]));
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());
    let first = {
        let (sources, certificate, issuer) = (sources.clone(), certificate.clone(), issuer.clone());
        tokio::spawn(async move {
            sources
                .ocsp()
                .response_for(&certificate, &issuer, NOW)
                .await
        })
    };
    let second = {
        let (sources, certificate, issuer) = (sources.clone(), certificate.clone(), issuer.clone());
        tokio::spawn(async move {
            sources
                .ocsp()
                .response_for(&certificate, &issuer, NOW)
                .await
        })
    };
    let (first, second) = (
        first.await.unwrap().unwrap(),
        second.await.unwrap().unwrap(),
    );
    assert_eq!(first.der(), second.der());
    server.verify().await;
}

/// An echoing responder that answers after 100 ms (less than the read timeout).
struct DelayedEcho(EchoNonce);

impl wiremock::Respond for DelayedEcho {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0
            .respond(request)
            .set_delay(std::time::Duration::from_millis(100))
    }
}

#[tokio::test]
async fn a_response_with_another_nonce_or_none_is_refused() {
    let pki = Pki::new("ocsp-nonce");
    let leaf = pki.leaf();
    for response in [
        pki.response(&leaf).nonce(&[7; 32]).build(),
        pki.response(&leaf).build(),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(response))
            .expect(1)
            .mount(&server)
            .await;
        let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
        let error = sources
            .ocsp()
            .response_for(&parsed(&leaf), &pki.issuer(), NOW)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            RevocationError::NonceMismatch {
                url: ocsp_url(&server)
            }
        );
        let status = &sources.ocsp().status()[0];
        assert_eq!(status.state, SourceState::Failing);
        assert!(status.last_error.as_deref().unwrap().contains("nonce"));
        server.verify().await;
    }
}

#[tokio::test]
async fn garbage_is_refused() {
    let pki = Pki::new("ocsp-garbage");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"\x30\x03\x0a\x01\x00".to_vec()))
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &pki.issuer(), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RevocationError::BadOcspResponse { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn a_response_about_another_certificate_is_refused() {
    let pki = Pki::new("ocsp-other");
    let (leaf, other) = (pki.leaf(), pki.leaf());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(pki.response(&other)))
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &pki.issuer(), NOW)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("nothing about the certificate"),
        "{error}"
    );
}

#[tokio::test]
async fn a_failure_is_shared_briefly_then_the_responder_is_asked_again() {
    let pki = Pki::new("ocsp-failure");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(2) // one call: an attempt and a retry; the second call is answered by the first's failure
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());
    let first = sources
        .ocsp()
        .response_for(&certificate, &issuer, NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(
            first,
            RevocationError::Fetch(FetchError::AllAttemptsFailed { .. })
        ),
        "{first}"
    );
    let second = sources
        .ocsp()
        .response_for(&certificate, &issuer, NOW + time::Duration::seconds(5))
        .await
        .unwrap_err();
    assert_eq!(second, first);
    server.verify().await;

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(pki.response(&leaf)))
        .expect(1)
        .mount(&server)
        .await;
    let later = NOW + FAILURE_HOLD;
    sources
        .ocsp()
        .response_for(&certificate, &issuer, later)
        .await
        .unwrap();
    assert_eq!(sources.ocsp().status()[0].state, SourceState::Ok);
    server.verify().await;
}

#[tokio::test]
async fn a_hanging_responder_fails_on_the_timeout() {
    let pki = Pki::new("ocsp-hang");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(30)))
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &pki.issuer(), NOW)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("no answer within 200 ms"),
        "{error}"
    );
}

#[tokio::test]
async fn a_response_over_the_size_limit_is_refused() {
    let pki = Pki::new("ocsp-large");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x30; 16 * 1024 + 1]))
        .expect(1)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &pki.issuer(), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            RevocationError::Fetch(FetchError::TooLarge { limit: 16384, .. })
        ),
        "{error}"
    );
    server.verify().await;
}

#[tokio::test]
async fn the_cache_ends_at_the_max_age_after_this_update() {
    // The responses say nextUpdate 2021-06-02; the configured max age (2 h) ends first.
    let pki = Pki::new("ocsp-max-age");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(pki.response(&leaf)))
        .expect(2)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());
    for now in [
        NOW,
        datetime!(2021-06-01 01:59:59 UTC),
        datetime!(2021-06-01 02:00 UTC),
    ] {
        sources
            .ocsp()
            .response_for(&certificate, &issuer, now)
            .await
            .unwrap();
    }
    server.verify().await;
}

#[tokio::test]
async fn the_cache_ends_at_next_update_when_it_comes_first() {
    let pki = Pki::new("ocsp-next-update");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(
            pki.response(&leaf)
                .next_update(Some(datetime!(2021-06-01 01:30 UTC))),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());
    for now in [
        NOW,
        datetime!(2021-06-01 01:29 UTC),
        datetime!(2021-06-01 01:30 UTC),
    ] {
        sources
            .ocsp()
            .response_for(&certificate, &issuer, now)
            .await
            .unwrap();
    }
    server.verify().await;
}

#[tokio::test]
async fn a_response_without_next_update_is_cached_for_the_max_age() {
    let pki = Pki::new("ocsp-no-next-update");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(pki.response(&leaf).next_update(None)))
        .expect(2)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let (certificate, issuer) = (parsed(&leaf), pki.issuer());
    for now in [
        NOW,
        datetime!(2021-06-01 01:59 UTC),
        datetime!(2021-06-01 02:00 UTC),
    ] {
        sources
            .ocsp()
            .response_for(&certificate, &issuer, now)
            .await
            .unwrap();
    }
    server.verify().await;
}

/// authorityInfoAccess with one id-ad-ocsp URI (RFC 5280 §4.2.2.1).
fn aia(uri: &str) -> Vec<u8> {
    der::sequence(&[der::sequence(&[
        der::oid("1.3.6.1.5.5.7.48.1"),
        der::tlv(0x86, uri.as_bytes()),
    ])])
}

#[tokio::test]
async fn a_ca_without_an_ocsp_url_is_never_asked_even_if_the_certificate_names_one() {
    let pki = Pki::new("ocsp-no-url");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let leaf = pki
        .pki
        .individual_sign("123456789011")
        .extension("1.3.6.1.5.5.7.1.1", false, aia(&ocsp_url(&server)))
        .issued_by(&pki.pki.intermediate);
    let sources = sources(vec![pki.ca(Vec::new(), None)]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &pki.issuer(), NOW)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        RevocationError::NoOcspResponder {
            ca: "NCA RSA TEST".to_owned()
        }
    );
    assert!(sources.ocsp().status().is_empty());
    server.verify().await;
}

#[tokio::test]
async fn an_issuer_that_is_not_a_configured_ca_is_never_asked_about() {
    let pki = Pki::new("ocsp-unknown-issuer");
    // A CA of the same name with another key: a forger's copy.
    let forged = Pki::new("ocsp-unknown-issuer-forged");
    let forged_ca = signatures::testing::CertificateBuilder::new(
        pki.pki.intermediate.subject.clone(),
        signatures::testing::cached_rsa_2048(7),
    )
    .ca(Some(0))
    .issued_by(&forged.pki.root);
    let leaf = forged
        .pki
        .individual_sign("123456789011")
        .issued_by(&forged_ca);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let sources = sources(vec![pki.ca(Vec::new(), Some(ocsp_url(&server)))]);
    let error = sources
        .ocsp()
        .response_for(&parsed(&leaf), &parsed(&forged_ca), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RevocationError::UnknownIssuer { .. }),
        "{error}"
    );
    server.verify().await;
}
