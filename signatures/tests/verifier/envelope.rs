//! The CMS envelope: input forms, attached and detached content, signed attributes, several
//! signers, and malformed input.

use crate::support::*;
use signatures::testing::{CmsBuilder, SignerSpec, TestPki, cached_rsa_2048, cms};
use signatures::{Code, Options};
use time::Duration;
use time::macros::datetime;

#[test]
fn an_attached_signature_verifies_in_der_pem_and_base64() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let der = signed_by(&leaf);
    let verifier = verifier(&pki);
    for input in [
        der.clone(),
        cms::pem(&der).into_bytes(),
        cms::base64(&der).into_bytes(),
    ] {
        let report = verifier.verify(&input, None, &at(AT));
        assert_code(&report, Code::Ok);
        let signer = &report.signers[0];
        assert_eq!(signer.signer.iin.as_deref(), Some(IIN));
        assert_eq!(signer.chain.len(), 3, "signer, intermediate, root");
        assert_eq!(signer.digest_algorithm, "SHA-256");
    }
}

#[test]
fn a_detached_signature_needs_its_content() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .detached()
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    let verifier = verifier(&pki);
    assert_code(&verifier.verify(&cms, Some(CONTENT), &at(AT)), Code::Ok);
    assert_code(&verifier.verify(&cms, None, &at(AT)), Code::ContentMissing);
    assert_code(
        &verifier.verify(&cms, Some(b"test124"), &at(AT)),
        Code::DigestMismatch,
    );
}

#[test]
fn given_content_must_equal_attached_content() {
    let pki = TestPki::rsa();
    let cms = signed_by(&rsa_signer(&pki));
    let verifier = verifier(&pki);
    assert_code(&verifier.verify(&cms, Some(CONTENT), &at(AT)), Code::Ok);
    assert_code(
        &verifier.verify(&cms, Some(b"other"), &at(AT)),
        Code::DigestMismatch,
    );
}

#[test]
fn signed_attributes_bind_the_content() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);
    let cases = [
        (
            "message digest",
            SignerSpec::new(&leaf).message_digest_override(vec![0; 32]),
            Code::DigestMismatch,
        ),
        (
            "content type",
            SignerSpec::new(&leaf).content_type_attr_override("1.2.840.113549.1.7.2"),
            Code::DigestMismatch,
        ),
        (
            "other content",
            SignerSpec::new(&leaf).content_override(b"other"),
            Code::DigestMismatch,
        ),
        (
            "corrupt signature",
            SignerSpec::new(&leaf).corrupt_signature(),
            Code::SignatureInvalid,
        ),
        (
            "wrong key",
            SignerSpec::new(&leaf).signed_key(cached_rsa_2048(6)),
            Code::SignatureInvalid,
        ),
    ];
    for (name, spec, expected) in cases {
        let cms = CmsBuilder::new(CONTENT)
            .certificate(&leaf)
            .signer(spec)
            .build();
        let report = verifier.verify(&cms, None, &at(AT));
        assert_eq!(report.code, expected, "{name}: {}", report.to_json());
    }
}

#[test]
fn signer_identification_and_attribute_variants_verify() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);
    let variants = [
        (
            "subjectKeyIdentifier sid",
            SignerSpec::new(&leaf).sid_subject_key_id(),
        ),
        (
            "rsaEncryption as signature algorithm",
            SignerSpec::new(&leaf).signature_algorithm_rsa_encryption(),
        ),
        (
            "no signed attributes",
            SignerSpec::new(&leaf).no_signed_attributes(),
        ),
        (
            "signing time",
            SignerSpec::new(&leaf).signing_time(datetime!(2021-05-01 10:00 UTC)),
        ),
    ];
    for (name, spec) in variants {
        let cms = CmsBuilder::new(CONTENT)
            .certificate(&leaf)
            .signer(spec)
            .build();
        let report = verifier.verify(&cms, None, &at(AT));
        assert_eq!(report.code, Code::Ok, "{name}: {}", report.to_json());
        assert!(
            report.signers[0]
                .warnings
                .iter()
                .all(|w| w.code != "SIGNING_TIME_OUTSIDE_VALIDITY"),
            "{name}"
        );
    }
}

#[test]
fn without_signed_attributes_only_id_data_is_allowed() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .content_type("1.2.840.113549.1.9.16.1.4")
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).no_signed_attributes())
        .build();
    assert_code(&verifier(&pki).verify(&cms, None, &at(AT)), Code::Malformed);
}

#[test]
fn a_signing_time_claim_outside_validity_only_warns() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).signing_time(datetime!(2022-09-28 14:40:30 UTC)))
        .build();
    let report = verifier(&pki).verify(&cms, None, &at(AT));
    assert_code(&report, Code::Ok);
    let signer = &report.signers[0];
    assert_eq!(
        signer.signing_time,
        Some(datetime!(2022-09-28 14:40:30 UTC))
    );
    assert!(
        signer
            .warnings
            .iter()
            .any(|w| w.code == "SIGNING_TIME_OUTSIDE_VALIDITY")
    );
    // The claim never replaces the validation time: at a time past the certificate's
    // validity the signature is expired even though the claim is inside it.
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).signing_time(datetime!(2021-06-01 0:00 UTC)))
        .build();
    assert_code(
        &verifier(&pki).verify(&cms, None, &at(datetime!(2023-01-01 0:00 UTC))),
        Code::CertExpired,
    );
}

