//! Hostile input (issue 9, part A): one budget per verification, CRLs that cannot be gamed by
//! their order or staleness, and injected certificates and CRLs that change nothing.

use crate::support::*;
use signatures::testing::{
    CertificateBuilder, CmsBuilder, CrlBuilder, Digest, KeyUsageBit, Reason, SignatureScheme,
    SignerSpec, TestPki, cached_rsa_2048, rsa_spki,
};
use signatures::{Code, Options, Verifier};
use time::macros::datetime;

fn required() -> Options {
    Options {
        require_revocation: true,
        ocsp: Default::default(),
        ..at(AT)
    }
}

/// A CA certificate named like the PKI's intermediate, with the same key identifier and a key
/// of `spki` (a 16,384-bit one in the worst case), issued by the root.
fn look_alike(pki: &TestPki, spki: Option<Vec<u8>>) -> signatures::testing::Certificate {
    let builder = CertificateBuilder::new(pki.intermediate.subject.clone(), cached_rsa_2048(6))
        .subject_key_id(pki.intermediate.subject_key_id.clone())
        .ca(Some(0))
        .key_usage(&[KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign]);
    match spki {
        Some(spki) => builder.public_key_override(spki),
        None => builder,
    }
    .issued_by(&pki.root)
}

#[test]
fn sixty_four_signers_over_sixty_four_look_alike_issuers_cost_a_bounded_amount() {
    let pki = TestPki::rsa();
    // 63 look-alikes, the intermediate and 64 leaves: the CMS's 128 certificates at most.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..63 {
        builder = builder.certificate(&look_alike(&pki, Some(rsa_spki(16_384, 65_537))));
    }
    builder = builder.certificate(&pki.intermediate);
    let leaves: Vec<_> = (0..64).map(|_| rsa_signer(&pki)).collect();
    for leaf in &leaves {
        builder = builder.certificate(leaf).signer(SignerSpec::new(leaf));
    }
    let cms = builder.build();
    let lone = Verifier::new(vec![parse(&pki.root)]);
    let report = lone.verify(&cms, None, &at(AT));
    assert!(
        report.work.signature_checks <= 256 && report.work.path_steps <= 8192,
        "{:?}",
        report.work
    );
    // The look-alikes' keys are refused by size: no check is spent on them, and the honest
    // intermediate (its key identifier matches too) still makes every path.
    assert_code(&report, Code::Ok);
}

#[test]
fn the_budget_is_one_per_verification_and_exhaustion_is_budget_exceeded() {
    let pki = TestPki::rsa();
    // Look-alikes with distinct keys of a size that verifies (random moduli: no one holds
    // them): each costs a real check per leaf, 64 x 64 in all without a budget.
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..64 {
        builder = builder.certificate(&look_alike(&pki, Some(rsa_spki(2048, 65_537))));
    }
    for _ in 0..64 {
        let leaf = rsa_signer(&pki);
        builder = builder.certificate(&leaf).signer(SignerSpec::new(&leaf));
    }
    let cms = builder.build();
    let lone = Verifier::new(vec![parse(&pki.root)]);
    let report = lone.verify(&cms, None, &at(AT));
    assert!(report.work.signature_checks <= 256, "{:?}", report.work);
    let last = report.signers.last().expect("signers");
    assert_eq!(last.code, Code::BudgetExceeded, "{}", report.to_json());
    // Warm or cold, the verdict is the same: cached results cost the same.
    let again = lone.verify(&cms, None, &at(AT));
    assert_eq!(again.code, report.code);
    assert_eq!(again.work, report.work);
}

#[test]
fn injected_certificates_and_crls_that_cannot_be_verified_change_nothing() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    // A look-alike of the signer's certificate (same issuer and serial, another key), first.
    let impostor = pki
        .individual_sign(IIN)
        .serial(&leaf.serial)
        .issued_by(&look_alike(&pki, None));
    let sha1_crl = pki
        .crl()
        .signature_scheme(SignatureScheme::RsaPkcs1(Digest::Sha1))
        .build();
    let forged_crl = CrlBuilder::new(&pki.intermediate)
        .revoke(&leaf.serial, datetime!(2021-05-01 0:00 UTC), None)
        .signed_by(cached_rsa_2048(5))
        .build();
    let mut builder = CmsBuilder::new(CONTENT)
        .certificate(&impostor)
        .crl(sha1_crl)
        .crl(forged_crl);
    for _ in 0..64 {
        builder = builder.certificate(&look_alike(&pki, Some(rsa_spki(2048, 65_537))));
    }
    let cms = builder
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    let report = verifier(&pki).verify(&cms, None, &at(AT));
    assert_code(&report, Code::Ok);
    let warnings: Vec<&str> = report.signers[0].warnings.iter().map(|w| w.code).collect();
    assert!(warnings.contains(&"CERTIFICATE_IGNORED"), "{warnings:?}");
    assert!(warnings.contains(&"CRL_IGNORED"), "{warnings:?}");
    assert!(report.signers[0].warnings.len() <= 17);
}

