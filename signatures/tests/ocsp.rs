//! OCSP (RFC 6960) through `Verifier::verify_certificate` and `Verifier::verify`: generated
//! responses for every way one can fail, and NCA RK's real response.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "support/mod.rs"]
mod support;

use signatures::testing::ocsp::{CertIdHash, OcspResponseBuilder, OcspStatus, responder};
use signatures::testing::{self, TestPki, cached_rsa_2048};
use signatures::{CertificateReport, Code, OcspResponse, Options, Verifier};
use support::{AT, parse, rsa_signer, signed_by, verifier};
use time::Duration;
use time::macros::datetime;

fn options_with(responses: Vec<OcspResponse>) -> Options {
    let mut options = support::at(AT);
    options.ocsp.responses = responses;
    options
}

fn response(der: &[u8]) -> OcspResponse {
    OcspResponse::from_der(der).expect("a generated response parses")
}

fn check(
    pki: &TestPki,
    leaf: &testing::Certificate,
    responses: &[Vec<u8>],
    require: bool,
) -> CertificateReport {
    let mut options = options_with(responses.iter().map(|r| response(r)).collect());
    options.require_revocation = require;
    with_root_crl(pki, Vec::new()).verify_certificate(&parse(leaf), &[], &options)
}

/// The PKI's verifier with the root's CRL (covering the intermediate, never a leaf) and
/// `crls`.
fn with_root_crl(pki: &TestPki, mut crls: Vec<signatures::Crl>) -> Verifier {
    let root_crl = testing::CrlBuilder::new(&pki.root).build();
    crls.push(support::parse_crl(&root_crl));
    verifier(pki).with_crls(crls)
}

#[track_caller]
fn assert_code(report: &CertificateReport, code: Code) {
    assert_eq!(report.code, code, "report: {}", report.to_json());
    assert_eq!(
        report.valid,
        code == Code::Ok,
        "report: {}",
        report.to_json()
    );
}

fn warning_codes(report: &CertificateReport) -> Vec<&str> {
    report.warnings.iter().map(|w| w.code).collect()
}

/// The delegated responder key's slot (the test PKI uses 0 to 2).
const RESPONDER_SLOT: usize = 5;

#[test]
fn a_good_response_from_the_issuer_proves_not_revoked() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let good = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate).build();
    let report = check(&pki, &leaf, std::slice::from_ref(&good), true);
    assert_code(&report, Code::Ok);
    assert_eq!(report.evidence.ocsp_responses.len(), 1);
    assert_eq!(report.evidence.ocsp_responses[0].response, good);
    assert!(report.to_json().contains("\"ocspResponses\":[{"));
    // Without it, revocation is unknown.
    assert_code(&check(&pki, &leaf, &[], true), Code::RevocationUnknown);
}

#[test]
fn revoked_and_unknown_statuses() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let revoked = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .build();
    let report = check(&pki, &leaf, &[revoked], false);
    assert_code(&report, Code::Revoked);
    let revocation = report.revocation.expect("the revocation is reported");
    assert_eq!(revocation.reason, "keyCompromise");
    // Revoked only after the validation time: not revoked then.
    let later = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(
            datetime!(2021-06-01 0:00 UTC) + Duration::hours(1),
            Some(1),
        ))
        .build();
    assert_code(&check(&pki, &leaf, &[later], true), Code::Ok);
    let unknown = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Unknown)
        .build();
    let report = check(&pki, &leaf, &[unknown], true);
    assert_code(&report, Code::RevocationUnknown);
    assert!(
        warning_codes(&report).contains(&"OCSP_IGNORED"),
        "{}",
        report.to_json()
    );
}

