//! Revocation from CRLs (RFC 5280 §6.3): dates, holds, freshness, CRL signers, indirect and
//! delta CRLs, distribution points and reason partitions.

use crate::support::*;
use signatures::testing::{
    CertificateBuilder, CmsBuilder, CrlBuilder, Digest, Idp, KeyUsageBit, Name, Reason,
    SignatureScheme, SignerSpec, TestPki, cached_rsa_2048, der,
};
use signatures::{Code, Options, Report, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

const BEFORE_AT: OffsetDateTime = datetime!(2021-05-01 0:00 UTC);
const AFTER_AT: OffsetDateTime = datetime!(2021-07-01 0:00 UTC);

fn required(t: OffsetDateTime) -> Options {
    Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(t)
    }
}

/// The root's CRL, revoking nothing: so that with revocation required only the leaf's
/// status is in question.
fn root_crl(pki: &TestPki) -> Vec<u8> {
    CrlBuilder::new(&pki.root).build()
}

fn verify_with_crls(
    pki: &TestPki,
    leaf: &signatures::testing::Certificate,
    crls: &[Vec<u8>],
    options: &Options,
) -> Report {
    let crls = crls.iter().map(|der| parse_crl(der)).collect();
    verifier(pki)
        .with_crls(crls)
        .verify(&signed_by(leaf), None, options)
}

#[test]
fn a_certificate_revoked_before_the_validation_time_is_revoked() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki
        .crl()
        .revoke(&leaf.serial, BEFORE_AT, Some(Reason::KeyCompromise))
        .build();
    let report = verify_with_crls(&pki, &leaf, &[crl, root_crl(&pki)], &required(AT));
    assert_code(&report, Code::Revoked);
    let revocation = report.signers[0]
        .revocation
        .as_ref()
        .expect("revocation details");
    assert_eq!(revocation.revoked_at, BEFORE_AT);
    assert_eq!(revocation.reason, "keyCompromise");
    assert!(report.signers[0].message.contains("2021-05-01T00:00:00Z"));
}

#[test]
fn a_hold_counts_as_revoked_and_a_later_revocation_does_not_count_yet() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let hold = pki
        .crl()
        .revoke(&leaf.serial, AT, Some(Reason::CertificateHold))
        .build();
    let report = verify_with_crls(&pki, &leaf, &[hold, root_crl(&pki)], &required(AT));
    assert_code(&report, Code::Revoked);
    assert_eq!(
        report.signers[0]
            .revocation
            .as_ref()
            .map(|r| r.reason.as_str()),
        Some("certificateHold")
    );

    let later = pki.crl().revoke(&leaf.serial, AFTER_AT, None).build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[later, root_crl(&pki)], &required(AT)),
        Code::Ok,
    );
}

#[test]
fn a_crl_issued_after_the_validation_time_still_counts() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki
        .crl()
        .this_update(datetime!(2021-09-01 0:00 UTC))
        .next_update(Some(datetime!(2022-03-01 0:00 UTC)))
        .revoke(&leaf.serial, BEFORE_AT, None)
        .build();
    let report = verify_with_crls(&pki, &leaf, &[crl, root_crl(&pki)], &at(AT));
    assert_code(&report, Code::Revoked);
    assert_eq!(
        report.signers[0]
            .revocation
            .as_ref()
            .map(|r| r.reason.as_str()),
        Some("unspecified")
    );
}

#[test]
fn a_stale_crl_still_revokes_permanently_but_says_nothing_of_the_unlisted() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let stale_revoking = pki
        .crl()
        .this_update(datetime!(2021-02-01 0:00 UTC))
        .next_update(Some(datetime!(2021-03-01 0:00 UTC)))
        .revoke(&leaf.serial, datetime!(2021-02-01 0:00 UTC), None)
        .build();
    // RFC 5280 §6.3: a permanent revocation counts whatever the CRL's nextUpdate.
    for options in [at(AT), required(AT)] {
        let report = verify_with_crls(&pki, &leaf, std::slice::from_ref(&stale_revoking), &options);
        assert_code(&report, Code::Revoked);
    }
    // A stale CRL that lists nothing for the certificate is no proof that it is good.
    let stale = pki
        .crl()
        .this_update(datetime!(2021-02-01 0:00 UTC))
        .next_update(Some(datetime!(2021-03-01 0:00 UTC)))
        .build();
    let report = verify_with_crls(&pki, &leaf, &[stale.clone(), root_crl(&pki)], &at(AT));
    assert_code(&report, Code::Ok);
    assert!(
        report.signers[0]
            .warnings
            .iter()
            .any(|w| w.code == "REVOCATION_NOT_CHECKED")
    );
    assert_code(
        &verify_with_crls(&pki, &leaf, &[stale, root_crl(&pki)], &required(AT)),
        Code::RevocationUnknown,
    );
}

