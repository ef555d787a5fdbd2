//! What the sources hand back is what the verifier relies on: a fetched CRL and a cached OCSP
//! response (with the nonce sent) each make a certificate's revocation checked.

use crate::helpers::{EchoNonce, NOW, Pki, parsed, sources};
use signatures::{Code, Options, Verifier};
use time::macros::datetime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Serves the root's CRL at `/root.crl`: the intermediate's revocation is checked too.
async fn serve_root_crl(pki: &Pki, server: &MockServer) -> String {
    let crl = signatures::testing::CrlBuilder::new(&pki.pki.root)
        .this_update(datetime!(2021-06-01 0:00 UTC))
        .build();
    Mock::given(method("GET"))
        .and(path("/root.crl"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(crl))
        .mount(server)
        .await;
    format!("{}/root.crl", server.uri())
}

fn verifier(pki: &Pki) -> Verifier {
    Verifier::new(vec![parsed(&pki.pki.root)]).with_intermediates(vec![pki.issuer()])
}

#[tokio::test]
async fn a_cached_ocsp_response_is_relied_on_by_the_verifier() {
    let pki = Pki::new("verifier-ocsp");
    let leaf = pki.leaf();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoNonce(pki.response(&leaf)))
        .expect(1)
        .mount(&server)
        .await;
    let root_crl = serve_root_crl(&pki, &server).await;
    let sources = sources(vec![
        pki.root_ca(vec![root_crl]),
        pki.ca(Vec::new(), Some(format!("{}/ocsp", server.uri()))),
    ]);
    sources.crl().run_once(NOW).await;
    let certificate = parsed(&leaf);
    for now in [NOW, datetime!(2021-06-01 01:30 UTC)] {
        let response = sources
            .ocsp()
            .response_for(&certificate, &pki.issuer(), now)
            .await
            .unwrap();
        let mut options = Options::new(now);
        options.require_revocation = true;
        options.ocsp.responses = vec![response];
        let verifier = verifier(&pki).with_crls(sources.crl().crls());
        let report = verifier.verify_certificate(&certificate, &[], &options);
        assert_eq!(report.code, Code::Ok, "{}", report.message);
        assert_eq!(report.evidence.ocsp_responses.len(), 1);
    }
    server.verify().await;
}

#[tokio::test]
async fn a_fetched_crl_is_relied_on_and_its_revocations_found() {
    let pki = Pki::new("verifier-crl");
    let (good, revoked) = (pki.leaf(), pki.leaf());
    let crl = signatures::testing::CrlBuilder::new(&pki.pki.intermediate)
        .this_update(datetime!(2021-06-01 0:00 UTC))
        .revoke(&revoked.serial, datetime!(2021-05-31 0:00 UTC), None)
        .build();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ca.crl"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(crl))
        .mount(&server)
        .await;
    let root_crl = serve_root_crl(&pki, &server).await;
    let sources = sources(vec![
        pki.root_ca(vec![root_crl]),
        pki.ca(vec![format!("{}/ca.crl", server.uri())], None),
    ]);
    sources.crl().run_once(NOW).await;
    let verifier = verifier(&pki).with_crls(sources.crl().crls());
    let mut options = Options::new(NOW);
    options.require_revocation = true;
    let report = verifier.verify_certificate(&parsed(&good), &[], &options);
    assert_eq!(report.code, Code::Ok, "{}", report.message);
    assert_eq!(report.evidence.crls.len(), 2, "the root's CRL and the CA's");
    let report = verifier.verify_certificate(&parsed(&revoked), &[], &options);
    assert_eq!(report.code, Code::Revoked, "{}", report.message);
}