#[test]
fn stale_responses_are_not_revocation_data() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let passed = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .this_update(AT - Duration::days(2))
        .next_update(Some(AT - Duration::days(1)))
        .build();
    assert_code(
        &check(&pki, &leaf, &[passed], true),
        Code::RevocationUnknown,
    );
    // No nextUpdate: within the maximum age it counts, beyond it it does not.
    let fresh = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .this_update(AT - Duration::minutes(30))
        .next_update(None)
        .build();
    assert_code(
        &check(&pki, &leaf, std::slice::from_ref(&fresh), true),
        Code::Ok,
    );
    let old = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .this_update(AT - Duration::hours(2))
        .next_update(None)
        .build();
    let report = check(&pki, &leaf, std::slice::from_ref(&old), true);
    assert_code(&report, Code::RevocationUnknown);
    assert!(report.to_json().contains("stale"), "{}", report.to_json());
    let mut options = options_with(vec![response(&old)]);
    options.require_revocation = true;
    options.ocsp.max_age = Duration::hours(3);
    let report = with_root_crl(&pki, Vec::new()).verify_certificate(&parse(&leaf), &[], &options);
    assert_code(&report, Code::Ok);
    // A stale hold does not revoke; a stale permanent revocation does.
    let stale_hold = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .this_update(AT - Duration::hours(2))
        .next_update(None)
        .status(OcspStatus::Revoked(AT - Duration::days(3), Some(6)))
        .build();
    assert_code(&check(&pki, &leaf, &[stale_hold], false), Code::Ok);
    let stale_revoked = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .this_update(AT - Duration::hours(2))
        .next_update(None)
        .status(OcspStatus::Revoked(AT - Duration::days(3), Some(1)))
        .build();
    assert_code(&check(&pki, &leaf, &[stale_revoked], false), Code::Revoked);
}

#[test]
fn a_response_about_another_certificate_is_not_used() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let other = rsa_signer(&pki);
    let revoked_other = OcspResponseBuilder::new(&other, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .build();
    assert_code(
        &check(&pki, &leaf, &[revoked_other], true),
        Code::RevocationUnknown,
    );
    // The right serial under another issuer's name and key (the root's).
    let wrong_issuer = OcspResponseBuilder::new(&leaf, &pki.root, &pki.intermediate).build();
    assert_code(
        &check(&pki, &leaf, &[wrong_issuer], true),
        Code::RevocationUnknown,
    );
}

#[test]
fn sha1_cert_ids_are_accepted_with_a_warning() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let good = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .hash(CertIdHash::Sha1)
        .build();
    let report = check(&pki, &leaf, &[good], true);
    assert_code(&report, Code::Ok);
    assert!(
        warning_codes(&report).contains(&"OCSP_SHA1_CERT_ID"),
        "{}",
        report.to_json()
    );
}

#[test]
fn the_sha1_warning_goes_to_the_signers_whose_paths_it_concerns() {
    let pki = TestPki::rsa();
    let first = rsa_signer(&pki);
    let second = pki
        .individual_sign("123456789020")
        .issued_by(&pki.intermediate);
    // The first signer's status by a SHA-1 CertID, the second's by a SHA-256 one.
    let sha1 = OcspResponseBuilder::new(&first, &pki.intermediate, &pki.intermediate)
        .hash(CertIdHash::Sha1)
        .build();
    let sha256 = OcspResponseBuilder::new(&second, &pki.intermediate, &pki.intermediate).build();
    let cms = testing::CmsBuilder::new(support::CONTENT)
        .certificate(&first)
        .certificate(&second)
        .signer(testing::SignerSpec::new(&first))
        .signer(testing::SignerSpec::new(&second))
        .build();
    let mut options = options_with(vec![response(&sha1), response(&sha256)]);
    options.require_revocation = true;
    let report = with_root_crl(&pki, Vec::new()).verify(&cms, None, &options);
    support::assert_code(&report, Code::Ok);
    let warned = |index: usize| {
        report.signers[index]
            .warnings
            .iter()
            .any(|w| w.code == "OCSP_SHA1_CERT_ID")
    };
    assert!(warned(0), "{}", report.to_json());
    assert!(!warned(1), "{}", report.to_json());
}

#[test]
fn evidence_names_only_the_crls_that_decided_a_status() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    // Both verify; at the given time only the newer one is current, and the other PKI's CRL
    // covers nothing here.
    let old = pki
        .crl()
        .this_update(datetime!(2021-03-01 0:00 UTC))
        .next_update(Some(datetime!(2021-04-01 0:00 UTC)))
        .number(1)
        .build();
    let current = pki.crl().number(2).build();
    let other = TestPki::ec_p256();
    let unrelated = other.crl().build();
    let report = with_root_crl(
        &pki,
        vec![
            support::parse_crl(&old),
            support::parse_crl(&current),
            support::parse_crl(&unrelated),
        ],
    )
    .verify(&signed_by(&leaf), None, &{
        let mut options = support::at(AT);
        options.require_revocation = true;
        options
    });
    support::assert_code(&report, Code::Ok);
    let numbers: Vec<(&str, Option<&str>)> = report
        .evidence
        .crls
        .iter()
        .map(|c| (c.issuer.as_str(), c.number.as_deref()))
        .collect();
    // The intermediate's current CRL (for the signer) and the root's (for the intermediate).
    assert_eq!(numbers.len(), 2, "{}", report.to_json());
    let intermediate: Vec<Option<&str>> = numbers
        .iter()
        .filter(|(issuer, _)| issuer.contains("ҰКО 3.0"))
        .map(|(_, number)| *number)
        .collect();
    assert_eq!(intermediate, [Some("02")], "{}", report.to_json());
}

