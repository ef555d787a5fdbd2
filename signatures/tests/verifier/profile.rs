//! The NCA RK profile: the parsed signer, key purposes and key usage.

use crate::support::*;
use signatures::testing::{CmsBuilder, KeyUsageBit, SignerSpec, TestPki, nca};
use signatures::{Code, Options, Purpose, Role};

fn purpose(p: Purpose) -> Options {
    Options {
        purpose: Some(p),
        ..at(AT)
    }
}

#[test]
fn an_individual_signing_certificate_is_read_per_the_profile() {
    let pki = TestPki::rsa();
    let report = verifier(&pki).verify(&signed_by(&rsa_signer(&pki)), None, &at(AT));
    assert_code(&report, Code::Ok);
    let signer = &report.signers[0].signer;
    assert_eq!(signer.iin.as_deref(), Some(IIN));
    assert_eq!(
        signer.iin_checksum_valid,
        Some(false),
        "the NCA test IIN fails the checksum"
    );
    assert_eq!(signer.bin, None);
    assert_eq!(signer.common_name.as_deref(), Some("ТЕСТОВ ТЕСТ"));
    assert_eq!(signer.surname.as_deref(), Some("ТЕСТОВ"));
    assert_eq!(signer.given_name.as_deref(), Some("ТЕСТОВИЧ"));
    assert_eq!(signer.purposes, [Purpose::Sign]);
    assert_eq!(signer.roles, [Role::Individual]);
    assert!(
        report.signers[0]
            .warnings
            .iter()
            .any(|w| w.code == "IIN_CHECKSUM")
    );
}

#[test]
fn a_legal_entity_certificate_names_its_bin_and_role() {
    let pki = TestPki::rsa();
    let ceo = pki
        .legal_entity_sign("871008401427", "940140000385", nca::ROLE_CEO)
        .issued_by(&pki.intermediate);
    let report = verifier(&pki).verify(&signed_by(&ceo), None, &purpose(Purpose::Sign));
    assert_code(&report, Code::Ok);
    let signer = &report.signers[0].signer;
    assert_eq!(signer.iin.as_deref(), Some("871008401427"));
    assert_eq!(signer.iin_checksum_valid, Some(true));
    assert_eq!(signer.bin.as_deref(), Some("940140000385"));
    assert!(signer.organization.is_some());
    // The legal-entity role is named twice (an EKU and a policy): listed once.
    assert_eq!(signer.roles, [Role::LegalEntity, Role::Ceo]);
    assert!(
        report.signers[0]
            .warnings
            .iter()
            .all(|w| w.code != "IIN_CHECKSUM")
    );
}

#[test]
fn the_key_must_serve_the_required_purpose() {
    let pki = TestPki::rsa();
    let sign = rsa_signer(&pki);
    let auth = pki.individual_auth(IIN).issued_by(&pki.intermediate);
    let combined = pki
        .individual_sign(IIN)
        .key_usage(&[KeyUsageBit::NonRepudiation, KeyUsageBit::KeyEncipherment])
        .ext_key_usage(&[nca::EKU_EMAIL_PROTECTION, nca::EKU_INDIVIDUAL])
        .issued_by(&pki.intermediate);
    let verifier = verifier(&pki);
    let cases = [
        ("signing key to sign", &sign, Purpose::Sign, Code::Ok),
        (
            "signing key to sign in",
            &sign,
            Purpose::Auth,
            Code::KeyPurpose,
        ),
        (
            "authentication key to sign in",
            &auth,
            Purpose::Auth,
            Code::Ok,
        ),
        (
            "authentication key to sign",
            &auth,
            Purpose::Sign,
            Code::KeyPurpose,
        ),
        (
            "combined key to sign in",
            &combined,
            Purpose::Auth,
            Code::Ok,
        ),
        ("combined key to sign", &combined, Purpose::Sign, Code::Ok),
    ];
    for (name, leaf, wanted, expected) in cases {
        let report = verifier.verify(&signed_by(leaf), None, &purpose(wanted));
        assert_eq!(report.code, expected, "{name}: {}", report.to_json());
    }
}

#[test]
fn the_signer_key_usage_must_allow_signatures() {
    let pki = TestPki::rsa();
    let leaf = pki
        .individual_sign(IIN)
        .key_usage(&[KeyUsageBit::KeyEncipherment])
        .issued_by(&pki.intermediate);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    assert_code(&verifier(&pki).verify(&cms, None, &at(AT)), Code::KeyUsage);
}
