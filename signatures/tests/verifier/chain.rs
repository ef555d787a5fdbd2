//! Certification paths: building, CA constraints, name constraints, key rollover, validity
//! and critical extensions.

use crate::support::*;
use signatures::testing::{CertificateBuilder, KeyUsageBit, Name, TestPki, cached_rsa_2048, der};
use signatures::{Code, Verifier};
use time::macros::datetime;

const CA_USAGE: [KeyUsageBit; 2] = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
const LONG_AGO: time::OffsetDateTime = datetime!(2018-01-01 0:00 UTC);
const FAR_AHEAD: time::OffsetDateTime = datetime!(2038-01-01 0:00 UTC);

fn ca(name: &str, slot: usize) -> CertificateBuilder {
    CertificateBuilder::new(Name::new().country("KZ").cn(name), cached_rsa_2048(slot))
        .ca(None)
        .key_usage(&CA_USAGE)
        .validity(LONG_AGO, FAR_AHEAD)
}

#[test]
fn the_chain_runs_from_signer_to_anchor() {
    let pki = TestPki::rsa();
    let report = verifier(&pki).verify(&signed_by(&rsa_signer(&pki)), None, &at(AT));
    assert_code(&report, Code::Ok);
    let chain = &report.signers[0].chain;
    assert!(chain[0].subject.contains("SERIALNUMBER=IIN123456789011"));
    assert!(chain[1].subject.contains("ҰКО 3.0 (RSA TEST)"));
    assert_eq!(
        chain[2].subject, chain[2].issuer,
        "the anchor is self-signed"
    );
    assert!(chain.iter().all(|c| !c.serial_number.starts_with('0')));
}

#[test]
fn intermediates_may_come_from_the_cms() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let cms = signatures::testing::CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .certificate(&pki.intermediate)
        .signer(signatures::testing::SignerSpec::new(&leaf))
        .build();
    let only_root = Verifier::new(vec![parse(&pki.root)]);
    assert_code(&only_root.verify(&cms, None, &at(AT)), Code::Ok);
    assert_code(
        &only_root.verify(&signed_by(&leaf), None, &at(AT)),
        Code::UntrustedChain,
    );
}

#[test]
fn other_roots_are_not_trusted() {
    let pki = TestPki::rsa();
    let other = TestPki::ec_p256();
    let report = Verifier::new(vec![parse(&other.root)])
        .with_intermediates(vec![parse(&pki.intermediate)])
        .verify(&signed_by(&rsa_signer(&pki)), None, &at(AT));
    assert_code(&report, Code::UntrustedChain);
}

#[test]
fn an_intermediate_with_the_right_name_but_the_wrong_key_is_untrusted() {
    let pki = TestPki::rsa();
    let impostor_subject = Name::new().country("KZ").cn("ҰКО 3.0 (RSA TEST)");
    for with_key_ids in [true, false] {
        let mut impostor = CertificateBuilder::new(impostor_subject.clone(), cached_rsa_2048(5))
            .ca(Some(0))
            .key_usage(&CA_USAGE)
            .validity(LONG_AGO, FAR_AHEAD);
        let mut leaf = pki.individual_sign(IIN);
        if !with_key_ids {
            impostor = impostor.no_subject_key_id();
            leaf = leaf.no_authority_key_id();
        }
        let impostor = impostor.issued_by(&pki.root);
        let leaf = leaf.issued_by(&pki.intermediate);
        let verifier =
            Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&impostor)]);
        let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
        assert_code(&report, Code::UntrustedChain);
    }
}

#[test]
fn ca_constraints_are_enforced() {
    let pki = TestPki::rsa();
    let root = &pki.root;
    let cases = [
        ("not a CA", ca("Not a CA", 3).basic_constraints_ca_false()),
        (
            "no keyCertSign",
            ca("No cert sign", 3).key_usage(&[KeyUsageBit::CrlSign]),
        ),
    ];
    for (name, builder) in cases {
        let intermediate = builder.issued_by(root);
        let leaf = pki.individual_sign(IIN).issued_by(&intermediate);
        let verifier =
            Verifier::new(vec![parse(root)]).with_intermediates(vec![parse(&intermediate)]);
        let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
        assert_eq!(
            report.code,
            Code::UntrustedChain,
            "{name}: {}",
            report.to_json()
        );
    }
}

#[test]
fn path_length_constraints_count_only_non_self_issued_intermediates() {
    let pki = TestPki::rsa();
    // The test PKI's intermediate has pathLen 0: another CA below it is too deep.
    let sub = ca("Sub CA", 3).issued_by(&pki.intermediate);
    let leaf = pki.individual_sign(IIN).issued_by(&sub);
    let verifier_with_sub = verifier(&pki).with_intermediates(vec![parse(&sub)]);
    assert_code(
        &verifier_with_sub.verify(&signed_by(&leaf), None, &at(AT)),
        Code::UntrustedChain,
    );

    // Key rollover (RFC 4210 §4.4): the old root key certifies the new one in a self-issued
    // certificate; a path through it does not consume the root's pathLen 1.
    let old_root = ca("Root", 0).ca(Some(1)).self_signed();
    let new_root = ca("Root", 4).ca(Some(1)).self_signed();
    let new_with_old = ca("Root", 4).ca(Some(1)).issued_by(&old_root);
    let nca = ca("NCA", 1).ca(Some(0)).issued_by(&new_root);
    let leaf = pki.individual_sign(IIN).issued_by(&nca);
    let verifier = Verifier::new(vec![parse(&old_root)])
        .with_intermediates(vec![parse(&nca), parse(&new_with_old)]);
    let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::Ok);
    assert_eq!(report.signers[0].chain.len(), 4);
}