#[test]
fn the_nonce_must_be_the_one_sent() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let issuer = parse(&pki.intermediate);
    let request = signatures::ocsp_request(
        &parse(&leaf),
        &issuer,
        signatures::CertIdHash::Sha256,
        Some(b"nonce-1"),
    );
    assert!(request.windows(7).any(|w| w == b"nonce-1"));
    let with_nonce = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .nonce(b"nonce-1")
        .build();
    let run = |der: &[u8], sent: Option<&[u8]>| {
        let mut response = response(der);
        if let Some(sent) = sent {
            response = response.with_sent_nonce(sent);
        }
        let mut options = options_with(vec![response]);
        options.require_revocation = true;
        with_root_crl(&pki, Vec::new()).verify_certificate(&parse(&leaf), &[], &options)
    };
    assert_code(&run(&with_nonce, Some(b"nonce-1")), Code::Ok);
    assert_code(&run(&with_nonce, None), Code::Ok);
    let report = run(&with_nonce, Some(b"nonce-2"));
    assert_code(&report, Code::RevocationUnknown);
    assert!(report.to_json().contains("nonce"), "{}", report.to_json());
    let without = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate).build();
    assert_code(&run(&without, Some(b"nonce-1")), Code::RevocationUnknown);
}

#[test]
fn delegated_responders_with_and_without_nocheck() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let key = cached_rsa_2048(RESPONDER_SLOT);
    let nocheck = responder(&pki.intermediate, key, true, true);
    let good = OcspResponseBuilder::new(&leaf, &pki.intermediate, &nocheck).build();
    assert_code(&check(&pki, &leaf, &[good], true), Code::Ok);
    // By key as well as by name.
    let by_key = OcspResponseBuilder::new(&leaf, &pki.intermediate, &nocheck)
        .by_key()
        .build();
    assert_code(&check(&pki, &leaf, &[by_key], true), Code::Ok);

    // Without nocheck the responder must be covered by a current CRL.
    let checked = responder(&pki.intermediate, key, true, false);
    let good = OcspResponseBuilder::new(&leaf, &pki.intermediate, &checked).build();
    assert_code(
        &check(&pki, &leaf, std::slice::from_ref(&good), true),
        Code::RevocationUnknown,
    );
    let crl = pki.crl().build();
    let mut options = options_with(vec![response(&good)]);
    options.require_revocation = true;
    let with_crl = with_root_crl(&pki, vec![support::parse_crl(&crl)]);
    let report = with_crl.verify_certificate(&parse(&leaf), &[], &options);
    assert_code(&report, Code::Ok);
    assert_eq!(
        report.evidence.ocsp_responses.len(),
        1,
        "{}",
        report.to_json()
    );
    assert_eq!(report.evidence.crls.len(), 2, "{}", report.to_json());
    // A CRL revoking the responder makes its responses worthless.
    let revoking = pki
        .crl()
        .revoke(&checked.serial, datetime!(2021-05-01 0:00 UTC), None)
        .build();
    let revoked_responder = verifier(&pki).with_crls(vec![support::parse_crl(&revoking)]);
    let report = revoked_responder.verify_certificate(
        &parse(&leaf),
        &[],
        &options_with(vec![response(&good)]),
    );
    assert_code(&report, Code::Ok);
    assert!(
        report.to_json().contains("is revoked"),
        "{}",
        report.to_json()
    );
    assert!(report.evidence.ocsp_responses.is_empty());
}

