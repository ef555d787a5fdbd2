//! RFC 3161 timestamps and long-term validity: a valid token's time decides the validation
//! time, certificate validity and revocation are judged then, and a token that does not verify
//! is ignored with a warning.

use crate::support::{AT, CONTENT, NOW, assert_code, at, rsa_signer, verifier};
use signatures::testing::{
    self, CmsBuilder, CrlBuilder, Digest, EssVersion, Reason, SignerSpec, TestPki, TimestampSpec,
    cached_ec_p256, cached_rsa_2048,
};
use signatures::{Code, Options, Report, TimeSource, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

/// The TSA of the test PKI, issued by its intermediate.
fn tsa(pki: &TestPki) -> testing::Certificate {
    pki.tsa(cached_rsa_2048(5)).issued_by(&pki.intermediate)
}

/// A CMS over [`CONTENT`] by `leaf`, with these tokens.
fn stamped(leaf: &testing::Certificate, tokens: &[TimestampSpec]) -> Vec<u8> {
    let mut signer = SignerSpec::new(leaf);
    for token in tokens {
        signer = signer.timestamp(token.clone());
    }
    CmsBuilder::new(CONTENT)
        .certificate(leaf)
        .signer(signer)
        .build()
}

/// A verifier with this CRL of the intermediate, and a root CRL issued after every test's
/// timestamp (so that the intermediate's status is proven).
fn with_crl(pki: &TestPki, crl: CrlBuilder) -> Verifier {
    let root_crl = CrlBuilder::new(&pki.root)
        .this_update(datetime!(2021-12-01 0:00 UTC))
        .next_update(None);
    verifier(pki).with_crls(vec![
        crate::support::parse_crl(&crl.build()),
        crate::support::parse_crl(&root_crl.build()),
    ])
}

fn required(options: Options) -> Options {
    Options {
        require_revocation: true,
        ..options
    }
}

fn warned(report: &Report, code: &str) -> bool {
    report.signers[0].warnings.iter().any(|w| w.code == code)
}

#[test]
fn a_timestamp_in_validity_keeps_an_expired_signature_valid() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let tsa = tsa(&pki);
    // Without a token, at now (2030) the certificate has long expired.
    let plain = verifier(&pki).verify(&stamped(&leaf, &[]), None, &Options::new(NOW));
    assert_code(&plain, Code::CertExpired);
    assert_eq!(plain.signers[0].time_source, TimeSource::Now);
    assert_eq!(plain.signers[0].validated_at, NOW);

    let cms = stamped(&leaf, &[TimestampSpec::new(&tsa, AT)]);
    let report = verifier(&pki).verify(&cms, None, &Options::new(NOW));
    assert_code(&report, Code::Ok);
    let signer = &report.signers[0];
    assert_eq!(signer.time_source, TimeSource::Timestamp);
    assert_eq!(signer.validated_at, AT);
    let [timestamp] = signer.timestamps.as_slice() else {
        panic!("one timestamp: {}", report.to_json());
    };
    assert_eq!(timestamp.time, AT);
    assert_eq!(timestamp.policy, testing::tsp::POLICY_NCA_TSA);
    assert!(timestamp.tsa.contains("СЕРВИС МЕТКИ ВРЕМЕНИ"));
    assert_eq!(timestamp.imprint_algorithm, "SHA-256");
    // The JSON carries the token for the caller to keep, and says which time decided.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    let signer_json = &json["signers"][0];
    assert_eq!(signer_json["timeSource"], "TIMESTAMP");
    assert_eq!(signer_json["validatedAt"], "2021-06-01T00:00:00Z");
    assert_eq!(
        signer_json["timestamps"][0]["token"],
        testing::cms::base64(&timestamp.token)
    );

    // A given time still decides.
    let given = verifier(&pki).verify(&cms, None, &at(datetime!(2023-01-01 0:00 UTC)));
    assert_code(&given, Code::CertExpired);
    assert_eq!(given.signers[0].time_source, TimeSource::Given);
    assert_eq!(given.signers[0].timestamps.len(), 1);
}

#[test]
fn a_timestamp_outside_validity_does_not_help() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let late = stamped(
        &leaf,
        &[TimestampSpec::new(
            &tsa(&pki),
            datetime!(2022-06-01 0:00 UTC),
        )],
    );
    let report = verifier(&pki).verify(&late, None, &Options::new(NOW));
    assert_code(&report, Code::CertExpired);
    assert_eq!(report.signers[0].time_source, TimeSource::Timestamp);
    let early = stamped(
        &leaf,
        &[TimestampSpec::new(
            &tsa(&pki),
            datetime!(2020-06-01 0:00 UTC),
        )],
    );
    assert_code(
        &verifier(&pki).verify(&early, None, &Options::new(NOW)),
        Code::CertNotYetValid,
    );
}