#[test]
fn no_verdict_depends_on_the_order_of_crls() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let older = pki
        .crl()
        .number(1)
        .this_update(datetime!(2021-04-01 0:00 UTC))
        .build();
    let newer = pki
        .crl()
        .number(2)
        .this_update(datetime!(2021-05-15 0:00 UTC))
        .revoke(
            &leaf.serial,
            datetime!(2021-05-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .build();
    let root = CrlBuilder::new(&pki.root).build();
    for crls in [
        [older.clone(), newer.clone(), root.clone()],
        [newer.clone(), older.clone(), root.clone()],
    ] {
        let verifier = verifier(&pki).with_crls(crls.iter().map(|c| parse_crl(c)).collect());
        assert_code(
            &verifier.verify(&signed_by(&leaf), None, &required()),
            Code::Revoked,
        );
    }
    // A hold follows the newest CRL of its scope: lifted when the newer one no longer lists it.
    let held = pki
        .crl()
        .number(3)
        .this_update(datetime!(2021-05-01 0:00 UTC))
        .revoke(
            &leaf.serial,
            datetime!(2021-04-20 0:00 UTC),
            Some(Reason::CertificateHold),
        )
        .build();
    let released = pki
        .crl()
        .number(4)
        .this_update(datetime!(2021-05-20 0:00 UTC))
        .build();
    for crls in [
        [held.clone(), released.clone(), root.clone()],
        [released.clone(), held.clone(), root.clone()],
    ] {
        let verifier = verifier(&pki).with_crls(crls.iter().map(|c| parse_crl(c)).collect());
        assert_code(
            &verifier.verify(&signed_by(&leaf), None, &required()),
            Code::Ok,
        );
    }
    let verifier = verifier(&pki).with_crls(vec![parse_crl(&held), parse_crl(&root)]);
    assert_code(
        &verifier.verify(&signed_by(&leaf), None, &required()),
        Code::Revoked,
    );
}

#[test]
fn a_crl_signature_with_unused_bits_parses_and_is_an_invalid_crl() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki
        .crl()
        .revoke(&leaf.serial, datetime!(2021-05-01 0:00 UTC), None)
        .build();
    // The signature BIT STRING is the last TLV: its first content octet is the unused-bits count.
    let mut bad = crl.clone();
    let position = bad.len() - 257;
    assert_eq!(bad[position], 0, "the unused-bits octet");
    bad[position] = 1;
    let parsed = Verifier::crls_from(&bad, "bad.crl")
        .expect("parses")
        .remove(0);
    let good_root = parse_crl(&CrlBuilder::new(&pki.root).build());
    let verifier = verifier(&pki).with_crls(vec![parsed, good_root]);
    let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::Ok);
    assert!(
        report.signers[0]
            .warnings
            .iter()
            .any(|w| w.code == "CRL_IGNORED"),
        "{}",
        report.to_json()
    );
}

#[test]
fn many_certificates_named_like_the_crl_issuer_cost_a_bounded_number_of_checks() {
    // The CRL-signer lookup worst case: the CMS carries 126 CAs named like the intermediate
    // (its key identifier too, keys that verify nothing), then the intermediate itself, and
    // the CRLs that cover the path. The path's own issuer is tried first as the CRL's signer,
    // so the CRLs cost their own two checks and no path step, where a fresh path per
    // look-alike would cost 126 paths; the look-alikes cost the signer's path building one
    // check each, all from the verification's one budget.
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let mut builder = CmsBuilder::new(CONTENT);
    for _ in 0..126 {
        builder = builder.certificate(&look_alike(&pki, Some(rsa_spki(2048, 65_537))));
    }
    let builder = builder.certificate(&pki.intermediate).certificate(&leaf);
    let without_crls = builder.clone().signer(SignerSpec::new(&leaf)).build();
    let with_crls = builder
        .crl(pki.crl().build())
        .crl(CrlBuilder::new(&pki.root).build())
        .signer(SignerSpec::new(&leaf))
        .build();
    // The intermediate configured, or found among the look-alikes.
    let configured = verifier(&pki);
    let lone = Verifier::new(vec![parse(&pki.root)]);
    for (name, verifier) in [("configured", &configured), ("lone", &lone)] {
        let base = verifier.verify(&without_crls, None, &at(AT)).work;
        let report = verifier.verify(&with_crls, None, &required());
        assert_code(&report, Code::Ok);
        let work = report.work;
        assert!(
            work.signature_checks <= 132 && work.path_steps <= 130,
            "{name}: {work:?}"
        );
        assert!(
            work.signature_checks - base.signature_checks <= 2
                && work.path_steps - base.path_steps <= 2,
            "{name}: the CRLs cost {work:?} against {base:?} without them"
        );
    }
}