#[test]
fn unauthorised_responders_are_refused() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let key = cached_rsa_2048(RESPONDER_SLOT);
    // No OCSPSigning EKU.
    let no_eku = responder(&pki.intermediate, key, false, true);
    let response_der = OcspResponseBuilder::new(&leaf, &pki.intermediate, &no_eku)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .build();
    let report = check(&pki, &leaf, &[response_der], true);
    assert_code(&report, Code::RevocationUnknown);
    assert!(
        report.to_json().contains("OCSPSigning"),
        "{}",
        report.to_json()
    );
    // Certified by the root, not by the certificate's issuer.
    let by_root = responder(&pki.root, key, true, true);
    let response_der = OcspResponseBuilder::new(&leaf, &pki.intermediate, &by_root).build();
    let report = check(&pki, &leaf, &[response_der], true);
    assert_code(&report, Code::RevocationUnknown);
    assert!(
        report.to_json().contains("not certified"),
        "{}",
        report.to_json()
    );
    // A self-made responder with the issuer's name but another key.
    let impostor = testing::CertificateBuilder::new(pki.intermediate.subject.clone(), key)
        .ca(None)
        .self_signed();
    let response_der = OcspResponseBuilder::new(&leaf, &pki.intermediate, &impostor).build();
    assert_code(
        &check(&pki, &leaf, &[response_der], true),
        Code::RevocationUnknown,
    );
}

#[test]
fn a_bad_signature_is_not_relied_on() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let corrupt = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .corrupt_signature()
        .build();
    let report = check(&pki, &leaf, &[corrupt], false);
    assert_code(&report, Code::Ok);
    assert!(
        report.to_json().contains("does not verify"),
        "{}",
        report.to_json()
    );
    let other_key = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .signed_by(cached_rsa_2048(RESPONDER_SLOT))
        .build();
    assert_code(
        &check(&pki, &leaf, &[other_key], true),
        Code::RevocationUnknown,
    );
}

#[test]
fn ocsp_reaches_cms_verification_and_its_evidence() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let revoked = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(4)))
        .build();
    let report = verifier(&pki).verify(
        &signed_by(&leaf),
        None,
        &options_with(vec![response(&revoked)]),
    );
    support::assert_code(&report, Code::Revoked);
    assert_eq!(report.evidence.ocsp_responses.len(), 1);
    let crl = pki.crl().build();
    let with_crl = verifier(&pki).with_crls(vec![support::parse_crl(&crl)]);
    let report = with_crl.verify(&signed_by(&leaf), None, &support::at(AT));
    support::assert_code(&report, Code::Ok);
    assert_eq!(report.evidence.crls.len(), 1);
    assert_eq!(report.evidence.crls[0].number.as_deref(), Some("01"));
}

#[test]
fn a_signers_report_says_which_sources_gave_its_certificates_status() {
    use signatures::RevocationFrom;
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let good = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate).build();
    let leaf_crl = support::parse_crl(&pki.crl().build());
    let from = |verifier: Verifier, responses: &[&Vec<u8>]| {
        let options = options_with(responses.iter().map(|r| response(r)).collect());
        let report = verifier.verify(&signed_by(&leaf), None, &options);
        support::assert_code(&report, Code::Ok);
        report.signers[0].revocation_from
    };
    // The root's CRL covers only the intermediate: it says nothing of the signer's own.
    assert_eq!(
        from(with_root_crl(&pki, Vec::new()), &[&good]),
        RevocationFrom {
            crl: false,
            ocsp: true
        }
    );
    assert_eq!(
        from(with_root_crl(&pki, vec![leaf_crl.clone()]), &[]),
        RevocationFrom {
            crl: true,
            ocsp: false
        }
    );
    assert_eq!(
        from(with_root_crl(&pki, vec![leaf_crl]), &[&good]),
        RevocationFrom {
            crl: true,
            ocsp: true
        }
    );
    assert_eq!(
        from(with_root_crl(&pki, Vec::new()), &[]),
        RevocationFrom::default()
    );
    // A revocation is a status too.
    let revoked = OcspResponseBuilder::new(&leaf, &pki.intermediate, &pki.intermediate)
        .status(OcspStatus::Revoked(datetime!(2021-05-01 0:00 UTC), Some(1)))
        .build();
    let report = with_root_crl(&pki, Vec::new()).verify(
        &signed_by(&leaf),
        None,
        &options_with(vec![response(&revoked)]),
    );
    support::assert_code(&report, Code::Revoked);
    assert!(report.signers[0].revocation_from.ocsp);
}