#[test]
fn revocation_before_the_timestamp_revokes_and_after_it_does_not() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = stamped(&leaf, &[TimestampSpec::new(&tsa(&pki), AT)]);
    let crl = |revoked_at: OffsetDateTime| {
        pki.crl()
            .this_update(datetime!(2021-09-01 0:00 UTC))
            .revoke(&leaf.serial, revoked_at, Some(Reason::Superseded))
    };
    let before = with_crl(&pki, crl(datetime!(2021-05-01 0:00 UTC)));
    assert_code(
        &before.verify(&cms, None, &Options::new(NOW)),
        Code::Revoked,
    );
    // Revoked after the timestamp: the signature was made while the key was good, and a CRL
    // issued after the timestamp proves it (nothing left unchecked).
    let after = with_crl(&pki, crl(datetime!(2021-08-01 0:00 UTC)));
    let report = after.verify(&cms, None, &required(Options::new(NOW)));
    assert_code(&report, Code::Ok);
    assert!(
        !warned(&report, "REVOCATION_NOT_CHECKED"),
        "{}",
        report.to_json()
    );
    // Without the token the same CRL revokes it (at a given time after the revocation).
    assert_code(
        &after.verify(
            &stamped(&leaf, &[]),
            None,
            &at(datetime!(2021-09-01 0:00 UTC)),
        ),
        Code::Revoked,
    );
}

#[test]
fn only_a_crl_issued_after_the_timestamp_proves_good() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = stamped(&leaf, &[TimestampSpec::new(&tsa(&pki), AT)]);
    // Current at the timestamp's time but issued before it: says nothing of the days between.
    let old = with_crl(&pki, pki.crl().this_update(datetime!(2021-05-01 0:00 UTC)));
    assert_code(
        &old.verify(&cms, None, &required(Options::new(NOW))),
        Code::RevocationUnknown,
    );
    let report = old.verify(&cms, None, &Options::new(NOW));
    assert_code(&report, Code::Ok);
    assert!(
        warned(&report, "REVOCATION_NOT_CHECKED"),
        "{}",
        report.to_json()
    );
    // Issued after it, even though it has expired by now.
    let later = with_crl(&pki, pki.crl().this_update(datetime!(2021-06-02 0:00 UTC)));
    assert_code(
        &later.verify(&cms, None, &required(Options::new(NOW))),
        Code::Ok,
    );
}

#[test]
fn key_compromise_counts_from_its_invalidity_date() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = stamped(&leaf, &[TimestampSpec::new(&tsa(&pki), AT)]);
    let invalidity = testing::der::generalized_time(datetime!(2021-05-01 0:00 UTC));
    let crl = |reason| {
        pki.crl()
            .this_update(datetime!(2021-09-01 0:00 UTC))
            .revoke(&leaf.serial, datetime!(2021-08-01 0:00 UTC), Some(reason))
            .entry_extension_on_last("2.5.29.24", false, invalidity.clone())
    };
    assert_code(
        &with_crl(&pki, crl(Reason::KeyCompromise)).verify(&cms, None, &Options::new(NOW)),
        Code::Revoked,
    );
    // For another reason the invalidity date does not move the revocation.
    assert_code(
        &with_crl(&pki, crl(Reason::Superseded)).verify(&cms, None, &Options::new(NOW)),
        Code::Ok,
    );
}

#[test]
fn a_hold_leaves_the_status_at_the_timestamp_unknown() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = stamped(&leaf, &[TimestampSpec::new(&tsa(&pki), AT)]);
    let held = with_crl(
        &pki,
        pki.crl()
            .this_update(datetime!(2021-09-01 0:00 UTC))
            .revoke(
                &leaf.serial,
                datetime!(2021-05-01 0:00 UTC),
                Some(Reason::CertificateHold),
            ),
    );
    assert_code(
        &held.verify(&cms, None, &required(Options::new(NOW))),
        Code::RevocationUnknown,
    );
    let report = held.verify(&cms, None, &Options::new(NOW));
    assert_code(&report, Code::Ok);
    assert!(
        warned(&report, "REVOCATION_NOT_CHECKED"),
        "{}",
        report.to_json()
    );
    // At a given time, a hold is a revocation as before.
    assert_code(
        &held.verify(&cms, None, &at(datetime!(2021-09-01 0:00 UTC))),
        Code::Revoked,
    );
}