#[test]
fn revocation_is_required_for_every_certificate_when_asked() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let leaf_crl = pki.crl().build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[], &required(AT)),
        Code::RevocationUnknown,
    );
    let report = verify_with_crls(&pki, &leaf, std::slice::from_ref(&leaf_crl), &required(AT));
    assert_code(&report, Code::RevocationUnknown);
    assert!(
        report.signers[0].message.contains("ҰКО 3.0 (RSA TEST)"),
        "the intermediate lacks data: {}",
        report.to_json()
    );
    assert_code(
        &verify_with_crls(&pki, &leaf, &[leaf_crl, root_crl(&pki)], &required(AT)),
        Code::Ok,
    );
}

#[test]
fn a_ca_in_the_path_can_be_revoked() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let root_crl = CrlBuilder::new(&pki.root)
        .revoke(
            &pki.intermediate.serial,
            BEFORE_AT,
            Some(Reason::CaCompromise),
        )
        .build();
    let report = verify_with_crls(&pki, &leaf, &[pki.crl().build(), root_crl], &required(AT));
    assert_code(&report, Code::Revoked);
    assert!(
        report.signers[0]
            .revocation
            .as_ref()
            .is_some_and(|r| r.subject.contains("ҰКО 3.0") && r.reason == "cACompromise")
    );
}

#[test]
fn only_crls_signed_by_an_authorised_key_count() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let forged = pki
        .crl()
        .revoke(&leaf.serial, BEFORE_AT, None)
        .signed_by(cached_rsa_2048(6))
        .build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[forged.clone(), root_crl(&pki)], &at(AT)),
        Code::Ok,
    );
    assert_code(
        &verify_with_crls(&pki, &leaf, &[forged, root_crl(&pki)], &required(AT)),
        Code::RevocationUnknown,
    );

    // A CA whose keyUsage lacks cRLSign cannot issue CRLs.
    let no_crl_sign = CertificateBuilder::new(
        Name::new().country("KZ").cn("No CRL sign"),
        cached_rsa_2048(3),
    )
    .ca(Some(0))
    .key_usage(&[KeyUsageBit::KeyCertSign])
    .validity(
        datetime!(2019-01-01 0:00 UTC),
        datetime!(2030-01-01 0:00 UTC),
    )
    .issued_by(&pki.root);
    let leaf = pki.individual_sign(IIN).issued_by(&no_crl_sign);
    let crl = CrlBuilder::new(&no_crl_sign)
        .revoke(&leaf.serial, BEFORE_AT, None)
        .build();
    let verifier = Verifier::new(vec![parse(&pki.root)])
        .with_intermediates(vec![parse(&no_crl_sign)])
        .with_crls(vec![parse_crl(&crl), parse_crl(&root_crl(&pki))]);
    assert_code(
        &verifier.verify(&signed_by(&leaf), None, &required(AT)),
        Code::RevocationUnknown,
    );
}

#[test]
fn a_weak_crl_is_no_crl_and_says_so() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let sha1 = pki
        .crl()
        .signature_scheme(SignatureScheme::RsaPkcs1(Digest::Sha1))
        .revoke(&leaf.serial, BEFORE_AT, None)
        .build();
    // One unusable CRL counts as no CRL for the certificates it would cover.
    let report = verify_with_crls(&pki, &leaf, std::slice::from_ref(&sha1), &at(AT));
    assert_code(&report, Code::Ok);
    assert!(
        report.signers[0]
            .warnings
            .iter()
            .any(|w| w.code == "CRL_IGNORED" && w.message.contains("SHA-1")),
        "{}",
        report.to_json()
    );
    assert_code(
        &verify_with_crls(&pki, &leaf, &[sha1, root_crl(&pki)], &required(AT)),
        Code::RevocationUnknown,
    );
}

#[test]
fn a_crl_with_an_unknown_critical_extension_is_not_used() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki
        .crl()
        .revoke(&leaf.serial, BEFORE_AT, None)
        .extension("1.3.6.1.4.1.99999.2", true, der::null())
        .build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[crl, root_crl(&pki)], &required(AT)),
        Code::RevocationUnknown,
    );
}

#[test]
fn crls_carried_in_the_cms_are_used() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki.crl().revoke(&leaf.serial, BEFORE_AT, None).build();
    let cms = CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .crl(crl)
        .signer(SignerSpec::new(&leaf))
        .build();
    assert_code(&verifier(&pki).verify(&cms, None, &at(AT)), Code::Revoked);
}