#[test]
fn cross_certified_loops_end() {
    let pki = TestPki::rsa();
    let a = ca("Loop A", 3);
    let b = ca("Loop B", 4);
    let a_self = a.clone().self_signed();
    let b_by_a = b.clone().issued_by(&a_self);
    let a_by_b = a.issued_by(&b_by_a);
    let leaf = pki.individual_sign(IIN).issued_by(&a_by_b);
    let verifier = Verifier::new(vec![parse(&pki.root)])
        .with_intermediates(vec![parse(&a_by_b), parse(&b_by_a)]);
    assert_code(
        &verifier.verify(&signed_by(&leaf), None, &at(AT)),
        Code::UntrustedChain,
    );
}

#[test]
fn name_constraints_on_directory_names_are_enforced() {
    let pki = TestPki::rsa();
    let kz = Name::new().country("KZ");
    let leaf_name_prefix = Name::new().cn("ТЕСТОВ ТЕСТ");
    let cases = [
        (
            "permitted C=KZ, leaf C=... outside",
            vec![kz.clone()],
            vec![],
            Code::UntrustedChain,
        ),
        (
            "permitted the leaf's first RDN",
            vec![leaf_name_prefix.clone()],
            vec![],
            Code::Ok,
        ),
        (
            "excluded the leaf's first RDN",
            vec![],
            vec![leaf_name_prefix],
            Code::UntrustedChain,
        ),
        (
            "excluded another subtree",
            vec![],
            vec![Name::new().country("RU")],
            Code::Ok,
        ),
    ];
    for (name, permitted, excluded, expected) in cases {
        let constrained = ca("Constrained", 3)
            .name_constraints(&permitted, &excluded)
            .issued_by(&pki.root);
        // The leaf's subject starts with CN=ТЕСТОВ ТЕСТ (NCA RK order), so C=KZ is not a prefix.
        let leaf = pki.individual_sign(IIN).issued_by(&constrained);
        let verifier =
            Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&constrained)]);
        let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
        assert_eq!(report.code, expected, "{name}: {}", report.to_json());
    }
}

#[test]
fn validity_is_checked_for_the_signer_and_every_ca() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);
    let cms = signed_by(&leaf);
    assert_code(
        &verifier.verify(&cms, None, &at(datetime!(2021-01-01 0:00 UTC))),
        Code::CertNotYetValid,
    );
    assert_code(
        &verifier.verify(&cms, None, &at(datetime!(2022-02-01 0:00 UTC))),
        Code::CertExpired,
    );

    let expired_ca = ca("Expired CA", 3)
        .validity(LONG_AGO, datetime!(2021-03-01 0:00 UTC))
        .issued_by(&pki.root);
    let leaf = pki.individual_sign(IIN).issued_by(&expired_ca);
    let verifier =
        Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&expired_ca)]);
    let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::CertExpired);
    assert!(
        report.signers[0].message.contains("Expired CA"),
        "{}",
        report.to_json()
    );
}

#[test]
fn the_link_cache_never_caches_validity() {
    let pki = TestPki::rsa();
    let verifier = verifier(&pki);
    let cms = signed_by(&rsa_signer(&pki));
    assert_code(&verifier.verify(&cms, None, &at(AT)), Code::Ok);
    assert_code(
        &verifier.verify(&cms, None, &at(datetime!(2023-01-01 0:00 UTC))),
        Code::CertExpired,
    );
    assert_code(&verifier.verify(&cms, None, &at(AT)), Code::Ok);
}

#[test]
fn unknown_critical_extensions_anywhere_in_the_path_are_refused() {
    let pki = TestPki::rsa();
    let unknown = "1.3.6.1.4.1.99999.1";
    let leaf = pki
        .individual_sign(IIN)
        .extension(unknown, true, der::null())
        .issued_by(&pki.intermediate);
    let report = verifier(&pki).verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::UnsupportedCriticalExtension);

    let ca_with = ca("Critical CA", 3)
        .extension(unknown, true, der::null())
        .issued_by(&pki.root);
    let leaf = pki.individual_sign(IIN).issued_by(&ca_with);
    let ca_verifier =
        Verifier::new(vec![parse(&pki.root)]).with_intermediates(vec![parse(&ca_with)]);
    assert_code(
        &ca_verifier.verify(&signed_by(&leaf), None, &at(AT)),
        Code::UnsupportedCriticalExtension,
    );

    // The same extension, not critical, is ignored.
    let leaf = pki
        .individual_sign(IIN)
        .extension(unknown, false, der::null())
        .issued_by(&pki.intermediate);
    assert_code(
        &verifier(&pki).verify(&signed_by(&leaf), None, &at(AT)),
        Code::Ok,
    );
}

#[test]
fn a_signer_certificate_configured_as_an_anchor_is_trusted_as_it_is() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = Verifier::new(vec![parse(&leaf)]);
    let report = verifier.verify(&signed_by(&leaf), None, &at(AT));
    assert_code(&report, Code::Ok);
    assert_eq!(report.signers[0].chain.len(), 1);
}