#[test]
fn every_signer_must_be_valid_and_the_first_failure_in_signer_order_is_reported() {
    let pki = TestPki::rsa();
    let owner = rsa_signer(&pki);
    let co_owner = pki
        .individual_sign("760212350620")
        .issued_by(&pki.intermediate);
    let verifier = verifier(&pki);

    let both = CmsBuilder::new(CONTENT)
        .certificate(&owner)
        .certificate(&co_owner)
        .signer(SignerSpec::new(&owner))
        .signer(SignerSpec::new(&co_owner))
        .build();
    let report = verifier.verify(&both, None, &at(AT));
    assert_code(&report, Code::Ok);
    let iins: Vec<_> = report
        .signers
        .iter()
        .map(|s| s.signer.iin.clone())
        .collect();
    assert_eq!(
        iins,
        [Some(IIN.to_owned()), Some("760212350620".to_owned())]
    );

    // The first signer's failure (later in code order) is reported before the second's.
    let expired = pki
        .individual_sign("871008401427")
        .validity(
            datetime!(2020-01-01 0:00 UTC),
            datetime!(2021-01-01 0:00 UTC),
        )
        .issued_by(&pki.intermediate);
    let mixed = CmsBuilder::new(CONTENT)
        .certificate(&expired)
        .certificate(&co_owner)
        .signer(SignerSpec::new(&expired))
        .signer(SignerSpec::new(&co_owner).corrupt_signature())
        .build();
    let report = verifier.verify(&mixed, None, &at(AT));
    assert_code(&report, Code::CertExpired);
    assert_eq!(report.signers[1].code, Code::SignatureInvalid);
}

#[test]
fn a_signer_whose_certificate_is_missing_is_untrusted() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = CmsBuilder::new(CONTENT)
        .signer(SignerSpec::new(&leaf))
        .build();
    let report = verifier(&pki).verify(&cms, None, &at(AT));
    assert_code(&report, Code::UntrustedChain);
    assert!(
        report.signers[0].serial_number.is_some(),
        "the sid's serial is reported"
    );
}

#[test]
fn malformed_input_is_a_verdict_never_a_panic() {
    let pki = TestPki::rsa();
    let der = signed_by(&rsa_signer(&pki));
    let verifier = verifier(&pki);
    let options = at(AT);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", b"\x00\x01garbage\xff".to_vec()),
        ("text that is not base64", b"hello, world!".to_vec()),
        (
            "huge length",
            vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06],
        ),
        (
            "indefinite length",
            vec![0x30, 0x80, 0x06, 0x00, 0x00, 0x00],
        ),
        (
            "not signedData",
            patch(
                &der,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02],
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03],
            ),
        ),
        ("wrong nesting", {
            let mut d = der.clone();
            d[0] = 0x31;
            d
        }),
        ("trailing data", {
            let mut d = der.clone();
            d.push(0);
            d
        }),
    ];
    for (name, input) in cases {
        let report = verifier.verify(&input, None, &options);
        assert_eq!(report.code, Code::Malformed, "{name}: {}", report.to_json());
        assert!(!report.valid);
    }
    // Every truncation, and a flipped byte at many positions: a verdict, never a panic.
    for length in 0..der.len() {
        assert!(
            !verifier.verify(&der[..length], None, &options).valid,
            "truncated to {length}"
        );
    }
    for position in (0..der.len()).step_by(7) {
        let mut flipped = der.clone();
        flipped[position] ^= 0x5a;
        let _ = verifier.verify(&flipped, None, &options);
    }
}

#[test]
fn the_validation_time_is_now_unless_at_is_given() {
    let pki = TestPki::rsa();
    let verifier = verifier(&pki);
    let signature = signed_by(&rsa_signer(&pki));

    // Without `at`, the caller's `now` decides (to the whole second, as the report shows it).
    let report = verifier.verify(
        &signature,
        None,
        &Options::new(AT + Duration::nanoseconds(7)),
    );
    assert_code(&report, Code::Ok);
    assert_eq!(report.validation_time, AT);
    // The test leaf expired in 2022: at [`NOW`] it is expired.
    let report = verifier.verify(&signature, None, &Options::new(NOW));
    assert_code(&report, Code::CertExpired);
    assert_eq!(report.validation_time, NOW);

    // A forced validation time wins over `now`, both ways.
    let report = verifier.verify(&signature, None, &at(AT));
    assert_code(&report, Code::Ok);
    assert_eq!(report.validation_time, AT);
    let forced_late = Options {
        at: Some(NOW),
        ..Options::new(AT)
    };
    let report = verifier.verify(&signature, None, &forced_late);
    assert_code(&report, Code::CertExpired);
    assert_eq!(report.validation_time, NOW);
}

#[test]
fn a_signer_reports_its_first_failure_in_code_order() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki
        .crl()
        .revoke(&leaf.serial, AT - time::Duration::days(1), None)
        .build();
    let verifier = verifier(&pki).with_crls(vec![parse_crl(&crl)]);
    let expired_at = at(datetime!(2022-06-01 0:00 UTC));

    // Revoked and expired: expiry comes first in the order.
    let report = verifier.verify(&signed_by(&leaf), None, &expired_at);
    assert_code(&report, Code::CertExpired);
    let codes: Vec<Code> = report.signers[0].errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [Code::CertExpired, Code::Revoked],
        "every failure is listed, in order"
    );

    // A bad signature comes before both.
    let corrupt = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf).corrupt_signature())
        .build();
    assert_code(
        &verifier.verify(&corrupt, None, &expired_at),
        Code::SignatureInvalid,
    );

    // A digest mismatch comes before a bad signature (the signature is over the attributes).
    let mismatch = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .signer(
            SignerSpec::new(&leaf)
                .message_digest_override(vec![1; 32])
                .corrupt_signature(),
        )
        .build();
    assert_code(
        &verifier.verify(&mismatch, None, &expired_at),
        Code::DigestMismatch,
    );
}