#[test]
fn verify_certificate_checks_purpose_and_path() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);
    let mut options = support::at(AT);
    options.purpose = Some(signatures::Purpose::Sign);
    assert_code(
        &verifier.verify_certificate(&parse(&leaf), &[], &options),
        Code::Ok,
    );
    options.purpose = Some(signatures::Purpose::Auth);
    assert_code(
        &verifier.verify_certificate(&parse(&leaf), &[], &options),
        Code::KeyPurpose,
    );
    options.purpose = None;
    options.at = Some(datetime!(2035-01-01 0:00 UTC));
    assert_code(
        &verifier.verify_certificate(&parse(&leaf), &[], &options),
        Code::CertExpired,
    );
    // The intermediate given by the caller completes the path.
    let bare = Verifier::new(vec![parse(&pki.root)]);
    let options = support::at(AT);
    assert_code(
        &bare.verify_certificate(&parse(&leaf), &[], &options),
        Code::UntrustedChain,
    );
    let report = bare.verify_certificate(&parse(&leaf), &[parse(&pki.intermediate)], &options);
    assert_code(&report, Code::Ok);
    assert_eq!(report.chain.len(), 3);
    assert_eq!(report.signer.iin.as_deref(), Some(support::IIN));
}

#[test]
fn the_nca_response_says_the_certificate_was_never_issued() {
    let Some(vectors) = testing::nca_vectors() else {
        return;
    };
    let read = |name: &str| std::fs::read(vectors.join(name)).expect("a vector file");
    let der = read("ocsp_response_individual_2015.bin");
    let response = OcspResponse::from_der(&der).expect("NCA's response parses");
    assert_eq!(response.produced_at(), datetime!(2022-09-02 16:58:34 UTC));
    let certificate = nca_certificate(&vectors);
    let anchor = Verifier::certificates_from(&read("nca_gost2015_test.cer"), "anchor").unwrap();
    let verifier = Verifier::new(anchor);
    let mut options = Options::new(datetime!(2022-09-02 17:00 UTC));
    options.ocsp.responses = vec![response.clone()];
    let report = verifier.verify_certificate(&certificate, &[], &options);
    assert_code(&report, Code::Revoked);
    let revocation = report.revocation.as_ref().expect("a revocation");
    assert_eq!(revocation.reason, "notIssued");
    assert_eq!(revocation.revoked_at, datetime!(1970-01-01 0:00 UTC));
    assert!(
        report.message.contains("never issued"),
        "{}",
        report.to_json()
    );
    assert_eq!(report.evidence.ocsp_responses[0].response, der);
    // A week later the response (no nextUpdate) is still relied on: never issued is final.
    let mut later = Options::new(datetime!(2022-09-09 17:00 UTC));
    later.ocsp.responses = vec![response.clone()];
    assert_code(
        &verifier.verify_certificate(&certificate, &[], &later),
        Code::Revoked,
    );
    // The nonce it carries (RFC 8954 form) is checked when the caller says it sent one.
    options.ocsp.responses = vec![
        response
            .clone()
            .with_sent_nonce(vec![0xe4, 0x08, 0xff, 0xb7, 0x90, 0x83, 0x4a, 0xf2]),
    ];
    assert_code(
        &verifier.verify_certificate(&certificate, &[], &options),
        Code::Revoked,
    );
    options.ocsp.responses = vec![response.with_sent_nonce(vec![1, 2, 3])];
    let report = verifier.verify_certificate(&certificate, &[], &options);
    assert_code(&report, Code::Ok);
    // A flipped byte in the signature: not relied on.
    let mut flipped = der.clone();
    let at = flipped.len() - 900;
    flipped[at] ^= 1;
    if let Ok(response) = OcspResponse::from_der(&flipped) {
        let mut options = Options::new(datetime!(2022-09-02 17:00 UTC));
        options.ocsp.responses = vec![response];
        assert_ne!(
            verifier
                .verify_certificate(&certificate, &[], &options)
                .code,
            Code::Revoked
        );
    }
}

/// The certificate of `individual_valid_2015_gost.p12` (RC2-encrypted: `openssl pkcs12 -legacy`).
fn nca_certificate(vectors: &std::path::Path) -> signatures::Certificate {
    let output = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-legacy",
            "-nokeys",
            "-clcerts",
            "-passin",
            "pass:Aa123456",
            "-in",
        ])
        .arg(vectors.join("individual_valid_2015_gost.p12"))
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Verifier::certificates_from(&output.stdout, "p12")
        .expect("a certificate")
        .remove(0)
}