#[test]
fn an_indirect_crl_from_a_delegated_issuer_revokes() {
    let pki = TestPki::rsa();
    let crl_issuer_name = Name::new().country("KZ").cn("NCA CRL issuer");
    let crl_issuer = CertificateBuilder::new(crl_issuer_name.clone(), cached_rsa_2048(4))
        .key_usage(&[KeyUsageBit::CrlSign])
        .validity(
            datetime!(2019-01-01 0:00 UTC),
            datetime!(2030-01-01 0:00 UTC),
        )
        .issued_by(&pki.root);
    let uri = "http://test.pki.gov.kz/crl/indirect.crl";
    let leaf = pki
        .individual_sign(IIN)
        .crl_distribution_point_with_issuer(Some(uri), &crl_issuer_name)
        .issued_by(&pki.intermediate);
    let indirect = |flag: bool| {
        CrlBuilder::new(&crl_issuer)
            .issuing_distribution_point(Idp {
                uri: Some(uri.to_owned()),
                indirect_crl: flag,
                ..Idp::default()
            })
            .revoke_with_issuer(
                &leaf.serial,
                BEFORE_AT,
                Some(Reason::KeyCompromise),
                &pki.intermediate.subject,
            )
            .build()
    };
    let verifier_with = |crl: Vec<u8>| {
        Verifier::new(vec![parse(&pki.root)])
            .with_intermediates(vec![parse(&pki.intermediate), parse(&crl_issuer)])
            .with_crls(vec![parse_crl(&crl), parse_crl(&root_crl(&pki))])
    };
    assert_code(
        &verifier_with(indirect(true)).verify(&signed_by(&leaf), None, &required(AT)),
        Code::Revoked,
    );
    // Without the indirectCRL flag the delegated issuer's CRL does not cover the certificate.
    assert_code(
        &verifier_with(indirect(false)).verify(&signed_by(&leaf), None, &required(AT)),
        Code::RevocationUnknown,
    );
}

#[test]
fn delta_crls_add_revocations_and_lift_holds() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let base = pki.crl().number(1).build();
    let delta = pki
        .crl()
        .number(2)
        .delta_of(1)
        .revoke(&leaf.serial, BEFORE_AT, Some(Reason::Superseded))
        .build();
    assert_code(
        &verify_with_crls(
            &pki,
            &leaf,
            &[base.clone(), delta, root_crl(&pki)],
            &required(AT),
        ),
        Code::Revoked,
    );

    let held = pki
        .crl()
        .number(3)
        .revoke(&leaf.serial, BEFORE_AT, Some(Reason::CertificateHold))
        .build();
    let lifted = pki
        .crl()
        .number(4)
        .delta_of(3)
        .revoke(&leaf.serial, AT, Some(Reason::RemoveFromCrl))
        .build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[held.clone(), root_crl(&pki)], &required(AT)),
        Code::Revoked,
    );
    assert_code(
        &verify_with_crls(&pki, &leaf, &[held, lifted, root_crl(&pki)], &required(AT)),
        Code::Ok,
    );

    // A delta based on a later complete CRL than the one held does not apply.
    let unrelated = pki
        .crl()
        .number(9)
        .delta_of(5)
        .revoke(&leaf.serial, BEFORE_AT, None)
        .build();
    assert_code(
        &verify_with_crls(
            &pki,
            &leaf,
            &[base, unrelated, root_crl(&pki)],
            &required(AT),
        ),
        Code::Ok,
    );
}

#[test]
fn issuing_distribution_points_limit_a_crl_scope() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let scoped = |idp: Idp| {
        pki.crl()
            .issuing_distribution_point(idp)
            .revoke(&leaf.serial, BEFORE_AT, None)
            .build()
    };
    let cases = [
        (
            "only CA certificates",
            Idp {
                only_ca_certs: true,
                ..Idp::default()
            },
            Code::RevocationUnknown,
        ),
        (
            "only user certificates",
            Idp {
                only_user_certs: true,
                ..Idp::default()
            },
            Code::Revoked,
        ),
        (
            "another distribution point",
            Idp {
                uri: Some("http://test.pki.gov.kz/crl/other.crl".to_owned()),
                ..Idp::default()
            },
            Code::RevocationUnknown,
        ),
        (
            "the leaf's distribution point",
            Idp {
                uri: Some(pki.crl_uri.clone()),
                ..Idp::default()
            },
            Code::Revoked,
        ),
        (
            "only key compromise, listing the leaf",
            Idp {
                only_some_reasons: Some(vec![Reason::KeyCompromise]),
                ..Idp::default()
            },
            Code::Revoked,
        ),
    ];
    for (name, idp, expected) in cases {
        let report = verify_with_crls(&pki, &leaf, &[scoped(idp), root_crl(&pki)], &required(AT));
        assert_eq!(report.code, expected, "{name}: {}", report.to_json());
    }
    // A partition covering only some reasons, not listing the leaf, leaves the rest unknown.
    let partial = pki
        .crl()
        .issuing_distribution_point(Idp {
            only_some_reasons: Some(vec![Reason::KeyCompromise]),
            ..Idp::default()
        })
        .build();
    assert_code(
        &verify_with_crls(&pki, &leaf, &[partial, root_crl(&pki)], &required(AT)),
        Code::RevocationUnknown,
    );
}