#[test]
fn tokens_that_do_not_verify_are_ignored_with_a_warning() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let tsa = tsa(&pki);
    let not_a_tsa = pki
        .individual_sign("123456789012")
        .validity(
            datetime!(2020-01-01 0:00 UTC),
            datetime!(2030-01-01 0:00 UTC),
        )
        .issued_by(&pki.intermediate);
    let non_critical = testing::CertificateBuilder::new(
        testing::Name::new().cn("TSA").country("KZ"),
        cached_rsa_2048(5),
    )
    .validity(
        datetime!(2020-01-01 0:00 UTC),
        datetime!(2030-01-01 0:00 UTC),
    )
    .ext_key_usage(&[testing::tsp::OID_EKU_TIME_STAMPING])
    .issued_by(&pki.intermediate);
    let untrusted = TestPki::ec_p256();
    let cases = [
        ("imprint", TimestampSpec::new(&tsa, AT).wrong_imprint()),
        (
            "does not verify",
            TimestampSpec::new(&tsa, AT).corrupt_signature(),
        ),
        (
            "signingCertificate",
            TimestampSpec::new(&tsa, AT).ess(EssVersion::None),
        ),
        (
            "does not name",
            TimestampSpec::new(&tsa, AT).ess_certificate(&leaf),
        ),
        ("not a TSA", TimestampSpec::new(&not_a_tsa, AT)),
        ("not a TSA", TimestampSpec::new(&non_critical, AT)),
        (
            "later than now",
            TimestampSpec::new(&tsa, datetime!(2031-01-01 0:00 UTC)),
        ),
        (
            "valid only from",
            TimestampSpec::new(&tsa, datetime!(2019-06-01 0:00 UTC)),
        ),
        (
            "certificate",
            TimestampSpec::new(&tsa, AT).without_tsa_certificate(),
        ),
        (
            "TSA",
            TimestampSpec::new(
                &untrusted
                    .tsa(cached_ec_p256(5))
                    .issued_by(&untrusted.intermediate),
                AT,
            ),
        ),
    ];
    for (why, token) in cases {
        let report = verifier(&pki).verify(&stamped(&leaf, &[token]), None, &Options::new(NOW));
        assert_code(&report, Code::CertExpired);
        let signer = &report.signers[0];
        assert_eq!(signer.time_source, TimeSource::Now, "{why}");
        assert!(signer.timestamps.is_empty(), "{why}");
        assert!(
            signer
                .warnings
                .iter()
                .any(|w| w.code == "TIMESTAMP_IGNORED" && w.message.contains(why)),
            "{why}: {}",
            report.to_json()
        );
    }
    // A configured TSA certificate is enough.
    let configured = verifier(&pki).with_intermediates(vec![crate::support::parse(&tsa)]);
    let cms = stamped(
        &leaf,
        &[TimestampSpec::new(&tsa, AT).without_tsa_certificate()],
    );
    assert_code(&configured.verify(&cms, None, &Options::new(NOW)), Code::Ok);
}

#[test]
fn of_several_valid_tokens_the_earliest_wins() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let tsa = tsa(&pki);
    let cms = stamped(
        &leaf,
        &[
            TimestampSpec::new(&tsa, datetime!(2022-06-01 0:00 UTC)).serial(1),
            TimestampSpec::new(&tsa, AT).wrong_imprint().serial(2),
            TimestampSpec::new(&tsa, datetime!(2021-08-01 0:00 UTC)).serial(3),
            TimestampSpec::new(&tsa, AT)
                .ess(EssVersion::V1)
                .imprint_digest(Digest::Sha1)
                .serial(4),
        ],
    );
    let report = verifier(&pki).verify(&cms, None, &Options::new(NOW));
    assert_code(&report, Code::Ok);
    let signer = &report.signers[0];
    assert_eq!(signer.validated_at, AT);
    let serials: Vec<&str> = signer
        .timestamps
        .iter()
        .map(|t| t.serial_number.as_str())
        .collect();
    assert_eq!(serials, ["4", "3", "1"], "{}", report.to_json());
    // SHA-1 in the imprint and ESSCertID is accepted with a warning; the wrong imprint ignored.
    assert!(warned(&report, "TIMESTAMP_SHA1"));
    assert!(warned(&report, "TIMESTAMP_IGNORED"));
}