/// Verifies a CMS carrying `certificates` in the order `cert_order`, with the CRLs in the
/// order `crl_order`, each configured or embedded as `embed` says; the verdict.
fn verdict_in_order(
    pki: &TestPki,
    leaf: &signatures::testing::Certificate,
    certificates: &[signatures::testing::Certificate],
    crls: &[Vec<u8>],
    (cert_order, crl_order, embed): &(Vec<usize>, Vec<usize>, Vec<bool>),
) -> (bool, Code) {
    let mut builder = CmsBuilder::new(CONTENT);
    for &i in cert_order {
        builder = builder.certificate(&certificates[i]);
    }
    let mut configured = Vec::new();
    for (&i, &embedded) in crl_order.iter().zip(embed) {
        if embedded {
            builder = builder.crl(crls[i].clone());
        } else {
            configured.push(parse_crl(&crls[i]));
        }
    }
    let cms = builder.signer(SignerSpec::new(leaf)).build();
    let report = Verifier::new(vec![parse(&pki.root)])
        .with_crls(configured)
        .verify(&cms, None, &required());
    (report.valid, report.code)
}

#[test]
fn shuffling_certificates_and_crls_never_changes_the_verdict() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let impostor = pki
        .individual_sign(IIN)
        .serial(&leaf.serial)
        .issued_by(&look_alike(&pki, None));
    let certificates = vec![
        leaf.clone(),
        pki.intermediate.clone(),
        impostor,
        look_alike(&pki, Some(rsa_spki(2048, 65_537))),
        look_alike(&pki, None),
    ];
    let root = CrlBuilder::new(&pki.root).build();
    let sha1 = pki
        .crl()
        .signature_scheme(SignatureScheme::RsaPkcs1(Digest::Sha1))
        .build();
    let forged = CrlBuilder::new(&pki.intermediate)
        .number(9)
        .this_update(datetime!(2021-05-25 0:00 UTC))
        .signed_by(cached_rsa_2048(5))
        .build();
    let crl = |number, this_update, revocation: Option<(time::OffsetDateTime, Reason)>| {
        let builder = pki.crl().number(number).this_update(this_update);
        match revocation {
            Some((at, reason)) => builder.revoke(&leaf.serial, at, Some(reason)),
            None => builder,
        }
        .build()
    };
    let scenarios = [
        // An older CRL that does not list the leaf, a newer one that revokes it: revoked.
        (
            vec![
                crl(1, datetime!(2021-04-01 0:00 UTC), None),
                crl(
                    2,
                    datetime!(2021-05-15 0:00 UTC),
                    Some((datetime!(2021-05-01 0:00 UTC), Reason::KeyCompromise)),
                ),
                root.clone(),
                sha1.clone(),
                forged.clone(),
            ],
            Code::Revoked,
        ),
        // A hold that the newest CRL of its scope lifts: valid.
        (
            vec![
                crl(
                    3,
                    datetime!(2021-05-01 0:00 UTC),
                    Some((datetime!(2021-04-20 0:00 UTC), Reason::CertificateHold)),
                ),
                crl(4, datetime!(2021-05-20 0:00 UTC), None),
                root,
                sha1,
                forged,
            ],
            Code::Ok,
        ),
    ];
    for (crls, expected) in scenarios {
        let canonical = (
            (0..certificates.len()).collect::<Vec<_>>(),
            (0..crls.len()).collect::<Vec<_>>(),
            vec![true; crls.len()],
        );
        let reference = verdict_in_order(&pki, &leaf, &certificates, &crls, &canonical);
        assert_eq!(reference.1, expected);
        let orders = (
            Just(canonical.0.clone()).prop_shuffle(),
            Just(canonical.1.clone()).prop_shuffle(),
            proptest::collection::vec(any::<bool>(), crls.len()),
        );
        let mut runner = TestRunner::new(Config {
            cases: 12,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&orders, |order| {
                let verdict = verdict_in_order(&pki, &leaf, &certificates, &crls, &order);
                prop_assert_eq!(verdict, reference, "order {:?}", order);
                Ok(())
            })
            .unwrap();
    }
}
